// Frameworks × frameworks heat map of mapping counts, by relation, stated or derived. Each cell
// opens the table of that pair's mappings. Arrow keys move between cells.
import { api } from "../api.js";
import { add, h, route } from "../dom.js";
import { RELATIONS, frameworkBadge, inverseRelation, shortName } from "../format.js";

const MODES = { stated: "stated", derived: "derived", both: "stated + derived" };

/** The pair's numbers read from the row framework's side (a stated subset-of turns round). */
function cellValue(pair, mirrored, mode, rel) {
  if (!pair) return 0;
  if (mode === "derived") return pair.derived;
  let stated = pair.mappings;
  if (rel) stated = pair.by_relation[mirrored ? inverseRelation(rel) : rel] || 0;
  return mode === "both" ? stated + pair.derived : stated;
}

function describe(pair, mirrored, rowId, colId) {
  if (!pair) return `${shortName(rowId)} → ${shortName(colId)}: no mappings`;
  const rels = Object.entries(pair.by_relation)
    .map(([r, n]) => `${n} ${mirrored ? inverseRelation(r) : r}`)
    .join(", ");
  const share = mirrored ? pair.second_share : pair.first_share;
  return (
    `${shortName(rowId)} → ${shortName(colId)}: ${pair.mappings} stated` +
    (rels ? ` (${rels})` : "") +
    `, ${pair.derived} derived` +
    (pair.mappings ? `; ${Math.round(share * 100)}% of ${shortName(rowId)}'s items of the mapped kinds have one` : "")
  );
}

function heat(t) {
  // Light to dark blue on a log scale, so a cell of 5 still shows beside one of 500.
  const light = 96 - 58 * t;
  return { background: `hsl(212 70% ${light}%)`, dark: light < 60 };
}

function gridKeys(table) {
  table.addEventListener("keydown", (event) => {
    const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
    const move = moves[event.key];
    const cell = event.target.closest("td");
    if (!move || !cell) return;
    const r = Number(cell.dataset.row) + move[0];
    const c = Number(cell.dataset.col) + move[1];
    const next = table.querySelector(`td[data-row="${r}"][data-col="${c}"] a`);
    if (next) {
      next.focus();
      event.preventDefault();
    }
  });
}

export async function render(root, _params, ctx) {
  const [matrix, frameworks] = await Promise.all([api.matrix(), api.frameworks()]);
  const state = {
    mode: MODES[ctx.query.get("mode")] ? ctx.query.get("mode") : "stated",
    rel: RELATIONS.includes(ctx.query.get("rel")) ? ctx.query.get("rel") : "",
  };
  const pairs = new Map(matrix.pairs.map((p) => [`${p.first}|${p.second}`, p]));
  const ids = matrix.frameworks;
  const byId = Object.fromEntries(frameworks.map((f) => [f.id, f]));
  const holder = h("div", { class: "matrix-holder" });

  const draw = () => {
    const cells = [];
    let max = 1;
    for (const row of ids) {
      for (const col of ids) {
        if (row === col) continue;
        const direct = pairs.get(`${row}|${col}`);
        const pair = direct || pairs.get(`${col}|${row}`);
        const value = cellValue(pair, !direct, state.mode, state.rel);
        max = Math.max(max, value);
        cells.push({ row, col, pair, mirrored: !direct, value });
      }
    }
    const lookup = new Map(cells.map((c) => [`${c.row}|${c.col}`, c]));
    const table = h(
      "table",
      { class: "matrix", "aria-label": `Mapping counts, ${MODES[state.mode]}${state.rel ? ", " + state.rel : ""}; rows map to columns` },
      h(
        "thead",
        {},
        h("tr", {}, h("td", { class: "corner" }, "from ↓ to →"), ids.map((id) => h("th", { scope: "col", title: byId[id]?.title || id }, frameworkBadge(id)))),
      ),
      h(
        "tbody",
        {},
        ids.map((row, r) =>
          h(
            "tr",
            {},
            h("th", { scope: "row", title: byId[row]?.title || row }, frameworkBadge(row)),
            ids.map((col, c) => {
              if (row === col) return h("td", { class: "diagonal", "aria-label": "same framework" }, "·");
              const cell = lookup.get(`${row}|${col}`);
              const t = cell.value ? Math.log1p(cell.value) / Math.log1p(max) : 0;
              const color = heat(t);
              const td = h(
                "td",
                { class: ["cell", cell.value ? "" : "empty", color.dark ? "dark" : ""], dataset: { row: r, col: c, first: row, second: col } },
                h(
                  "a",
                  {
                    href: route(`/pair/${encodeURIComponent(row)}/${encodeURIComponent(col)}`, {
                      derived: state.mode === "stated" ? "" : "1",
                      rel: state.mode === "stated" ? state.rel : "",
                    }),
                    title: describe(cell.pair, cell.mirrored, row, col),
                    "aria-label": describe(cell.pair, cell.mirrored, row, col),
                  },
                  String(cell.value),
                ),
              );
              if (cell.value) td.style.background = color.background;
              return td;
            }),
          ),
        ),
      ),
    );
    gridKeys(table);
    holder.replaceChildren(table);
    ctx.replaceQuery({ mode: state.mode === "stated" ? "" : state.mode, rel: state.rel });
  };

  const modeRadios = h(
    "fieldset",
    { class: "inline" },
    h("legend", {}, "Count"),
    Object.entries(MODES).map(([value, label]) => {
      const input = h("input", { type: "radio", name: "mode", value, checked: value === state.mode });
      input.addEventListener("change", () => {
        state.mode = value;
        relSelect.disabled = value !== "stated";
        draw();
      });
      return h("label", {}, input, " ", label);
    }),
  );
  const relSelect = h(
    "select",
    { "aria-label": "Relation", disabled: state.mode !== "stated" },
    h("option", { value: "" }, "every relation"),
    RELATIONS.map((r) => h("option", { value: r, selected: r === state.rel }, r)),
  );
  relSelect.addEventListener("change", () => {
    state.rel = relSelect.value;
    draw();
  });

  add(root, 
    h("h1", { tabindex: "-1" }, "Crosswalk matrix"),
    h(
      "p",
      { class: "lead" },
      "Mappings between each pair of framework editions, read from the row to the column. ",
      "A stated mapping counts on both sides (read backwards on one); derived mappings are chains of stated ones. ",
      "Open a cell for its table and downloads.",
    ),
    h("div", { class: "toolbar" }, modeRadios, h("label", {}, "Relation ", relSelect)),
    holder,
    h("p", { class: "muted legend" }, "Darker is more (log scale). Arrow keys move between cells; Enter opens one."),
  );
  draw();
  ctx.title = "Crosswalk matrix";
}
