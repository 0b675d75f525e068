// What the knowledge's history and its conflicts say: who changed an entry, in plain words.
import { get } from "./api.js";
import { h, renderDiff } from "./dom.js";

// The seeded text, or an entry from before edits were recorded, was changed by nobody.
const BEFORE_REVISIONS = "(before revisions)";
export const byWhom = (r) => (r.changed_by === BEFORE_REVISIONS ? "the text it started with"
  : r.restored_from ? `revision ${r.restored_from} restored by ${r.changed_by}` : `${r.deleted ? "deleted" : "changed"} by ${r.changed_by}`);

// Who made the entry's newest revision when it is the one `expected` (the deletion, or the
// revision shown as theirs), to say so by name; "Someone else" when that is not known.
async function newestBy(key, expected) {
  const { revisions } = await get(`/${key}/revisions`).catch(() => ({ revisions: [] }));
  const newest = revisions[0];
  return newest && expected(newest) && newest.changed_by !== BEFORE_REVISIONS ? newest.changed_by : "Someone else";
}

// What the conflict says and offers: a key already in use (a new entry; nobody changed
// anything), an entry deleted meanwhile (theirs is null), or an entry saved meanwhile (as
// revision `etag`).
export async function conflictWords(mine, theirs, etag, isNew) {
  if (isNew && theirs) {
    return { heading: `An entry with the key “${mine.key}” already exists`, theirsLabel: "The existing entry",
      advice: "Nothing was overwritten. Choose another key, open that entry to edit it, or replace it with yours:",
      discard: "Open the existing entry", keep: "Replace it with mine" };
  }
  if (!theirs) {
    return { heading: `${await newestBy(mine.key, (r) => r.deleted)} deleted this entry while you were editing`,
      advice: "Nothing was saved. Create it again with your text, or discard your text:",
      discard: "Discard mine", keep: "Keep mine (create it again)" };
  }
  const savedBy = await newestBy(mine.key, (r) => etag.endsWith(`"${r.revision}"`));
  return { heading: `${savedBy} changed this entry while you were editing`, theirsLabel: "Saved now",
    advice: "Nothing was overwritten. Compare and choose:", discard: "Discard mine, load theirs", keep: "Save mine over theirs" };
}

// Title, kind and content, each only where the two versions differ.
export function differences(mine, theirs) {
  return h("div", { class: "small differs" }, h("strong", {}, "What differs (yours → theirs):"),
    mine.title !== theirs.title ? h("div", {}, "Title: ", renderDiff(mine.title, theirs.title)) : null,
    mine.kind !== theirs.kind ? h("div", {}, `Kind: ${mine.kind} → ${theirs.kind}`) : null,
    mine.content !== theirs.content ? h("div", {}, "Content: ", renderDiff(mine.content, theirs.content)) : h("div", {}, "Content: the same"));
}
