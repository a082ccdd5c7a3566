// Why two items are linked: every mapping path between them, each drawn hop by hop.
import { api } from "../api.js";
import { chainDrawing, hopList } from "../chain.js";
import { add, h, itemHref } from "../dom.js";
import { confidence, relationTag } from "../format.js";

export async function render(root, params, ctx) {
  const [result, frameworks] = await Promise.all([api.explain(params.from, params.to), api.frameworks()]);
  add(root, 
    h("p", { class: "crumbs" }, h("a", { href: itemHref(result.subject) }, result.subject), " › explain"),
    h(
      "h1",
      { tabindex: "-1" },
      "How ",
      h("a", { href: itemHref(result.subject) }, result.subject_title),
      " leads to ",
      h("a", { href: itemHref(result.object) }, result.object_title),
    ),
    h(
      "p",
      { class: "muted" },
      `${result.paths.length} path${result.paths.length === 1 ? "" : "s"} of at most ${result.max_hops} hops. `,
      "Paths whose relations compose come first; a path with “no relation follows” links the items without proving one.",
    ),
    result.paths.length
      ? h(
          "ol",
          { class: "paths" },
          result.paths.map((path) =>
            h(
              "li",
              { class: "path" },
              h("p", {}, "Composed: ", relationTag(path.relation), " ", confidence(path.confidence), ` · ${path.hops.length} hop${path.hops.length === 1 ? "" : "s"}`),
              chainDrawing(path.hops, frameworks),
              hopList(path.hops),
            ),
          ),
        )
      : h("p", { class: "message" }, "No mapping path joins these two items."),
  );
  ctx.title = `Explain ${result.subject} → ${result.object}`;
}
