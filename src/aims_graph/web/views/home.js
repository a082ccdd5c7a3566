// Home: the framework editions with their counts, and search over notation, title and summary.
import { api } from "../api.js";
import { add, h, itemLink, route } from "../dom.js";
import { editionTitle, externalLink, frameworkBadge, kindName } from "../format.js";

function searchForm(q, framework, frameworks) {
  const input = h("input", {
    id: "search-q",
    type: "search",
    name: "q",
    value: q,
    placeholder: "A.6.2.4, impact assessment, MAP 1.1, Article 9 …",
    autocomplete: "off",
    "aria-label": "Search items",
  });
  const select = h(
    "select",
    { name: "framework", "aria-label": "Framework" },
    h("option", { value: "" }, "all frameworks"),
    frameworks.map((f) => h("option", { value: f.id, selected: f.id === framework }, f.id)),
  );
  const form = h(
    "form",
    { class: "search", role: "search" },
    input,
    select,
    h("button", { type: "submit" }, "Search"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = route("/", { q: input.value.trim(), framework: select.value });
  });
  return { form, input };
}

function hits(result) {
  if (!result.hits.length) return h("p", { class: "message" }, `Nothing matches “${result.q}”.`);
  return h(
    "div",
    { class: "hits" },
    h("p", { class: "muted" }, `${result.total} item${result.total === 1 ? "" : "s"} found` +
      (result.total > result.hits.length ? `, the first ${result.hits.length} shown` : "")),
    h(
      "ol",
      { class: "hit-list" },
      result.hits.map((hit) =>
        h(
          "li",
          {},
          frameworkBadge(hit.framework),
          " ",
          itemLink(hit.curie, hit.notation, hit.label),
          h("span", { class: "kind" }, kindName(hit.kind)),
          h("span", { class: "match", title: "what matched" }, hit.match),
          hit.summary ? h("p", { class: "summary" }, hit.summary) : null,
        ),
      ),
    ),
  );
}

function card(fw, counts) {
  const kinds = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]);
  return h(
    "article",
    { class: `fw-card fw-${fw.id.replace(/[^a-z0-9-]/gi, "-")}` },
    h("h3", {}, h("a", { href: `#/framework/${encodeURIComponent(fw.id)}` }, editionTitle(fw))),
    h("p", { class: "fw-title" }, fw.title),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Edition"), h("dd", {}, fw.edition),
      h("dt", {}, "Issued"), h("dd", {}, fw.issued),
      h("dt", {}, "Kind"), h("dd", {}, fw.framework_kind),
      h("dt", {}, "Items"), h("dd", { class: "total" }, String(fw.total)),
    ),
    h("p", { class: "kinds" }, kinds.map(([k, n]) => h("span", { class: "kind-count" }, `${n} ${kindName(k)}`))),
    h("p", { class: "card-links" }, externalLink(fw.source, "official text")),
  );
}

export async function render(root, _params, ctx) {
  const q = ctx.query.get("q") || "";
  const framework = ctx.query.get("framework") || "";
  const [frameworks, stats, result] = await Promise.all([
    api.frameworks(),
    api.stats(),
    q ? api.search(q, framework) : null,
  ]);
  const counts = Object.fromEntries(stats.map((s) => [s.edition, s.counts]));
  const { form, input } = searchForm(q, framework, frameworks);
  add(root, 
    h("h1", { tabindex: "-1" }, "AI governance standards, mapped"),
    h(
      "p",
      { class: "lead" },
      "ISO/IEC 42001 at the centre, beside ISO/IEC 27001 and 27701, the NIST AI RMF and the EU AI Act: ",
      "every clause, control, outcome and obligation, and the typed, sourced mappings between them.",
    ),
    form,
    result ? hits(result) : null,
    h("h2", {}, "Frameworks"),
    h("div", { class: "fw-grid" }, frameworks.map((fw) => card(fw, counts[fw.id]))),
    h(
      "p",
      { class: "muted" },
      "Compare them in the ",
      h("a", { href: "#/matrix" }, "crosswalk matrix"),
      ", or see ",
      frameworkBadge("eu-ai-act"),
      " ",
      h("a", { href: "#/obligations" }, "obligations by actor and date"),
      ".",
    ),
  );
  ctx.title = q ? `Search: ${q}` : "Frameworks";
  if (ctx.query.get("focus") === "search" || q) ctx.focus = input;
}
