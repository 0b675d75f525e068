// Questions the assistant could not answer, grouped by wording, each one click from a new FAQ.
import { get } from "./api.js";
import { $, h, clear, ago, toast } from "./dom.js";

const REASONS = { not_answered: "not covered", thumbs_down: "rated down" };

/** createFaq(question, wordings): null for a viewer, who reads but does not write the knowledge. */
export async function showUnanswered(createFaq) {
  try {
    const { groups } = await get("/_unanswered", { hours: 720 });
    clear($("#unanswered-rows"), groups.length ? groups.map((g) => {
      // Answered now by an entry written after it was asked (the server lists these last).
      const answered = g.answered_by.length ? `Answered now by ${g.answered_by.map((s) => `“${s.title}”`).join(", ")}` : null;
      return h("tr", { class: answered ? "answered" : "" },
        h("td", {}, h("strong", {}, g.question),
          g.after ? h("div", { class: "muted small" }, `after “${g.after}”`) : null,
          g.examples.length > 1 ? h("div", { class: "muted small" }, `also: ${g.examples.slice(1).join(" · ")}`) : null),
        h("td", { class: "num" }, String(g.count)),
        h("td", {}, Object.entries(g.reasons).map(([reason, count]) => h("span", { class: `badge ${reason}` }, `${REASONS[reason] || reason} ×${count}`))),
        h("td", { class: "muted small" }, ago(g.last_seen)),
        h("td", {}, answered ? h("span", { class: "badge answered" }, answered) :
          createFaq ? h("button", { class: "small-button primary", onclick: () => createFaq(g.after ? `${g.after} ${g.question}` : g.question, g.examples) }, "Create FAQ") : null));
    }) :
      h("tr", {}, h("td", { colspan: "5", class: "muted" }, "Nothing unanswered in the last 30 days.")));
  } catch (error) {
    toast(error.message, "error");
  }
}
