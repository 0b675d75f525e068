/*
 * The chat's DOM building blocks: a small element helper and safe markdown.
 *
 * Safety: no text from the shopper or the model ever goes through innerHTML. Markdown is
 * turned into DOM nodes (text nodes, <strong>, <em>, <code>, lists, http(s) links) directly.
 * Defines window.SupportChat.dom = {el, uniqueId, renderMarkdown}.
 */
(function () {
  "use strict";

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

  var SupportChat = (window.SupportChat = window.SupportChat || {});
  SupportChat.dom = { el: el, uniqueId: uniqueId, renderMarkdown: renderMarkdown };
})();
