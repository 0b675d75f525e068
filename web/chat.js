/*
 * The support chat, shared by the full page (index.html) and the widget (widget.js).
 *
 * A classic script (no modules, no build step) so the widget can load it from a CDN on any
 * shop's page without CORS. It defines window.SupportChat = {mount, renderMarkdown}.
 *
 * Safety: no text from the shopper or the model ever goes through innerHTML. Markdown is
 * turned into DOM nodes (text nodes, <strong>, <em>, <code>, lists, http(s) links) directly.
 */
(function () {
  "use strict";

  var KNOWLEDGE_NOTICE = "Answers come from the shop's knowledge base.";
  var STORAGE_PREFIX = "support-chat:v1:";
  var HISTORY_PAGE = 50;
  var AUTO_RESUMES = 2; // silent reconnects after a dropped stream before asking the shopper
  var LONG_ANSWER_CHARS = 4000; // beyond this, re-render at most every LONG_RENDER_MS
  var LONG_RENDER_MS = 120;

  // ---------------------------------------------------------------- small DOM helpers

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "className") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "hidden") node.hidden = true;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  var idCounter = 0;
  function uniqueId(prefix) {
    idCounter += 1;
    return prefix + "-" + idCounter + "-" + Math.random().toString(36).slice(2, 7);
  }

  function newClientMessageId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    // Pages served over plain http (not localhost) have no randomUUID: build a v4 UUID.
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  /** 256 random bits, base64url without padding (43 characters): a conversation token. */
  function newConversationToken() {
    var bytes = window.crypto.getRandomValues(new Uint8Array(32));
    var binary = String.fromCharCode.apply(null, Array.prototype.slice.call(bytes));
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // Python counts code points; the server's offsets are in code points, not UTF-16 units.
  function codePoints(text) {
    return Array.from(text).length;
  }

  // ---------------------------------------------------------------- markdown → DOM

  var INLINE = new RegExp(
    [
      "`([^`\\n]+)`", // 1: code
      "\\*\\*(?=\\S)([^\\n]+?)\\*\\*", // 2: bold
      "\\*(?=[^\\s*])([^*\\n]+?)\\*", // 3: italic
      "\\[([^\\]\\n]+)\\]\\(\\s*([^)\\s]+)\\s*\\)", // 4, 5: [text](url)
      "(https?:\\/\\/[^\\s<>\"'`]+)", // 6: bare URL
    ].join("|"),
    "g"
  );

  function safeUrl(href) {
    try {
      var url = new URL(href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(href, children) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer nofollow" }, children);
  }

  function appendInline(parent, text) {
    var re = new RegExp(INLINE.source, "g");
    var last = 0;
    var match;
    while ((match = re.exec(text)) !== null) {
      var end = re.lastIndex;
      var node = null;
      if (match[1] !== undefined) {
        node = el("code", { text: match[1] });
      } else if (match[2] !== undefined) {
        node = el("strong");
        appendInline(node, match[2]);
      } else if (match[3] !== undefined) {
        node = el("em");
        appendInline(node, match[3]);
      } else if (match[4] !== undefined) {
        var href = safeUrl(match[5]);
        if (href) {
          node = link(href, []);
          appendInline(node, match[4]);
        }
      } else if (match[6] !== undefined) {
        // Sentence punctuation right after a URL is not part of it.
        var url = match[6].replace(/[.,;:!?)\]]+$/, "");
        end = match.index + url.length;
        re.lastIndex = end;
        var safe = safeUrl(url);
        if (safe) node = link(safe, [url]);
      }
      if (node === null) continue; // not a safe construct: stays literal text
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      parent.appendChild(node);
      last = end;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function appendLines(parent, lines) {
    lines.forEach(function (line, index) {
      if (index) parent.appendChild(el("br"));
      appendInline(parent, line);
    });
  }

  /** Basic, safe markdown: paragraphs, line breaks, lists, code, bold, italic, http(s) links. */
  function renderMarkdown(text) {
    var fragment = document.createDocumentFragment();
    var lines = String(text).replace(/\r\n?/g, "\n").split("\n");
    var paragraph = null;
    var list = null;
    var fence = null;

    function closeBlocks() {
      if (paragraph) fragment.appendChild(el("p", {}, [paragraphNode(paragraph)]));
      paragraph = null;
      list = null;
    }
    function paragraphNode(paragraphLines) {
      var span = document.createDocumentFragment();
      appendLines(span, paragraphLines);
      return span;
    }

    lines.forEach(function (line) {
      if (fence) {
        if (/^\s*```/.test(line)) {
          fence = null;
        } else {
          fence.textContent += (fence.textContent ? "\n" : "") + line;
        }
        return;
      }
      if (/^\s*```/.test(line)) {
        closeBlocks();
        fence = el("code");
        fragment.appendChild(el("pre", {}, [fence]));
        return;
      }
      if (!line.trim()) {
        closeBlocks();
        return;
      }
      var bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
      var numbered = /^\s*(\d{1,9})[.)]\s+(.*)$/.exec(line);
      if (bullet || numbered) {
        var tag = bullet ? "ul" : "ol";
        if (paragraph) closeBlocks();
        if (!list || list.tagName.toLowerCase() !== tag) {
          list = el(tag, numbered && numbered[1] !== "1" ? { start: numbered[1] } : {});
          fragment.appendChild(list);
        }
        var item = el("li");
        appendInline(item, bullet ? bullet[1] : numbered[2]);
        list.appendChild(item);
        return;
      }
      var heading = /^\s*#{1,6}\s+(.*)$/.exec(line);
      if (heading) {
        closeBlocks();
        var strong = el("strong");
        appendInline(strong, heading[1]);
        fragment.appendChild(el("p", { className: "sc-heading" }, [strong]));
        return;
      }
      if (list && /^\s+\S/.test(line)) {
        // An indented line continues the last list item.
        var lastItem = list.lastChild;
        lastItem.appendChild(el("br"));
        appendInline(lastItem, line.trim());
        return;
      }
      list = null;
      (paragraph = paragraph || []).push(line);
    });
    closeBlocks();
    return fragment;
  }

  // ---------------------------------------------------------------- Server-Sent Events over fetch

  /** Calls onEvent({event, data, id}) for each event of a fetch() response body. */
  function readEventStream(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function dispatch(block) {
      var name = "message";
      var data = [];
      var id = null;
      block.split("\n").forEach(function (line) {
        if (!line || line.charAt(0) === ":") return; // comments are keep-alive pings
        var colon = line.indexOf(":");
        var field = colon < 0 ? line : line.slice(0, colon);
        var value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") name = value;
        else if (field === "data") data.push(value);
        else if (field === "id") id = value;
      });
      if (!data.length) return false;
      var parsed;
      try {
        parsed = JSON.parse(data.join("\n"));
      } catch (e) {
        return false;
      }
      return onEvent({ event: name, data: parsed, id: id }) === true;
    }
    function pump() {
      return reader.read().then(function (result) {
        if (result.done) {
          // A last event without its closing blank line still counts.
          var rest = buffer.replace(/\r\n?/g, "\n").trim();
          return rest ? dispatch(rest) : false;
        }
        buffer += decoder.decode(result.value, { stream: true });
        // Normalise line ends, keeping a trailing \r until we know whether \n follows.
        var keep = buffer.slice(-1) === "\r" ? "\r" : "";
        buffer = (keep ? buffer.slice(0, -1) : buffer).replace(/\r\n?/g, "\n");
        var blocks = buffer.split("\n\n");
        buffer = blocks.pop() + keep;
        for (var i = 0; i < blocks.length; i++) {
          if (dispatch(blocks[i])) {
            reader.cancel().catch(function () {});
            return true;
          }
        }
        return pump();
      });
    }
    return pump();
  }

  function retryAfterSeconds(response) {
    var raw = response.headers.get("Retry-After");
    if (!raw) return null;
    var seconds = Number(raw);
    if (!isNaN(seconds)) return Math.max(0, Math.ceil(seconds));
    var date = Date.parse(raw);
    return isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
  }

  function httpFailure(response) {
    return response
      .json()
      .catch(function () { return {}; })
      .then(function (body) {
        var error = (body && body.error) || {};
        return {
          kind: "http",
          status: response.status,
          code: error.code || "http_" + response.status,
          message: error.message || "",
          retryAfter: retryAfterSeconds(response),
        };
      });
  }

  // ---------------------------------------------------------------- storage

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // disabled storage: the chat works, it just forgets on reload
    }
  }

  function loadConversation(key) {
    try {
      var saved = JSON.parse(storage().getItem(key) || "null");
      return saved && saved.id && saved.token ? saved : null;
    } catch (e) {
      return null;
    }
  }

  function saveConversation(key, conversation) {
    try {
      if (conversation) storage().setItem(key, JSON.stringify(conversation));
      else storage().removeItem(key);
    } catch (e) {
      /* storage full or disabled: keep going */
    }
  }

  function withQuery(url, params) {
    var query = Object.keys(params)
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); })
      .join("&");
    return url + (url.indexOf("?") >= 0 ? "&" : "?") + query;
  }

  // ---------------------------------------------------------------- the chat

  /**
   * Build the chat inside `root` (an element or a shadow root).
   * options: chatStreamUrl, historyUrl, mode ("knowledge"?), title, variant ("page"|"widget"),
   * onClose (widget only).
   */
  function mount(root, options) {
    var cfg = Object.assign({ title: "Customer support", variant: "page" }, options || {});
    if (!cfg.chatStreamUrl || !cfg.historyUrl) throw new Error("SupportChat: chatStreamUrl and historyUrl are required");
    var storageKey = STORAGE_PREFIX + new URL(cfg.chatStreamUrl, document.baseURI).href;
    var conversation = null; // {id, token}
    var currentTurn = null;
    var busy = false;
    var destroyed = false;

    // -- the DOM
    var inputId = uniqueId("sc-input");
    var hintId = uniqueId("sc-hint");
    var titleId = uniqueId("sc-title");
    var newButton = el("button", { type: "button", className: "sc-button sc-new", text: "New conversation" });
    var closeButton =
      cfg.variant === "widget"
        ? el("button", { type: "button", className: "sc-icon-button sc-close", "aria-label": "Close chat" }, ["×"])
        : null;
    var header = el("header", { className: "sc-header" }, [
      el(cfg.variant === "page" ? "h1" : "h2", { className: "sc-title", id: titleId, text: cfg.title }),
      el("div", { className: "sc-header-actions" }, closeButton ? [newButton, closeButton] : [newButton]),
    ]);
    var notice = el("p", { className: "sc-notice", hidden: true, text: KNOWLEDGE_NOTICE });
    var greeting = el("div", { className: "sc-greeting" }, [
      el("p", { text: cfg.greeting || "Hi! Ask us about shipping, delivery times, returns and refunds, or our support hours." }),
    ]);
    var earlierButton = el("button", { type: "button", className: "sc-button sc-earlier", hidden: true, text: "Show earlier messages" });
    var messages = el("div", {
      className: "sc-messages",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions text",
      "aria-label": "Conversation",
      tabindex: "0",
    }, [earlierButton, greeting]);
    var status = el("div", { className: "sc-visually-hidden", role: "status", "aria-live": "polite" });
    var input = el("textarea", {
      id: inputId,
      className: "sc-input",
      rows: "1",
      placeholder: "Type your question…",
      "aria-describedby": hintId,
      maxlength: "4000",
      autocomplete: "off",
    });
    var sendButton = el("button", { type: "submit", className: "sc-button sc-send", text: "Send" });
    var form = el("form", { className: "sc-composer", "aria-label": "Send a message" }, [
      el("label", { className: "sc-visually-hidden", for: inputId, text: "Your message" }),
      input,
      sendButton,
    ]);
    var hint = el("p", { className: "sc-hint", id: hintId, text: "Enter to send, Shift+Enter for a new line" });
    var container = el(
      "section",
      { className: "sc-chat sc-chat--" + cfg.variant, "aria-labelledby": titleId },
      [header, notice, messages, status, form, hint]
    );
    root.appendChild(container);

    // -- rendering

    function nearBottom() {
      return messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
    }
    function scrollToBottom() {
      messages.scrollTop = messages.scrollHeight;
    }
    function append(node) {
      var stick = nearBottom();
      greeting.hidden = true;
      messages.appendChild(node);
      if (stick || node.classList.contains("sc-msg--user")) scrollToBottom();
      return node;
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

    function bubbleOf(turn) {
      return turn.answerEl.querySelector(".sc-bubble");
    }

    function renderAnswer(turn) {
      var stick = nearBottom();
      var bubble = bubbleOf(turn);
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

    function showKnowledgeNotice() {
      notice.hidden = false;
    }
    if (cfg.mode === "knowledge") showKnowledgeNotice();

    function setBusy(value) {
      busy = value;
      sendButton.disabled = value;
      container.classList.toggle("sc-busy", value);
    }

    function announce(text) {
      status.textContent = "";
      // A fresh text node after a tick makes screen readers announce repeats too.
      setTimeout(function () { status.textContent = text; }, 50);
    }

    // -- failures

    function clearFailure(turn) {
      if (turn.failureEl) turn.failureEl.remove();
      turn.failureEl = null;
      clearInterval(turn.countdown);
    }

    function disableOldRetries() {
      messages.querySelectorAll(".sc-retry").forEach(function (button) {
        button.disabled = true;
      });
    }

    /** A clear message under the turn, with a retry button when a retry can help. */
    function showFailure(turn, text, retry, waitSeconds) {
      clearFailure(turn);
      var button = null;
      if (retry) {
        button = el("button", {
          type: "button",
          className: "sc-button sc-retry",
          text: "Retry",
          onclick: function () {
            if (busy) return;
            clearFailure(turn);
            retry();
          },
        });
      }
      var message = el("span", { className: "sc-failure-text", text: text });
      turn.failureEl = el("div", { className: "sc-failure", role: "alert" }, button ? [message, button] : [message]);
      if (turn.answerEl) turn.answerEl.classList.add("sc-msg--failed");
      append(turn.failureEl);
      if (button && waitSeconds) {
        var left = waitSeconds;
        button.disabled = true;
        button.textContent = "Retry in " + left + " s";
        turn.countdown = setInterval(function () {
          left -= 1;
          if (left > 0) {
            button.textContent = "Retry in " + left + " s";
          } else {
            clearInterval(turn.countdown);
            button.disabled = false;
            button.textContent = "Retry";
          }
        }, 1000);
      }
    }

    // -- one turn: a question and its streamed answer

    function newTurn(message) {
      return {
        clientMessageId: newClientMessageId(),
        message: message,
        userEl: null,
        answerEl: null,
        answerId: null,
        text: "",
        offset: 0,
        autoResumes: 0,
        controller: null,
      };
    }

    function send(text) {
      text = String(text || "").trim();
      if (busy || !text) return false;
      var turn = newTurn(text);
      disableOldRetries();
      turn.userEl = append(userBubble(text));
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
      if (!turn.answerEl) turn.answerEl = append(assistantBubble(""));
      turn.answerEl.classList.remove("sc-msg--failed");
      turn.answerEl.setAttribute("aria-busy", "true");
      renderAnswer(turn);
      currentTurn = turn;
      setBusy(true);
      if (!turn.text) announce("The agent is typing…");
      streamTurn(turn, how).then(function (outcome) {
        if (destroyed || currentTurn !== turn || outcome.kind === "aborted") return;
        finishTurn(turn, how, outcome);
      });
    }

    function streamTurn(turn, how) {
      var controller = new AbortController();
      turn.controller = controller;
      var request;
      if (how === "post") {
        var body = { message: turn.message, client_message_id: turn.clientMessageId };
        var headers = { "Content-Type": "application/json", Accept: "text/event-stream" };
        if (!conversation) {
          // Propose the conversation, so a retried first message finds it instead of starting another.
          conversation = { id: newClientMessageId(), token: newConversationToken() };
          saveConversation(storageKey, conversation);
        }
        if (conversation) {
          body.conversation_id = conversation.id;
          headers["X-Conversation-Token"] = conversation.token;
        }
        request = fetch(cfg.chatStreamUrl, {
          method: "POST",
          headers: headers,
          body: JSON.stringify(body),
          cache: "no-store",
          signal: controller.signal,
        });
      } else {
        request = fetch(withQuery(cfg.chatStreamUrl, { message_id: turn.answerId }), {
          headers: {
            Accept: "text/event-stream",
            "X-Conversation-Token": conversation ? conversation.token : "",
            "Last-Event-ID": turn.answerId + ":" + turn.offset,
          },
          cache: "no-store",
          signal: controller.signal,
        });
      }
      var final = null;
      return request
        .then(function (response) {
          if (!response.ok) return httpFailure(response);
          return readEventStream(response, function (event) {
            final = handleEvent(turn, event);
            return final !== null;
          }).then(function () {
            // A stream that ends without done or error was cut somewhere on the way.
            return final || { kind: "network" };
          });
        })
        .catch(function () {
          return controller.signal.aborted ? { kind: "aborted" } : final || { kind: "network" };
        });
    }

    /** Apply one SSE event; returns the final outcome for done/error, else null. */
    function handleEvent(turn, event) {
      var data = event.data || {};
      if (event.event === "meta") {
        if (data.conversation_id && data.conversation_token) {
          conversation = { id: data.conversation_id, token: data.conversation_token };
          saveConversation(storageKey, conversation);
        }
        turn.answerId = data.assistant_message_id || turn.answerId;
        if (data.answer_source === "knowledge") showKnowledgeNotice();
        return null;
      }
      if (event.event === "delta") {
        var text = typeof data.text === "string" ? data.text : "";
        turn.text += text;
        var offset = event.id ? Number(event.id.slice(event.id.lastIndexOf(":") + 1)) : NaN;
        turn.offset = isNaN(offset) ? turn.offset + codePoints(text) : offset;
        turn.autoResumes = 0; // progress: a later drop gets its own silent reconnects
        scheduleRender(turn);
        return null;
      }
      if (event.event === "done") return { kind: "done", finishReason: data.finish_reason };
      if (event.event === "error") {
        return { kind: "error", code: data.code, message: data.message, retryable: data.retryable !== false };
      }
      return null;
    }

    function finishTurn(turn, how, outcome) {
      flushRender(turn);
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
          disableOldRetries();
          startTurn(turn, mode);
        };
      };
      if (!turn.text) bubbleOf(turn).replaceChildren(el("span", { className: "sc-no-answer", text: "No answer yet." }));
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
        conversation = null;
        saveConversation(storageKey, null);
        turn.answerId = null;
        showFailure(turn, "This conversation has expired. Retry to ask in a new conversation.", again("post"));
      } else if (outcome.status >= 500 || outcome.status === 408) {
        showFailure(turn, outcome.message || "The chat is unavailable right now. Please try again in a moment.", again("post"));
      } else {
        // The request itself was refused (too long, empty): let the shopper edit it.
        turn.answerEl.remove();
        turn.answerEl = null;
        if (turn.userEl) turn.userEl.classList.add("sc-msg--unsent");
        if (!input.value) input.value = turn.message;
        showFailure(turn, outcome.message || "This message could not be sent.", null);
      }
    }

    // -- restoring after a reload

    function renderStored(message) {
      if (message.source === "knowledge") showKnowledgeNotice();
      if (message.role === "user") return userBubble(message.content);
      var node = assistantBubble(message.content);
      if (message.status === "interrupted") node.classList.add("sc-msg--interrupted");
      return node;
    }

    function restore() {
      conversation = loadConversation(storageKey);
      if (!conversation) return Promise.resolve();
      var loading = append(el("p", { className: "sc-loading", text: "Loading your conversation…" }));
      var failed = { answerEl: null };
      return fetchHistory(null)
        .then(function (page) {
          loading.remove();
          if (!page) return;
          page.messages.forEach(function (message) { append(renderStored(message)); });
          showEarlier(page);
          scrollToBottom();
          continueLastTurn(page.messages);
        })
        .catch(function () {
          loading.remove();
          showFailure(failed, "We couldn't load your conversation.", function () {
            restore();
          });
        });
    }

    /** One page of history (null when the conversation is gone); rejects on network failure. */
    function fetchHistory(before) {
      var params = { conversation_id: conversation.id, limit: HISTORY_PAGE };
      if (before) params.before = before;
      return fetch(withQuery(cfg.historyUrl, params), {
        headers: { "X-Conversation-Token": conversation.token },
        cache: "no-store",
      }).then(function (response) {
        if (response.status === 404) {
          conversation = null;
          saveConversation(storageKey, null);
          return null;
        }
        if (!response.ok) throw new Error("history answered " + response.status);
        return response.json();
      });
    }

    var nextBefore = null;
    function showEarlier(page) {
      nextBefore = page.has_more ? page.next_before : null;
      earlierButton.hidden = !nextBefore;
    }

    earlierButton.addEventListener("click", function () {
      if (!nextBefore || !conversation) return;
      earlierButton.disabled = true;
      fetchHistory(nextBefore)
        .then(function (page) {
          if (!page) return;
          var fromBottom = messages.scrollHeight - messages.scrollTop;
          var anchor = earlierButton.nextSibling;
          page.messages.forEach(function (message) { messages.insertBefore(renderStored(message), anchor); });
          messages.scrollTop = messages.scrollHeight - fromBottom;
          showEarlier(page);
        })
        .catch(function () {})
        .then(function () { earlierButton.disabled = false; });
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
      turn.offset = codePoints(turn.text);
      turn.answerEl = messages.lastChild;
      if (answer.status === "streaming") {
        startTurn(turn, "resume");
      } else if (answer.status === "failed" || answer.status === "interrupted") {
        if (!turn.text) bubbleOf(turn).replaceChildren(el("span", { className: "sc-no-answer", text: "No answer yet." }));
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
      conversation = null;
      saveConversation(storageKey, null);
      Array.prototype.slice.call(messages.children).forEach(function (child) {
        if (child !== greeting && child !== earlierButton) child.remove();
      });
      earlierButton.hidden = true;
      nextBefore = null;
      greeting.hidden = false;
      setBusy(false);
      announce("Started a new conversation.");
      input.focus();
    }

    function autosize() {
      input.style.height = "auto";
      input.style.height = Math.min(input.scrollHeight, 160) + "px";
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (send(input.value)) {
        input.value = "";
        autosize();
      }
      input.focus();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (!busy) form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
      }
    });
    input.addEventListener("input", autosize);
    newButton.addEventListener("click", newConversation);
    if (closeButton && cfg.onClose) closeButton.addEventListener("click", cfg.onClose);

    var ready = restore();

    return {
      element: container,
      ready: ready,
      send: send,
      newConversation: newConversation,
      focus: function () { input.focus(); },
      destroy: function () {
        destroyed = true;
        if (currentTurn && currentTurn.controller) currentTurn.controller.abort();
        container.remove();
      },
    };
  }

  window.SupportChat = { mount: mount, renderMarkdown: renderMarkdown, KNOWLEDGE_NOTICE: KNOWLEDGE_NOTICE };
})();
