// A framework edition as a tree (clauses, controls / functions, subcategories / chapters,
// articles, obligations), each node with its number of mappings. Keyboard: the WAI-ARIA tree
// pattern (arrows, Home, End, Enter).
import { api } from "../api.js";
import { add, h, itemHref } from "../dom.js";
import { editionTitle, externalLink, frameworkBadge, kindName } from "../format.js";

function buildTree(items, counts) {
  const byCurie = new Map();
  const roots = [];
  for (const item of items) {
    const c = counts[item.curie] || { stated: 0, derived: 0 };
    byCurie.set(item.curie, { item, stated: c.stated, derived: c.derived, children: [], parent: null });
  }
  for (const node of byCurie.values()) {
    const parent = node.item.parent && byCurie.get(node.item.parent);
    if (parent) {
      parent.children.push(node);
      node.parent = parent;
    } else roots.push(node);
  }
  const total = (node) => {
    node.sum = node.stated + node.children.reduce((acc, c) => acc + total(c), 0);
    return node.sum;
  };
  roots.forEach(total);
  return { roots, byCurie };
}

function countBadge(node) {
  const title = `${node.stated} stated mapping${node.stated === 1 ? "" : "s"}` +
    (node.derived ? `, ${node.derived} derived` : "") +
    (node.children.length ? `; ${node.sum} in this branch` : "");
  const badge = h("span", { class: ["count", node.stated ? "" : "zero"], title });
  badge.append(String(node.stated));
  if (node.derived) badge.append(h("span", { class: "derived-count" }, ` +${node.derived}`));
  if (node.children.length && node.sum !== node.stated) {
    badge.append(h("span", { class: "branch-count" }, ` Σ${node.sum}`));
  }
  return badge;
}

function renderNode(node, level) {
  const hasKids = node.children.length > 0;
  const li = h("li", {
    role: "treeitem",
    "aria-level": String(level),
    tabindex: "-1",
    dataset: { curie: node.item.curie },
  });
  const toggle = h("span", { class: "toggle", "aria-hidden": "true" }, hasKids ? "▸" : "");
  const row = h(
    "div",
    { class: "row" },
    toggle,
    h(
      "a",
      { href: itemHref(node.item.curie), tabindex: "-1", class: "item-link" },
      h("span", { class: "notation" }, node.item.notation),
      h("span", { class: "label" }, " " + node.item.label),
    ),
    h("span", { class: "kind" }, kindName(node.item.kind)),
    countBadge(node),
  );
  li.append(row);
  node.li = li;
  node.toggle = toggle;
  if (hasKids) {
    const ul = h("ul", { role: "group", hidden: true });
    for (const c of node.children) ul.append(renderNode(c, level + 1));
    li.append(ul);
    node.group = ul;
    li.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", () => setOpen(node, !isOpen(node)));
  }
  return li;
}

function isOpen(node) {
  return node.li.getAttribute("aria-expanded") === "true";
}

function setOpen(node, open) {
  if (!node.group) return;
  node.li.setAttribute("aria-expanded", open ? "true" : "false");
  node.group.hidden = !open;
  node.toggle.textContent = open ? "▾" : "▸";
}

function visibleItems(tree) {
  return [...tree.querySelectorAll('[role="treeitem"]')].filter((li) => li.offsetParent !== null);
}

function focusItem(tree, li) {
  for (const other of tree.querySelectorAll('[role="treeitem"][tabindex="0"]')) other.tabIndex = -1;
  li.tabIndex = 0;
  li.focus();
}

function keyboard(tree, nodes) {
  tree.addEventListener("keydown", (event) => {
    const li = event.target.closest('[role="treeitem"]');
    if (!li) return;
    const node = nodes.get(li.dataset.curie);
    const items = visibleItems(tree);
    const at = items.indexOf(li);
    let handled = true;
    switch (event.key) {
      case "ArrowDown":
        if (at < items.length - 1) focusItem(tree, items[at + 1]);
        break;
      case "ArrowUp":
        if (at > 0) focusItem(tree, items[at - 1]);
        break;
      case "ArrowRight":
        if (node.group && !isOpen(node)) setOpen(node, true);
        else if (node.group) focusItem(tree, node.children[0].li);
        break;
      case "ArrowLeft":
        if (node.group && isOpen(node)) setOpen(node, false);
        else if (node.parent) focusItem(tree, node.parent.li);
        break;
      case "Home":
        focusItem(tree, items[0]);
        break;
      case "End":
        focusItem(tree, items[items.length - 1]);
        break;
      case "Enter":
        location.hash = itemHref(node.item.curie);
        break;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  });
  tree.addEventListener("click", (event) => {
    const li = event.target.closest('[role="treeitem"]');
    if (li && !event.target.closest("a")) focusItem(tree, li);
  });
}

function applyFilter(state, all) {
  const q = state.q.trim().toLowerCase();
  const active = Boolean(q || state.kind || state.mapped);
  let shown = 0;
  const visit = (node) => {
    let keep = false;
    for (const c of node.children) keep = visit(c) || keep;
    const hit =
      (!q || `${node.item.notation} ${node.item.label} ${node.item.curie}`.toLowerCase().includes(q)) &&
      (!state.kind || node.item.kind === state.kind) &&
      (!state.mapped || node.stated + node.derived > 0);
    node.li.hidden = active && !(hit || keep);
    node.li.classList.toggle("hit", active && hit);
    if (active && keep) setOpen(node, true);
    if (active && hit) shown += 1;
    return hit || keep;
  };
  all.roots.forEach(visit);
  return active ? shown : null;
}

export async function render(root, params, ctx) {
  const id = params.id;
  const [fw, items, counts] = await Promise.all([
    api.framework(id),
    api.frameworkItems(id),
    api.mappingCounts(id),
  ]);
  const tree = buildTree(items, counts.counts);
  const state = {
    q: ctx.query.get("q") || "",
    kind: ctx.query.get("kind") || "",
    mapped: ctx.query.get("mapped") === "1",
  };
  const totalStated = Object.values(counts.counts).reduce((a, c) => a + c.stated, 0);
  const ul = h("ul", { role: "tree", class: "tree", "aria-label": `${fw.family} ${fw.edition} outline` });
  for (const node of tree.roots) {
    ul.append(renderNode(node, 1));
    setOpen(node, true);
  }
  keyboard(ul, tree.byCurie);
  const first = ul.querySelector('[role="treeitem"]');
  if (first) first.tabIndex = 0;

  const status = h("span", { class: "muted", role: "status" });
  const update = () => {
    const shown = applyFilter(state, tree);
    // The tree's one tab stop must stay on an item the filter left visible.
    const stop = ul.querySelector('[role="treeitem"][tabindex="0"]');
    if (!stop || stop.offsetParent === null) {
      const visible = visibleItems(ul);
      if (stop) stop.tabIndex = -1;
      if (visible.length) visible[0].tabIndex = 0;
    }
    status.textContent = shown === null ? `${items.length} items` : `${shown} of ${items.length} items match`;
    ctx.replaceQuery({ q: state.q, kind: state.kind, mapped: state.mapped ? "1" : "" });
  };
  const filter = h("input", { type: "search", value: state.q, placeholder: "Filter by number or title", "aria-label": "Filter the tree" });
  filter.addEventListener("input", () => {
    state.q = filter.value;
    update();
  });
  const kinds = Object.keys(fw.counts).filter((k) => k !== "Framework");
  const kindSelect = h(
    "select",
    { "aria-label": "Kind of item" },
    h("option", { value: "" }, "every kind"),
    kinds.map((k) => h("option", { value: k, selected: k === state.kind }, `${kindName(k)} (${fw.counts[k]})`)),
  );
  kindSelect.addEventListener("change", () => {
    state.kind = kindSelect.value;
    update();
  });
  const mapped = h("input", { type: "checkbox", checked: state.mapped });
  mapped.addEventListener("change", () => {
    state.mapped = mapped.checked;
    update();
  });
  const expand = (open) => () => tree.byCurie.forEach((n) => setOpen(n, open));

  add(root, 
    h("p", { class: "crumbs" }, h("a", { href: "#/" }, "Frameworks"), " › ", frameworkBadge(fw.id)),
    h("h1", { tabindex: "-1" }, editionTitle(fw)),
    h("p", { class: "lead" }, fw.title),
    h(
      "dl",
      { class: "facts wide" },
      h("dt", {}, "Publisher"), h("dd", {}, fw.publisher),
      h("dt", {}, "Issued"), h("dd", {}, fw.issued),
      h("dt", {}, "Items"), h("dd", {}, `${fw.total}: ` + Object.entries(fw.counts).map(([k, n]) => `${n} ${kindName(k)}`).join(", ")),
      h("dt", {}, "Mappings"), h("dd", {}, `its items are the subject or object of ${totalStated} stated mappings; compare in the `, h("a", { href: "#/matrix" }, "matrix")),
      h("dt", {}, "Text"), h("dd", {}, externalLink(fw.source, "official text"), " · ", fw.licence),
      h("dt", {}, "Download"),
      h(
        "dd",
        {},
        h("a", { href: `/export/frameworks/${fw.id}.ttl`, download: "" }, "Turtle"), " · ",
        h("a", { href: `/export/frameworks/${fw.id}.jsonld`, download: "" }, "JSON-LD"), " · ",
        h("a", { href: `/export/oscal/catalogs/${fw.id}.json`, download: "" }, "OSCAL catalog"),
      ),
    ),
    h(
      "div",
      { class: "toolbar" },
      filter,
      kindSelect,
      h("label", {}, mapped, " only items with mappings"),
      h("button", { type: "button", onclick: expand(true) }, "Expand all"),
      h("button", { type: "button", onclick: expand(false) }, "Collapse all"),
      status,
    ),
    h("p", { class: "muted legend" }, "Numbers: stated mappings of the item, ", h("span", { class: "derived-count" }, "+derived"), ", ", h("span", { class: "branch-count" }, "Σ branch total"), ". Arrow keys move through the tree, Enter opens an item."),
    ul,
  );
  update();
  const focus = ctx.query.get("focus");
  const target = focus && tree.byCurie.get(focus);
  if (target) {
    for (let p = target.parent; p; p = p.parent) setOpen(p, true);
    target.li.classList.add("focused");
    target.li.tabIndex = 0;
    ctx.focus = target.li;
  }
  ctx.title = editionTitle(fw);
}
