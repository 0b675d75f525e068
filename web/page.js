// The full-page chat: mount it with the settings from config.js.
(function () {
  "use strict";
  var config = Object.assign({ variant: "page" }, window.SUPPORT_CHAT_CONFIG || {});
  window.supportChat = window.SupportChat.mount(document.getElementById("support-chat"), config);
})();
