// The explorer's router: every page is a hash route (#/item/iso42001:A.6.2.4?…), so each view,
// item and filter can be linked. Each render is timed from navigation to painted.
import { ApiError } from "./api.js";
import { h, message } from "./dom.js";

const ROUTES = [
  { name: "home", pattern: /^\/?$/, load: () => import("./views/home.js") },
  { name: "framework", pattern: /^\/framework\/([^/]+)$/, keys: ["id"], load: () => import("./views/framework.js") },
  { name: "item", pattern: /^\/item\/(.+)$/, keys: ["curie"], load: () => import("./views/item.js") },
  { name: "explain", pattern: /^\/explain\/([^/]+)\/([^/]+)$/, keys: ["from", "to"], load: () => import("./views/explain.js") },
  { name: "matrix", pattern: /^\/matrix$/, load: () => import("./views/matrix.js") },
  { name: "pair", pattern: /^\/pair\/([^/]+)\/([^/]+)$/, keys: ["first", "second"], load: () => import("./views/pair.js") },
  { name: "compare", pattern: /^\/compare$/, load: () => import("./views/compare.js") },
  { name: "obligations", pattern: /^\/obligations$/, load: () => import("./views/obligations.js") },
  { name: "sparql", pattern: /^\/sparql$/, load: () => import("./views/sparql.js") },
  { name: "org-framework", pattern: /^\/org\/([^/]+)\/framework\/([^/]+)$/, keys: ["id", "name"], load: () => import("./views/org_framework.js") },
  { name: "org", pattern: /^\/org(?:\/([^/]+))?$/, keys: ["id"], load: () => import("./views/org.js") },
];

const main = document.getElementById("main");
const timings = [];
window.explorerTimings = timings;
let token = 0;
let first = true;

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?", 2);
  return { path, query: new URLSearchParams(query) };
}

function match(path) {
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (m) {
      const params = {};
      (r.keys || []).forEach((k, i) => {
        if (m[i + 1] !== undefined) params[k] = decodeURIComponent(m[i + 1]);
      });
      return { route: r, params };
    }
  }
  return null;
}

/** Replace the query part of the current hash without a new render (filters, sorting). */
function replaceQuery(values) {
  const { path } = parseHash();
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v !== null && v !== undefined && v !== "" && v !== false) query.set(k, String(v));
  }
  const text = query.toString();
  history.replaceState(history.state, "", "#" + path + (text ? "?" + text : ""));
}

function frames() {
  // Two frames: the first paints the new page; the second runs once that paint is done.
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

function markNav(routeName) {
  for (const link of document.querySelectorAll("nav.site a[data-route]")) {
    // A page under a section (org-framework) marks its section.
    if (link.dataset.route === routeName.split("-")[0]) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function errorView(err) {
  const box = h("div", { class: "error-page" });
  if (err instanceof ApiError) {
    box.append(
      h("h1", { tabindex: "-1" }, `${err.title} (${err.status})`),
      message("error", err.message),
    );
    const close = err.problem && (err.problem.close_matches || err.problem.choices);
    if (Array.isArray(close) && close.length) {
      box.append(
        h("p", {}, "Did you mean: "),
        h("ul", {}, close.map((c) => h("li", {}, h("a", { href: "#/item/" + encodeURIComponent(c) }, c)))),
      );
    }
  } else {
    box.append(h("h1", { tabindex: "-1" }, "Something went wrong"), message("error", String(err)));
    console.error(err);
  }
  return box;
}

async function render() {
  const mine = ++token;
  const started = performance.now();
  const { path, query } = parseHash();
  const found = match(path);
  const routeName = found ? found.route.name : "not-found";
  performance.mark(`explorer:start:${mine}`);
  markNav(routeName);
  const active = document.activeElement;
  const hadFocusInMain = main.contains(active) || active === document.body;
  // A form control that re-rendered its own page (a filter) keeps the focus.
  const keepId = main.contains(active) && active.id ? active.id : null;
  const slow = setTimeout(() => {
    if (mine === token) main.replaceChildren(h("p", { class: "loading", role: "status" }, "Loading…"));
  }, 150);
  const container = h("div", { class: `view view-${routeName}` });
  const ctx = {
    query,
    // A view still filling in after the reader moved on must not rewrite the new page's URL.
    replaceQuery: (values) => mine === token && replaceQuery(values),
    focus: null,
    isCurrent: () => mine === token,
    title: null,
  };
  try {
    if (!found) {
      container.append(h("h1", { tabindex: "-1" }, "No such page"), h("p", {}, h("a", { href: "#/" }, "Home")));
    } else {
      const view = await found.route.load();
      await view.render(container, found.params, ctx);
    }
  } catch (err) {
    container.replaceChildren(errorView(err));
  }
  clearTimeout(slow);
  if (mine !== token) return;
  main.replaceChildren(container);
  document.title = (ctx.title ? ctx.title + " · " : "") + "aims-graph explorer";
  const again = keepId ? container.querySelector("#" + CSS.escape(keepId)) : null;
  if (ctx.focus) ctx.focus.focus();
  else if (again) again.focus();
  else if (!first && hadFocusInMain) container.querySelector("h1")?.focus({ preventScroll: true });
  if (!first && !again) window.scrollTo(0, 0);
  await frames();
  if (mine !== token) return;
  const ended = performance.now();
  performance.mark(`explorer:end:${mine}`);
  performance.measure(`explorer:${routeName}`, `explorer:start:${mine}`, `explorer:end:${mine}`);
  // For the first page the clock starts at navigation (time origin): page, modules, data, paint.
  timings.push({
    route: routeName,
    hash: location.hash,
    initial: first,
    ms: Math.round((first ? ended : ended - started) * 10) / 10,
  });
  first = false;
  document.documentElement.dataset.rendered = String(mine);
  document.documentElement.dataset.route = routeName;
}

window.addEventListener("hashchange", render);

document.getElementById("skip").addEventListener("click", (event) => {
  event.preventDefault();
  (main.querySelector("h1") || main).focus();
});

// "/" jumps to the search box from anywhere but a text field.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const t = event.target;
  if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return;
  const box = document.getElementById("search-q");
  event.preventDefault();
  if (box) box.focus();
  else location.hash = "#/?focus=search";
});

render();
