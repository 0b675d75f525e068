// A new entry's key: suggested from its title, as "Create FAQ" does from a shopper's question,
// with its rules in plain words (the browser's "Please match the requested format" says none).
import { h } from "./dom.js";

const KEY = /^[a-z0-9][a-z0-9-]{0,63}$/; // as the server checks it
const RULES = "1 to 64 lowercase letters, digits or dashes, starting with a letter or digit. It comes from the title; once created, it stays.";

// "Österreich" → "osterreich": accents go (NFKD splits them off), the letters stay.
function slug(text) {
  return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The key a title suggests ("" for no title): an FAQ's starts with "faq-"; 64 characters at most. */
export function suggestedKey(title, kind) {
  if (!title.trim()) return "";
  const key = (kind === "faq" ? "faq-" : "") + (slug(title) || "entry");
  return key.slice(0, 64).replace(/-+$/, ""); // cut after a word: no dash left dangling
}

/**
 * A new entry's key follows its title and kind until the editor types one of their own, and its
 * kind the title (a question is an FAQ) until the editor picks one (kind.dataset.touched).
 */
export function followTitle({ title, kind, key }) {
  const suggest = () => {
    if (!key.dataset.touched) key.value = suggestedKey(title.value, kind.value);
  };
  title.addEventListener("input", () => {
    if (!kind.dataset.touched) kind.value = /[?？]\s*$/.test(title.value) ? "faq" : "policy";
    suggest();
  });
  kind.addEventListener("change", () => {
    kind.dataset.touched = "1";
    suggest();
  });
  key.addEventListener("input", () => (key.dataset.touched = "1"));
}

/** What is wrong with a key, in plain words with one that would do; "" for a key that is fine. */
export function keyProblem(key) {
  if (!key || KEY.test(key)) return "";
  return `Use only lowercase letters, digits and dashes, starting with a letter or digit: for example “${suggestedKey(key)}”.`;
}

/** The Key field: a new entry's says its rules below it, and what is wrong as it is typed. */
export function keyField(value, isNew) {
  const key = h("input", { name: "key", value, required: true, maxlength: "64", pattern: "[a-z0-9][a-z0-9\\-]{0,63}",
    disabled: !isNew, "aria-describedby": isNew ? "key-hint key-problem" : null });
  const label = h("label", {}, isNew ? "Key" : "Key (fixed)", key);
  if (!isNew) return { key, field: label };
  const problem = h("p", { id: "key-problem", class: "error small field-note", "aria-live": "polite" });
  key.addEventListener("input", () => {
    problem.textContent = keyProblem(key.value);
    key.setCustomValidity(problem.textContent); // what a Create refused by the browser says, too
  });
  return { key, field: h("div", {}, label, h("p", { id: "key-hint", class: "muted small field-note" }, RULES), problem) };
}
