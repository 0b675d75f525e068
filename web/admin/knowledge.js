// Knowledge: list and search, edit with a preview, history with diffs and restore, conflicts.
import { api, get, ApiError } from "./api.js";
import { $, h, clear, when, ago, toast, renderDiff, messageBody, openRow, focusOpened } from "./dom.js";
import { followTitle, keyField, suggestedKey } from "./entry-key.js";
import { byWhom, conflictWords, differences } from "./revision-words.js";
import { drafts } from "./drafts.js";

let entries = [];
let current = null; // {key, etag, saved: {title, content, kind}} of the entry in the editor
let canEdit = false;
let drawn = null; // the form's draft as it was drawn: what its unsaved changes are measured from

async function loadList() {
  // Deleted entries are a help, not the list: a policies function without them leaves them out.
  const [list, gone] = await Promise.all([get("/"), get("/_deleted").catch(() => ({ entries: [] }))]);
  entries = list.entries;
  renderList();
  renderDeleted(gone.entries);
}

// Deleted entries stay findable (latest deletion first): one opens on its history, to restore.
function renderDeleted(deleted) {
  $("#deleted-entries").hidden = !deleted.length;
  $("#deleted-count").textContent = String(deleted.length);
  clear($("#deleted-list"), deleted.map((e) => {
    const open = afterLeaving(() => openDeleted(e).then(() => focusOpened($("#editor")), (error) => toast(error.message, "error")));
    return openRow({ class: "row", dataset: { key: e.key } }, open,
      h("span", { class: "row-main" }, h("strong", {}, e.title),
        h("span", { class: "muted small" }, `${e.key} · deleted by ${e.deleted_by} ${ago(e.deleted_at)}`)),
      h("span", { class: "row-badges" }, h("span", { class: `badge ${e.kind}` }, e.kind)));
  }));
}

async function openDeleted(entry) {
  current = null;
  drawnAs(null);
  renderList();
  clear($("#editor"), h("h3", { tabindex: "-1" }, entry.title),
    h("p", { class: "muted" }, `Deleted by ${entry.deleted_by} ${when(entry.deleted_at)}. Restore a revision from its history:`),
    h("div", { id: "history" }));
  await showHistory(entry.key);
}

function renderList() {
  const term = $("#knowledge-search").value.trim().toLowerCase();
  const shown = entries.filter((e) => !term || `${e.key} ${e.title} ${e.content}`.toLowerCase().includes(term));
  // Each row is a button, as in Conversations and the Inbox: opening it (Enter, Space or a
  // click) puts the focus in the entry's title, after asking about unsaved changes.
  clear($("#knowledge-list"), shown.map((e) => {
    const isOpen = Boolean(current && current.key === e.key);
    return openRow({ class: `row${isOpen ? " selected" : ""}`, "aria-current": isOpen ? "true" : null, dataset: { key: e.key } },
      afterLeaving(() => openEntry(e.key).catch((error) => toast(error.message, "error"))),
      h("span", { class: "row-main" }, h("strong", {}, e.title), h("span", { class: "muted small" }, e.key)),
      h("span", { class: "row-badges" }, h("span", { class: `badge ${e.kind}` }, e.kind)));
  }));
}

function field(labelText, input) {
  return h("label", {}, labelText, input);
}

function editorForm(draft, { isNew }) {
  const { key, field: keyCell } = keyField(draft.key || "", isNew);
  const title = h("input", { name: "title", value: draft.title, required: true, maxlength: "200" });
  const kind = h("select", { name: "kind" }, ["policy", "faq"].map((k) => h("option", { value: k, selected: draft.kind === k }, k)));
  const content = h("textarea", { name: "content", rows: "9", required: true, maxlength: "5000" });
  content.value = draft.content;
  if (isNew) followTitle({ title, kind, key });
  for (const input of [title, content]) input.dataset.edit = "readOnly";
  kind.dataset.edit = "disabled";
  const form = h("form", { class: "form", id: "entry-form", onsubmit: (ev) => { ev.preventDefault(); save(); }, oninput: keepDraft, onchange: keepDraft },
    // The title first: a new entry's key (and kind) follow it.
    field(draft.kind === "faq" ? "Question (title)" : "Title", title),
    h("div", { class: "grid-2" }, keyCell, field("Kind", kind)),
    field("Content", content),
    h("p", { class: "muted small", dataset: { edit: "shown" } }, "Viewers can read the knowledge; editors and owners change it."),
    h("div", { class: "actions" },
      h("button", { class: "primary", type: "submit", dataset: { edit: "disabled" } }, isNew ? "Create" : "Save"),
      isNew ? null : h("button", { type: "button", class: "danger", dataset: { edit: "disabled" }, onclick: remove }, "Delete"),
      isNew ? null : h("button", { type: "button", onclick: () => showHistory(current.key) }, "History"),
      // Said for as long as it holds (a draft brought back after a reload too), not only in a toast.
      h("span", { id: "unsaved-mark", class: "badge warn", hidden: true }, "Unsaved changes")),
    h("div", { id: "conflict" }));
  return form;
}

// What unsaved changes are measured from, drawn anew (an entry opened, saved or discarded): the
// draft kept for a reload goes with the old form.
function drawnAs(draft) {
  drawn = draft;
  drafts.drop(ENTRY_DRAFT);
}

function readDraft() {
  const form = $("#entry-form");
  return { key: form.key.value.trim(), title: form.title.value.trim(), content: form.content.value.trim(), kind: form.kind.value };
}

const sameDraft = (a, b) => a.key === b.key && a.title === b.title && a.content === b.content && a.kind === b.kind;

// Changes in the form that leaving it would lose (a viewer's form has none: they cannot save).
function unsaved() {
  return Boolean(canEdit && drawn && $("#entry-form") && !sameDraft(readDraft(), drawn));
}

// Before anything that draws another form or leaves the page (another entry, New entry, Create
// FAQ, a restore, Sign out): unsaved changes are discarded only when the editor says so.
export function mayLeaveEntry() {
  if (!unsaved()) return true;
  const title = current ? current.saved.title : readDraft().title;
  const what = current ? `your unsaved changes to “${title}”` : `your new entry${title ? ` “${title}”` : ""}`;
  if (!window.confirm(`Discard ${what}?`)) return false;
  drawnAs(null); // discarded: the page may go without asking again
  return true;
}

const afterLeaving = (go) => () => mayLeaveEntry() && go();

// The entry being edited, kept in this tab (drafts.js) while it has unsaved changes: after a
// reload (the browser asks first) or signing in again in the tab, the Knowledge tab brings it
// back, still unsaved, on the revision it was written on (a save in between is a conflict).
const ENTRY_DRAFT = "entry";

function keepDraft() {
  const mark = $("#unsaved-mark");
  if (mark) mark.hidden = !unsaved();
  if (!unsaved()) return drafts.drop(ENTRY_DRAFT);
  const form = $("#entry-form");
  drafts.set(ENTRY_DRAFT, JSON.stringify({
    key: current ? current.key : null, etag: current ? current.etag : null, newKey: form.key.value,
    title: form.title.value, content: form.content.value, kind: form.kind.value,
    keyTouched: Boolean(form.key.dataset.touched), kindTouched: Boolean(form.kind.dataset.touched),
  }));
}

function keptDraft() {
  try {
    return JSON.parse(drafts.get(ENTRY_DRAFT));
  } catch {
    return null;
  }
}

// Only when no form is open (this page's form holds its draft itself); a viewer saves nothing.
async function restoreDraft() {
  const kept = keptDraft();
  if (!kept || $("#entry-form")) return;
  if (!canEdit) return drafts.drop(ENTRY_DRAFT);
  let gone = false;
  if (kept.key) {
    try {
      await openEntry(kept.key);
      current.etag = kept.etag;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      gone = true; // deleted meanwhile: saving creates it again
    }
  }
  if (!kept.key || gone) openNewEntry();
  const form = $("#entry-form");
  form.title.value = kept.title;
  form.content.value = kept.content;
  form.kind.value = kept.kind;
  if (!current) {
    form.key.value = kept.newKey || kept.key || "";
    if (kept.keyTouched || gone) form.key.dataset.touched = "1";
    if (kept.kindTouched) form.kind.dataset.touched = "1";
  }
  keepDraft();
  const title = kept.title.trim() || kept.key || "your new entry";
  toast(gone ? `“${title}” was deleted meanwhile: your unsaved text is back, and saving creates it again.`
    : `Your unsaved changes to “${title}” are back: save them, or open another entry to discard them.`);
}

function previewPanel() {
  const question = h("input", { id: "preview-question", placeholder: "e.g. Can I return a sale item?", "aria-label": "Question to try" });
  const answer = h("div", { id: "preview-answer", class: "preview-answer muted" }, "Ask a question to see how the assistant would answer with this draft (nothing is saved).");
  const run = async (ev) => {
    ev.preventDefault();
    if (!question.value.trim()) return;
    clear(answer, "Answering…");
    try {
      const draft = readDraft();
      const body = { question: question.value.trim(), draft: draft.key && draft.title && draft.content ? draft : null };
      const { data } = await api("/_preview", { method: "POST", body });
      answer.classList.remove("muted");
      // As the shopper would see it: the chat page's markdown, so "*Source: Returns*" is italic.
      const shown = messageBody({ role: "assistant", content: data.answer, status: "complete" });
      clear(answer, shown, h("span", { class: "muted small" }, `answered by ${data.source === "model" ? data.model : "the knowledge base"}`));
    } catch (error) {
      clear(answer, `Preview failed: ${error.message}`);
    }
  };
  return h("form", { class: "preview", onsubmit: run }, h("h4", {}, "Try a question against the draft"),
    h("div", { class: "inline" }, question, h("button", { type: "submit", dataset: { edit: "disabled" } }, "Try it")), answer);
}

export async function openEntry(key) {
  const { data, etag } = await api(`/${encodeURIComponent(key)}`);
  current = { key, etag, saved: data };
  const editor = $("#editor");
  followRole(clear(editor, h("h3", {}, data.title), h("p", { class: "muted small" }, `Last changed ${when(data.updated_at)} · revision ${etag.replaceAll('"', "")}`),
    editorForm(data, { isNew: false }), previewPanel(), h("div", { id: "history" })));
  drawnAs(readDraft());
  // Opened from the list (or by a button drawn away with the old editor): the keyboard goes on
  // in the entry's text. A save from a field or the Save button keeps its place (clear()).
  if (!editor.contains(document.activeElement)) focusOpened(editor, $("#entry-form").title);
  renderList();
}

export function openNewEntry(prefill = {}) {
  current = null;
  const draft = { key: prefill.key || "", title: prefill.title || "", content: "", kind: prefill.kind || "policy" };
  if (draft.title && !draft.key) draft.key = suggestedKey(draft.title, draft.kind);
  // Several wordings of one unanswered question: its title, shown to shoppers as the answer's
  // source, should be the general question, not the first wording ("... for backpacks?").
  const asked = prefill.asked && prefill.asked.length > 1
    ? h("p", { class: "muted small", id: "asked-as" }, `Shoppers asked: ${prefill.asked.map((q) => `“${q}”`).join(" · ")}. Shoppers see the title as the answer's source: word it as the general question.`)
    : null;
  followRole(clear($("#editor"), h("h3", {}, prefill.kind === "faq" ? "New FAQ entry" : "New entry"), asked, editorForm(draft, { isNew: true }), previewPanel()));
  const form = $("#entry-form");
  drawnAs(readDraft());
  if (asked) form.title.setAttribute("aria-describedby", "asked-as");
  if (prefill.kind) form.kind.dataset.touched = "1"; // Create FAQ's: a reworded title keeps it
  // The first field to write: the title of a blank entry (its key follows), the title to
  // reword, else the answer.
  (draft.key && !asked ? form.content : form.title).focus();
  renderList();
}

async function save(force) {
  const draft = readDraft();
  const isNew = current === null;
  // Nothing to send (a conflict's "Save mine" is sent as it is: theirs differs from it).
  if (!isNew && !force && !unsaved()) return toast("No changes to save");
  const etag = force || (isNew ? '"0"' : current.etag);
  try {
    const { data } = await api(`/${draft.key}`, { method: "PUT", body: { title: draft.title, content: draft.content, kind: draft.kind }, headers: { "If-Match": etag } });
    toast(isNew ? "Created" : `${force === '"0"' ? "Created again" : "Saved"} as revision ${data.revision}`);
    await loadList();
    await openEntry(draft.key);
  } catch (error) {
    if (error instanceof ApiError && error.status === 412) return showConflict(draft, isNew);
    toast(error.message, "error");
  }
}

async function remove() {
  if (!window.confirm(`Delete "${current.saved.title}"? You can restore it from its history, shown next, or later under "Deleted entries".`)) return;
  try {
    await api(`/${current.key}`, { method: "DELETE", headers: { "If-Match": current.etag } });
    toast("Deleted");
    const key = current.key;
    current = null;
    drawnAs(null);
    // Its history stays here, with a Restore on the revision it was deleted from; the keyboard
    // goes on from the words that say so, not from the page's top.
    const note = h("p", { class: "muted", tabindex: "-1" }, "Deleted. Restore it from its history:");
    clear($("#editor"), note, h("div", { id: "history" }));
    await loadList();
    await showHistory(key);
    if (document.activeElement === document.body) note.focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 412) return showConflict(readDraft(), false);
    toast(error.message, "error");
  }
}

// Back to the list, the draft discarded (its entry is gone: there is nothing to load).
function discardToList() {
  current = null;
  drawnAs(null);
  const note = h("p", { class: "muted", tabindex: "-1" }, "Your text was discarded. Pick an entry, or create one.");
  clear($("#editor"), note);
  note.focus();
  loadList().catch((error) => toast(error.message, "error"));
}

async function showConflict(mine, isNew) {
  let theirs = null;
  let etag = null;
  try {
    ({ data: theirs, etag } = await api(`/${mine.key}`));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  const words = await conflictWords(mine, theirs, etag, isNew);
  const box = $("#conflict");
  clear(box, h("div", { class: "conflict", role: "alert" },
    h("h4", {}, words.heading),
    h("p", { class: "small" }, words.advice),
    h("div", { class: "grid-2" },
      h("div", { class: "version mine" }, h("h5", {}, "Your draft"), h("strong", {}, mine.title), h("p", {}, mine.content)),
      h("div", { class: "version theirs" }, h("h5", {}, theirs ? `${words.theirsLabel} (revision ${etag.replaceAll('"', "")})` : "Deleted meanwhile"),
        theirs ? h("strong", {}, theirs.title) : null, theirs ? h("p", {}, theirs.content) : null)),
    theirs ? differences(mine, theirs) : null,
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => (theirs ? openEntry(mine.key) : discardToList()) }, words.discard),
      // '"0"' for a deleted entry: it must not exist when it is created again.
      h("button", { type: "button", class: "primary", dataset: { edit: "disabled" }, onclick: () => { if (current) current.etag = etag || '"0"'; save(etag || '"0"'); } }, words.keep))));
  followRole(box);
}

async function showHistory(key) {
  const { revisions } = await get(`/${key}/revisions`);
  const box = $("#history");
  followRole(clear(box, h("h4", {}, "History"), h("ol", { class: "history" }, revisions.map((r, index) => {
    const before = revisions[index + 1];
    return h("li", { class: "revision", dataset: { revision: r.revision } },
      h("div", { class: "toolbar" }, h("strong", {}, `Revision ${r.revision}`),
        h("span", { class: "muted small" }, `${byWhom(r)} · ${when(r.changed_at)}`),
        index > 0 && !r.deleted ? h("button", { class: "small-button", dataset: { edit: "disabled" }, onclick: afterLeaving(() => restore(key, r.revision)) }, "Restore") : null),
      r.deleted ? h("p", { class: "muted" }, "The entry was deleted.") : h("div", {},
        before && before.title !== r.title ? h("p", { class: "small" }, "Title: ", renderDiff(before.title, r.title)) : h("p", { class: "small" }, h("strong", {}, r.title)),
        before && !before.deleted ? renderDiff(before.content, r.content) : h("p", { class: "diff" }, r.content)));
  }))));
  box.scrollIntoView({ block: "nearest" });
}

async function restore(key, revision) {
  try {
    // A deleted entry (none in the editor) is restored only while its key is still free.
    const { data } = await api(`/${key}/revisions/${revision}/restore`, { method: "POST", headers: { "If-Match": current ? current.etag : '"0"' } });
    toast(`Revision ${revision} restored as revision ${data.revision}`);
    await loadList();
    await openEntry(key);
    await showHistory(key);
  } catch (error) {
    toast(error.status === 412 ? "Someone changed this entry meanwhile: reload it first." : error.message, "error");
  }
}

// What depends on the role is marked `data-edit`: "readOnly" or "disabled" for an edit control
// (set for a viewer), "shown" for a viewer's note. Drawn for the role, and set again in place
// when the role changes while an entry is open (the draft stays).
function followRole(root) {
  for (const node of root.querySelectorAll("[data-edit]")) {
    if (node.dataset.edit === "shown") node.hidden = canEdit;
    else node[node.dataset.edit] = !canEdit;
  }
  return root;
}

export function showKnowledge(role) {
  canEdit = role !== "viewer";
  $("#new-entry").disabled = !canEdit;
  followRole($("#editor"));
  loadList().then(restoreDraft).catch((e) => toast(e.message, "error"));
}

export function initKnowledge() {
  $("#knowledge-search").addEventListener("input", renderList);
  $("#new-entry").addEventListener("click", afterLeaving(() => openNewEntry()));
  // A reload, a closed tab or a typed address: the browser asks before the changes are lost.
  window.addEventListener("beforeunload", (event) => {
    if (!unsaved()) return;
    event.preventDefault();
    event.returnValue = ""; // what browsers before Chrome 119 ask for
  });
}
