// A new entry's key: suggested from its title, as "Create FAQ" does from a shopper's question.

// "Österreich" → "osterreich": accents go (NFKD splits them off), the letters stay.
function slug(text) {
  return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "").slice(0, 56) || "entry";
}

/** The key a title suggests; an FAQ's starts with "faq-". */
export function suggestedKey(title, kind) {
  const base = slug(title);
  return base && (kind === "faq" ? "faq-" : "") + base;
}

/** A new entry's key follows its title and kind until the editor types one of their own. */
export function followTitle({ title, kind, key }) {
  const suggest = () => {
    if (!key.dataset.touched) key.value = suggestedKey(title.value, kind.value);
  };
  title.addEventListener("input", suggest);
  kind.addEventListener("change", suggest);
  key.addEventListener("input", () => (key.dataset.touched = "1"));
}
