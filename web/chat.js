/*
 * The chat, wired up (loaded last; widget.js lists the scripts): turns, retries, this device's
 * conversations, feedback, handoff. Defines window.SupportChat.mount.
 */
(function () {
  "use strict";

  var SupportChat = window.SupportChat;
  var transportLib = SupportChat.transport;
  var HISTORY_PAGE = 50;
  var AUTO_RESUMES = 2; // silent reconnects after a dropped stream before asking the shopper

  /** What the shopper is told, per error code, in the chat's language: plain words, never the
   * server's own text. */
  function wordsIn(t) {
    return {
      model_rate_limited: t("Our assistant is very busy right now. Please try again in a moment."),
      model_unavailable: t("Our assistant is unavailable right now. Please try again in a moment."),
      model_timeout: t("The answer took too long. Please try again."),
      model_stream_broken: t("The answer was cut off. Please try again."),
      model_auth_failed: t("The chat is not set up correctly on our side. Please contact us another way."),
      model_not_configured: t("The chat is not set up correctly on our side. Please contact us another way."),
      model_rejected: t("We couldn't answer this message. Try asking it another way."),
      empty_answer: t("We couldn't find an answer this time. Please try again."),
      answer_lost: t("This answer was interrupted. Please try again."),
      answer_not_saved: t("This answer may be missing if you reload the page."),
      resume_unavailable: t("We can't show the rest of this answer right now. Please reload in a moment."),
      internal_error: t("Something went wrong on our side. Please try again."),
      network: t("The connection to the chat was lost. Please try again in a moment."),
      rate_limited: t("You're sending messages a little fast. Please wait a moment, then send again."),
      unavailable: t("We can't reach the chat right now. Your message is kept below: try again in a moment."),
      message_too_long: t("This message is too long. Please shorten it to 4,000 characters or fewer."),
      conversation_not_found: t("This conversation has expired. Your message is kept below: send it to start a new conversation."),
      refused: t("This message couldn't be sent. Please check it and try again."),
      history: t("We couldn't load your conversation."),
      unsent: t("Your last message wasn't sent. It is in the box below."),
      gone: t("This conversation is no longer available. Ask a question to start a new one."),
      handedBack: t("Our team has handed this conversation back to the assistant."),
      resolved: t("Our team has marked this conversation as resolved. The assistant answers from here on."),
    };
  }
  var HTTP_WORDS = {
    429: "rate_limited", 408: "unavailable", 413: "message_too_long", 404: "conversation_not_found",
  };

  function words(said, code) {
    return said[code] || said.internal_error;
  }

  function httpWords(said, outcome) {
    if (said[outcome.code]) return said[outcome.code];
    if (HTTP_WORDS[outcome.status]) return said[HTTP_WORDS[outcome.status]];
    return outcome.status >= 500 ? said.unavailable : said.refused;
  }

  function timeOf(message) {
    var date = message.created_at ? new Date(message.created_at) : new Date();
    return isNaN(date.getTime()) ? new Date() : date;
  }

  /**
   * Build the chat inside `root` (an element or a shadow root).
   * options: chatStreamUrl, historyUrl, mode ("knowledge"?), title, agentName, avatar, greeting,
   * subtitle, lang (its texts come from web/i18n/<lang>.js, loaded before), variant
   * ("page"|"widget"), onClose, onReply and onPeople (widget only).
   */
  function mount(root, options) {
    var t = SupportChat.i18n.translator((options || {}).lang);
    var cfg = { title: t("Customer support"), agentName: t("Support"), variant: "page" };
    // An option left unset (no data-agent-name, say) keeps its default.
    Object.keys(options || {}).forEach(function (key) {
      if (options[key] !== undefined && options[key] !== null && options[key] !== "") cfg[key] = options[key];
    });
    cfg.t = t;
    var WORDS = wordsIn(t);
    if (!cfg.chatStreamUrl || !cfg.historyUrl) throw new Error("SupportChat: chatStreamUrl and historyUrl are required");
    var transport = transportLib.createTransport(cfg);
    var store = SupportChat.store.createStore(cfg.chatStreamUrl);
    var view = SupportChat.view.createView(root, cfg);
    var conversation = null; // {id, token}
    var emailLeft = false; // for the team's reply, in this conversation
    var currentTurn = null;
    var busy = false;
    var coolingDown = false;
    var destroyed = false;
    var nextBefore = null;
    var rendered = {}; // message id -> its row, so nothing is shown twice
    var latest = {}; // question id -> its latest answer's id, over every page shown
    var unsentShown = null; // a restored notice ("wasn't sent", "no longer available"), until a send
    var suggestions = [];
    var following = null; // the open /history/events stream
    var refused = null;

    function slot() {
      return conversation ? conversation.id : "new";
    }

    // While an answer streams the log is busy: a screen reader reads the answer once, finished.
    function setBusy(value) {
      busy = value;
      view.sendButton.disabled = busy || coolingDown;
      view.container.classList.toggle("sc-busy", value);
      view.messages.setAttribute("aria-busy", String(value));
    }

    function forgetConversation() {
      if (conversation) store.forget(conversation.id);
      view.clearMessages();
      unfollow();
      view.staffedMode(false);
      conversation = null;
      emailLeft = false;
      setWaiting(false);
      people();
    }

    function setComposer(text) {
      view.input.value = text;
      view.autosize();
      store.saveDraft(slot(), text);
    }

    // -- one turn: a question and its streamed answer

    function newTurn(message) {
      var unsent = store.unsent(slot());
      return {
        // The same refused message sent again reuses its id: the server never stores it twice.
        clientMessageId: unsent && unsent.message === message ? unsent.clientMessageId : transportLib.newClientMessageId(),
        // A first message proposes its conversation; sending it again proposes the same one.
        proposed: (unsent && unsent.message === message && unsent.proposed) || null,
        message: message,
        slot: slot(),
        userEl: null,
        answerEl: null,
        answerId: null,
        text: "",
        offset: 0,
        autoResumes: 0,
        controller: null,
        failure: null,
      };
    }

    function clearFailure(turn) {
      if (turn.failure) turn.failure.remove();
      turn.failure = null;
    }

    function showFailure(turn, text, retry, waitSeconds) {
      clearFailure(turn);
      var onRetry = retry
        ? function () {
            if (busy) return;
            clearFailure(turn);
            retry();
          }
        : null;
      if (turn.answerEl) turn.answerEl.classList.add("sc-msg--failed");
      turn.failure = view.showFailure(text, onRetry, waitSeconds);
    }

    function send(text) {
      text = String(text || "").trim();
      if (busy || coolingDown || !text) return false;
      var turn = newTurn(text);
      if (refused) clearFailure(refused);
      if (unsentShown) { // sent now
        unsentShown.remove();
        unsentShown = null;
      }
      view.disableOldRetries();
      view.chips.hidden = true;
      turn.userEl = view.append(view.row("user", { text: text }));
      startTurn(turn, "post");
      return true;
    }

    function proposal(turn) {
      if (!turn.proposed) turn.proposed = transportLib.proposeConversation();
      return turn.proposed;
    }

    /** how: "post" asks (or asks again, same client_message_id); "resume" follows an answer. */
    function startTurn(turn, how) {
      clearFailure(turn);
      setBusy(true);
      if (how === "post") {
        // The server answers from the beginning: a replay of the stored answer or a new one.
        turn.text = "";
        turn.offset = 0;
      }
      if (!turn.answerEl) turn.answerEl = view.append(view.row("assistant", {}));
      turn.answerEl.classList.remove("sc-msg--failed");
      view.renderAnswer(turn);
      currentTurn = turn;
      if (!turn.text) view.announce(t("The agent is typing…"));
      var controller = new AbortController();
      turn.controller = controller;
      var handlers = answerHandlers(turn);
      var streamed =
        how === "post"
          ? transport.ask(turn, conversation || proposal(turn), controller.signal, handlers)
          : transport.resume(turn.answerId, turn.offset, conversation, controller.signal, handlers);
      streamed.then(function (outcome) {
        if (destroyed || currentTurn !== turn || outcome.kind === "aborted") return;
        finishTurn(turn, outcome);
      });
    }

    function answerHandlers(turn) {
      return {
        meta: function (data) {
          if (data.conversation_id && data.conversation_token) {
            conversation = { id: data.conversation_id, token: data.conversation_token };
          }
          if (conversation) store.touch(conversation, turn.message);
          store.saveUnsent(turn.slot, null); // the server has the question now
          showPersonButton();
          turn.answerId = data.assistant_message_id || turn.answerId;
          if (turn.answerId) rendered[turn.answerId] = turn.answerEl;
          if (!view.withPeople()) answeredFrom(data.answer_source);
        },
        delta: function (text, offset) {
          turn.text += text;
          turn.offset = offset === null ? turn.offset + transportLib.codePoints(text) : offset;
          turn.autoResumes = 0; // progress: a later drop gets its own silent reconnects
          view.scheduleRender(turn);
        },
      };
    }

    function finishTurn(turn, outcome) {
      view.flushRender(turn);
      view.announce(""); // nobody is typing any more
      if (outcome.kind === "done") {
        currentTurn = null;
        setBusy(false);
        if (outcome.finishReason === "handoff") {
          // Asked for a person (or a person has it): staff replies and status come through
          // the events stream. A notice is not rated.
          if (!turn.text) turn.answerEl.remove(); // a person is chatting: no notice
          if (!following) setWaiting(true);
          follow();
        } else {
          addExtras(turn.answerEl, turn.answerId, function () { return turn.text; }, outcome.sources);
        }
        if (cfg.onReply) cfg.onReply();
        return;
      }
      if (outcome.kind === "network" && turn.answerId && turn.autoResumes < AUTO_RESUMES) {
        // The answer goes on being written on the server: reconnect and pick it up.
        turn.autoResumes += 1; // the log stays busy
        setTimeout(function () {
          if (currentTurn === turn && !destroyed) startTurn(turn, "resume");
        }, 500 * turn.autoResumes);
        return;
      }
      currentTurn = null;
      setBusy(false);
      if (outcome.kind === "http") return unsent(turn, outcome);
      var again = function (mode) {
        return function () {
          turn.autoResumes = 0;
          view.disableOldRetries();
          startTurn(turn, mode);
        };
      };
      if (!turn.text) {
        // No empty bubble that looks like it is loading: the notice says what happened.
        turn.answerEl.remove();
        turn.answerEl = null;
      }
      if (outcome.kind === "network") {
        showFailure(turn, WORDS.network, again(turn.answerId ? "resume" : "post"));
      } else {
        showFailure(turn, words(WORDS, outcome.code), outcome.retryable ? again("post") : null);
      }
    }

    /** Refused before it was stored: the question goes back to the composer (kept on reload). */
    function unsent(turn, outcome) {
      turn.answerEl.remove();
      turn.answerEl = null;
      if (turn.userEl) turn.userEl.remove();
      var text = httpWords(WORDS, outcome);
      if (outcome.status === 404 && conversation) forgetConversation();
      if (!view.input.value.trim()) setComposer(turn.message);
      store.saveUnsent(slot(), turn);
      refused = turn;
      var retry = outcome.status === 413 || (outcome.status < 500 && outcome.status !== 429 && outcome.status !== 404 && outcome.status !== 408) ? null : submitComposer;
      if (outcome.status === 429) {
        var wait = outcome.retryAfter || 5;
        coolingDown = true;
        setBusy(false);
        view.startCooldown(wait, function () {
          coolingDown = false;
          setBusy(busy);
        });
        showFailure(turn, text, retry, wait);
      } else {
        showFailure(turn, text, retry);
      }
      view.input.focus();
    }

    // -- finished answers: sources, copy and feedback

    function addExtras(row, messageId, text, sources) {
      if (!row) return;
      view.answerExtras(row, {
        // The shop's knowledge base names its sources in the answer, in the shopper's language:
        // list them again only when the text does not already.
        sources: (sources || []).filter(function (s) { return text().indexOf(s.title || s.key) < 0; }),
        copy: function () { return copyText(SupportChat.dom.plainText(text())); },
        rating: messageId ? store.rating(messageId) : null,
        rate: messageId && conversation ? function (rating, comment) { return rate(messageId, rating, comment); } : null,
      });
    }

    function copyText(text) {
      if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
      var scratch = document.createElement("textarea");
      scratch.value = text;
      view.container.appendChild(scratch);
      scratch.select();
      document.execCommand("copy");
      scratch.remove();
      return Promise.resolve();
    }

    /** Kept here once the server has it; resolves whether it does. */
    function rate(messageId, rating, comment) {
      return transport.feedback(conversation, messageId, rating, comment).then(function (ok) {
        if (ok) store.saveRating(messageId, rating);
        view[ok ? "announce" : "notice"](ok ? t("Thanks for your feedback.") : t("Your feedback could not be sent. Please try again later."));
        return ok;
      });
    }

    // -- a person: handoff, live replies and status

    function setWaiting(waiting) {
      view.waitingMode(waiting);
      showPersonButton();
      if (waiting) people();
    }

    /** For the widget: whether our team has the conversation. */
    function people() {
      if (cfg.onPeople) cfg.onPeople(view.withPeople());
    }

    /** "Talk to a person" until one is asked for; then "Leave your email". */
    function showPersonButton() {
      var offerEmail = !!conversation && view.waitingOnly() && !emailLeft;
      view.offerEmail(offerEmail);
      view.personButton.hidden = !conversation || (view.withPeople() && !offerEmail);
      if (view.personButton.hidden) view.handoffForm.hidden = true;
    }

    function showStaffMessage(message) {
      if (!message || !message.id || rendered[message.id]) return;
      if (message.role !== "agent") return; // the rest comes through chat_stream
      // Read out by the log as "Sam (staff): ...": no second announcement.
      rendered[message.id] = view.append(view.row("agent", { text: message.content, markdown: true, author: message.author, time: timeOf(message) }));
      if (cfg.onReply) cfg.onReply(timeOf(message).getTime(), true);
    }

    /** The conversation's handoff status; ``live``: it changed just now (not on a restore). */
    function showStatus(data, live) {
      var status = String((data && (data.status || data.state)) || "");
      if (/waiting/.test(status)) setWaiting(true);
      else if (/human|agent|claimed|assigned/.test(status)) {
        view.staffedMode(true);
        setWaiting(false);
      } else if (status) {
        var hadPeople = view.withPeople();
        view.staffedMode(false);
        setWaiting(false);
        // The shopper is told a person has left, not only by a changed subtitle.
        if (live && hadPeople) leftNotice(status);
      }
      people();
    }

    function leftNotice(status) {
      view.notice(/resolved/.test(status) ? WORDS.resolved : WORDS.handedBack);
    }

    /**
     * Follow /history/events while this conversation is shown; reconnects with backoff. From
     * `shownUpTo` (the history's `last_event_id`): what a restored page shows is not news.
     */
    function follow(shownUpTo) {
      if (following || !conversation) return;
      var controller = new AbortController();
      var forConversation = conversation;
      var lastEventId = typeof shownUpTo === "number" ? String(shownUpTo) : null;
      var delay = 1000;
      following = controller;
      (function connect() {
        transport.events(forConversation, lastEventId, controller.signal, function (event) {
          delay = 1000;
          if (event.event === "message") showStaffMessage(event.data);
          else if (event.event === "status") showStatus(event.data, true);
        }).then(function (result) {
          lastEventId = result.lastEventId;
          if (controller.signal.aborted || destroyed) return;
          if (result.status === 404) { // erased meanwhile: say so, as a reload would
            forgetConversation();
            showEmpty();
            return unsentShown = view.notice(WORDS.gone);
          }
          if (result.status === 401 || result.status === 403) return following = null;
          setTimeout(connect, delay);
          delay = Math.min(delay * 2, 30000);
        });
      })();
    }

    function unfollow() {
      if (following) following.abort();
      following = null;
    }

    view.personButton.addEventListener("click", function () {
      view.handoffForm.hidden = false;
      view.email.focus();
    });
    view.handoffCancel.addEventListener("click", function () {
      view.handoffForm.hidden = true;
      view.personButton.focus();
    });
    var badEmail;
    view.handoffForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!conversation) return;
      if (badEmail) badEmail.remove(); // corrected: the old complaint goes
      view.handoffSend.disabled = true;
      var email = view.email.value.trim();
      var onlyEmail = view.waitingOnly();
      transport.handoff(conversation, email).then(function (result) {
        view.handoffSend.disabled = false;
        var error = result.body.error || {};
        if (result.status === 400 && /^email\b/.test(error.message || "")) {
          badEmail = view.notice(t("That email address doesn't look right. Please check it, or leave it empty."));
          view.email.focus();
          return;
        }
        if (result.status < 200 || result.status >= 300) {
          view.notice(t("We couldn't reach our team just now. Please try again in a moment."));
          return;
        }
        view.handoffForm.hidden = true;
        emailLeft = !!email;
        setWaiting(true);
        if (onlyEmail) view.notice(t("Thanks. Our team will also reply to {email}.", { email: email }));
        // The server's words (with the hours when the team is away), as a reload shows them.
        else if (result.body.message) view.append(view.row("assistant", { text: result.body.message, markdown: true }));
        view.input.focus();
        follow();
      });
    });

    // -- showing a conversation: a new one, or one restored from the server

    // Whether answers come from the knowledge base (the header says so): the warm start's
    // ``mode`` decides; an answer's source only while that is unknown (an old answer, or a FAQ
    // answered directly, says nothing of the next).
    var modeKnown = false;
    function answeredFrom(source) {
      if (source === "model") view.knowledgeMode(false);
      else if (source === "knowledge" && !modeKnown) view.knowledgeMode(true);
    }

    function renderStored(message) {
      if (message.role === "assistant") answeredFrom(message.source);
      var time = timeOf(message);
      if (message.role === "user") return view.row("user", { text: message.content, time: time });
      if (message.role === "agent") {
        if (cfg.onReply) cfg.onReply(time.getTime());
        return view.row("agent", { text: message.content, markdown: true, author: message.author, time: time });
      }
      if (!message.content && message.status !== "streaming") return null; // a failed answer: its notice says so
      var row = view.row("assistant", { text: message.content, markdown: true, time: time });
      if (message.status === "interrupted") row.classList.add("sc-msg--interrupted");
      if (message.status === "complete" && message.source !== "handoff") {
        // A handoff notice is not an answer to rate (as when it streamed).
        var rating = message.feedback && message.feedback.rating;
        if (rating && !store.rating(message.id)) store.saveRating(message.id, rating);
        addExtras(row, message.id, function () { return message.content; }, message.sources);
      }
      return row;
    }

    /** Rows for stored messages; ``older``: a page before the newest (whose last turn
     * continueLastTurn shows). An earlier answer cut off or failed keeps its notice. */
    function renderAll(messages, older) {
      // An attempt answered again (Retry) gives way to its question's latest answer, also
      // when that answer is on a newer page (shown first).
      var rows = [];
      var here = {};
      messages.forEach(function (m) { if (m.reply_to_id) here[m.reply_to_id] = m.id; });
      Object.keys(here).forEach(function (q) { if (!older || !latest[q]) latest[q] = here[q]; });
      messages.forEach(function (message, i) {
        if ((latest[message.reply_to_id] || message.id) !== message.id) return;
        var row = renderStored(message);
        if (row) rows.push(rendered[message.id] = row);
        if (/failed|interrupted/.test(message.status) && (older || i < messages.length - 1)) {
          rows.push(view.failed(t("This answer was not finished.")));
        }
      });
      return rows;
    }

    /** One page of history; forgets the conversation when the server no longer knows it. */
    function fetchHistory(before) {
      var forConversation = conversation;
      return transport.history(forConversation, before, HISTORY_PAGE).then(function (page) {
        if (forConversation !== conversation) return undefined; // switched away meanwhile (null: gone)
        if (!page) forgetConversation();
        return page;
      });
    }

    function showEmpty() {
      view.chips.hidden = !suggestions.length;
    }

    /** Draw the active conversation (or a new one) from scratch. */
    function restore() {
      conversation = store.active();
      emailLeft = false;
      rendered = {};
      latest = {};
      nextBefore = null;
      view.clearMessages();
      setWaiting(false);
      view.staffedMode(false);
      view.input.value = store.draft(slot());
      view.autosize();
      var unsentNote = function () {
        var pending = store.unsent(slot());
        if (pending && view.input.value.trim() === pending.message) unsentShown = view.notice(WORDS.unsent);
      };
      if (!conversation) {
        showEmpty();
        unsentNote();
        people();
        return Promise.resolve();
      }
      view.chips.hidden = true;
      showPersonButton();
      var loading = view.loading();
      var shown = conversation;
      return fetchHistory(null)
        .then(function (page) {
          loading.remove();
          if (!page) {
            // Erased by staff, or expired, since the shopper was here (not switched away).
            if (page === null) unsentShown = view.notice(WORDS.gone);
            return showEmpty();
          }
          renderAll(page.messages).forEach(view.append);
          showEarlier(page);
          view.scrollToBottom();
          if (!page.messages.length) showEmpty();
          continueLastTurn(page.messages);
          unsentNote();
          var status = page.status || page.handoff_status;
          showStatus({ status: status });
          // Handed back or resolved with nothing since (a person's reply, or the notice that one
          // was asked for): the shopper is still told so.
          var last = page.messages[page.messages.length - 1];
          if (last && (last.role === "agent" || last.source === "handoff") && /resolved|assistant/.test(status)) leftNotice(status);
          if (/waiting|human/.test(String(status || "")) || page.messages.some(function (m) { return m.role === "agent"; })) follow(page.last_event_id);
        })
        .catch(function () {
          loading.remove();
          if (shown !== conversation) return;
          var failed = { answerEl: null, failure: null };
          showFailure(failed, WORDS.history, restore);
        });
    }

    function showEarlier(page) {
      nextBefore = page.has_more ? page.next_before : null;
      view.earlierButton.hidden = !nextBefore;
    }

    view.earlierButton.addEventListener("click", function () {
      if (!nextBefore || !conversation) return;
      view.earlierButton.disabled = true;
      fetchHistory(nextBefore)
        .then(function (page) {
          if (!page) return;
          view.prepend(renderAll(page.messages, 1));
          showEarlier(page);
        })
        .catch(function () {})
        .then(function () { view.earlierButton.disabled = false; });
    });

    /** Follow an answer still being written; offer a retry for one that failed. */
    function continueLastTurn(stored) {
      var answer = stored[stored.length - 1];
      if (!answer || answer.role !== "assistant") return;
      var question = null;
      for (var i = stored.length - 2; i >= 0; i--) {
        if (stored[i].role === "user") { question = stored[i]; break; }
      }
      var turn = newTurn(question ? question.content : "");
      if (question && question.client_message_id) turn.clientMessageId = question.client_message_id;
      turn.answerId = answer.id;
      turn.text = answer.content || "";
      turn.offset = transportLib.codePoints(turn.text);
      turn.answerEl = rendered[answer.id] || null;
      if (answer.status === "streaming") {
        startTurn(turn, "resume");
      } else if (answer.status === "failed" || answer.status === "interrupted") {
        var canRetry = question && question.client_message_id;
        showFailure(
          turn,
          answer.error_code ? words(WORDS, answer.error_code) : WORDS.answer_lost,
          canRetry ? function () { startTurn(turn, "post"); } : null
        );
      }
    }

    // -- controls

    function leaveCurrent() {
      if (currentTurn && currentTurn.controller) currentTurn.controller.abort();
      currentTurn = null;
      unfollow();
      setBusy(false);
      view.handoffForm.hidden = true;
      view.toggleConversations(false);
    }

    /** A fresh conversation; the old one stays in the list. */
    function newConversation() {
      leaveCurrent();
      store.setActive(null);
      var ready = restore();
      view.announce(t("Started a new conversation."));
      view.input.focus();
      return ready;
    }

    function openConversation(id) {
      leaveCurrent();
      store.setActive(id);
      var ready = restore();
      view.input.focus();
      return ready;
    }

    function submitComposer() {
      if (send(view.input.value)) setComposer("");
      view.input.focus();
    }

    view.form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitComposer();
    });
    view.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (!busy) submitComposer();
      }
    });
    view.input.addEventListener("input", function () {
      view.autosize();
      store.saveDraft(slot(), view.input.value);
    });
    view.newButton.addEventListener("click", newConversation);
    view.startButton.addEventListener("click", newConversation);
    function showList(open) {
      if (open) view.showConversations(store.list(), conversation && conversation.id, openConversation);
      view.toggleConversations(open);
      (open ? view.startButton : view.listButton).focus(); // closed: back to the button that opened it
    }
    view.listButton.addEventListener("click", function () { showList(view.listPanel.hidden); });
    view.container.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !(view.listPanel.hidden && view.handoffForm.hidden)) {
        event.stopPropagation(); // the list or the form closes, not the widget
        view.listPanel.hidden ? view.handoffCancel.click() : showList(false);
      }
    });
    if (view.closeButton && cfg.onClose) view.closeButton.addEventListener("click", cfg.onClose);

    var ready = restore();
    var warm = transport.suggestions().then(function (found) {
      if (!found || destroyed) return;
      if (found.mode === "knowledge" || found.mode === "model") {
        modeKnown = true;
        view.knowledgeMode(found.mode === "knowledge");
      }
      suggestions = Array.isArray(found.suggestions) ? found.suggestions : [];
      view.showChips(suggestions, function (question) {
        if (send(question)) view.input.focus();
      });
      view.chips.hidden = true;
      if (!view.messages.querySelector(".sc-msg--user, .sc-loading")) showEmpty();
    });

    return {
      element: view.container,
      ready: ready,
      warm: warm,
      send: send,
      newConversation: newConversation,
      openConversation: openConversation,
      focus: function () { // also sizes and scrolls what loaded in the closed widget
        view.autosize();
        view.scrollToBottom();
        view.input.focus();
      },
      destroy: function () {
        destroyed = true;
        leaveCurrent();
        view.container.remove();
      },
    };
  }

  SupportChat.mount = mount;
  SupportChat.renderMarkdown = SupportChat.dom.renderMarkdown;
  SupportChat.KNOWLEDGE_NOTICE = SupportChat.view.KNOWLEDGE_NOTICE;
})();
