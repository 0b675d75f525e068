// Building DOM nodes (text always as text, never as HTML) and small formatting helpers.
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Draws `node` again with `children`. The views are drawn again after nearly every action and
// poll, and replaceChildren removes the focused element with the rest, which leaves a keyboard
// user on the page's body: the equivalent element of the new content gets the focus instead.
export function clear(node, ...children) {
  const focused = document.activeElement;
  const inside = focused && focused !== node && node.contains(focused) ? focused : null;
  node.replaceChildren(...children.flat().filter(Boolean));
  if (inside && document.activeElement !== inside) focusAgain(node, inside);
  return node;
}

// What makes an element drawn again the same one: its id, its name in a form, the data-id or
// data-key of a row, or else a button's words ("Save").
function sameAs(old) {
  if (old.id) return (node) => node.id === old.id;
  if (old.name) return (node) => node.name === old.name;
  if (old.dataset.id || old.dataset.key) return (node) => node.dataset.id === old.dataset.id && node.dataset.key === old.dataset.key;
  if (old.tagName === "BUTTON") return (node) => node.textContent === old.textContent;
  return null;
}

function focusAgain(node, old) {
  const same = sameAs(old);
  const again = node.contains(old) ? old : same && [...node.querySelectorAll(old.tagName)].find(same);
  if (again) again.focus({ preventScroll: true }); // a poll must not scroll the page either
}

export const $ = (selector) => document.querySelector(selector);

// A list row that opens a transcript or an entry beside (or, on a narrow screen, below) the
// list: a button in its list item, so it is announced as something to press; `attrs` go on the
// button (its class "row", data-id or data-key, aria-current for the open one).
export function openRow(attrs, open, ...children) {
  return h("li", {}, h("button", { type: "button", ...attrs, onclick: open }, ...children));
}

// After a row opened it (Enter, Space or a click): the keyboard goes on at what the eyes read,
// the pane's heading (or `target`, a Knowledge entry's first field), scrolled into view below
// the list on a narrow screen.
export function focusOpened(pane, target = pane.querySelector("h3")) {
  if (window.matchMedia("(max-width: 900px)").matches) pane.scrollIntoView({ block: "start" });
  target.focus({ preventScroll: true });
}

// The conversation open in a tab is in the address (#inbox/<id>, #conversations/<id>), and so are
// the Conversations filters applied (`query`: #conversations/<id>?q=refund&rating=down): a reload
// keeps them and the address can be sent to a colleague; none open, the tab alone.
export function keepInAddress(view, id = null, query = "") {
  if ($(`#view-${view}`).hidden) return; // a poll's late answer after staff went to another tab
  const address = `#${view}${id ? `/${id}` : ""}${query ? `?${query}` : ""}`;
  if (window.location.hash !== address) history.replaceState(null, "", address);
}

// The row whose item is open: highlighted, and said to be the current one.
export function markOpen(row, open) {
  row.classList.toggle("selected", open);
  if (open) row.setAttribute("aria-current", "true");
  else row.removeAttribute("aria-current");
}

// Whether a transcript shows a message: not the empty acknowledgement of a shopper's message
// while a person chats (the shopper saw none either); a failed answer's "(empty)" does show.
export const shown = (m) => Boolean(m.content) || m.role !== "assistant" || m.status !== "complete";

// A message as the shopper saw it: the chat page's own safe markdown (../chat-dom.js, DOM
// nodes, never HTML) for what the assistant or staff wrote; a shopper's text stays plain.
export function messageBody(m) {
  const text = m.content || "(empty)";
  const markdown = window.SupportChat && window.SupportChat.dom;
  const rich = m.content && m.role !== "user" && markdown;
  return h("div", { class: `bubble${rich ? " rich" : ""}` }, rich ? markdown.renderMarkdown(text) : text);
}

// "an editor", "a viewer".
export function article(word) {
  return /^[aeiou]/.test(word) ? "an" : "a";
}

export function when(iso) {
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function ago(iso) {
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function toast(message, kind = "info") {
  const node = document.getElementById("toast");
  node.textContent = message;
  node.className = `toast ${kind}`;
  node.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (node.hidden = true), 3500);
}

// A word-level diff (longest common subsequence): [{op: "same"|"add"|"del", text}].
export function diffWords(before, after) {
  const a = before.split(/(\s+)/);
  const b = after.split(/(\s+)/);
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) return [{ op: "del", text: before }, { op: "add", text: after }];
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0;
  let j = 0;
  const push = (op, text) => {
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  while (i < n && j < m) {
    if (a[i] === b[j]) { push("same", a[i]); i++; j++; }
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) push("del", a[i++]);
    else push("add", b[j++]);
  }
  while (i < n) push("del", a[i++]);
  while (j < m) push("add", b[j++]);
  return groupChanges(out);
}

// "del a, same ' ', add b, del c" reads badly: gather each run of changes (with the spaces
// between them) into one deletion followed by one insertion.
function groupChanges(parts) {
  const out = [];
  let del = "";
  let add = "";
  const flush = () => {
    if (del) out.push({ op: "del", text: del });
    if (add) out.push({ op: "add", text: add });
    del = add = "";
  };
  parts.forEach((part, index) => {
    const next = parts[index + 1];
    const bridging = part.op === "same" && !part.text.trim() && (del || add) && next && next.op !== "same";
    if (part.op === "del" || bridging) del += part.text;
    if (part.op === "add" || bridging) add += part.text;
    if (part.op === "same" && !bridging) {
      flush();
      out.push(part);
    }
  });
  flush();
  return out;
}

export function renderDiff(before, after) {
  return h("p", { class: "diff" }, diffWords(before, after).map((part) =>
    part.op === "same" ? part.text : h(part.op === "add" ? "ins" : "del", {}, part.text)));
}
