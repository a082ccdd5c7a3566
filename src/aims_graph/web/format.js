// How frameworks, relations, confidences and kinds are shown everywhere in the explorer.
import { h } from "./dom.js";

export const FRAMEWORK_SHORT = {
  "iso42001-2023": "42001:2023",
  "iso27001-2022": "27001:2022",
  "iso27001-2013": "27001:2013",
  "iso27701-2019": "27701:2019",
  "iso27701-2025": "27701:2025",
  "nist-ai-rmf-1.0": "AI RMF 1.0",
  "nist-ai-600-1": "AI 600-1",
  "eu-ai-act": "EU AI Act",
};

/** The framework edition of a CURIE, from its prefix (the API's prefixes, most specific first). */
export function frameworkOfCurie(curie, frameworks) {
  const prefix = curie.split(":", 1)[0];
  const found = (frameworks || []).find((f) => f.prefixes.includes(prefix));
  if (found) return found.id;
  for (const slug of Object.keys(FRAMEWORK_SHORT)) {
    if (slug.startsWith(prefix)) return slug;
  }
  return prefix;
}

/** "ISO/IEC 42001:2023", "NIST AI RMF 1.0", "EU AI Act 2024/1689". */
export function editionTitle(fw) {
  return fw.family.startsWith("ISO") ? `${fw.family}:${fw.edition}` : `${fw.family} ${fw.edition}`;
}

export function shortName(slug) {
  return FRAMEWORK_SHORT[slug] || slug;
}

export function frameworkBadge(slug) {
  return h("span", { class: `fw-badge fw-${cssSlug(slug)}`, title: slug }, shortName(slug));
}

export function cssSlug(slug) {
  return String(slug).replace(/[^a-z0-9-]/gi, "-");
}

export const RELATION_SYMBOL = {
  equal: "=",
  "subset-of": "⊂",
  "superset-of": "⊃",
  "intersects-with": "∩",
  "not-related": "≠",
};

export const RELATIONS = Object.keys(RELATION_SYMBOL);

const INVERSE = {
  equal: "equal",
  "subset-of": "superset-of",
  "superset-of": "subset-of",
  "intersects-with": "intersects-with",
  "not-related": "not-related",
};

export function inverseRelation(rel) {
  return INVERSE[rel] || rel;
}

export function relationTag(rel) {
  if (!rel) return h("span", { class: "rel rel-none" }, "no relation follows");
  return h(
    "span",
    { class: `rel rel-${cssSlug(rel)}`, title: rel },
    h("span", { class: "rel-symbol", "aria-hidden": "true" }, RELATION_SYMBOL[rel] || "?"),
    " ",
    rel,
  );
}

export function confidence(value) {
  const pct = Math.round(Number(value) * 100);
  const meter = h("span", { class: "conf", title: `confidence ${value}` });
  const bar = h("span", { class: "conf-bar", "aria-hidden": "true" });
  bar.append(h("span", { class: "conf-fill" }));
  bar.firstChild.style.width = `${pct}%`;
  meter.append(bar, h("span", { class: "conf-num" }, Number(value).toFixed(2)));
  return meter;
}

export function shortSemapv(text) {
  return String(text || "").replace(/^semapv:/, "");
}

/** "ControlObjective" → "control objective". */
export function kindName(kind) {
  return String(kind)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase();
}

export function today() {
  return new Date().toISOString().slice(0, 10);
}

export function externalLink(href, text) {
  if (!href || !/^https?:\/\//.test(href)) return text ? h("span", {}, text) : null;
  return h("a", { href, rel: "noopener noreferrer", target: "_blank", class: "external" }, text || href);
}
