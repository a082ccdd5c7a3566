// One item: what it is, where it sits, every mapping in and out grouped by framework, derived
// mappings with their chains, and its neighbourhood as a graph.
import { api } from "../api.js";
import { chainDrawing, hopList } from "../chain.js";
import { add, h, itemHref, itemLink, route } from "../dom.js";
import {
  confidence,
  editionTitle,
  externalLink,
  frameworkBadge,
  frameworkOfCurie,
  inverseRelation,
  kindName,
  relationTag,
  shortSemapv,
} from "../format.js";
import { neighbourhoodGraph } from "../graph.js";

/** Stated mappings read from this item: out as stated, in turned round (the other item first). */
function readFromHere(item, frameworks) {
  const rows = [];
  for (const m of item.mappings_out) {
    rows.push({ m, other: m.object, otherTitle: m.object_title, relation: m.relation, direction: "out" });
  }
  for (const m of item.mappings_in) {
    rows.push({ m, other: m.subject, otherTitle: m.subject_title, relation: inverseRelation(m.relation), direction: "in" });
  }
  const groups = new Map();
  for (const r of rows) {
    const fw = frameworkOfCurie(r.other, frameworks);
    if (!groups.has(fw)) groups.set(fw, []);
    groups.get(fw).push(r);
  }
  const order = frameworks.map((f) => f.id);
  return [...groups.entries()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
}

function mappingTable(item, rows) {
  return h(
    "table",
    { class: "mappings" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Item"),
        h("th", { scope: "col" }, "Relation (read from " + item.notation + ")"),
        h("th", { scope: "col" }, "Confidence"),
        h("th", { scope: "col" }, "Why"),
        h("th", { scope: "col" }, "Justification, source, set"),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((r) =>
        h(
          "tr",
          { dataset: { mapping: r.m.iri } },
          h("td", {}, h("a", { href: itemHref(r.other), class: "item-link" }, r.otherTitle || r.other), h("div", { class: "curie" }, r.other)),
          h(
            "td",
            {},
            relationTag(r.relation),
            r.direction === "in"
              ? h("div", { class: "muted small" }, `stated as ${r.other.split(":").slice(1).join(":")} ${r.m.relation} ${item.notation}`)
              : null,
          ),
          h("td", {}, confidence(r.m.confidence)),
          h("td", { class: "why" }, r.m.comment || "—"),
          h(
            "td",
            { class: "small" },
            shortSemapv(r.m.justification),
            r.m.source ? [" · ", externalLink(r.m.source, "source")] : null,
            h("div", { class: "muted", title: r.m.set_title }, r.m.set),
          ),
        ),
      ),
    ),
  );
}

function derivedBlock(item, rows, frameworks) {
  if (!rows.length) return null;
  return h(
    "section",
    { class: "panel", id: "derived" },
    h("h2", {}, `Derived mappings (${rows.length})`),
    h(
      "p",
      { class: "muted" },
      "Composed along chains of stated mappings; confidence is the product along the chain. ",
      "A derived intersects-with only claims overlap.",
    ),
    rows.map((m) =>
      h(
        "article",
        { class: "derived", dataset: { object: m.object } },
        h(
          "h3",
          {},
          frameworkBadge(frameworkOfCurie(m.object, frameworks)),
          " ",
          relationTag(m.relation),
          " ",
          h("a", { href: itemHref(m.object) }, m.object_title || m.object),
          " ",
          confidence(m.confidence),
        ),
        chainDrawing(m.chain, frameworks),
        h("details", {}, h("summary", {}, `The ${m.chain.length} hops, one by one`), hopList(m.chain)),
        h(
          "p",
          { class: "small" },
          m.comment || "",
          " · ",
          h("a", { href: route(`/explain/${encodeURIComponent(item.curie)}/${encodeURIComponent(m.object)}`) }, "every path between the two"),
        ),
      ),
    ),
  );
}

function treeBlock(title, refs) {
  if (!refs.length) return null;
  return h(
    "div",
    { class: "tree-refs" },
    h("h3", {}, title),
    h("ul", {}, refs.map((r) => h("li", {}, itemLink(r.curie, r.notation, r.label), h("span", { class: "kind" }, kindName(r.kind))))),
  );
}

export async function render(root, params, ctx) {
  const [item, frameworks] = await Promise.all([api.item(params.curie), api.frameworks()]);
  const groups = readFromHere(item, frameworks);
  const stated = item.mappings_out.length + item.mappings_in.length;
  const fw = frameworks.find((f) => f.id === item.framework);
  add(root, 
    h(
      "p",
      { class: "crumbs" },
      h("a", { href: "#/" }, "Frameworks"),
      " › ",
      h("a", { href: `#/framework/${encodeURIComponent(item.framework)}` }, fw ? editionTitle(fw) : item.framework),
      item.parents.map((p) => [" › ", h("a", { href: itemHref(p.curie) }, p.notation)]),
    ),
    h("h1", { tabindex: "-1" }, h("span", { class: "notation" }, item.notation), " ", item.label),
    h(
      "p",
      { class: "item-meta" },
      frameworkBadge(item.framework),
      " ",
      h("span", { class: "kind" }, kindName(item.kind)),
      " ",
      h("code", { class: "curie" }, item.curie),
      item.alt_labels.length ? h("span", { class: "muted" }, " also: " + item.alt_labels.join("; ")) : null,
    ),
    item.summary ? h("p", { class: "lead summary" }, item.summary) : null,
    h(
      "p",
      { class: "links" },
      externalLink(item.source, "Official text"),
      " · ",
      h("a", { href: `/id/${item.iri.split("/id/")[1] || ""}` }, "RDF description"),
      " · ",
      h("a", { href: route(`/framework/${encodeURIComponent(item.framework)}`, { focus: item.curie }) }, "Show in the tree"),
    ),
    h(
      "div",
      { class: "item-grid" },
      h(
        "div",
        { class: "tree-col" },
        treeBlock("Parents", item.parents),
        treeBlock(`Children (${item.children.length})`, item.children),
        h(
          "div",
          { class: "tree-refs" },
          h("h3", {}, "Mappings"),
          h("p", {}, `${stated} stated (${item.mappings_out.length} out, ${item.mappings_in.length} in), ${item.derived_mappings.length} derived`),
        ),
      ),
      neighbourhoodGraph(item, frameworks),
    ),
    h(
      "section",
      { class: "panel", id: "mappings" },
      h("h2", {}, `Mappings (${stated})`),
      stated
        ? groups.map(([slug, rows]) => {
            const other = frameworks.find((f) => f.id === slug);
            return h(
              "div",
              { class: "fw-group", dataset: { framework: slug } },
              h("h3", {}, frameworkBadge(slug), " ", other ? editionTitle(other) : slug, ` (${rows.length})`),
              mappingTable(item, rows),
            );
          })
        : h("p", { class: "muted" }, "No stated mapping touches this item."),
    ),
    derivedBlock(item, item.derived_mappings, frameworks),
  );
  ctx.title = `${item.notation} ${item.label}`;
}
