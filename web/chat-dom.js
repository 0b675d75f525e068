/*
 * The chat's DOM building blocks: a small element helper and safe markdown.
 *
 * Safety: no text from the shopper or the model ever goes through innerHTML. Markdown is
 * turned into DOM nodes (text nodes, <strong>, <em>, <code>, lists, http(s) links) directly.
 * Direction: text from anyone loses its bidi embedding/override/isolate controls (U+202A-E,
 * U+2066-9) and is shown in dir="auto" elements, so a message can be Arabic or Hebrew but
 * cannot reverse or rearrange anything else on the page.
 * Defines window.SupportChat.dom = {el, uniqueId, renderMarkdown, clean, icon}.
 */
(function () {
  "use strict";

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "className") node.className = value;
      else if (key === "text") node.textContent = clean(value);
      else if (key === "hidden") node.hidden = true;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(clean(child)) : child);
    });
    return node;
  }

  var BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

  /** Text from a person or the model, safe to place anywhere: no bidi control characters. */
  function clean(text) {
    return String(text === undefined || text === null ? "" : text).replace(BIDI_CONTROLS, "");
  }

  // 24x24 stroke icons (after Feather, MIT): decorative, the button carries the name.
  var ICONS = {
    chat: "M21 11.5a8.4 8.4 0 0 1-9 8.4 9 9 0 0 1-3.9-.9L3 20.5l1.5-4.6A8.4 8.4 0 0 1 3 11.5 8.5 8.5 0 0 1 12 3a8.5 8.5 0 0 1 9 8.5z",
    close: "M18 6 6 18M6 6l12 12",
    plus: "M12 5v14M5 12h14",
    list: "M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01",
    back: "M19 12H5M12 19l-7-7 7-7",
    copy: "M9 9h11v11H9zM5 15H4V4h11v1",
    check: "M20 6 9 17l-5-5",
    up: "M7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3m7-2V5a3 3 0 0 0-3-3l-4 9v11h11.3a2 2 0 0 0 2-1.7l1.4-9a2 2 0 0 0-2-2.3z",
    down: "M17 2h3a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2h-3m-7 2v4a3 3 0 0 0 3 3l4-9V2H5.7a2 2 0 0 0-2 1.7l-1.4 9a2 2 0 0 0 2 2.3z",
    person: "M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z",
  };

  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "sc-icon");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  var idCounter = 0;
  function uniqueId(prefix) {
    idCounter += 1;
    return prefix + "-" + idCounter + "-" + Math.random().toString(36).slice(2, 7);
  }

  var INLINE = new RegExp(
    [
      "`([^`\\n]+)`", // 1: code
      "\\*\\*(?=\\S)([^\\n]+?)\\*\\*", // 2: bold
      "\\*(?=[^\\s*])([^*\\n]+?)\\*", // 3: italic
      "\\[([^\\]\\n]+)\\]\\(\\s*([^)\\s]+)\\s*\\)", // 4, 5: [text](url)
      "(https?:\\/\\/[^\\s<>\"'`]+)", // 6: bare URL
      "([\\w.%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})", // 7: email address
      "(\\+\\d{1,3}(?:[ -]?(?:\\(0\\)[ -]?)?\\d{1,5}){2,5})", // 8: phone number with its country code
    ].join("|"),
    "g"
  );

  function safeUrl(href) {
    try {
      var url = new URL(href);
      return /^(https?|mailto|tel):$/.test(url.protocol) ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(href, children) {
    // An email address or a phone number opens the mail or phone app, not a new tab.
    var away = /^https?:/.test(href) ? { target: "_blank", rel: "noopener noreferrer nofollow" } : {};
    return el("a", Object.assign({ href: href }, away), children);
  }

  // Inside a link's text (`inLink`), a URL, an email address or a number is no second link.
  function appendInline(parent, text, inLink) {
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
        appendInline(node, match[2], inLink);
      } else if (match[3] !== undefined) {
        node = el("em");
        appendInline(node, match[3], inLink);
      } else if (match[4] !== undefined) {
        var href = inLink ? null : safeUrl(match[5]);
        if (href) {
          node = link(href, []);
          appendInline(node, match[4], true);
        }
      } else if (inLink) {
        continue;
      } else if (match[6] !== undefined) {
        // Sentence punctuation right after a URL is not part of it.
        var url = match[6].replace(/[.,;:!?)\]]+$/, "");
        end = match.index + url.length;
        re.lastIndex = end;
        var safe = safeUrl(url);
        if (safe) node = link(safe, [url]);
      } else if (match[7] !== undefined) {
        node = link("mailto:" + match[7], [match[7]]);
      } else if (match[8] !== undefined) {
        var number = match[8].replace("(0)", "").replace(/[^\d+]/g, "");
        if (number.length <= 16) node = link("tel:" + number, [match[8]]); // + and at most 15 digits
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
    var lines = clean(text).replace(/\r\n?/g, "\n").split("\n");
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

  /** The answer as the shopper reads it, for the clipboard: no asterisks or backticks. */
  function plainText(text) {
    return clean(text)
      .replace(/\[([^\]\n]+)\]\(\s*([^)\s]+)\s*\)/g, "$1 ($2)")
      .replace(/\*\*(?=\S)([^\n]+?)\*\*|\*(?=[^\s*])([^*\n]+?)\*|`([^`\n]+)`/g, "$1$2$3")
      .replace(/^[ \t]*#{1,6}[ \t]+/gm, "");
  }

  var SupportChat = (window.SupportChat = window.SupportChat || {});
  SupportChat.dom = {
    el: el, uniqueId: uniqueId, renderMarkdown: renderMarkdown, plainText: plainText, clean: clean, icon: icon,
  };
})();
