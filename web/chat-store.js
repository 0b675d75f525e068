/*
 * What the chat remembers on this device (localStorage), and nothing else.
 *
 * createStore(chatStreamUrl) keeps the conversation ({id, token}) under a key per chat
 * function, so two shops on one domain do not share it. Storage that is full or disabled
 * never breaks the chat: it just forgets on reload.
 * Defines window.SupportChat.store = {createStore}.
 */
(function () {
  "use strict";

  var STORAGE_PREFIX = "support-chat:v1:";

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // disabled storage: the chat works, it just forgets on reload
    }
  }

  function read(key) {
    try {
      return JSON.parse(storage().getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function write(key, value) {
    try {
      if (value === null || value === undefined) storage().removeItem(key);
      else storage().setItem(key, JSON.stringify(value));
    } catch (e) {
      /* storage full or disabled: keep going */
    }
  }

  function createStore(chatStreamUrl) {
    var key = STORAGE_PREFIX + new URL(chatStreamUrl, document.baseURI).href;
    return {
      /** The conversation to restore ({id, token}), or null. */
      conversation: function () {
        var saved = read(key);
        return saved && saved.id && saved.token ? saved : null;
      },
      saveConversation: function (conversation) {
        write(key, conversation || null);
      },
    };
  }

  var SupportChat = (window.SupportChat = window.SupportChat || {});
  SupportChat.store = { createStore: createStore };
})();
