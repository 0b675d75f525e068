/*
 * The embeddable chat bubble. On any shop page:
 *
 *   <script src="https://cdn.example.com/chat/widget.js"
 *           data-chat-stream-url="https://…/chat_stream"
 *           data-history-url="https://…/history" async></script>
 *
 * Optional: data-title, data-greeting, data-mode="knowledge", data-open="true".
 * Without the URL attributes, config.js next to this file says where the functions are.
 * The chat itself is chat.js and its modules (the same code as the full page), loaded when
 * first opened and drawn inside a shadow root so the shop's CSS and the chat's CSS never meet.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__supportChatWidget) return; // loaded twice: one bubble is enough
  window.__supportChatWidget = true;

  var base = new URL(".", script.src).href;
  var data = script.dataset;
  var OPEN_KEY = "support-chat:widget-open";
  var title = data.title || "Customer support";
  // The chat's classic scripts, in the order they depend on each other (index.html lists the same).
  var CHAT_SCRIPTS = ["chat-dom.js", "chat-transport.js", "chat-store.js", "chat-view.js", "chat.js"];

  /** ordered: run in insertion order (async = false) while still downloading in parallel. */
  function loadScript(src, ordered) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.async = !ordered;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(tag);
    });
  }

  function loadChat() {
    if (window.SupportChat && window.SupportChat.mount) return Promise.resolve();
    return Promise.all(CHAT_SCRIPTS.map(function (name) { return loadScript(base + name, true); }));
  }

  function resolveUrl(url, against) {
    return url ? new URL(url, against).href : url;
  }

  /** Settings: data attributes first, then config.js (relative URLs there are relative to it). */
  function loadConfig() {
    var fromAttributes = {
      chatStreamUrl: resolveUrl(data.chatStreamUrl, document.baseURI),
      historyUrl: resolveUrl(data.historyUrl, document.baseURI),
    };
    var needsFile = !fromAttributes.chatStreamUrl || !fromAttributes.historyUrl;
    var file = needsFile && !window.SUPPORT_CHAT_CONFIG ? loadScript(base + "config.js") : Promise.resolve();
    return file.then(function () {
      var fileConfig = window.SUPPORT_CHAT_CONFIG || {};
      return {
        chatStreamUrl: fromAttributes.chatStreamUrl || resolveUrl(fileConfig.chatStreamUrl, base),
        historyUrl: fromAttributes.historyUrl || resolveUrl(fileConfig.historyUrl, base),
        mode: data.mode || fileConfig.mode,
        greeting: data.greeting || fileConfig.greeting,
        title: title,
        variant: "widget",
      };
    });
  }

  function remember(open) {
    try {
      if (open) window.sessionStorage.setItem(OPEN_KEY, "1");
      else window.sessionStorage.removeItem(OPEN_KEY);
    } catch (e) {
      /* no storage: the bubble just starts closed */
    }
  }

  function wasOpen() {
    try {
      return window.sessionStorage.getItem(OPEN_KEY) === "1";
    } catch (e) {
      return false;
    }
  }

  function start() {
    var host = document.createElement("div");
    host.id = "support-chat-widget";
    document.body.appendChild(host);
    var shadow = host.attachShadow({ mode: "open" });

    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = base + "chat.css";
    shadow.appendChild(style);

    var panel = document.createElement("div");
    panel.className = "sc-panel";
    panel.id = "sc-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", title);
    panel.hidden = true;

    var launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "sc-launcher";
    launcher.setAttribute("aria-controls", "sc-panel");
    launcher.setAttribute("aria-expanded", "false");
    var icon = document.createElement("span");
    icon.className = "sc-launcher-icon";
    icon.setAttribute("aria-hidden", "true");
    var label = document.createElement("span");
    label.className = "sc-launcher-label";
    label.textContent = "Chat with us";
    launcher.appendChild(icon);
    launcher.appendChild(label);

    shadow.appendChild(panel);
    shadow.appendChild(launcher);

    var chat = null;
    var loading = null;

    function ensureChat() {
      if (chat) return Promise.resolve(chat);
      if (!loading) {
        loading = Promise.all([loadConfig(), loadChat()]).then(
          function (results) {
            var config = results[0];
            config.onClose = close;
            chat = window.SupportChat.mount(panel, config);
            widget.chat = chat;
            return chat;
          }
        );
        loading.catch(function () {
          loading = null;
          panel.textContent = "The chat could not be loaded. Please try again later.";
        });
      }
      return loading;
    }

    function open() {
      panel.hidden = false;
      host.classList.add("sc-open");
      launcher.setAttribute("aria-expanded", "true");
      launcher.hidden = true;
      remember(true);
      return ensureChat().then(function (c) {
        c.focus();
        return c;
      });
    }

    function close() {
      panel.hidden = true;
      host.classList.remove("sc-open");
      launcher.setAttribute("aria-expanded", "false");
      launcher.hidden = false;
      remember(false);
      launcher.focus();
    }

    launcher.addEventListener("click", open);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close();
    });

    var widget = { open: open, close: close, chat: null, host: host };
    window.supportChatWidget = widget;
    if (data.open === "true" || wasOpen()) open();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
