// Two mapping sets of the same two editions side by side (GET /compare): the pairs in both and
// in one only, the agreement of their relations, Jaccard per source item, and each
// disagreement with both sides' relation, confidence and justification.
import { ApiError, api } from "../api.js";
import { add, h, itemHref, message, route } from "../dom.js";
import { confidence, relationTag } from "../format.js";
import { dataTable } from "../table.js";

const EXAMPLES = [
  ["iso42001-2023--iso27001-2022-clauses", "derived:iso42001-2023>iso27001-2022@iso27701-2025", "42001 → 27001:2022 clauses, curated vs through 27701:2025"],
  ["eu-ai-act--iso42001-2023", "derived:eu-ai-act>iso42001-2023@nist-ai-rmf-1.0", "AI Act → 42001, curated vs through the AI RMF"],
  ["stated:iso42001-2023>iso27001-2022", "derived:iso42001-2023>iso27001-2022", "every stated 42001 → 27001:2022 mapping vs every chain"],
];

function form(first, second) {
  const a = h("input", { id: "compare-first", name: "first", value: first, required: true, size: 48, "aria-label": "First side" });
  const b = h("input", { id: "compare-second", name: "second", value: second, required: true, size: 48, "aria-label": "Second side" });
  const el = h(
    "form",
    { class: "toolbar compare-form" },
    h("label", {}, "First ", a),
    h("label", {}, "Second ", b),
    h("button", { type: "submit", id: "compare-go" }, "Compare"),
  );
  el.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = route("/compare", { first: a.value.trim(), second: b.value.trim() });
  });
  return el;
}

function side(link) {
  if (!link) return h("span", { class: "muted" }, "—");
  return h(
    "span",
    {},
    relationTag(link.relation),
    " ",
    confidence(link.confidence),
    link.via.length ? h("span", { class: "muted small" }, ` chain of ${link.via.length}`) : null,
    link.comment ? h("p", { class: "small why" }, link.comment) : null,
  );
}

function disagreementColumns() {
  const item = (curie, title) => h("a", { href: itemHref(curie), class: "item-link", title }, curie);
  return [
    { key: "subject", label: "From", value: (d) => d.subject, text: (d) => `${d.subject} ${d.subject_title}`, cell: (d) => item(d.subject, d.subject_title) },
    { key: "object", label: "To", value: (d) => d.object, text: (d) => `${d.object} ${d.object_title}`, cell: (d) => item(d.object, d.object_title) },
    { key: "kind", label: "Kind", value: (d) => d.kind },
    { key: "first", label: "First says", className: "why", value: (d) => d.first?.relation || "", text: (d) => `${d.first?.relation || ""} ${d.first?.comment || ""}`, cell: (d) => side(d.first) },
    { key: "second", label: "Second says", className: "why", value: (d) => d.second?.relation || "", text: (d) => `${d.second?.relation || ""} ${d.second?.comment || ""}`, cell: (d) => side(d.second) },
  ];
}

function itemColumns() {
  return [
    { key: "subject", label: "Item", value: (r) => r.subject, cell: (r) => h("a", { href: itemHref(r.subject), class: "item-link" }, r.subject) },
    { key: "first", label: "First", value: (r) => r.first.length, text: (r) => r.first.join(" "), cell: (r) => r.first.join(", ") || "—" },
    { key: "second", label: "Second", value: (r) => r.second.length, text: (r) => r.second.join(" "), cell: (r) => r.second.join(", ") || "—" },
    { key: "jaccard", label: "Jaccard", value: (r) => r.jaccard, cell: (r) => r.jaccard.toFixed(2) },
  ];
}

function summary(c) {
  const rel = c.relations;
  const cells = [
    ["pairs in the first", c.first.pairs],
    ["pairs in the second", c.second.pairs],
    ["in both", c.both],
    ["first only", c.first_only],
    ["second only", c.second_only],
    ["Jaccard", c.jaccard === null ? "—" : c.jaccard.toFixed(2)],
    ["same relation", rel.same],
    ["compatible", rel.compatible],
    ["conflicting", rel.conflicting],
  ];
  return h("dl", { class: "compare-summary" }, cells.map(([k, v]) => h("div", { dataset: { figure: k } }, h("dt", {}, k), h("dd", {}, String(v)))));
}

export async function render(root, _params, ctx) {
  const first = ctx.query.get("first") || "";
  const second = ctx.query.get("second") || "";
  ctx.title = "Compare mapping sets";
  add(
    root,
    h("h1", { tabindex: "-1" }, "Compare two mapping sets"),
    h("p", { class: "lead" }, "A side is a mapping set id, stated:A>C (every stated mapping from edition A to C), derived:A>C (the chains of stated mappings) or derived:A>C@X (chains through edition X only). Both are read from A to C."),
    form(first, second),
    h("p", { class: "small" }, "Examples: ", EXAMPLES.map(([a, b, label], i) => [i ? " · " : "", h("a", { href: route("/compare", { first: a, second: b }) }, label)])),
  );
  if (!first || !second) return;
  let c;
  try {
    c = await api.compare(first, second);
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) {
      add(root, message("error", err.message));
      return;
    }
    throw err;
  }
  const state = { q: ctx.query.get("q") || "", sort: ctx.query.get("sort") || "", dir: ctx.query.get("dir") === "desc" ? "desc" : "asc" };
  const keepUrl = () => ctx.replaceQuery({ first, second, q: state.q, sort: state.sort, dir: state.sort && state.dir === "desc" ? "desc" : "" });
  const disagreements = dataTable({ columns: disagreementColumns(), rows: c.disagreements, state, onChange: keepUrl });
  const items = dataTable({ columns: itemColumns(), rows: c.per_item, state: { q: "", sort: "jaccard", dir: "asc" } });
  ctx.title = `${c.first.label} vs ${c.second.label}`;
  add(
    root,
    h("section", { class: "panel", id: "comparison" }, h("h2", {}, `${c.first.label} vs ${c.second.label}`), h("p", { class: "muted" }, `Editions ${c.editions.join(" → ")}`), summary(c)),
    h(
      "section",
      { class: "panel", id: "disagreements" },
      h("h2", {}, `Disagreements (${c.disagreements.length})`),
      h("div", { class: "toolbar" }, disagreements.filter, " ", disagreements.count),
      h("div", { class: "table-holder" }, disagreements.table),
    ),
    h(
      "section",
      { class: "panel", id: "per-item" },
      h("h2", {}, `Agreement per item (${c.per_item.length})`),
      h("div", { class: "table-holder" }, items.table),
    ),
  );
}
