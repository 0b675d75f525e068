// Live analytics: Chart.js charts refreshed every few seconds, totals and the latest feedback.
import { get } from "./api.js";
import { $, h, clear, ago } from "./dom.js";

const charts = {};
window.consoleCharts = charts; // for people poking around in devtools, and for the browser tests
let timer = null;
let openConversation = () => {}; // main.js's: the Conversations tab with one transcript open

const COLORS = { blue: "#2563eb", teal: "#0d9488", amber: "#d97706", red: "#dc2626", slate: "#64748b", green: "#16a34a" };

// A value between two empty buckets (a quiet shop's one busy five minutes) has no line to be
// part of: it is drawn as a point, or the chart would look empty beside a total that is not.
function lonePoint(ctx) {
  const data = ctx.dataset.data;
  const at = ctx.dataIndex;
  return data[at] != null && data[at - 1] == null && data[at + 1] == null ? 3 : 0;
}

function line(label, color, extra = {}) {
  // clip: a lone point on the plot's edge (the newest bucket) is drawn whole, not cut in half.
  return { label, data: [], borderColor: color, backgroundColor: color + "33", tension: 0.3, pointRadius: lonePoint, pointBackgroundColor: color, borderWidth: 2, clip: 4, ...extra };
}

function makeChart(id, type, datasets, options = {}) {
  charts[id] = new window.Chart(document.getElementById(id), {
    type,
    data: { labels: [], datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      // grace: the highest value sits below the plot's top edge, not on it.
      scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true, grace: "10%" } },
      ...options,
    },
  });
}

function build() {
  if (charts["chart-traffic"]) return;
  makeChart("chart-traffic", "line", [line("conversations", COLORS.blue, { fill: true }), line("questions", COLORS.teal), line("answers", COLORS.slate, { borderDash: [6, 4], order: -1 })]); // on top and dashed: answers equal questions on a good day, and either line would hide the other
  makeChart("chart-latency", "line", [line("p50", COLORS.teal), line("p95", COLORS.amber)]);
  makeChart("chart-errors", "line", [line("errors %", COLORS.red), line("fallbacks %", COLORS.amber)]);
  makeChart("chart-cost", "bar", [
    { label: "tokens (in + out)", data: [], backgroundColor: COLORS.blue + "aa", yAxisID: "y" },
    { label: "cost USD", data: [], type: "line", borderColor: COLORS.green, pointRadius: lonePoint, yAxisID: "cost" },
  ], {
    scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true }, cost: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } },
  });
  makeChart("chart-satisfaction", "bar", [
    { label: "thumbs up", data: [], backgroundColor: COLORS.green, stack: "r" },
    { label: "thumbs down", data: [], backgroundColor: COLORS.red, stack: "r" },
  ], { scales: { x: { stacked: true, ticks: { maxTicksLimit: 8 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } });
}

// In the browser's locale. Times alone where the window spans days (the last 24 hours) read
// "11:47" at both ends: they name their day then ("Mon 11:47").
function label(iso, bucketSeconds, spansDays) {
  const date = new Date(iso);
  if (bucketSeconds >= 86400) return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  if (bucketSeconds >= 3 * 3600) return date.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit" });
  const time = { hour: "2-digit", minute: "2-digit" };
  return date.toLocaleString(undefined, spansDays ? { weekday: "short", ...time } : time);
}

const day = (iso) => new Date(iso).toDateString(); // the browser's local day

function fill(id, labels, ...series) {
  const chart = charts[id];
  chart.data.labels = labels;
  series.forEach((values, index) => (chart.data.datasets[index].data = values));
  chart.update("none");
}

function totals(series, summary) {
  const sat = series.satisfaction;
  const cards = [
    ["Conversations", summary.conversations],
    ["Questions", summary.messages.questions],
    // Time to first token is the model's: answers from the knowledge base take none ("–" without a model).
    ["Model TTFT p95", summary.time_to_first_token_ms.p95 === null ? "–" : `${Math.round(summary.time_to_first_token_ms.p95)} ms`],
    ["Errors", `${(summary.rates.error * 100).toFixed(1)} %`],
    ["Cost", `$${summary.cost_usd.toFixed(4)}`],
    ["Satisfaction", sat.share_up === null ? "–" : `${Math.round(sat.share_up * 100)} % up`],
    ["Thumbs down", sat.thumbs_down],
  ];
  clear($("#totals"), cards.map(([name, value]) => h("div", { class: "total card" }, h("span", { class: "muted small" }, name), h("strong", {}, String(value)))));
}

// A rating is read in its conversation (what came before, what the answer said): its question
// opens the transcript. data-id: the focus stays on it when the list is drawn again.
function feedbackItem(f) {
  return h("li", { class: `feedback ${f.rating}` },
    h("span", { class: "rating", "aria-label": f.rating === "up" ? "thumbs up" : "thumbs down" }, f.rating === "up" ? "▲" : "▼"),
    h("div", {}, h("button", { class: "link feedback-open", title: "Open the conversation", dataset: { id: f.conversation_id }, onclick: () => openConversation(f.conversation_id) },
      f.question || "(question deleted)"), f.comment ? h("p", { class: "comment" }, `“${f.comment}”`) : null,
    h("span", { class: "muted small" }, ago(f.updated_at))));
}

async function refresh() {
  const hours = $("#window").value;
  const [series, summary, feedback] = await Promise.all([
    get("/_analytics/series", { hours }),
    get("/_analytics", { hours }),
    get("/_feedback", { hours, limit: 8 }),
  ]);
  build();
  const points = series.points;
  const spansDays = points.length > 0 && day(points[0].start) !== day(points[points.length - 1].start);
  const labels = points.map((p) => label(p.start, series.bucket_seconds, spansDays));
  fill("chart-traffic", labels, points.map((p) => p.conversations), points.map((p) => p.questions), points.map((p) => p.answers));
  fill("chart-latency", labels, points.map((p) => p.ttft_p50_ms), points.map((p) => p.ttft_p95_ms));
  fill("chart-errors", labels, points.map((p) => +(p.error_rate * 100).toFixed(2)), points.map((p) => +(p.fallback_rate * 100).toFixed(2)));
  fill("chart-cost", labels, points.map((p) => p.input_tokens + p.output_tokens), points.map((p) => p.cost_usd));
  fill("chart-satisfaction", labels, points.map((p) => p.thumbs_up), points.map((p) => p.thumbs_down));
  totals(series, summary);
  clear($("#feedback-list"), feedback.feedback.length ? feedback.feedback.map(feedbackItem) : h("li", { class: "muted" }, "No ratings in this window yet."));
}

// The time of the last refresh is shown, not read out: a screen reader would say it every few
// seconds. Read out (#refresh-news) is only a refresh that fails, and the first that works again.
let failing = false;

function update() {
  return refresh().then(
    () => {
      $("#refreshed").textContent = `updated ${new Date().toLocaleTimeString()}`;
      if (failing) $("#refresh-news").textContent = "The dashboard refreshes again.";
      failing = false;
    },
    (error) => {
      $("#refreshed").textContent = `could not refresh: ${error.message}`;
      if (!failing) $("#refresh-news").textContent = `The dashboard could not refresh: ${error.message}`;
      failing = true;
    });
}

export function showDashboard() {
  update();
  clearInterval(timer);
  const seconds = (window.CONSOLE_CONFIG && window.CONSOLE_CONFIG.refreshSeconds) || 5;
  timer = setInterval(() => {
    if (!document.hidden && !$("#view-dashboard").hidden) update();
  }, seconds * 1000);
}

/** open: shows a conversation's transcript (by its id) in the Conversations tab. */
export function initDashboard(open) {
  openConversation = open;
  $("#window").addEventListener("change", update);
}
