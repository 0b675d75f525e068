// Inbox: conversations waiting for a person, oldest first; claim, reply, resolve, hand back.
import { api, get } from "./api.js";
import { $, h, clear, when, toast, messageBody, shown, openRow, focusOpened, markOpen, keepInAddress } from "./dom.js";
import { drafts, replyDraft } from "./drafts.js";

let member = { id: null, role: "viewer" }; // who is signed in (GET /_me)
let selected = null;
let timer = null;
let closes = 0; // resolves and hand-backs so far: a poll begun before one shows an old list
// Replies being written, by conversation id, in this tab's sessionStorage (drafts.js): opening
// another conversation and coming back, a transcript drawn again, a reload, or signing in again
// in the tab keeps each; sending it, resolving or handing back the conversation, erasing it, or
// signing out drops it.
const draftOf = (id) => drafts.get(replyDraft(id));
const dropReplyDraft = (id) => drafts.drop(replyDraft(id));
const INBOX_LIMIT = 100; // the most the function lists: a longer inbox may hold more

function waited(seconds) {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

function row(item) {
  const status = item.status === "with_human" ? `with ${item.claimed_by}` : "waiting";
  const isOpen = item.conversation_id === selected; // not ``open``, the function that opens it
  return openRow({ class: `row${isOpen ? " selected" : ""}`, "aria-current": isOpen ? "true" : null, dataset: { id: item.conversation_id } }, () => show(item),
    h("span", { class: "row-main" }, h("strong", {}, item.last_question || "(no question)"),
      h("span", { class: "muted small" }, `${item.status === "with_human" ? `asked ${waited(item.waiting_seconds)} ago` : `waiting ${waited(item.waiting_seconds)}`} · ${item.language || "?"}${item.email ? ` · ${item.email}` : ""}`)),
    h("span", { class: "row-badges" }, h("span", { class: `badge ${item.status === "with_human" ? "knowledge" : "warn"}` }, status)));
}

// The tab's badge and the page title count the shoppers nobody has claimed yet, on every tab.
function showCount(items) {
  const waiting = items.filter((i) => i.status === "waiting_for_human").length;
  const badge = $("#inbox-count");
  badge.textContent = waiting ? String(waiting) : "";
  badge.title = waiting ? `${waiting} waiting for a person` : "";
  badge.hidden = !waiting;
  document.title = waiting ? `(${waiting}) Support console` : "Support console";
}

async function load() {
  const inbox = await get("/_inbox");
  forgetClosed(inbox.items);
  const list = $("#inbox-list");
  clear(list, inbox.items.length ? inbox.items.map(row) : h("li", { class: "muted empty" }, "Nobody is waiting for a person."));
  showCount(inbox.items);
  return inbox.items;
}

// Where the keyboard goes on after an action that draws the transcript or the list again: the
// reply box after a claim or a reply; after a resolve or a hand-back, the conversation's row if
// the shopper is listed again, else the list (Tab goes on to its first row).
function focusReply() {
  const box = document.getElementById("inbox-reply");
  if (box) box.focus();
}

function focusRow(id) {
  const list = $("#inbox-list");
  const row = [...list.querySelectorAll(".row")].find((node) => node.dataset.id === id);
  (row || list).focus();
}

// Ctrl+Enter (Cmd+Enter on a Mac) sends, as in most chat tools; Enter alone is a new line.
const MAC = /Mac|iPhone|iPad/.test(navigator.platform);

function sendOnCtrlEnter(event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.repeat) return;
  event.preventDefault();
  event.target.form.requestSubmit();
}

function keepDraft(id, text) {
  if (text.trim()) drafts.set(replyDraft(id), text);
  else dropReplyDraft(id);
}

// A conversation resolved or handed back elsewhere (another console, a colleague) has left the
// whole inbox: a reply to it would reach nobody, so its draft goes.
function forgetClosed(items) {
  if (items.length >= INBOX_LIMIT) return;
  const listed = new Set(items.map((i) => replyDraft(i.conversation_id)));
  for (const name of drafts.names("reply:")) if (!listed.has(name)) drafts.drop(name);
}

// Someone else's (by staff id; null is ADMIN_TOKEN's).
const othersHave = (item) => item.status === "with_human" && item.claimed_by_id !== member.id;

async function act(item, action, body) {
  try {
    await api(`/_inbox/${item.conversation_id}/${action}`, { method: "POST", body });
    return true;
  } catch (error) {
    toast(error.message, "error");
    return false;
  }
}

// The reply form (under the transcript) and the buttons that end or take the conversation (in
// its header, always in sight however long the transcript).
function actions(item) {
  if (member.role === "viewer") return { form: h("p", { class: "muted small" }, "Viewers can read; editors and owners answer."), buttons: null };
  const id = item.conversation_id;
  const text = h("textarea", { id: "inbox-reply", rows: "3", maxlength: "4000", "aria-label": "Reply to the shopper", "aria-describedby": "inbox-reply-hint",
    placeholder: "Write a reply; it appears in the shopper's chat", onkeydown: sendOnCtrlEnter, oninput: () => keepDraft(id, text.value) });
  text.value = draftOf(id) || "";
  const send = async (event) => {
    event.preventDefault();
    if (!text.value.trim()) return;
    if (!(await act(item, "reply", { content: text.value.trim() }))) return notSent(id);
    dropReplyDraft(id);
    toast("Reply sent");
    await refresh(id);
    focusReply(); // emptied, for the next one
  };
  const close = (action, done) => async () => {
    if (!(await closeAnyway(item, action))) return;
    if (await act(item, action)) {
      dropReplyDraft(id);
      closes += 1;
      toast(done);
      selected = null;
      keepInAddress("inbox");
      clear($("#inbox-transcript"), h("p", { class: "muted", dataset: { closed: item.conversation_id } }, done));
      await load();
      focusRow(item.conversation_id);
    }
  };
  // From the claim shown here: one made since answers 409, and the transcript shows who has it now.
  const take = async () => {
    if (!window.confirm(`Take this conversation over from ${item.claimed_by}? They can no longer reply in it.`)) return;
    const took = await act(item, "claim", { take_over: true, claimed_at: item.claimed_at });
    await refresh(item.conversation_id); // refused too: the transcript shows who has it now
    if (took) focusReply();
  };
  const claim = async () => {
    if (!(await act(item, "claim"))) return;
    await refresh(item.conversation_id);
    focusReply();
  };
  // Only the one who has it replies, resolves or hands back (anyone else gets a 409). An owner
  // can take it over, say from a member gone home or from an ADMIN_TOKEN that has been retired.
  if (othersHave(item)) {
    return { form: unsentReply(item), buttons: member.role === "owner" ? h("button", { class: "primary", onclick: take }, "Take over") : null };
  }
  return {
    form: h("form", { class: "form reply-form", onsubmit: send }, text,
      h("div", { class: "reply-actions" }, h("button", { class: "primary" }, "Send reply"),
        h("span", { class: "muted small", id: "inbox-reply-hint" }, `${MAC ? "⌘" : "Ctrl"}+Enter sends`))),
    buttons: [
      item.status === "waiting_for_human" ? h("button", { class: "primary", onclick: claim }, "Claim") : null,
      h("button", { onclick: close("resolve", "Resolved") }, "Resolve"),
      h("button", { onclick: close("hand-back", "Handed back to the assistant") }, "Hand back to the assistant"),
    ],
  };
}

// Someone else has the conversation: a reply written here stays in view, to copy (or to send
// after a Take over), never silently dropped.
function unsentReply(item) {
  const said = h("p", { class: "muted small" }, `${item.claimed_by} has this conversation: only they can reply, resolve it or hand it back.`);
  const unsent = draftOf(item.conversation_id);
  if (!unsent) return said;
  return h("div", { class: "form reply-form" }, said,
    h("textarea", { id: "inbox-unsent", rows: "3", readonly: true, "aria-label": "Your reply, not sent" }, unsent));
}

// A reply refused: when someone else took the conversation meanwhile, the transcript says who
// has it now and the reply stays in its box; another refusal keeps its own message.
async function notSent(id) {
  const item = (await load()).find((i) => i.conversation_id === id);
  if (item && othersHave(item)) await reopen(item);
}

// What the shopper wrote to a person and nobody has answered yet: the newest shopper message
// with no staff reply or answer after it (a handoff notice is no answer), or null.
function unanswered(t) {
  const at = t.messages.map((m) => m.role).lastIndexOf("user");
  const answered = t.messages.slice(at + 1).some((m) => m.role === "agent" || (m.role === "assistant" && m.content && m.source !== "handoff"));
  return at < 0 || answered ? null : t.messages[at].content;
}

// After a resolve or a hand-back the assistant answers the shopper's next message, not one
// already sent: that one would stay unanswered, so the person is asked first. From the
// conversation as it is now, not as the transcript last polled it (a message may have come since).
async function closeAnyway(item, action) {
  let question = null;
  try {
    question = unanswered(await get(`/_conversations/${item.conversation_id}`));
  } catch (error) {
    toast(error.message, "error");
    return false;
  }
  const quoted = question && question.length > 300 ? `${question.slice(0, 300)}…` : question;
  const anyway = action === "resolve" ? "Resolve anyway?" : "Hand back anyway?";
  return question === null || window.confirm(`The shopper's last message has no reply yet:\n\n“${quoted}”\n\nThe assistant will not answer it on its own. ${anyway}`);
}

function scrollToEnd() {
  const pane = $("#inbox-transcript");
  pane.scrollTop = pane.scrollHeight;
}

function messages(t) {
  return t.messages.filter(shown).map((m) =>
    h("li", { class: `msg ${m.role === "agent" ? "assistant agent" : m.role}` },
      m.role === "agent" ? h("div", { class: "meta small" }, m.author) : null,
      messageBody(m)));
}

async function open(item) {
  const t = await get(`/_conversations/${item.conversation_id}`);
  selected = item.conversation_id;
  keepInAddress("inbox", selected);
  for (const node of document.querySelectorAll("#inbox-list .row")) markOpen(node, node.dataset.id === selected);
  const who = item.status === "with_human" ? `claimed by ${item.claimed_by}` : "waiting for a person";
  const { form, buttons } = actions(item);
  clear($("#inbox-transcript"),
    h("div", { class: "toolbar inbox-head" }, h("h3", { id: "inbox-heading", tabindex: "-1" }, `Asked ${when(item.requested_at)}`), h("span", { class: "muted small" }, who), buttons),
    item.note ? h("p", { class: "notice" }, item.note) : null,
    h("ol", { class: "transcript-list", id: "inbox-messages", dataset: { id: item.conversation_id, count: String(t.messages.length), claim: item.claimed_at || "" } }, messages(t)),
    form);
  scrollToEnd(); // the latest messages and the reply box, as in a chat
}

// Opened from its row (a poll that draws it again leaves the focus where it is).
function show(item) {
  open(item).then(() => focusOpened($("#inbox-transcript")), (error) => toast(error.message, "error"));
}

// What the shopper wrote since: the open transcript's messages only (a reply being typed stays).
// A conversation just resolved or handed back opens again when the shopper asks for a person.
async function follow(items) {
  const closed = document.querySelector("#inbox-transcript [data-closed]");
  const back = closed && items.find((i) => i.conversation_id === closed.dataset.closed);
  if (back) return open(back);
  const shown = document.getElementById("inbox-messages");
  const id = shown && shown.dataset.id;
  const item = id && items.find((i) => i.conversation_id === id);
  if (!item) return;
  if ((item.claimed_at || "") !== shown.dataset.claim) return reopen(item); // claimed meanwhile
  const t = await get(`/_conversations/${id}`);
  const now = document.getElementById("inbox-messages");
  // Another conversation may have been opened meanwhile: only the one fetched is updated.
  if (now !== shown || String(t.messages.length) === shown.dataset.count) return;
  shown.dataset.count = String(t.messages.length);
  const pane = $("#inbox-transcript");
  const atEnd = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 40;
  clear(shown, messages(t));
  if (atEnd) scrollToEnd(); // unless staff scrolled up to read
}

// Drawn again (who has it, and the actions that go with that); a reply being typed stays.
async function reopen(item) {
  await open(item);
  if (othersHave(item) && draftOf(item.conversation_id) !== null) {
    toast(`${item.claimed_by} took this conversation; your reply was not sent and is still in the box`, "error");
  }
}

async function refresh(id) {
  const items = await load();
  const item = items.find((i) => i.conversation_id === id);
  if (item) await open(item);
}

/** id: a conversation to open (from the address); false when the Inbox does not hold it. */
export async function showInbox(me, id = null) {
  const changed = me.role !== member.role;
  member = me;
  const items = await load();
  if (id) {
    const asked = items.find((i) => i.conversation_id === id);
    if (asked) show(asked);
    return Boolean(asked);
  }
  // A role changed while a transcript is open: its actions are drawn again for the new one.
  const current = items.find((i) => i.conversation_id === selected);
  if (current) keepInAddress("inbox", selected); // back on the tab, still open
  if (changed && current) await open(current);
  return true;
}

// Polled from sign-in on (the list is small and the request cheap): the whole list and the open
// transcript while the Inbox tab is shown, only the badge's count on the other tabs.
export function watchInbox() {
  clearInterval(timer);
  const poll = () => {
    const begun = closes;
    if (!$("#view-inbox").hidden) return load().then((items) => begun === closes && follow(items));
    return get("/_inbox").then((inbox) => showCount(inbox.items));
  };
  timer = setInterval(() => poll().catch(() => {}), 5000);
  return poll();
}
