/*
 * The only place that calls fetch() or knows the wire format: the HTTP contract as calls that
 * resolve to plain outcomes. Defines window.SupportChat.transport.
 */
(function () {
  "use strict";

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

  /** A conversation the client proposes with its first message ({id: UUIDv4, token}), so a
   * retried first message finds it instead of starting a second one. */
  function proposeConversation() {
    return { id: newClientMessageId(), token: newConversationToken() };
  }

  // Python counts code points; the server's offsets are in code points, not UTF-16 units.
  function codePoints(text) {
    return Array.from(text).length;
  }

  /** Calls onEvent({event, data, id}) for each event of a fetch() response body; stops when it returns true. */
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

  /** {kind: "http", status, code, retryAfter} for a refused request. */
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
          retryAfter: retryAfterSeconds(response),
        };
      });
  }

  function withQuery(url, params) {
    var query = Object.keys(params)
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); })
      .join("&");
    return url + (url.indexOf("?") >= 0 ? "&" : "?") + query;
  }

  /** Turn one SSE event of an answer into a callback, or the final outcome for done/error. */
  function answerEvent(event, handlers) {
    var data = event.data || {};
    if (event.event === "meta") {
      handlers.meta(data);
      return null;
    }
    if (event.event === "delta") {
      var offset = event.id ? Number(event.id.slice(event.id.lastIndexOf(":") + 1)) : NaN;
      handlers.delta(typeof data.text === "string" ? data.text : "", isNaN(offset) ? null : offset);
      return null;
    }
    if (event.event === "done") {
      return { kind: "done", finishReason: data.finish_reason, sources: Array.isArray(data.sources) ? data.sources : [] };
    }
    if (event.event === "error") {
      return { kind: "error", code: data.code, retryable: data.retryable !== false };
    }
    return null;
  }

  var warned = false;

  /** fetch(), and for the shop: a page whose origin the functions do not allow gets only an
   * opaque network error (the shopper sees "connection lost"), so the console says why, once. */
  function reach(url, init) {
    return fetch(url, init).catch(function (error) {
      var to = new URL(url, document.baseURI).origin;
      var from = location.origin;
      if (error instanceof TypeError && to !== from && !warned) {
        warned = true;
        console.warn("Support chat: this page (" + from + ") could not reach " + to + ". Add " + from + " to ALLOWED_ORIGINS of the chat's functions, unless it is there already: then it is a network problem.");
      }
      throw error;
    });
  }

  function createTransport(urls) {
    /**
     * Read an answer stream. Resolves to the outcome: {kind: "done"|"error"|"http"|"network"|"aborted"}.
     * handlers: meta(data), delta(text, offsetOrNull).
     */
    function follow(request, signal, handlers) {
      var final = null;
      return request
        .then(function (response) {
          if (!response.ok) return httpFailure(response);
          return readEventStream(response, function (event) {
            final = answerEvent(event, handlers);
            return final !== null;
          }).then(function () {
            // A stream that ends without done or error was cut somewhere on the way.
            return final || { kind: "network" };
          });
        })
        .catch(function () {
          return signal.aborted ? { kind: "aborted" } : final || { kind: "network" };
        });
    }

    /** Ask (or ask again with the same client_message_id). conversation: {id, token} or null. */
    function ask(turn, conversation, signal, handlers) {
      var body = { message: turn.message, client_message_id: turn.clientMessageId };
      var headers = { "Content-Type": "application/json", Accept: "text/event-stream" };
      if (conversation) {
        body.conversation_id = conversation.id;
        headers["X-Conversation-Token"] = conversation.token;
      }
      var request = reach(urls.chatStreamUrl, {
        method: "POST",
        headers: headers,
        body: JSON.stringify(body),
        cache: "no-store",
        signal: signal,
      });
      return follow(request, signal, handlers);
    }

    /** Follow an answer from `offset` characters on (it may still be being written). */
    function resume(answerId, offset, conversation, signal, handlers) {
      var request = reach(withQuery(urls.chatStreamUrl, { message_id: answerId }), {
        headers: {
          Accept: "text/event-stream",
          "X-Conversation-Token": conversation ? conversation.token : "",
          "Last-Event-ID": answerId + ":" + offset,
        },
        cache: "no-store",
        signal: signal,
      });
      return follow(request, signal, handlers);
    }

    /** One page of history (null when the conversation is gone); rejects on network failure. */
    function history(conversation, before, limit) {
      var params = { conversation_id: conversation.id, limit: limit };
      if (before) params.before = before;
      return reach(withQuery(urls.historyUrl, params), {
        headers: { "X-Conversation-Token": conversation.token },
        cache: "no-store",
      }).then(function (response) {
        if (response.status === 404) return null;
        if (!response.ok) throw new Error("history answered " + response.status);
        return response.json();
      });
    }

    // The history function's sub-routes: /history/suggestions, /history/feedback, ...
    function historyRoute(name) {
      var url = new URL(urls.historyUrl, document.baseURI);
      url.pathname = url.pathname.replace(/\/+$/, "") + "/" + name;
      return url.href;
    }

    /** {mode, suggestions: [{key, question}]} for a warm start; null when there are none. */
    function suggestions() {
      return reach(historyRoute("suggestions"), { cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; });
    }

    /** POST a conversation's JSON body to a history route; resolves {status, body} (status 0
     * when unreachable; body {} when the response has none). */
    function postFor(conversation, name, body) {
      return reach(historyRoute(name), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Conversation-Token": conversation.token },
        body: JSON.stringify(Object.assign({ conversation_id: conversation.id }, body)),
      })
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (parsed) {
            return { status: response.status, body: parsed || {} };
          });
        })
        .catch(function () { return { status: 0, body: {} }; });
    }

    /** Resolves whether the rating was stored. */
    function feedback(conversation, messageId, rating, comment) {
      var body = { message_id: messageId, rating: rating };
      if (comment) body.comment = comment;
      return postFor(conversation, "feedback", body).then(function (result) {
        return result.status >= 200 && result.status < 300;
      });
    }

    /** Resolves {status, body}, as postFor. */
    function handoff(conversation, email) {
      return postFor(conversation, "handoff", email ? { email: email } : {});
    }

    /** Follow the conversation's events (onEvent({event, data, id})) until `signal` aborts;
     * resolves when the stream ends, with the last event id. */
    function events(conversation, lastEventId, signal, onEvent) {
      var headers = { Accept: "text/event-stream", "X-Conversation-Token": conversation.token };
      if (lastEventId) headers["Last-Event-ID"] = lastEventId;
      var last = lastEventId;
      return reach(withQuery(historyRoute("events"), { conversation_id: conversation.id }), {
        headers: headers,
        cache: "no-store",
        signal: signal,
      })
        .then(function (response) {
          if (!response.ok) return { status: response.status, lastEventId: last };
          return readEventStream(response, function (event) {
            if (event.id) last = event.id;
            onEvent(event);
          }).then(function () { return { status: 200, lastEventId: last }; });
        })
        .catch(function () { return { status: 0, lastEventId: last }; });
    }

    return {
      ask: ask,
      resume: resume,
      history: history,
      suggestions: suggestions,
      feedback: feedback,
      handoff: handoff,
      events: events,
    };
  }

  var SupportChat = (window.SupportChat = window.SupportChat || {});
  SupportChat.transport = {
    createTransport: createTransport,
    newClientMessageId: newClientMessageId,
    proposeConversation: proposeConversation,
    codePoints: codePoints,
  };
})();
