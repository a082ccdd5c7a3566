// One matrix cell: every mapping from one framework edition into another, sortable and
// filterable, with the server's CSV, XLSX and SSSOM downloads and a CSV of the rows shown.
import { api } from "../api.js";
import { add, downloadText, h, itemHref, route, toCSV } from "../dom.js";
import { RELATIONS, confidence, frameworkBadge, relationTag, shortSemapv } from "../format.js";
import { dataTable } from "../table.js";

const local = (curie) => curie.split(":").slice(1).join(":");

function kindOf(m) {
  if (m.derived) return "derived";
  return m.inverse_of ? "inverse" : "stated";
}

function columns() {
  return [
    {
      key: "subject",
      label: "From",
      value: (m) => local(m.subject),
      text: (m) => `${m.subject} ${m.subject_title}`,
      cell: (m) => h("a", { href: itemHref(m.subject), class: "item-link" }, m.subject_title || m.subject),
    },
    { key: "relation", label: "Relation", value: (m) => m.relation, cell: (m) => relationTag(m.relation) },
    {
      key: "object",
      label: "To",
      value: (m) => local(m.object),
      text: (m) => `${m.object} ${m.object_title}`,
      cell: (m) => h("a", { href: itemHref(m.object), class: "item-link" }, m.object_title || m.object),
    },
    { key: "confidence", label: "Confidence", value: (m) => m.confidence, cell: (m) => confidence(m.confidence) },
    {
      key: "why",
      label: "Why",
      className: "why",
      value: (m) => m.comment || "",
      cell: (m) =>
        m.derived
          ? h(
              "span",
              {},
              m.chain.map((hop) => local(hop.subject)).concat(local(m.object)).join(" → "),
              " · ",
              h("a", { href: route(`/explain/${encodeURIComponent(m.subject)}/${encodeURIComponent(m.object)}`) }, "explain"),
            )
          : m.comment || "—",
    },
    { key: "justification", label: "Justification", value: (m) => shortSemapv(m.justification) },
    { key: "set", label: "Set", value: (m) => m.set, cell: (m) => h("span", { title: m.set_title }, m.set) },
    { key: "kind", label: "Kind", value: kindOf },
  ];
}

function downloads(pair) {
  const base = `/export/crosswalk/${encodeURIComponent(pair.first)}/${encodeURIComponent(pair.second)}`;
  const sets = [...new Set(pair.mappings.filter((m) => !m.derived).map((m) => m.set))].sort();
  return h(
    "p",
    { class: "downloads" },
    "Download the stated mappings: ",
    h("a", { href: `${base}.csv`, download: "", class: "button", id: "download-csv" }, "CSV"),
    " ",
    h("a", { href: `${base}.xlsx`, download: "", class: "button", id: "download-xlsx" }, "XLSX"),
    sets.length ? [" · SSSOM of the mapping set" + (sets.length > 1 ? "s" : "") + ": "] : null,
    sets.map((set) => [h("a", { href: `/export/mappings/${encodeURIComponent(set)}.sssom.tsv`, download: "", class: "button sssom" }, set), " "]),
    sets.length
      ? [
          " · Compare with the chains: ",
          sets.map((set) => [h("a", { href: route("/compare", { first: set, second: `derived:${pair.first}>${pair.second}` }), class: "compare-link" }, set), " "]),
        ]
      : null,
  );
}

export async function render(root, params, ctx) {
  const derived = ctx.query.get("derived") === "1";
  const [pair] = await Promise.all([api.pair(params.first, params.second, derived), api.frameworks()]);
  const state = {
    q: ctx.query.get("q") || "",
    sort: ctx.query.get("sort") || "",
    dir: ctx.query.get("dir") === "desc" ? "desc" : "asc",
    rel: RELATIONS.includes(ctx.query.get("rel")) ? ctx.query.get("rel") : "",
  };
  const holder = h("div", { class: "table-holder" });
  const tools = h("span", { class: "table-tools" });
  let current = null;
  const keepUrl = () =>
    ctx.replaceQuery({
      derived: derived ? "1" : "",
      rel: state.rel,
      q: state.q,
      sort: state.sort,
      dir: state.sort && state.dir === "desc" ? "desc" : "",
    });
  const build = () => {
    const rows = state.rel ? pair.mappings.filter((m) => m.relation === state.rel) : pair.mappings;
    current = dataTable({ columns: columns(), rows, state, onChange: keepUrl });
    tools.replaceChildren(current.filter, " ", current.count);
    holder.replaceChildren(current.table);
  };

  const derivedBox = h("input", { type: "checkbox", checked: derived, id: "with-derived" });
  derivedBox.addEventListener("change", () => {
    location.hash = route(`/pair/${encodeURIComponent(pair.first)}/${encodeURIComponent(pair.second)}`, {
      derived: derivedBox.checked ? "1" : "",
      rel: state.rel,
      q: state.q,
    });
  });
  const relSelect = h(
    "select",
    { "aria-label": "Relation" },
    h("option", { value: "" }, "every relation"),
    RELATIONS.map((r) => h("option", { value: r, selected: r === state.rel }, r)),
  );
  relSelect.addEventListener("change", () => {
    state.rel = relSelect.value;
    build();
  });
  const shownCsv = h("button", { type: "button" }, "Rows shown (CSV)");
  shownCsv.addEventListener("click", () => {
    const cols = ["subject", "subject_title", "relation", "object", "object_title", "confidence", "justification", "comment", "set", "kind"];
    const rows = current.visibleRows().map((m) => cols.map((c) => (c === "kind" ? kindOf(m) : m[c])));
    downloadText(`${pair.first}--${pair.second}-shown.csv`, toCSV(cols, rows), "text/csv");
  });

  add(root, 
    h("p", { class: "crumbs" }, h("a", { href: "#/matrix" }, "Crosswalk matrix"), " › pair"),
    h("h1", { tabindex: "-1" }, frameworkBadge(pair.first), " ", pair.first_title, " → ", frameworkBadge(pair.second), " ", pair.second_title),
    h(
      "p",
      { class: "lead" },
      `${pair.stated} stated mapping${pair.stated === 1 ? "" : "s"}, ${pair.derived} derived. `,
      h("a", { href: route(`/pair/${encodeURIComponent(pair.second)}/${encodeURIComponent(pair.first)}`, { derived: derived ? "1" : "" }) }, "Read the other way round"),
      ".",
    ),
    downloads(pair),
    h(
      "div",
      { class: "toolbar" },
      tools,
      h("label", {}, "Relation ", relSelect),
      h("label", {}, derivedBox, ` with derived (${pair.derived})`),
      shownCsv,
    ),
    holder,
  );
  build();
  ctx.title = `${pair.first_title} → ${pair.second_title}`;
}
