/*
 * The chat's DOM, drawn as chat.js says (it never fetches or stores). Defines window.SupportChat.view.
 */
(function () {
  "use strict";

  var dom = window.SupportChat.dom;
  var el = dom.el;
  var icon = dom.icon;
  var renderMarkdown = dom.renderMarkdown;

  // Every text the chat shows goes through cfg.t (chat-brand.js), keyed by its English text;
  // web/i18n/<lang>.js holds the other languages. Shop-given texts (title, greeting) never do.
  var KNOWLEDGE_NOTICE = "Answers come from the shop's knowledge base."; // in English, for SupportChat
  function knowledgeNotice(t) {
    return t("Answers come from the shop's knowledge base.");
  }
  // The person link and its form: asking for a person, or (asked) leaving an email.
  function personWords(t, leave) {
    return leave
      ? [t("Leave your email"), t("Our team can also reply by email, in case you can't stay."), t("Save email"), t("Email")]
      : [t("Talk to a person"), t("We'll pass this chat to our team, who reply here. Leave your email if you may not stay."), t("Ask for a person"), t("Email (optional)")];
  }
  var GROUP_MS = 5 * 60 * 1000; // messages from one author this close together form a group
  var LONG_ANSWER_CHARS = 4000; // beyond this, re-render at most every LONG_RENDER_MS
  var LONG_RENDER_MS = 120;

  function iconButton(name, label, className) {
    return el("button", { type: "button", className: "sc-icon-button " + (className || ""), "aria-label": label, title: label }, [icon(name)]);
  }

  function initials(name) {
    var letters = dom.clean(name).trim().split(/\s+/).map(function (w) { return Array.from(w)[0] || ""; });
    return ((letters[0] || "?") + (letters[1] || "")).toUpperCase();
  }

  /** The assistant's picture (the shop's image or its initials); staff get their initials. */
  function avatar(cfg, author) {
    if (!author && cfg.avatar) return el("img", { className: "sc-avatar", src: cfg.avatar, alt: "" });
    return el("span", { className: "sc-avatar" + (author ? " sc-avatar--staff" : ""), "aria-hidden": "true", text: initials(author || cfg.agentName) });
  }

  function formatTime(date, locale) {
    var sameDay = date.toDateString() === new Date().toDateString();
    var options = sameDay ? { hour: "2-digit", minute: "2-digit" } : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
    return date.toLocaleString(locale, options);
  }

  function layout(cfg) {
    var inputId = dom.uniqueId("sc-input");
    var hintId = dom.uniqueId("sc-hint");
    var titleId = dom.uniqueId("sc-title");
    var listId = dom.uniqueId("sc-list");
    var t = cfg.t;
    var ask = personWords(t);
    var p = {};
    p.subtitle = el("p", { className: "sc-subtitle", text: cfg.mode === "knowledge" ? knowledgeNotice(t) : cfg.subtitle || t("We usually answer right away") });
    p.listButton = iconButton("list", t("Your conversations"), "sc-list-toggle");
    p.listButton.setAttribute("aria-expanded", "false");
    p.listButton.setAttribute("aria-controls", listId);
    p.newButton = iconButton("plus", t("New conversation"), "sc-new");
    p.closeButton = cfg.variant === "widget" ? iconButton("close", t("Close chat"), "sc-close") : null;
    var header = el("header", { className: "sc-header" }, [
      avatar(cfg),
      el("div", { className: "sc-head-text" }, [
        el(cfg.variant === "page" ? "h1" : "h2", { className: "sc-title", id: titleId, text: cfg.title }),
        p.subtitle,
      ]),
      el("div", { className: "sc-header-actions" }, [p.listButton, p.newButton].concat(p.closeButton ? [p.closeButton] : [])),
    ]);

    p.list = el("ul", { className: "sc-list-items" });
    p.startButton = el("button", { type: "button", className: "sc-button sc-start", text: t("Start a new conversation") });
    p.listPanel = el("div", { className: "sc-list", id: listId, hidden: true }, [
      el("h3", { className: "sc-list-title", text: t("Your conversations") }),
      p.startButton,
      p.list,
    ]);

    p.greeting = messageRow(cfg, "greeting", { text: cfg.greeting || t("Hi! Ask us about shipping, delivery times, returns and refunds, or our support hours."), markdown: true });
    p.chips = el("div", { className: "sc-chips", role: "group", "aria-label": t("Suggested questions"), hidden: true });
    p.earlierButton = el("button", { type: "button", className: "sc-button sc-earlier", hidden: true, text: t("Show earlier messages") });
    p.messages = el("div", {
      className: "sc-messages",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions text",
      "aria-label": t("Conversation"),
      tabindex: "0",
    }, [p.earlierButton, p.greeting, p.chips]);
    p.status = el("div", { className: "sc-visually-hidden", role: "status", "aria-live": "polite" });

    var emailId = dom.uniqueId("sc-email");
    p.email = el("input", { id: emailId, className: "sc-field", type: "email", autocomplete: "email", placeholder: "you@example.com" });
    p.handoffSend = el("button", { type: "submit", className: "sc-button sc-primary", text: ask[2] });
    p.handoffCancel = el("button", { type: "button", className: "sc-button", text: t("Cancel") });
    p.handoffIntro = el("p", { text: ask[1] });
    p.handoffForm = el("form", { className: "sc-handoff", hidden: true, "aria-label": ask[0] }, [
      p.handoffIntro,
      p.emailLabel = el("label", { for: emailId, text: ask[3] }),
      p.email,
      el("div", { className: "sc-row" }, [p.handoffSend, p.handoffCancel]),
    ]);

    p.input = el("textarea", {
      id: inputId,
      className: "sc-input",
      rows: "1",
      placeholder: t("Type your question…"),
      "aria-describedby": hintId,
      autocomplete: "off",
      dir: "auto",
    });
    p.sendButton = el("button", { type: "submit", className: "sc-button sc-send", text: t("Send") });
    p.form = el("form", { className: "sc-composer", "aria-label": t("Send a message") }, [
      el("label", { className: "sc-visually-hidden", for: inputId, text: t("Your message") }),
      p.input,
      p.sendButton,
    ]);
    p.personLabel = el("span", { text: ask[0] });
    p.personButton = el("button", { type: "button", className: "sc-link sc-person", "aria-expanded": "false", hidden: true }, [icon("person"), p.personLabel]);
    // Says whether its form is open, however the form opens or closes.
    new MutationObserver(function () {
      p.personButton.setAttribute("aria-expanded", String(!p.handoffForm.hidden));
    }).observe(p.handoffForm, { attributeFilter: ["hidden"] });
    p.cooldown = el("p", { className: "sc-cooldown", hidden: true });
    p.hint = el("p", { className: "sc-hint", id: hintId, text: t("Shift+Enter for a new line") });
    p.footer = el("div", { className: "sc-footer" }, [p.personButton, p.cooldown, p.hint]);
    p.container = el("section", { className: "sc-chat sc-chat--" + cfg.variant, "aria-labelledby": titleId, lang: t.lang }, [
      header, p.listPanel, p.messages, p.status, p.handoffForm, p.form, p.footer,
    ]);
    return p;
  }

  /**
   * One message: kind "user", "assistant", "agent" (staff) or "greeting" (undated).
   * m: {text, markdown, author, time (Date)}.
   */
  function messageRow(cfg, kind, m) {
    var t = cfg.t;
    var bot = kind !== "user";
    var name = kind === "agent" ? m.author || t("Staff") : cfg.agentName;
    var bubble = el("div", { className: "sc-bubble" + (bot ? " sc-markdown" : ""), dir: "auto" });
    if (m.text) {
      if (m.markdown) bubble.appendChild(renderMarkdown(m.text));
      else bubble.textContent = dom.clean(m.text); // what the shopper typed, exactly as typed
    }
    var when = m.time || new Date();
    var meta = el("div", { className: "sc-msg-meta" }, [
      bot ? el("bdi", { className: "sc-msg-name", text: name }) : null,
      kind === "greeting" ? null : el("time", { className: "sc-msg-time", datetime: when.toISOString(), text: formatTime(when, t.locale) }),
    ].filter(Boolean));
    var spoken = (kind === "user" ? t("You:") : kind === "agent" ? t("{name} (staff):", { name: name }) : t("{name}:", { name: name })) + " ";
    var body = el("div", { className: "sc-msg-body" }, [el("span", { className: "sc-visually-hidden", text: spoken }), bubble, meta]);
    var row = el("div", { className: "sc-msg sc-msg--" + kind + (bot ? " sc-msg--bot" : "") }, bot ? [avatar(cfg, kind === "agent" ? name : null), body] : [body]);
    row.dataset.group = kind === "greeting" ? "assistant" : kind + ":" + (m.author || "");
    row.dataset.time = String(when.getTime());
    return row;
  }

  // Only seen: the status says "The agent is typing…" (once, not again from the log).
  function typingIndicator() {
    return el("div", { className: "sc-typing", "aria-hidden": "true" }, [
      el("span", { className: "sc-dot" }),
      el("span", { className: "sc-dot" }),
      el("span", { className: "sc-dot" }),
    ]);
  }

  function bubbleOf(row) {
    return row.querySelector(".sc-bubble");
  }

  /** Build the chat inside `root`; returns its parts and the drawing functions chat.js uses. */
  function createView(root, cfg) {
    var parts = layout(cfg);
    var t = cfg.t;
    var messages = parts.messages;
    root.appendChild(parts.container);

    function nearBottom() {
      return messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
    }
    function scrollToBottom() {
      messages.scrollTop = messages.scrollHeight;
    }
    // A shorter panel (a phone turned, a keyboard opened) keeps the newest message in view.
    var atBottom = true;
    messages.addEventListener("scroll", function () { atBottom = nearBottom(); });
    if (window.ResizeObserver) new ResizeObserver(function () { if (atBottom) scrollToBottom(); }).observe(messages);

    /** Add a node at the end; consecutive messages of one author are grouped. */
    function append(node) {
      var stick = nearBottom();
      var previous = messages.lastElementChild;
      if (
        node.classList.contains("sc-msg") && previous && previous.classList.contains("sc-msg") &&
        previous.dataset.group === node.dataset.group &&
        Number(node.dataset.time) - Number(previous.dataset.time) < GROUP_MS
      ) {
        node.classList.add("sc-msg--cont");
        previous.classList.add("sc-msg--more");
      }
      messages.appendChild(node);
      if (stick || /--user|failure/.test(node.className)) scrollToBottom();
      return node;
    }

    function renderAnswer(turn) {
      var stick = nearBottom();
      var bubble = bubbleOf(turn.answerEl);
      if (turn.text) bubble.replaceChildren(renderMarkdown(turn.text));
      else bubble.replaceChildren(typingIndicator());
      turn.lastRender = Date.now();
      if (stick) scrollToBottom();
    }

    /** At most one re-render per frame (and fewer for long answers), however fast deltas come. */
    function scheduleRender(turn) {
      if (turn.renderPending) return;
      turn.renderPending = true;
      var wait = turn.text.length > LONG_ANSWER_CHARS ? Math.max(0, LONG_RENDER_MS - (Date.now() - (turn.lastRender || 0))) : 0;
      var run = function () {
        if (!turn.renderPending) return;
        turn.renderPending = false;
        clearTimeout(turn.renderTimer);
        renderAnswer(turn);
      };
      // requestAnimationFrame pauses in background tabs; the timer keeps text arriving there.
      turn.renderTimer = setTimeout(run, Math.max(wait, 200));
      setTimeout(function () { requestAnimationFrame(run); }, wait);
    }

    function flushRender(turn) {
      turn.renderPending = false;
      clearTimeout(turn.renderTimer);
      renderAnswer(turn);
    }

    var announcing;
    function announce(text) {
      parts.status.textContent = "";
      clearTimeout(announcing);
      // A fresh text node after a tick makes screen readers announce repeats too.
      if (text) announcing = setTimeout(function () { parts.status.textContent = text; }, 50);
    }

    function disableOldRetries() {
      messages.querySelectorAll(".sc-retry").forEach(function (button) {
        button.disabled = true;
      });
    }

    /**
     * A plain-words notice in the conversation, with a retry button when `retry` is given
     * (disabled for `waitSeconds` with a countdown). Returns a handle whose remove() takes it away.
     */
    function showFailure(text, retry, waitSeconds) {
      var countdown = null;
      var button = retry
        ? el("button", { type: "button", className: "sc-button sc-retry", text: t("Retry"), onclick: retry })
        : null;
      var node = el("div", { className: "sc-failure", role: "alert" }, [el("span", { className: "sc-failure-text", text: text })].concat(button ? [button] : []));
      append(node);
      if (button && waitSeconds) {
        var left = waitSeconds;
        var tick = function () {
          button.disabled = left > 0;
          button.textContent = left > 0 ? t("Retry in {s} s", { s: left }) : t("Retry");
          if (left-- <= 0) clearInterval(countdown);
        };
        tick();
        countdown = setInterval(tick, 1000);
      }
      return {
        remove: function () {
          clearInterval(countdown);
          node.remove();
        },
      };
    }

    /** Under a finished answer: sources, copy, and thumbs for feedback (when `rate` is given). */
    function answerExtras(row, extras) {
      var stick = nearBottom();
      var body = row.querySelector(".sc-msg-body");
      var meta = row.querySelector(".sc-msg-meta");
      var old = body.querySelector(".sc-sources");
      if (old) old.remove();
      if (extras.sources && extras.sources.length) {
        var names = extras.sources.map(function (s) { return el("bdi", { className: "sc-source", text: s.title || s.key }); });
        body.insertBefore(el("p", { className: "sc-sources" }, [(names.length === 1 ? t("Source:") : t("Sources:")) + " "].concat(names.reduce(function (all, n, i) {
          return i ? all.concat([", ", n]) : [n];
        }, []))), meta);
      }
      var actions = meta.querySelector(".sc-actions");
      if (actions) actions.remove();
      actions = el("span", { className: "sc-actions" });
      var copy = iconButton("copy", t("Copy answer"), "sc-copy");
      copy.addEventListener("click", function () {
        extras.copy().then(function () {
          copy.replaceChildren(icon("check"));
          copy.setAttribute("aria-label", t("Copied"));
          announce(t("Answer copied."));
          setTimeout(function () {
            copy.replaceChildren(icon("copy"));
            copy.setAttribute("aria-label", t("Copy answer"));
          }, 1500);
        });
      });
      actions.appendChild(copy);
      if (extras.rate) {
        // Which answer the thumbs rate, by its first words: read after "Helpful", never shown.
        var words = bubbleOf(row).textContent.trim().split(/\s+/);
        var about = el("span", { id: dom.uniqueId("sc-about"), hidden: true, text: t("For the answer: {start}", { start: words.slice(0, 8).join(" ") + (words.length > 8 ? "…" : "") }) });
        actions.appendChild(about);
        var thumbs = {
          up: iconButton("up", t("Helpful"), "sc-rate"),
          down: iconButton("down", t("Not helpful"), "sc-rate"),
        };
        var saved = extras.rating;
        var show = function (rating) {
          thumbs.up.setAttribute("aria-pressed", String(rating === "up"));
          thumbs.down.setAttribute("aria-pressed", String(rating === "down"));
        };
        show(saved);
        Object.keys(thumbs).forEach(function (rating) {
          thumbs[rating].addEventListener("click", function () {
            show(rating);
            var form = body.querySelector(".sc-comment");
            if (form) form.remove();
            extras.rate(rating).then(function (ok) {
              show(saved = ok ? rating : saved);
              if (ok && rating === "down") commentForm(body, extras.rate, thumbs.down);
            });
          });
          thumbs[rating].setAttribute("aria-describedby", about.id);
          actions.appendChild(thumbs[rating]);
        });
      }
      meta.appendChild(actions);
      if (stick) scrollToBottom();
    }

    /** After a thumbs down: an optional short comment. */
    function commentForm(body, rate, back) {
      var id = dom.uniqueId("sc-comment");
      var field = el("input", { id: id, className: "sc-field", maxlength: "500", dir: "auto", placeholder: t("What was missing?") });
      var form = el("form", { className: "sc-comment", "aria-label": t("Feedback") }, [
        el("label", { for: id, text: t("Thanks. What could be better? (optional)") }),
        el("div", { className: "sc-row" }, [field, el("button", { type: "submit", className: "sc-button", text: t("Send feedback") })]),
      ]);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        (field.value.trim() ? rate("down", field.value.trim()) : Promise.resolve(1)).then(function (ok) {
          if (!ok) return;
          var inside = form.contains(document.activeElement); // not taken from where the shopper went
          form.replaceWith(el("p", { className: "sc-thanks", text: t("Thanks for your feedback.") }));
          if (inside) back.focus();
        });
      });
      body.appendChild(form);
      field.focus();
    }

    /** Suggested questions under the greeting; `pick(question)` asks one. */
    function showChips(suggestions, pick) {
      parts.chips.replaceChildren();
      suggestions.slice(0, 5).forEach(function (s) {
        parts.chips.appendChild(el("button", { type: "button", className: "sc-chip", dir: "auto", text: s.question, onclick: function () { pick(s.question); } }));
      });
      parts.chips.hidden = !suggestions.length;
    }

    /** The conversations on this device; `pick(id)` opens one. */
    function showConversations(conversations, activeId, pick) {
      parts.list.replaceChildren();
      conversations.forEach(function (c) {
        var button = el("button", { type: "button", className: "sc-list-item", onclick: function () { pick(c.id); } }, [
          el("bdi", { className: "sc-list-name", dir: "auto", text: c.title || t("Earlier conversation") }),
          el("span", { className: "sc-list-when", text: formatTime(new Date(c.updatedAt), t.locale) }),
        ]);
        if (c.id === activeId) button.setAttribute("aria-current", "true");
        parts.list.appendChild(el("li", {}, [button]));
      });
      if (!conversations.length) parts.list.appendChild(el("li", { className: "sc-list-empty", text: t("No earlier conversations on this device.") }));
    }

    function toggleConversations(open) {
      parts.listPanel.hidden = !open;
      parts.messages.hidden = parts.form.hidden = parts.footer.hidden = open;
      parts.handoffForm.hidden = true;
      parts.listButton.setAttribute("aria-expanded", String(open));
    }

    /** Remove every message (the greeting, chips and "earlier" button stay). */
    function clearMessages() {
      Array.prototype.slice.call(messages.children).forEach(function (child) {
        if (child !== parts.greeting && child !== parts.earlierButton && child !== parts.chips) child.remove();
      });
      parts.greeting.classList.remove("sc-msg--more");
      parts.earlierButton.hidden = true;
    }

    /** Put older messages above the current ones, keeping what the shopper sees in place. */
    function prepend(nodes) {
      var fromBottom = messages.scrollHeight - messages.scrollTop;
      var anchor = parts.greeting.nextSibling;
      nodes.forEach(function (node) { messages.insertBefore(node, anchor); });
      messages.scrollTop = messages.scrollHeight - fromBottom;
    }

    /** While Retry-After runs: Send is disabled and says when it can be used again. */
    function cooldown(seconds, done) {
      clearInterval(parts.cooldownTimer);
      var left = seconds;
      var tick = function () {
        parts.cooldown.hidden = left <= 0;
        parts.cooldown.textContent = t("You can send again in {s} s", { s: left });
        if (left-- <= 0) {
          clearInterval(parts.cooldownTimer);
          done();
        }
      };
      tick();
      parts.cooldownTimer = setInterval(tick, 1000);
    }

    var knowledge = cfg.mode === "knowledge";
    var waiting = false;
    var staffed = false; // a person from the team has the conversation
    function subtitle() {
      parts.subtitle.textContent = waiting
        ? t("Waiting for a person from our team")
        : staffed ? t("A person from our team is here") : knowledge ? knowledgeNotice(t) : cfg.subtitle || t("We usually answer right away");
      parts.subtitle.title = parts.subtitle.textContent; // in full, if cut
    }

    function autosize() {
      parts.input.style.height = "auto";
      parts.input.style.height = Math.min(parts.input.scrollHeight, 160) + "px";
    }

    return Object.assign(parts, {
      append: append,
      scrollToBottom: scrollToBottom,
      row: function (kind, m) { return messageRow(cfg, kind, m); },
      renderAnswer: renderAnswer,
      scheduleRender: scheduleRender,
      flushRender: flushRender,
      announce: announce,
      disableOldRetries: disableOldRetries,
      showFailure: showFailure,
      answerExtras: answerExtras,
      showChips: showChips,
      showConversations: showConversations,
      toggleConversations: toggleConversations,
      clearMessages: clearMessages,
      prepend: prepend,
      startCooldown: cooldown,
      autosize: autosize,
      knowledgeMode: function (value) { knowledge = value !== false; subtitle(); },
      waitingMode: function (value) { waiting = value; subtitle(); },
      staffedMode: function (value) { staffed = value; subtitle(); },
      // With people on it, a turn's notice says nothing of the assistant's mode.
      withPeople: function () { return waiting || staffed; },
      waitingOnly: function () { return waiting && !staffed; },
      offerEmail: function (value) {
        var words = personWords(t, value);
        parts.personLabel.textContent = words[0];
        parts.handoffForm.setAttribute("aria-label", words[0]);
        parts.handoffIntro.textContent = words[1];
        parts.handoffSend.textContent = words[2];
        parts.emailLabel.textContent = words[3];
        parts.email.required = value;
      },
      notice: function (text) { return append(el("p", { className: "sc-event", text: text })); },
      // An earlier answer's failure, as restored: no alert, no Retry.
      failed: function (text) { return el("div", { className: "sc-failure" }, [el("span", { className: "sc-failure-text", text: text })]); },
      loading: function () { return append(el("p", { className: "sc-loading", text: t("Loading your conversation…") })); },
    });
  }

  var SupportChat = (window.SupportChat = window.SupportChat || {});
  SupportChat.view = { createView: createView, KNOWLEDGE_NOTICE: KNOWLEDGE_NOTICE };
})();
