// Text staff wrote and have not sent or saved yet (a reply, a Knowledge entry being edited),
// kept in this tab's sessionStorage: a reload or signing in again in the tab keeps it, signing
// out forgets it. Never localStorage: like the token (api.js), a draft may quote a shopper and
// must not outlive the tab or reach the next person to use the browser.
const PREFIX = "support-console-draft:";

// Storage refused (full, or turned off): the draft still lives in the page, only not beyond it.
function attempt(action, fallback = null) {
  try {
    return action();
  } catch {
    return fallback;
  }
}

export const drafts = {
  get: (name) => attempt(() => sessionStorage.getItem(PREFIX + name)),
  set: (name, text) => attempt(() => sessionStorage.setItem(PREFIX + name, text)),
  drop: (name) => attempt(() => sessionStorage.removeItem(PREFIX + name)),
  /** The names of the drafts kept, those starting with `start`. */
  names: (start = "") => attempt(() => Object.keys(sessionStorage), [])
    .filter((key) => key.startsWith(PREFIX + start)).map((key) => key.slice(PREFIX.length)),
  /** Signing out: every draft goes. */
  clear: () => drafts.names().forEach(drafts.drop),
  /** Drafts are their writer's: someone else signed in to this tab (another IAP account, a
   *  token pasted without signing out) starts with none of them. */
  keepFor: (who) => {
    if (attempt(() => sessionStorage.getItem(WRITER)) === who) return;
    drafts.clear();
    attempt(() => sessionStorage.setItem(WRITER, who));
  },
};

// Who wrote the drafts kept (not a draft itself).
const WRITER = "support-console-writer";

// The name of a reply's draft, by conversation (the Inbox writes it; erasing the conversation in
// Conversations drops it).
export const replyDraft = (id) => `reply:${id}`;
