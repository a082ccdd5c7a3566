// One of an organisation's own frameworks: its tree, each item with its number of mappings in
// the organisation's view, and a chosen item's mappings, stated and derived, through the public
// sets and its own. Only the organisation's key reads any of it.
import { ApiError, orgApi } from "../api.js";
import { add, h, itemHref, message, route } from "../dom.js";
import { confidence, relationTag } from "../format.js";
import { storedKey } from "./org.js";

function tree(nodes, orgId, name, chosen) {
  return h(
    "ul",
    { class: "tree own-tree" },
    nodes.map((n) =>
      h(
        "li",
        { dataset: { curie: n.curie } },
        h(
          "a",
          {
            href: route(`/org/${encodeURIComponent(orgId)}/framework/${encodeURIComponent(name)}`, { item: n.curie }),
            class: n.curie === chosen ? "own-item selected" : "own-item",
            "aria-current": n.curie === chosen ? "true" : null,
          },
          h("code", {}, n.notation),
          " ",
          n.label,
        ),
        " ",
        h("span", { class: "muted small count", title: "mappings in your view" }, `${n.mappings}`),
        n.children.length ? tree(n.children, orgId, name, chosen) : null,
      ),
    ),
  );
}

function find(nodes, curie) {
  for (const n of nodes) {
    if (n.curie === curie) return n;
    const below = find(n.children, curie);
    if (below) return below;
  }
  return null;
}

function mappingsPanel(node, rows) {
  return h(
    "section",
    { class: "panel", id: "own-item" },
    h("h2", { tabindex: "-1" }, h("code", {}, node.curie), " ", node.label),
    node.summary ? h("p", {}, node.summary) : null,
    rows.length
      ? h("div", { class: "table-holder" }, h(
          "table",
          { class: "data own-mappings" },
          h("thead", {}, h("tr", {}, ["Relation", "To", "Confidence", "Why", "Set"].map((c) => h("th", { scope: "col" }, c)))),
          h(
            "tbody",
            {},
            rows.map((m) =>
              h(
                "tr",
                { dataset: { object: m.object, derived: String(m.derived) } },
                h("td", {}, relationTag(m.relation)),
                h("td", {}, m.object.startsWith("org.") ? m.object_title : h("a", { href: itemHref(m.object), class: "item-link" }, m.object_title || m.object)),
                h("td", {}, confidence(m.confidence)),
                h("td", { class: "why" }, m.derived ? `via ${m.chain.map((hop) => hop.object).slice(0, -1).join(" → ")}` : m.comment || "—"),
                h("td", {}, m.derived ? "derived" : m.set),
              ),
            ),
          ),
        ))
      : message("info", "No mapping from this item yet: PUT /orgs/{id}/mappings/{name} adds a set that maps it."),
  );
}

export async function render(root, params, ctx) {
  const orgId = params.id;
  const name = params.name;
  const key = storedKey(orgId);
  ctx.title = `${name} · ${orgId}`;
  add(root, h("p", { class: "crumbs" }, h("a", { href: route(`/org/${encodeURIComponent(orgId)}`) }, "Organisation"), " › own framework"));
  if (!key) {
    add(root, h("h1", { tabindex: "-1" }, name), message("error", "Open the organisation's dashboard with its key first."));
    return;
  }
  const client = orgApi(orgId, key);
  let fw;
  try {
    fw = await client.frameworkTree(name);
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) {
      add(root, h("h1", { tabindex: "-1" }, name), message("error", err.message));
      return;
    }
    throw err;
  }
  const chosen = ctx.query.get("item") || "";
  add(root, h("h1", { tabindex: "-1" }, fw.title), h("p", { class: "item-meta" }, h("code", {}, fw.id), " · visible to your key only"));
  const layout = h("div", { class: "coverage-grid own-layout" }, h("section", { class: "panel" }, h("h2", {}, "Items"), tree(fw.items, orgId, name, chosen)));
  add(root, layout);
  const node = chosen && find(fw.items, chosen);
  if (node) {
    const panel = mappingsPanel(node, await client.crosswalk(node.curie));
    add(layout, panel);
    ctx.focus = panel.querySelector("h2");
  }
}
