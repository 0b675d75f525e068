// Staff (owners): who may sign in, with which role; tokens are shown once.
import { api, get } from "./api.js";
import { $, h, clear, when, toast, article } from "./dom.js";

export async function showStaff() {
  const { staff } = await get("/_staff");
  clear($("#staff-rows"), staff.length ? staff.map((s) =>
    h("tr", { class: s.revoked_at ? "revoked" : "" },
      h("td", {}, s.name), h("td", {}, s.email || "–"),
      h("td", {}, s.revoked_at ? h("span", { class: "badge" }, s.role) : roleSelect(s)),
      h("td", { class: "muted small" }, `${when(s.created_at)} by ${s.created_by}`),
      h("td", {}, s.revoked_at ? h("span", { class: "muted small" }, `revoked ${when(s.revoked_at)}`) :
        h("button", { class: "small-button danger", onclick: () => revoke(s) }, "Revoke")))) :
    // Signed in with ADMIN_TOKEN, the bootstrap owner, who is not a member.
    h("tr", {}, h("td", { colspan: "5", class: "muted" }, "No staff yet: only the ADMIN_TOKEN signs in. Add people here, each with their own token.")));
}

const ROLES = ["viewer", "editor", "owner"];

// A member's role, changed in place: their token stays the same and has the new role at once.
function roleSelect(member) {
  return h("select", { class: "role-select", "aria-label": `Role of ${member.name}`, onchange: (event) => changeRole(member, event.target.value) },
    ROLES.map((role) => h("option", role === member.role ? { selected: "" } : {}, role)));
}

async function changeRole(member, role) {
  if (member.role === "owner" && role !== "owner" &&
      !window.confirm(`${member.name} will no longer manage staff. Make them ${article(role)} ${role}?`)) {
    await showStaff(); // the select shows their role again
    return;
  }
  try {
    await api(`/_staff/${member.id}`, { method: "PATCH", body: { role } });
  } catch (error) {
    toast(error.message, "error"); // the last owner stays one
    await showStaff();
    return;
  }
  // Signed in as the member just changed (an owner who stepped down): the console starts again
  // with the new role, its tabs and header.
  if ((await get("/_me")).role !== "owner") {
    window.location.reload();
    return;
  }
  toast(`${member.name} is now ${article(role)} ${role}`);
  await showStaff();
}

async function revoke(member) {
  if (!window.confirm(`Revoke ${member.name}'s access? Their token stops working at once.`)) return;
  try {
    await api(`/_staff/${member.id}`, { method: "DELETE" });
  } catch (error) {
    toast(error.message, "error"); // the last owner stays
    return;
  }
  toast(`${member.name} revoked`);
  await showStaff();
}

// The token is shown once: one click copies it. Where the page may not write the clipboard
// (plain http on another host), the token is selected for Ctrl+C instead.
async function copyToken(token, code) {
  try {
    await navigator.clipboard.writeText(token);
    toast("Token copied");
  } catch {
    const range = document.createRange();
    range.selectNodeContents(code);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    toast("Token selected: press Ctrl+C (⌘C on a Mac) to copy it");
  }
}

export function initStaff() {
  $("#staff-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { name: form.name.value.trim(), role: form.role.value, email: form.email.value.trim() || null };
    showStaffError(""); // an earlier attempt's error is not this one's
    try {
      const { data } = await api("/_staff", { method: "POST", body });
      const note = $("#new-token");
      const code = h("code", {}, data.token);
      const copy = h("button", { type: "button", class: "small-button", onclick: () => copyToken(data.token, code) }, "Copy token");
      clear(note, h("strong", {}, `Token for ${data.staff.name} (shown once, copy it now):`), code, copy);
      note.hidden = false;
      form.reset();
      await showStaff();
    } catch (error) {
      showStaffError(error.message);
    }
  });
}

// In the form, by the fields to correct, until the next attempt (a toast went while they were
// being corrected, or stayed beside the token of the member added after).
function showStaffError(message) {
  $("#staff-error").textContent = message;
  $("#staff-error").hidden = !message;
}
