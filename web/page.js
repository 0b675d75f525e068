// The full-page chat: brand the page and mount the chat with the settings from config.js, in
// its language: config.js's lang, else the visitor's browser (index.html's own lang="en" is
// only for a browser without JavaScript). Another language's texts load first.
(function () {
  "use strict";
  var config = Object.assign({ variant: "page" }, window.SUPPORT_CHAT_CONFIG || {});
  var here = document.currentScript.src;
  config.lang = window.SupportChat.i18n.language(config.lang);
  document.documentElement.lang = config.lang;
  window.SupportChat.brand.apply(document.documentElement, config);

  function start() {
    var chat = (window.supportChat = window.SupportChat.mount(document.getElementById("support-chat"), config));
    // The message box is what this page is for: a keyboard starts there, not behind every
    // answer's buttons. Not on a touch screen, where focus would open the keyboard.
    chat.ready.then(function () {
      var untouched = !document.activeElement || document.activeElement === document.body;
      if (untouched && window.matchMedia("(pointer: fine)").matches) chat.focus();
    });
  }
  if (config.lang === "en") return start(); // English pages load no translations
  var texts = document.createElement("script");
  texts.src = new URL("i18n/" + config.lang + ".js", here).href;
  texts.onload = texts.onerror = start; // missing: the chat speaks English
  document.head.appendChild(texts);
})();
