// The neighbourhood of one item in SVG: the item in the middle, its parents, children and mapped
// items around it, each edge labelled with the relation read from the middle item.
import { h, itemHref, s } from "./dom.js";
import { RELATION_SYMBOL, cssSlug, frameworkOfCurie, inverseRelation, shortName } from "./format.js";

const MAX_NODES = 24;

/** The neighbours worth drawing, most telling first: parents, stated, children, derived. */
export function neighbours(item, frameworks) {
  const byCurie = new Map();
  const add = (curie, notation, title, label, kind, weight) => {
    const old = byCurie.get(curie);
    if (old) {
      if (!old.labels.includes(label)) old.labels.push(label);
      old.weight = Math.max(old.weight, weight);
      if (kind !== "derived") old.kind = old.kind === "derived" ? kind : old.kind;
      return;
    }
    byCurie.set(curie, {
      curie,
      notation,
      title,
      labels: [label],
      kind,
      weight,
      framework: frameworkOfCurie(curie, frameworks),
    });
  };
  // Mapping rows carry CURIEs and "notation title" strings; the CURIE's local part is unambiguous.
  const notationOf = (curie) => curie.split(":").slice(1).join(":");
  for (const p of item.parents) add(p.curie, p.notation, p.label, "parent", "tree", 4);
  for (const m of item.mappings_out) add(m.object, notationOf(m.object), m.object_title, m.relation, "stated", 2 + m.confidence);
  for (const m of item.mappings_in) add(m.subject, notationOf(m.subject), m.subject_title, inverseRelation(m.relation), "stated", 2 + m.confidence);
  for (const c of item.children) add(c.curie, c.notation, c.label, "child", "tree", 1.5);
  for (const m of item.derived_mappings) add(m.object, notationOf(m.object), m.object_title, m.relation, "derived", m.confidence);
  const all = [...byCurie.values()].sort((a, b) => b.weight - a.weight);
  return { shown: all.slice(0, MAX_NODES), hidden: Math.max(0, all.length - MAX_NODES) };
}

function edgeText(labels, compact) {
  return labels
    .map((l) => (compact && RELATION_SYMBOL[l] ? RELATION_SYMBOL[l] : l))
    .join(compact ? " " : ", ");
}

function clip(text, n) {
  return text.length > n ? text.slice(0, n - 1) + "…" : text;
}

export function neighbourhoodGraph(item, frameworks) {
  const { shown, hidden } = neighbours(item, frameworks);
  // Same framework side by side around the circle; parents first, at the top.
  const order = (n) => (n.labels.includes("parent") ? 0 : 1);
  shown.sort((a, b) => order(a) - order(b) || a.framework.localeCompare(b.framework) || a.notation.localeCompare(b.notation, undefined, { numeric: true }));
  const size = 600;
  const c = size / 2;
  const radius = shown.length > 12 ? 215 : 170;
  const compact = shown.length > 10;
  const svg = s("svg", {
    class: "neighbourhood",
    // Room beyond the circle for the labels of the outermost nodes.
    viewBox: `-110 -10 ${size + 220} ${size + 20}`,
    role: "group",
    "aria-label": `${item.notation} and ${shown.length} neighbouring items`,
  });
  const edges = s("g", { class: "edges" });
  const labels = s("g", { class: "edge-labels" });
  const nodes = s("g", { class: "nodes" });
  shown.forEach((n, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(shown.length, 1);
    const x = c + radius * Math.cos(angle);
    const y = c + radius * Math.sin(angle);
    const text = edgeText(n.labels, compact);
    edges.append(
      s("line", { x1: c, y1: c, x2: x, y2: y, class: ["edge", `edge-${n.kind}`] }, s("title", {}, `${item.notation} ${n.labels.join(", ")} ${n.notation}`)),
    );
    const lx = c + (x - c) * 0.6;
    const ly = c + (y - c) * 0.6;
    labels.append(s("text", { x: lx, y: ly + 4, "text-anchor": "middle", class: ["edge-label", `edge-${n.kind}`] }, text));
    const right = Math.cos(angle) >= 0.2;
    const left = Math.cos(angle) <= -0.2;
    const tx = x + (right ? 12 : left ? -12 : 0);
    const ty = y + (right || left ? 4 : Math.sin(angle) > 0 ? 24 : -16);
    nodes.append(
      s(
        "a",
        { href: itemHref(n.curie), class: "node", "aria-label": `${n.curie} ${n.title || ""} (${n.labels.join(", ")})` },
        s("title", {}, `${n.curie} — ${n.title || ""}\n${n.labels.join(", ")}${n.kind === "derived" ? " (derived)" : ""}`),
        s("circle", { cx: x, cy: y, r: 8, class: ["fw-fill", `fw-${cssSlug(n.framework)}`, n.kind === "derived" ? "derived" : ""] }),
        s("text", { x: tx, y: ty, "text-anchor": right ? "start" : left ? "end" : "middle", class: "node-label" }, clip(n.notation, 16)),
      ),
    );
  });
  nodes.append(
    s(
      "g",
      { class: "centre" },
      s("circle", { cx: c, cy: c, r: 13, class: ["fw-fill", `fw-${cssSlug(item.framework)}`] }),
      s("text", { x: c, y: c + 32, "text-anchor": "middle", class: "node-label centre-label" }, clip(item.notation, 22)),
    ),
  );
  svg.append(edges, labels, nodes);
  const legend = h(
    "p",
    { class: "graph-legend" },
    [...new Set([item.framework, ...shown.map((n) => n.framework)])].map((fw) =>
      h("span", { class: "legend-item" }, h("span", { class: `swatch fw-${cssSlug(fw)}` }), shortName(fw)),
    ),
    h("span", { class: "legend-item" }, h("span", { class: "line-sample derived" }), "derived"),
    compact ? h("span", { class: "legend-item" }, "= equal · ⊂ subset-of · ⊃ superset-of · ∩ intersects-with") : null,
    hidden ? h("span", { class: "legend-item" }, `${hidden} more not drawn`) : null,
  );
  return h("figure", { class: "graph" }, svg, h("figcaption", {}, legend));
}
