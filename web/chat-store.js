/*
 * What the chat remembers on this device (localStorage), one record per chat function:
 *   {active: id|null, conversations: [{id, token, title, updatedAt}],
 *    drafts: {key: text}, unsent: {key: {message, clientMessageId, proposed}},
 *    ratings: {messageId: "up"|"down"}}, key: a conversation id or "new".
 * Full or disabled storage only forgets on reload. Defines window.SupportChat.store.
 */
(function () {
  "use strict";

  var PREFIX = "support-chat:v2:";
  var OLD_PREFIX = "support-chat:v1:"; // one conversation, {id, token}
  var MAX_CONVERSATIONS = 20;
  var MAX_RATINGS = 300;

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
      if (value === null) storage().removeItem(key);
      else storage().setItem(key, JSON.stringify(value));
    } catch (e) {
      /* storage full or disabled: keep going */
    }
  }

  function empty() {
    return { active: null, conversations: [], drafts: {}, unsent: {}, ratings: {} };
  }

  /** The record, upgraded from the one-conversation format of earlier versions. */
  function load(key, oldKey) {
    var saved = read(key);
    if (saved && Array.isArray(saved.conversations)) return Object.assign(empty(), saved);
    var state = empty();
    var old = read(oldKey);
    if (old && old.id && old.token) {
      state.conversations.push({ id: old.id, token: old.token, title: "", updatedAt: Date.now() });
      state.active = old.id;
      write(key, state);
      write(oldKey, null);
    }
    return state;
  }

  function createStore(chatStreamUrl) {
    var url = new URL(chatStreamUrl, document.baseURI).href;
    var key = PREFIX + url;
    var oldKey = OLD_PREFIX + url;

    // Another tab may have written since: read, change, write back each time.
    function update(change) {
      var state = load(key, oldKey);
      change(state);
      write(key, state);
      return state;
    }

    function find(state, id) {
      return state.conversations.filter(function (c) { return c.id === id; })[0] || null;
    }

    return {
      /** Past conversations on this device, most recent first. */
      list: function () {
        return load(key, oldKey).conversations.slice().sort(function (a, b) { return b.updatedAt - a.updatedAt; });
      },
      /** The conversation the chat shows ({id, token, title}), or null for a new one. */
      active: function () {
        var state = load(key, oldKey);
        return state.active ? find(state, state.active) : null;
      },
      setActive: function (id) {
        update(function (state) { state.active = id || null; });
      },
      /** Remember a conversation (new or continued) and make it the active one. */
      touch: function (conversation, title) {
        update(function (state) {
          var known = find(state, conversation.id);
          if (!known) {
            known = { id: conversation.id, token: conversation.token, title: title || "" };
            state.conversations.push(known);
          }
          known.token = conversation.token;
          if (!known.title && title) known.title = title;
          known.updatedAt = Date.now();
          state.active = conversation.id;
          state.conversations = state.conversations
            .sort(function (a, b) { return b.updatedAt - a.updatedAt; })
            .slice(0, MAX_CONVERSATIONS);
        });
      },
      /** The server no longer knows this conversation: drop it from the list. */
      forget: function (id) {
        update(function (state) {
          state.conversations = state.conversations.filter(function (c) { return c.id !== id; });
          if (state.active === id) state.active = null;
          delete state.drafts[id];
          delete state.unsent[id];
        });
      },
      draft: function (slot) {
        return load(key, oldKey).drafts[slot] || "";
      },
      saveDraft: function (slot, text) {
        update(function (state) {
          if (text) state.drafts[slot] = text;
          else delete state.drafts[slot];
        });
      },
      /** A message the server refused before storing it: {message, clientMessageId} or null. */
      unsent: function (slot) {
        return load(key, oldKey).unsent[slot] || null;
      },
      saveUnsent: function (slot, turn) {
        update(function (state) {
          if (turn) {
            state.unsent[slot] = {
              message: turn.message,
              clientMessageId: turn.clientMessageId,
              proposed: turn.proposed || null,
            };
          }
          else delete state.unsent[slot];
        });
      },
      rating: function (messageId) {
        return load(key, oldKey).ratings[messageId] || null;
      },
      saveRating: function (messageId, rating) {
        update(function (state) {
          state.ratings[messageId] = rating;
          var ids = Object.keys(state.ratings);
          if (ids.length > MAX_RATINGS) delete state.ratings[ids[0]];
        });
      },
    };
  }

  var SupportChat = (window.SupportChat = window.SupportChat || {});
  SupportChat.store = { createStore: createStore };
})();
