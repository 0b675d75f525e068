/*
 * The support chat, shared by the full page (index.html) and the widget (widget.js).
 *
 * Classic scripts (no modules, no build step) so the widget can load them from a CDN on any
 * shop's page without CORS. Load order: chat-dom.js, chat-transport.js, chat-store.js,
 * chat-view.js, then this file, which wires them together: a turn's lifecycle, the retry
 * policy and restoring after a reload. Defines window.SupportChat.mount.
 */
(function () {
  "use strict";

  var SupportChat = window.SupportChat;
  var transportLib = SupportChat.transport;
  var HISTORY_PAGE = 50;
  var AUTO_RESUMES = 2; // silent reconnects after a dropped stream before asking the shopper

  /**
   * Build the chat inside `root` (an element or a shadow root).
   * options: chatStreamUrl, historyUrl, mode ("knowledge"?), title, greeting,
   * variant ("page"|"widget"), onClose (widget only).
   */
  function mount(root, options) {
    var cfg = Object.assign({ title: "Customer support", variant: "page" }, options || {});
    if (!cfg.chatStreamUrl || !cfg.historyUrl) throw new Error("SupportChat: chatStreamUrl and historyUrl are required");
    var transport = transportLib.createTransport(cfg);
    var store = SupportChat.store.createStore(cfg.chatStreamUrl);
    var view = SupportChat.view.createView(root, cfg);
    var conversation = null; // {id, token}
    var currentTurn = null;
    var busy = false;
    var destroyed = false;
    var nextBefore = null;

    if (cfg.mode === "knowledge") view.showKnowledgeNotice();

    function setBusy(value) {
      busy = value;
      view.setBusy(value);
    }

    function forgetConversation() {
      conversation = null;
      store.saveConversation(null);
    }

    // -- one turn: a question and its streamed answer

    function newTurn(message) {
      return {
        clientMessageId: transportLib.newClientMessageId(),
        message: message,
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
      turn.failure = view.showFailure(turn.answerEl, text, onRetry, waitSeconds);
    }

    function send(text) {
      text = String(text || "").trim();
      if (busy || !text) return false;
      var turn = newTurn(text);
      view.disableOldRetries();
      turn.userEl = view.append(view.userBubble(text));
      startTurn(turn, "post");
      return true;
    }

    /** how: "post" asks (or asks again, same client_message_id); "resume" follows an answer. */
    function startTurn(turn, how) {
      clearFailure(turn);
      if (how === "post") {
        // The server answers from the beginning: a replay of the stored answer or a new one.
        turn.text = "";
        turn.offset = 0;
      }
      if (!turn.answerEl) turn.answerEl = view.append(view.assistantBubble(""));
      turn.answerEl.classList.remove("sc-msg--failed");
      turn.answerEl.setAttribute("aria-busy", "true");
      view.renderAnswer(turn);
      currentTurn = turn;
      setBusy(true);
      if (!turn.text) view.announce("The agent is typing…");
      var controller = new AbortController();
      turn.controller = controller;
      var handlers = answerHandlers(turn);
      var streamed =
        how === "post"
          ? transport.ask(turn, conversation, controller.signal, handlers)
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
            store.saveConversation(conversation);
          }
          turn.answerId = data.assistant_message_id || turn.answerId;
          if (data.answer_source === "knowledge") view.showKnowledgeNotice();
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
      turn.answerEl.setAttribute("aria-busy", "false");
      if (outcome.kind === "done") {
        currentTurn = null;
        setBusy(false);
        return;
      }
      if (outcome.kind === "network" && turn.answerId && turn.autoResumes < AUTO_RESUMES) {
        // The answer goes on being written on the server: reconnect and pick it up.
        turn.autoResumes += 1;
        turn.answerEl.setAttribute("aria-busy", "true");
        setTimeout(function () {
          if (currentTurn === turn && !destroyed) startTurn(turn, "resume");
        }, 500 * turn.autoResumes);
        return;
      }
      currentTurn = null;
      setBusy(false);
      var again = function (mode) {
        return function () {
          turn.autoResumes = 0;
          view.disableOldRetries();
          startTurn(turn, mode);
        };
      };
      if (!turn.text) view.noAnswer(turn.answerEl);
      if (outcome.kind === "network") {
        showFailure(
          turn,
          "The connection was lost. Check your internet connection and try again.",
          again(turn.answerId ? "resume" : "post")
        );
      } else if (outcome.kind === "error") {
        showFailure(
          turn,
          outcome.message || "Something went wrong while answering.",
          outcome.retryable ? again("post") : null
        );
      } else if (outcome.kind === "http") {
        httpFailureMessage(turn, outcome, again);
      }
    }

    function httpFailureMessage(turn, outcome, again) {
      if (outcome.status === 429) {
        var wait = outcome.retryAfter || 5;
        showFailure(turn, "You're sending messages a little fast. Please wait " + wait + " seconds and try again.", again("post"), wait);
      } else if (outcome.status === 404 && conversation) {
        // The stored conversation is gone (or its token no longer matches): start afresh.
        forgetConversation();
        turn.answerId = null;
        showFailure(turn, "This conversation has expired. Retry to ask in a new conversation.", again("post"));
      } else if (outcome.status >= 500 || outcome.status === 408) {
        showFailure(turn, outcome.message || "The chat is unavailable right now. Please try again in a moment.", again("post"));
      } else {
        // The request itself was refused (too long, empty): let the shopper edit it.
        turn.answerEl.remove();
        turn.answerEl = null;
        if (turn.userEl) turn.userEl.classList.add("sc-msg--unsent");
        if (!view.input.value) view.input.value = turn.message;
        showFailure(turn, outcome.message || "This message could not be sent.", null);
      }
    }

    // -- restoring after a reload

    function renderStored(message) {
      if (message.source === "knowledge") view.showKnowledgeNotice();
      if (message.role === "user") return view.userBubble(message.content);
      var node = view.assistantBubble(message.content);
      if (message.status === "interrupted") node.classList.add("sc-msg--interrupted");
      return node;
    }

    /** One page of history; forgets the conversation when the server no longer knows it. */
    function fetchHistory(before) {
      return transport.history(conversation, before, HISTORY_PAGE).then(function (page) {
        if (!page) forgetConversation();
        return page;
      });
    }

    function restore() {
      conversation = store.conversation();
      if (!conversation) return Promise.resolve();
      var loading = view.loading();
      var failed = { answerEl: null, failure: null };
      return fetchHistory(null)
        .then(function (page) {
          loading.remove();
          if (!page) return;
          page.messages.forEach(function (message) { view.append(renderStored(message)); });
          showEarlier(page);
          view.scrollToBottom();
          continueLastTurn(page.messages);
        })
        .catch(function () {
          loading.remove();
          showFailure(failed, "We couldn't load your conversation.", function () {
            restore();
          });
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
          view.prepend(page.messages.map(renderStored));
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
      turn.answerEl = view.messages.lastChild;
      if (answer.status === "streaming") {
        startTurn(turn, "resume");
      } else if (answer.status === "failed" || answer.status === "interrupted") {
        if (!turn.text) view.noAnswer(turn.answerEl);
        var canRetry = question && question.client_message_id;
        showFailure(
          turn,
          "This answer was interrupted.",
          canRetry ? function () { startTurn(turn, "post"); } : null
        );
      }
    }

    // -- controls

    function newConversation() {
      if (currentTurn && currentTurn.controller) currentTurn.controller.abort();
      currentTurn = null;
      forgetConversation();
      view.clearMessages();
      nextBefore = null;
      setBusy(false);
      view.announce("Started a new conversation.");
      view.input.focus();
    }

    view.form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (send(view.input.value)) {
        view.input.value = "";
        view.autosize();
      }
      view.input.focus();
    });
    view.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (!busy) view.form.requestSubmit ? view.form.requestSubmit() : view.form.dispatchEvent(new Event("submit"));
      }
    });
    view.input.addEventListener("input", view.autosize);
    view.newButton.addEventListener("click", newConversation);
    if (view.closeButton && cfg.onClose) view.closeButton.addEventListener("click", cfg.onClose);

    var ready = restore();

    return {
      element: view.container,
      ready: ready,
      send: send,
      newConversation: newConversation,
      focus: function () { view.input.focus(); },
      destroy: function () {
        destroyed = true;
        if (currentTurn && currentTurn.controller) currentTurn.controller.abort();
        view.container.remove();
      },
    };
  }

  SupportChat.mount = mount;
  SupportChat.renderMarkdown = SupportChat.dom.renderMarkdown;
  SupportChat.KNOWLEDGE_NOTICE = SupportChat.view.KNOWLEDGE_NOTICE;
})();
