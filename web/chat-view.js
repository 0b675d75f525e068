/*
 * The chat's DOM: builds the layout once and draws messages, answers and failures.
 * It never fetches and never stores; chat.js tells it what to show.
 * Defines window.SupportChat.view = {createView, KNOWLEDGE_NOTICE}.
 */
(function () {
  "use strict";

  var dom = window.SupportChat.dom;
  var el = dom.el;
  var renderMarkdown = dom.renderMarkdown;

  var KNOWLEDGE_NOTICE = "Answers come from the shop's knowledge base.";
  var LONG_ANSWER_CHARS = 4000; // beyond this, re-render at most every LONG_RENDER_MS
  var LONG_RENDER_MS = 120;

  function layout(cfg) {
    var inputId = dom.uniqueId("sc-input");
    var hintId = dom.uniqueId("sc-hint");
    var titleId = dom.uniqueId("sc-title");
    var parts = {};
    parts.newButton = el("button", { type: "button", className: "sc-button sc-new", text: "New conversation" });
    parts.closeButton =
      cfg.variant === "widget"
        ? el("button", { type: "button", className: "sc-icon-button sc-close", "aria-label": "Close chat" }, ["×"])
        : null;
    var header = el("header", { className: "sc-header" }, [
      el(cfg.variant === "page" ? "h1" : "h2", { className: "sc-title", id: titleId, text: cfg.title }),
      el("div", { className: "sc-header-actions" }, parts.closeButton ? [parts.newButton, parts.closeButton] : [parts.newButton]),
    ]);
    parts.notice = el("p", { className: "sc-notice", hidden: true, text: KNOWLEDGE_NOTICE });
    parts.greeting = el("div", { className: "sc-greeting" }, [
      el("p", { text: cfg.greeting || "Hi! Ask us about shipping, delivery times, returns and refunds, or our support hours." }),
    ]);
    parts.earlierButton = el("button", { type: "button", className: "sc-button sc-earlier", hidden: true, text: "Show earlier messages" });
    parts.messages = el("div", {
      className: "sc-messages",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions text",
      "aria-label": "Conversation",
      tabindex: "0",
    }, [parts.earlierButton, parts.greeting]);
    parts.status = el("div", { className: "sc-visually-hidden", role: "status", "aria-live": "polite" });
    parts.input = el("textarea", {
      id: inputId,
      className: "sc-input",
      rows: "1",
      placeholder: "Type your question…",
      "aria-describedby": hintId,
      maxlength: "4000",
      autocomplete: "off",
    });
    parts.sendButton = el("button", { type: "submit", className: "sc-button sc-send", text: "Send" });
    parts.form = el("form", { className: "sc-composer", "aria-label": "Send a message" }, [
      el("label", { className: "sc-visually-hidden", for: inputId, text: "Your message" }),
      parts.input,
      parts.sendButton,
    ]);
    var hint = el("p", { className: "sc-hint", id: hintId, text: "Enter to send, Shift+Enter for a new line" });
    parts.container = el(
      "section",
      { className: "sc-chat sc-chat--" + cfg.variant, "aria-labelledby": titleId },
      [header, parts.notice, parts.messages, parts.status, parts.form, hint]
    );
    return parts;
  }

  function userBubble(text) {
    // Plain text: what the shopper typed is shown exactly as typed.
    return el("div", { className: "sc-msg sc-msg--user" }, [
      el("span", { className: "sc-visually-hidden", text: "You: " }),
      el("div", { className: "sc-bubble", text: text }),
    ]);
  }

  function assistantBubble(text) {
    var bubble = el("div", { className: "sc-bubble sc-markdown" });
    if (text) bubble.appendChild(renderMarkdown(text));
    return el("div", { className: "sc-msg sc-msg--assistant" }, [
      el("span", { className: "sc-visually-hidden", text: "Support: " }),
      bubble,
    ]);
  }

  function typingIndicator() {
    return el("div", { className: "sc-typing" }, [
      el("span", { className: "sc-visually-hidden", text: "The agent is typing…" }),
      el("span", { className: "sc-dot", "aria-hidden": "true" }),
      el("span", { className: "sc-dot", "aria-hidden": "true" }),
      el("span", { className: "sc-dot", "aria-hidden": "true" }),
    ]);
  }

  function bubbleOf(answerEl) {
    return answerEl.querySelector(".sc-bubble");
  }

  /** Build the chat inside `root`; returns its parts and the drawing functions chat.js uses. */
  function createView(root, cfg) {
    var parts = layout(cfg);
    var messages = parts.messages;
    root.appendChild(parts.container);

    function nearBottom() {
      return messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
    }
    function scrollToBottom() {
      messages.scrollTop = messages.scrollHeight;
    }
    function append(node) {
      var stick = nearBottom();
      parts.greeting.hidden = true;
      messages.appendChild(node);
      if (stick || node.classList.contains("sc-msg--user")) scrollToBottom();
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

    function noAnswer(answerEl) {
      bubbleOf(answerEl).replaceChildren(el("span", { className: "sc-no-answer", text: "No answer yet." }));
    }

    function announce(text) {
      parts.status.textContent = "";
      // A fresh text node after a tick makes screen readers announce repeats too.
      setTimeout(function () { parts.status.textContent = text; }, 50);
    }

    function disableOldRetries() {
      messages.querySelectorAll(".sc-retry").forEach(function (button) {
        button.disabled = true;
      });
    }

    /**
     * A clear message under the answer, with a retry button when `retry` is given (disabled
     * for `waitSeconds` with a countdown). Returns a handle whose remove() takes it away.
     */
    function showFailure(answerEl, text, retry, waitSeconds) {
      var countdown = null;
      var button = retry
        ? el("button", { type: "button", className: "sc-button sc-retry", text: "Retry", onclick: retry })
        : null;
      var message = el("span", { className: "sc-failure-text", text: text });
      var node = el("div", { className: "sc-failure", role: "alert" }, button ? [message, button] : [message]);
      if (answerEl) answerEl.classList.add("sc-msg--failed");
      append(node);
      if (button && waitSeconds) {
        var left = waitSeconds;
        button.disabled = true;
        button.textContent = "Retry in " + left + " s";
        countdown = setInterval(function () {
          left -= 1;
          if (left > 0) {
            button.textContent = "Retry in " + left + " s";
          } else {
            clearInterval(countdown);
            button.disabled = false;
            button.textContent = "Retry";
          }
        }, 1000);
      }
      return {
        remove: function () {
          clearInterval(countdown);
          node.remove();
        },
      };
    }

    /** Remove every message (the greeting and the "earlier" button stay). */
    function clearMessages() {
      Array.prototype.slice.call(messages.children).forEach(function (child) {
        if (child !== parts.greeting && child !== parts.earlierButton) child.remove();
      });
      parts.earlierButton.hidden = true;
      parts.greeting.hidden = false;
    }

    /** Put older messages above the current ones, keeping what the shopper sees in place. */
    function prepend(nodes) {
      var fromBottom = messages.scrollHeight - messages.scrollTop;
      var anchor = parts.earlierButton.nextSibling;
      nodes.forEach(function (node) { messages.insertBefore(node, anchor); });
      messages.scrollTop = messages.scrollHeight - fromBottom;
    }

    function setBusy(value) {
      parts.sendButton.disabled = value;
      parts.container.classList.toggle("sc-busy", value);
    }

    function autosize() {
      parts.input.style.height = "auto";
      parts.input.style.height = Math.min(parts.input.scrollHeight, 160) + "px";
    }

    return Object.assign(parts, {
      append: append,
      scrollToBottom: scrollToBottom,
      userBubble: userBubble,
      assistantBubble: assistantBubble,
      renderAnswer: renderAnswer,
      scheduleRender: scheduleRender,
      flushRender: flushRender,
      noAnswer: noAnswer,
      announce: announce,
      disableOldRetries: disableOldRetries,
      showFailure: showFailure,
      clearMessages: clearMessages,
      prepend: prepend,
      setBusy: setBusy,
      autosize: autosize,
      showKnowledgeNotice: function () { parts.notice.hidden = false; },
      loading: function () { return append(el("p", { className: "sc-loading", text: "Loading your conversation…" })); },
    });
  }

  var SupportChat = (window.SupportChat = window.SupportChat || {});
  SupportChat.view = { createView: createView, KNOWLEDGE_NOTICE: KNOWLEDGE_NOTICE };
})();
