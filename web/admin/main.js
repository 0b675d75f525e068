// The console: sign-in, tabs, and wiring the views together.
import { get, session, whenSignedOut, whenRefused, ApiError } from "./api.js";
import { $, toast, article } from "./dom.js";
import { initDashboard, showDashboard } from "./dashboard.js";
import { initConversations, showConversations, showConversation, appliedFilters, otherFilters } from "./conversations.js";
import { initKnowledge, showKnowledge, openNewEntry, mayLeaveEntry } from "./knowledge.js";
import { showUnanswered } from "./unanswered.js";
import { showInbox, watchInbox } from "./inbox.js";
import { initStaff, showStaff } from "./staff.js";
import { drafts } from "./drafts.js";

let me = null;

function createFaq(question, asked = []) {
  if (!mayLeaveEntry()) return; // an entry being edited is not replaced unasked
  select("knowledge", { push: true }); // Back returns to the question
  openNewEntry({ title: question, kind: "faq", asked });
}

function openConversation(id, { push = true } = {}) {
  select("conversations", { push, id }); // Back returns to the Dashboard
}

// Each view, shown; ``id``: the conversation the address names (#inbox/<id>, a webhook's link).
// One the Inbox no longer holds (resolved meanwhile) opens in Conversations. ``query``: the
// Conversations filters the address names (undefined when a tab is chosen: the form's stay).
const VIEWS = {
  dashboard: () => showDashboard(),
  inbox: (id) => showInbox(me, id).then((found) => found || openConversation(id, { push: false })),
  conversations: (id, query) => {
    // Filters an address names without a conversation: none is open (a typed or linked list).
    showConversations(me.role, query, { close: query !== undefined && !id });
    if (id) showConversation(id);
  },
  knowledge: () => showKnowledge(me.role),
  unanswered: () => showUnanswered(me.role === "viewer" ? null : createFaq),
  staff: () => showStaff(),
};

// On a narrow screen the tabs scroll sideways: the edge with more tabs behind it fades out.
function markTabsOverflow() {
  const tabs = $(".tabs");
  const more = [];
  if (tabs.scrollLeft > 1) more.push("start");
  if (tabs.scrollLeft + tabs.clientWidth < tabs.scrollWidth - 1) more.push("end");
  tabs.dataset.more = more.join(" ");
}

// The open tab in view (a link to #staff, or a tab that grew when the Inbox count arrived).
function showOpenTab() {
  const open = $(".tabs [aria-selected=true]");
  if (open && !open.hidden) open.scrollIntoView({ block: "nearest", inline: "nearest" });
  markTabsOverflow();
}

// The tab a view's name asks for: one this member may open, else null.
function allowed(view) {
  return VIEWS[view] && (view !== "staff" || me.role === "owner") ? view : null;
}

// What the address asks for: a tab (#knowledge), for the Inbox and Conversations a
// conversation in it (#inbox/<id>), and for Conversations its filters (#conversations?q=refund,
// "" for none).
function address() {
  const [, view = "", id = null, query = ""] = /^#([a-z]+)(?:\/([0-9a-f-]{36}))?(?:\?(.*))?$/i.exec(window.location.hash) || [];
  return {
    view: allowed(view),
    id: id && (view === "inbox" || view === "conversations") ? id.toLowerCase() : null,
    query: view === "conversations" ? query : undefined,
  };
}

// The open tab is in the address (#knowledge): a tab chosen here is a new history entry
// (`push`), so Back returns to the previous tab; a tab chosen from the address replaces it.
function select(view, { push = false, id = null, query } = {}) {
  for (const tab of document.querySelectorAll(".tabs [role=tab]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === view));
    tab.tabIndex = tab.dataset.view === view ? 0 : -1; // one Tab stop; the arrows move among them
  }
  showOpenTab();
  for (const name of Object.keys(VIEWS)) $(`#view-${name}`).hidden = name !== view;
  const wanted = `#${view}${id ? `/${id}` : ""}${query ? `?${query}` : ""}`;
  if (window.location.hash !== wanted) history[push ? "pushState" : "replaceState"](null, "", wanted);
  Promise.resolve(VIEWS[view](id, query)).catch((error) => toast(error.message, "error"));
}

const openView = () => $(".tabs [aria-selected=true]").dataset.view;

// The address changed (typed, a link, Back or Forward): the tab follows it. Not for the tab
// already open (select() wrote it there itself, or pushState's Back fired both events), and an
// unknown view leaves the open tab and puts its name back in the address.
function followAddress() {
  if (!me || $("#app").hidden) return;
  const { view: asked, id, query } = address();
  const view = asked || openView();
  const focused = document.activeElement;
  if (view !== openView() || id || (query !== undefined && otherFilters(query))) select(view, { id, query });
  else history.replaceState(null, "", view === "conversations" && appliedFilters() ? `#${view}?${appliedFilters()}` : `#${view}`);
  // On a tab, or in the view just hidden (it would drop to the body): on the open tab now.
  if (focused && focused.closest(".tabs, .view[hidden]")) $(".tabs [aria-selected=true]").focus();
}

// The tabs as a keyboard user expects them: the arrow keys, Home and End move the focus among
// them; Enter or Space opens the one focused.
function moveAmongTabs(event) {
  const tabs = [...document.querySelectorAll(".tabs [role=tab]")].filter((tab) => !tab.hidden);
  const at = tabs.indexOf(document.activeElement);
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
  if (at < 0 || to === undefined || event.altKey || event.ctrlKey || event.metaKey) return; // Alt+Left: back
  event.preventDefault();
  tabs[(to + tabs.length) % tabs.length].focus();
}

// A token revoked while the console is open: every view and poll stops at once (a reload),
// and the sign-in form says why.
const SIGNED_OUT_KEY = "support-console-signed-out";

function signOutFor(reason) {
  whenSignedOut(null);
  session.clear();
  drafts.clear(); // the next person to sign in here must not find them
  sessionStorage.setItem(SIGNED_OUT_KEY, reason);
  window.location.reload();
}

// Who is signed in, and the tabs their role may open.
function showMember() {
  $("#who").textContent = `${me.name} · ${me.role}`;
  for (const tab of document.querySelectorAll("[data-role=owner]")) tab.hidden = me.role !== "owner";
}

// An owner changed this member's role while the console is open: found after a refused action
// (403), when the window has the focus again, and every minute. The open view is drawn again for
// the new role (no edit controls a viewer cannot use; Save for someone made an editor).
let checkingRole = false;
let roleTimer = null;
const RANK = { viewer: 0, editor: 1, owner: 2 };

async function checkRole() {
  if (checkingRole || !me) return;
  checkingRole = true;
  const now = await get("/_me").catch(() => null);
  checkingRole = false;
  if (!now || now.role === me.role) return;
  const lower = RANK[now.role] < RANK[me.role];
  me = now;
  showMember();
  select(allowed(openView()) || "dashboard");
  toast(`Your role was changed to ${me.role}: the console now shows what ${article(me.role)} ${me.role} can do.`, lower ? "error" : "info");
}

function watchRole() {
  window.addEventListener("focus", checkRole);
  clearInterval(roleTimer);
  roleTimer = setInterval(checkRole, 60_000);
}

// Why signing in failed, for the person at the form: a 401 here is a token mistyped or
// revoked, in plain words (the API's own message, "this bearer token is not valid (unknown or
// revoked)", is for programs and stays as it is).
function refusal(error) {
  if (!(error instanceof ApiError)) return `The staff function cannot be reached (${error.message}).`;
  if (error.status === 401) return "That token is not valid. Ask an owner for a new one, or check for a typo.";
  return error.message;
}

async function start({ signingIn = false } = {}) {
  const reason = sessionStorage.getItem(SIGNED_OUT_KEY);
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  try {
    me = await get("/_me");
  } catch (error) {
    // Not signed in (401), not staff (403) or unreachable: the form, with the reason unless it
    // is only that nobody has signed in yet. Without ADMIN_TOKEN or IAP set up, the 401 says how
    // to sign in here (a staff token): shown as a hint, not as an error.
    const refused = error instanceof ApiError && (error.status === 401 || error.status === 403);
    if (refused) {
      session.clear();
      drafts.clear();
    }
    $("#sign-in").hidden = false;
    $("#app").hidden = true;
    const hint = error instanceof ApiError && error.status === 401 && error.message.includes("make staff-token");
    $("#sign-in-hint").textContent = hint ? `To sign in here: ${error.message}.` : "";
    $("#sign-in-hint").hidden = !hint;
    if (!refused || error.status === 403 || $("#token").value) {
      $("#sign-in-error").textContent = refusal(error);
      $("#sign-in-error").hidden = false;
    } else if (reason) {
      // Only a 401 signs out (the API's reason is for programs): said in the staff's words.
      $("#sign-in-error").textContent =
        "You were signed out: your token is no longer valid (an owner may have revoked it). Ask an owner for a new one.";
      $("#sign-in-error").hidden = false;
    }
    $("#token").focus();
    return;
  }
  drafts.keepFor(JSON.stringify([me.id, me.email, me.name, me.via]));
  whenSignedOut(signOutFor);
  whenRefused(checkRole);
  watchRole();
  $("#sign-in").hidden = true;
  $("#app").hidden = false;
  showMember();
  const asked = address();
  select(asked.view || "dashboard", { id: asked.id, query: asked.query });
  if (signingIn) $(".tabs [aria-selected=true]").focus(); // not left on the page's body
  watchInbox().catch(() => {});
}

function init() {
  initDashboard(openConversation);
  initConversations();
  initKnowledge();
  initStaff();
  for (const tab of document.querySelectorAll(".tabs [role=tab]")) tab.addEventListener("click", () => select(tab.dataset.view, { push: true }));
  $(".tabs").addEventListener("keydown", moveAmongTabs);
  window.addEventListener("hashchange", followAddress);
  window.addEventListener("popstate", followAddress); // Back to an entry pushState made
  $(".tabs").addEventListener("scroll", markTabsOverflow, { passive: true });
  window.addEventListener("resize", markTabsOverflow);
  new MutationObserver(showOpenTab).observe($(".tabs"), { subtree: true, childList: true, characterData: true, attributeFilter: ["hidden"] });
  $("#sign-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    session.set($("#token").value.trim());
    start({ signingIn: true });
  });
  $("#sign-out").addEventListener("click", () => {
    if (!mayLeaveEntry()) return;
    session.clear();
    drafts.clear(); // unsent replies and an entry's draft: the next person to sign in here must not find them
    window.location.reload();
  });
  start();
}

init();
