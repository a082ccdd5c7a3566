// A sortable, filterable table. Row elements are built once; sorting and filtering only move
// and hide them, so a table of a thousand rows stays quick to type into.
import { h } from "./dom.js";

function compare(a, b) {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a ?? "").localeCompare(String(b ?? ""), undefined, { numeric: true, sensitivity: "base" });
}

/**
 * columns: [{key, label, value(row), text(row)?, cell(row)?, className?}]
 * state: {sort, dir, q}; onChange(state) is called after each change (to keep the URL in step).
 */
export function dataTable({ columns, rows, state, onChange, caption }) {
  const textOf = (col, row) => (col.text ? col.text(row) : String(col.value(row) ?? ""));
  const entries = rows.map((row) => ({
    row,
    haystack: columns.map((c) => textOf(c, row)).join(" \u0001 ").toLowerCase(),
    tr: h(
      "tr",
      {},
      columns.map((c) => h("td", { class: c.className || null }, c.cell ? c.cell(row) : textOf(c, row))),
    ),
  }));
  const tbody = h("tbody", {});
  const count = h("span", { class: "muted", role: "status" });
  const heads = columns.map((c) => {
    const button = h("button", { type: "button", class: "sort" }, c.label);
    button.addEventListener("click", () => {
      state.dir = state.sort === c.key && state.dir === "asc" ? "desc" : "asc";
      state.sort = c.key;
      refresh();
    });
    return h("th", { scope: "col", dataset: { key: c.key } }, button);
  });
  let visible = entries;

  function refresh() {
    const q = (state.q || "").trim().toLowerCase();
    const words = q.split(/\s+/).filter(Boolean);
    visible = entries.filter((e) => words.every((w) => e.haystack.includes(w)));
    const col = columns.find((c) => c.key === state.sort);
    if (col) {
      const sign = state.dir === "desc" ? -1 : 1;
      visible = [...visible].sort((a, b) => sign * compare(col.value(a.row), col.value(b.row)));
    }
    tbody.replaceChildren(...visible.map((e) => e.tr));
    for (const th of heads) {
      if (col && th.dataset.key === col.key) th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
    count.textContent = `${visible.length} of ${entries.length} rows`;
    onChange?.(state);
  }

  const filter = h("input", { type: "search", value: state.q || "", placeholder: "Filter rows (all words)", "aria-label": "Filter rows" });
  filter.addEventListener("input", () => {
    state.q = filter.value;
    refresh();
  });
  const table = h(
    "table",
    { class: "data" },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, heads)),
    tbody,
  );
  refresh();
  return {
    filter,
    count,
    table,
    visibleRows: () => visible.map((e) => e.row),
    columns,
  };
}
