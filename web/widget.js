/*
 * The chat bubble for any shop page (README: "The chat page and the widget"). The chat loads
 * when first opened, in a shadow root (the shop's CSS and the chat's never meet) on a fixed,
 * zero-sized host (the page never moves).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__supportChatWidget) return; // loaded twice: one bubble is enough
  window.__supportChatWidget = true;

  var base = new URL(".", script.src).href;
  var data = script.dataset;
  var OPEN_KEY = "support-chat:widget-open";
  var SEEN_KEY = "support-chat:widget-seen";
  var PEOPLE_KEY = "support-chat:widget-people"; // followed: our team has it, or unread replies
  // In the order they depend on each other, as index.html lists them.
  var CHAT_SCRIPTS = ["chat-dom.js", "chat-brand.js", "chat-transport.js", "chat-store.js", "chat-view.js", "chat.js"];
  var BRAND_KEYS = ["title", "agentName", "avatar", "greeting", "subtitle", "color", "theme", "position", "mode", "lang"];
  var CHAT_ICON = "M21 11.5a8.4 8.4 0 0 1-9 8.4 9 9 0 0 1-3.9-.9L3 20.5l1.5-4.6A8.4 8.4 0 0 1 3 11.5 8.5 8.5 0 0 1 12 3a8.5 8.5 0 0 1 9 8.5z";

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
    var loaded = window.SupportChat && window.SupportChat.brand; // the launcher may have loaded the brand
    var needed = CHAT_SCRIPTS.filter(function (name) { return name !== "chat-brand.js" || !loaded; });
    return Promise.all(needed.map(function (name) { return loadScript(base + name, true); }));
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
    var file = window.SUPPORT_CHAT_CONFIG ? Promise.resolve() : loadScript(base + "config.js").catch(function () {});
    return file.then(function () {
      var fileConfig = window.SUPPORT_CHAT_CONFIG || {};
      var config = {
        chatStreamUrl: fromAttributes.chatStreamUrl || resolveUrl(fileConfig.chatStreamUrl, base),
        historyUrl: fromAttributes.historyUrl || resolveUrl(fileConfig.historyUrl, base),
        variant: "widget",
      };
      BRAND_KEYS.forEach(function (key) {
        config[key] = data[key] || fileConfig[key];
      });
      return config;
    });
  }

  /** The chat's language (chat-brand.js decides) and, when it is not English, its texts: loaded
   * with the brand, before the launcher shows, so the bubble speaks it from the start. */
  function loadLanguage(config) {
    config.lang = window.SupportChat.i18n.language(config.lang, document.documentElement.lang);
    if (config.lang === "en") return config; // English shops load no translations
    var texts = loadScript(base + "i18n/" + config.lang + ".js").catch(function () {}); // missing: English
    return texts.then(function () { return config; });
  }

  /** Read (no value) or write (empty: remove) a key. */
  function kept(area, key, value) {
    try {
      var storage = window[area];
      if (value === undefined) return storage.getItem(key);
      if (value) storage.setItem(key, value);
      else storage.removeItem(key);
    } catch (e) {
      return null;
    }
  }

  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", "sc-icon");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", CHAT_ICON);
    svg.appendChild(path);
    return svg;
  }

  function start() {
    // A custom tag the shop's `div { ... }` rules do not match; inline !important beats its
    // stylesheets.
    var host = document.createElement("support-chat-widget");
    host.id = "support-chat-widget";
    host.style.cssText = ["display:block", "position:fixed", "right:0", "bottom:0", "width:0", "height:0", "margin:0", "padding:0", "border:0", "transform:none", "z-index:2147483000"]
      .map(function (rule) { return rule + " !important"; })
      .join(";");
    document.body.appendChild(host);
    var shadow = host.attachShadow({ mode: "open" });

    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = base + "chat.css";
    var styled = new Promise(function (resolve) {
      style.onload = resolve;
      style.onerror = resolve;
    });
    shadow.appendChild(style);

    var t = function (text) { return text; }; // English until the language is known
    var panel = document.createElement("div");
    panel.className = "sc-panel";
    panel.id = "sc-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", data.title || t("Customer support"));
    panel.tabIndex = -1; // holds the focus while the chat loads, or if it cannot: Escape closes it
    panel.hidden = true;

    var launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "sc-launcher";
    launcher.hidden = true; // shown once styled and branded: no unstyled flash
    launcher.setAttribute("aria-controls", "sc-panel");
    launcher.setAttribute("aria-expanded", "false");
    var label = document.createElement("span");
    label.className = "sc-visually-hidden";
    label.textContent = t("Chat with us");
    var badge = document.createElement("span");
    badge.className = "sc-badge";
    badge.hidden = true;
    launcher.appendChild(chatIcon());
    launcher.appendChild(label);
    launcher.appendChild(badge);

    shadow.appendChild(panel);
    shadow.appendChild(launcher);

    var chat = null;
    var loading = null;
    var unread = 0;
    var newest = 0;
    var configured = Promise.all([loadConfig(), loadScript(base + "chat-brand.js")]).then(function (results) {
      return loadLanguage(results[0]);
    }).then(function (config) {
      window.SupportChat.brand.apply(host, config);
      t = window.SupportChat.i18n.translator(config.lang);
      host.lang = t.lang; // the launcher and the panel are read out in the chat's language
      config.title = config.title || t("Customer support");
      panel.setAttribute("aria-label", config.title);
      label.textContent = t("Chat with us");
      showUnread();
      return config;
    });
    // Shown once styled, unless the panel is open by then: on a phone it would cover Send.
    Promise.all([configured.catch(function () {}), styled]).then(function () { launcher.hidden = !panel.hidden; });

    function showUnread() {
      badge.hidden = !unread;
      badge.replaceChildren(document.createTextNode(String(unread)));
      var words = document.createElement("span");
      words.className = "sc-visually-hidden";
      words.textContent = " " + (unread === 1 ? t("new reply") : t("new replies"));
      badge.appendChild(words);
    }

    /** `time`: the server's; a restored reply is news if newer than the last look. */
    function onReply(time, live) {
      newest = Math.max(newest, time || 0);
      if (!panel.hidden) return looked();
      if (!live && time && time <= Number(kept("localStorage", SEEN_KEY))) return;
      unread += 1;
      showUnread();
    }

    function looked() {
      if (newest) kept("localStorage", SEEN_KEY, String(newest));
    }

    function ensureChat() {
      if (chat) return Promise.resolve(chat);
      if (!loading) {
        loading = Promise.all([configured, loadChat()]).then(function (results) {
          var config = results[0];
          config.onClose = close;
          config.onReply = onReply;
          config.onPeople = function (on) { kept("localStorage", PEOPLE_KEY, on || unread ? "1" : ""); };
          panel.textContent = ""; // an earlier attempt's "could not be loaded"
          chat = window.SupportChat.mount(panel, config);
          widget.chat = chat;
          return chat;
        });
        loading.catch(function () {
          loading = null;
          // With a way out: on a phone the panel covers the whole page.
          var note = document.createElement("p");
          note.textContent = t("The chat could not be loaded. Please try again later.");
          var closer = document.createElement("button");
          closer.type = "button";
          closer.className = "sc-failed-close";
          closer.textContent = t("Close");
          closer.addEventListener("click", close);
          panel.replaceChildren(note, closer);
          if (!panel.hidden) closer.focus();
        });
      }
      return loading;
    }

    // Full screen on a phone (chat.css): there the open panel is modal, and Tab and Shift+Tab
    // go round inside it, not on to the page hidden behind it.
    var phone = window.matchMedia("(max-width: 520px)");
    function modal() {
      if (phone.matches && !panel.hidden) panel.setAttribute("aria-modal", "true");
      else panel.removeAttribute("aria-modal");
    }
    phone.onchange = modal;

    function keepTab(event) {
      var stops = [].filter.call(panel.querySelectorAll("button, input, textarea, a[href], [tabindex='0']"), function (node) {
        return !node.disabled && node.getClientRects().length;
      });
      if (!stops.length) return event.preventDefault(); // still loading: the panel keeps it
      var first = stops[0];
      var last = stops[stops.length - 1];
      if (shadow.activeElement === (event.shiftKey ? first : last)) {
        event.preventDefault();
        (event.shiftKey ? last : first).focus();
      }
    }

    function open() {
      panel.hidden = false;
      modal();
      host.classList.add("sc-open");
      launcher.setAttribute("aria-expanded", "true");
      launcher.hidden = true;
      unread = 0;
      showUnread();
      looked();
      kept("sessionStorage", OPEN_KEY, "1");
      if (!chat) panel.focus({ preventScroll: true });
      return ensureChat().then(function (c) {
        c.focus();
        return c;
      });
    }

    function close() {
      panel.hidden = true;
      modal();
      host.classList.remove("sc-open");
      launcher.setAttribute("aria-expanded", "false");
      launcher.hidden = false;
      kept("sessionStorage", OPEN_KEY, "");
      launcher.focus();
    }

    launcher.addEventListener("click", open);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close();
      if (event.key === "Tab" && panel.hasAttribute("aria-modal")) keepTab(event);
    });

    var widget = { open: open, close: close, chat: null, host: host };
    window.supportChatWidget = widget;
    if (data.open === "true" || kept("sessionStorage", OPEN_KEY)) open();
    // While our team has the conversation, its replies badge the bubble after a reload too.
    else if (kept("localStorage", PEOPLE_KEY)) ensureChat();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
