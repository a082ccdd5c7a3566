// A chain of mappings drawn hop by hop: items as boxes, each hop an arrow labelled with its
// relation and confidence, then each hop's set, justification and reason written out below.
import { h, itemHref, s } from "./dom.js";
import { RELATION_SYMBOL, cssSlug, externalLink, frameworkOfCurie, relationTag, shortName, shortSemapv } from "./format.js";

const BOX_W = 150;
const BOX_H = 46;
const GAP = 130;

function clip(text, n) {
  return text.length > n ? text.slice(0, n - 1) + "…" : text;
}

function box(x, curie, title, frameworks) {
  const fw = frameworkOfCurie(curie, frameworks);
  const notation = curie.split(":").slice(1).join(":");
  return s(
    "a",
    { href: itemHref(curie), class: "chain-node" },
    s("title", {}, `${curie} — ${title}`),
    s("rect", { x, y: 10, width: BOX_W, height: BOX_H, rx: 6, class: `fw-fill fw-${cssSlug(fw)}` }),
    s("text", { x: x + BOX_W / 2, y: 30, "text-anchor": "middle", class: "chain-notation" }, clip(notation, 20)),
    s("text", { x: x + BOX_W / 2, y: 47, "text-anchor": "middle", class: "chain-fw" }, shortName(fw)),
  );
}

/** An SVG drawing of the hops, left to right. */
export function chainDrawing(hops, frameworks) {
  const width = hops.length * (BOX_W + GAP) + BOX_W;
  const svg = s("svg", {
    class: "chain",
    viewBox: `0 0 ${width} 70`,
    width,
    height: 70,
    role: "img",
    "aria-label": hops.map((hp) => `${hp.subject} ${hp.relation} ${hp.object}`).join(", then "),
  });
  svg.append(
    s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }))),
  );
  hops.forEach((hop, i) => {
    const x = i * (BOX_W + GAP);
    svg.append(box(x, hop.subject, hop.subject_title, frameworks));
    const x1 = x + BOX_W + 4;
    const x2 = x + BOX_W + GAP - 4;
    svg.append(
      s("line", { x1, y1: 33, x2, y2: 33, class: `hop-line rel-${cssSlug(hop.relation)}`, "marker-end": "url(#arrow)" }),
      s("text", { x: (x1 + x2) / 2, y: 26, "text-anchor": "middle", class: "hop-rel" }, `${RELATION_SYMBOL[hop.relation] || ""} ${hop.relation}`),
      s("text", { x: (x1 + x2) / 2, y: 48, "text-anchor": "middle", class: "hop-conf" }, `conf. ${Number(hop.confidence).toFixed(2)}`),
    );
  });
  const last = hops[hops.length - 1];
  svg.append(box(hops.length * (BOX_W + GAP), last.object, last.object_title, frameworks));
  return h("div", { class: "chain-scroll" }, svg);
}

/** Each hop written out: relation, confidence, set, justification, reason and source. */
export function hopList(hops) {
  return h(
    "ol",
    { class: "hops" },
    hops.map((hop) =>
      h(
        "li",
        {},
        h("a", { href: itemHref(hop.subject) }, hop.subject_title || hop.subject),
        " ",
        relationTag(hop.relation),
        " ",
        h("a", { href: itemHref(hop.object) }, hop.object_title || hop.object),
        h(
          "div",
          { class: "hop-facts" },
          `confidence ${Number(hop.confidence).toFixed(2)} · ${shortSemapv(hop.justification)} · set ${hop.set}`,
          hop.inverse_of ? " · read backwards from a stated mapping" : "",
          hop.source ? [" · ", externalLink(hop.source, "source")] : "",
        ),
        hop.comment ? h("p", { class: "why" }, hop.comment) : null,
      ),
    ),
  );
}
