// The full-page chat: brand the page and mount the chat with the settings from config.js.
(function () {
  "use strict";
  var config = Object.assign({ variant: "page" }, window.SUPPORT_CHAT_CONFIG || {});
  window.SupportChat.brand.apply(document.documentElement, config);
  window.supportChat = window.SupportChat.mount(document.getElementById("support-chat"), config);
})();
