// Conversations: filters, full-text search, keyset pages, the transcript, erasure.
import { api, get } from "./api.js";
import { $, h, clear, when, ago, toast, messageBody, shown, openRow, focusOpened, markOpen, keepInAddress } from "./dom.js";
import { drafts, replyDraft } from "./drafts.js";

let cursor = null;
let filters = {};
let applied = ""; // the filters applied, as the address says them: "q=refund&rating=down"
let role = "viewer";
let selected = null; // the conversation whose transcript is open
let paged = false; // more pages appended: a refresh of the first one would drop them
let loads = 0; // a refresh begun before another load must not overwrite it
let loading = 0; // loads under way: no refresh starts meanwhile
let timer = null;

// A day in the filters is the staff member's own day: from its local midnight to the next one.
function midnight(day, later = 0) {
  const date = new Date(`${day}T00:00`);
  date.setDate(date.getDate() + later);
  return date.toISOString();
}

// The filters in the address, in the form's own words (days as the form's YYYY-MM-DD, the
// staff member's own days), in the form's order: a link keeps them, a reload shows them again.
function canonical(values) {
  const query = new URLSearchParams();
  for (const { name } of $("#conversation-filters").elements) {
    const value = name && values.get(name);
    if (value) query.set(name, value);
  }
  return query.toString();
}

// A link's filters into the form; what the form does not offer (a mistyped source) is left out.
function fillFilters(query) {
  const values = new URLSearchParams(query);
  for (const field of $("#conversation-filters").elements) {
    if (!field.name) continue;
    const value = values.get(field.name) || "";
    const offered = field.tagName !== "SELECT" || [...field.options].some((option) => option.value === value);
    field.value = offered ? value : "";
  }
}

/** The filters applied, as the address says them; whether an address's (after "?") differ. */
export const appliedFilters = () => applied;
export const otherFilters = (query) => canonical(new URLSearchParams(query)) !== applied;

function readFilters() {
  const form = new FormData($("#conversation-filters"));
  applied = canonical(form);
  const out = {};
  for (const [name, value] of form.entries()) if (value) out[name] = value;
  if (out.since) out.since = midnight(out.since);
  if (out.until) out.until = midnight(out.until, 1);
  return out;
}

// Nothing matched: a From day after the To day is the likelier reason, and easy to miss.
function emptyText() {
  const backwards = filters.since && filters.until && filters.since >= filters.until;
  return backwards ? "No conversations match: the From day is after the To day." : "No conversations match.";
}

function badge(text, kind) {
  return text ? h("span", { class: `badge ${kind || text}` }, text) : null;
}

// A status or source filter matches any answer of a conversation, and the badges show its last
// answer: a row whose last answer differs says what matched, earlier on.
function earlier(wanted, last) {
  return wanted && wanted !== last ? badge(`${wanted} earlier`, "warn") : null;
}

function row(c) {
  return openRow({ class: `row${c.id === selected ? " selected" : ""}`, "aria-current": c.id === selected ? "true" : null, dataset: { id: c.id } }, () => show(c.id),
    h("span", { class: "row-main" }, h("strong", {}, c.first_question || "(no question)"),
      // Listed by last activity: the row says when it last moved, and when it started on hover.
      h("span", { class: "muted small", title: `started ${when(c.created_at)}` }, `${c.message_count} messages · active ${ago(c.updated_at)}`)),
    h("span", { class: "row-badges" }, badge(c.last_source), c.last_status !== "complete" ? badge(c.last_status, "warn") : null,
      earlier(filters.status, c.last_status), earlier(filters.source, c.last_source),
      c.thumbs_up ? badge(`▲ ${c.thumbs_up}`, "up") : null, c.thumbs_down ? badge(`▼ ${c.thumbs_down}`, "down") : null));
}

async function load(append) {
  const begun = ++loads;
  loading += 1;
  let page;
  try {
    page = await get("/_conversations", { ...filters, cursor: append ? cursor : undefined, limit: 30 });
  } finally {
    loading -= 1;
  }
  if (begun !== loads) return;
  cursor = page.next_cursor;
  paged = append;
  const list = $("#conversation-list");
  const rows = page.conversations.map(row);
  // A refresh keeps the keyboard's place: clear() gives the focus back to the row that had it.
  if (append) list.append(...rows);
  else clear(list, rows.length ? rows : h("li", { class: "muted empty" }, emptyText()));
  $("#more-conversations").hidden = !cursor;
}

function detail(m) {
  if (m.role === "agent") return h("div", { class: "meta small" }, `reply by ${m.author || "staff"}`);
  if (m.role !== "assistant") return null;
  // An answer from the knowledge base used no model: no model, tokens or cost to show.
  const modelled = m.model && m.model !== "knowledge-base";
  const parts = [
    m.source && `source ${m.source}`,
    modelled && `model ${m.model}`,
    modelled && m.usage.input_tokens !== null && `${m.usage.input_tokens} in / ${m.usage.output_tokens} out tokens`,
    modelled && m.cost_usd !== null && `$${Number(m.cost_usd).toFixed(5)}`,
    m.time_to_first_token_ms !== null && `TTFT ${m.time_to_first_token_ms} ms`,
    m.knowledge_version !== null && `knowledge v${m.knowledge_version}`,
    m.status !== "complete" && `status ${m.status}${m.error_code ? ` (${m.error_code})` : ""}`,
  ].filter(Boolean);
  return h("div", { class: "meta small" }, parts.join(" · "));
}

function message(m) {
  return h("li", { class: `msg ${m.role}` }, messageBody(m), detail(m),
    m.feedback ? h("div", { class: `rated ${m.feedback.rating}` }, m.feedback.rating === "up" ? "▲ rated helpful" : "▼ rated not helpful",
      m.feedback.comment ? ` — “${m.feedback.comment}”` : "") : null);
}

// When a person was asked for, took the conversation and left it, between the messages.
const STEPS = {
  waiting_for_human: () => "The shopper asked for a person",
  with_human: (s) => `${s.author || "Staff"} took the conversation`,
  resolved: (s) => `Resolved${s.author ? ` by ${s.author}` : ""}: the assistant answers again`,
  assistant: (s) => `Handed back to the assistant${s.author ? ` by ${s.author}` : ""}`,
};

function step(s) {
  return h("li", { class: "step muted small" }, `${STEPS[s.status](s)} · ${when(s.at)}`);
}

async function open(id) {
  selected = id;
  keepInAddress("conversations", id, applied);
  for (const node of document.querySelectorAll("#conversation-list .row")) markOpen(node, node.dataset.id === id);
  const pane = $("#transcript");
  const t = await get(`/_conversations/${id}`);
  // A claim by a reply happened at the reply's time: at the same time, the step comes first.
  const items = [
    ...t.handoff_steps.map((s) => ({ at: Date.parse(s.at), node: step(s) })),
    ...t.messages.filter(shown).map((m) => ({ at: Date.parse(m.created_at), node: message(m) })),
  ].sort((a, b) => a.at - b.at);
  clear(pane,
    h("div", { class: "toolbar" }, h("h3", { id: "transcript-heading", tabindex: "-1" }, `Conversation of ${when(t.created_at)}`),
      role === "viewer" ? null : h("button", { class: "danger", onclick: () => erase(id).catch((e) => toast(e.message, "error")) }, "Delete conversation")),
    h("ol", { class: "transcript-list" }, items.map((item) => item.node)));
}

async function erase(id) {
  if (!window.confirm("Delete this conversation with all its messages and ratings? This cannot be undone.")) return;
  await api(`/_conversations/${id}`, { method: "DELETE" });
  drafts.drop(replyDraft(id)); // a reply begun in the Inbox has nobody to go to now
  toast("Conversation deleted");
  selected = null;
  keepInAddress("conversations", null, applied);
  clear($("#transcript"), h("p", { class: "muted" }, "Deleted."));
  await load(false);
}

// Opening failed (erased meanwhile, or a mistyped link): nothing is open, the address says so.
function notOpened(error) {
  selected = null;
  keepInAddress("conversations", null, applied);
  toast(error.message, "error");
}

function show(id) {
  open(id).then(() => focusOpened($("#transcript")), notOpened);
}

// A conversation opened from another tab (a rating on the Dashboard), listed or not on the
// first page: the keyboard goes on at its transcript, as the eyes do.
export function showConversation(id) {
  open(id).then(() => $("#transcript h3").focus(), notOpened);
}

/** query: the filters an address names ("" for none), put in the form; without, the form's stay.
 *  close: the open conversation closes (the address names none). */
export function showConversations(staffRole, query, { close = false } = {}) {
  if (close && selected) {
    selected = null;
    clear($("#transcript"), h("p", { class: "muted" }, "Pick a conversation."));
  }
  // A role changed while a transcript is open: it is drawn again (a viewer deletes nothing).
  if (staffRole && staffRole !== role && selected) open(selected).catch((e) => toast(e.message, "error"));
  if (staffRole) role = staffRole; // the filter form shows the list again without one
  if (query !== undefined) fillFilters(query);
  filters = readFilters();
  keepInAddress("conversations", selected, applied); // back on the tab, still open and filtered
  load(false).catch((e) => toast(e.message, "error"));
  watch();
}

// While the tab is shown, its first page follows new conversations and activity (every 10 s,
// with the filters applied last), as the Inbox and the Dashboard follow theirs.
function watch() {
  clearInterval(timer);
  timer = setInterval(() => {
    if (!$("#view-conversations").hidden && !paged && !loading) load(false).catch(() => {});
  }, 10000);
}

export function initConversations() {
  $("#conversation-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    showConversations();
  });
  // Not while a list is loading: its cursor would be the one of the list it replaces.
  $("#more-conversations").addEventListener("click", () => loading || load(true).catch((e) => toast(e.message, "error")));
}
