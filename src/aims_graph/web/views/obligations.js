// EU AI Act duties by actor, risk tier and date, with the original and the amended dates.
import { api } from "../api.js";
import { add, h, itemHref, route } from "../dom.js";
import { today } from "../format.js";

// Every obligation, with all records, to learn which actors and tiers exist.
const EVERYTHING = { as_of: "2100-01-01", include_pending: "true" };

function scopeCell(scope) {
  const amended = scope.original_applies_from && scope.original_applies_from !== scope.applies_from;
  return h(
    "div",
    { class: ["scope", scope.applies ? "applies" : "pending"] },
    h("strong", {}, scope.scope),
    ": from ",
    amended ? [h("del", { title: "date in the 2024 text" }, scope.original_applies_from), " "] : null,
    h("time", { datetime: scope.applies_from }, scope.applies_from),
    " ",
    h("span", { class: `status status-${scope.status}` }, scope.status),
    scope.inferred ? h("span", { class: "status inferred", title: "the amended date is our inference" }, "inferred") : null,
    h("div", { class: "small muted" }, scope.legal_basis + (scope.note ? ` — ${scope.note}` : "")),
  );
}

function row(o) {
  return h(
    "tr",
    { class: o.applies ? "applies" : "pending", dataset: { curie: o.curie } },
    h("td", {}, h("a", { href: itemHref(o.curie), class: "item-link" }, h("span", { class: "notation" }, o.notation)), h("div", {}, o.label)),
    h("td", {}, o.actor),
    h("td", {}, o.tier),
    h("td", {}, o.provision ? h("a", { href: itemHref(o.provision) }, o.provision_reference || o.provision) : o.provision_reference || "—"),
    h("td", {}, h("span", { class: ["verdict", o.applies ? "yes" : "no"] }, o.applies ? "applies" : "not yet")),
    h("td", {}, o.scopes.map(scopeCell)),
  );
}

export async function render(root, _params, ctx) {
  const state = {
    actor: ctx.query.get("actor") || "",
    tier: ctx.query.get("tier") || "",
    as_of: ctx.query.get("as_of") || today(),
    pending: ctx.query.get("pending") === "1",
  };
  const params = { as_of: state.as_of };
  if (state.actor) params.actor = state.actor;
  if (state.tier) params.tier = state.tier;
  if (state.pending) params.include_pending = "true";
  const [all, result] = await Promise.all([api.obligations(EVERYTHING), api.obligations(params)]);
  const actors = [...new Set(all.obligations.map((o) => o.actor))].sort();
  const tiers = [...new Set(all.obligations.map((o) => o.tier))].sort();

  const select = (name, label, values, current) =>
    h(
      "label",
      {},
      label + " ",
      h("select", { name, id: `ob-${name}` }, h("option", { value: "" }, "any"), values.map((v) => h("option", { value: v, selected: v === current }, v))),
    );
  const form = h(
    "form",
    { class: "toolbar filters" },
    select("actor", "Actor", actors, state.actor),
    select("tier", "Risk tier", tiers, state.tier),
    h("label", {}, "As of ", h("input", { type: "date", name: "as_of", id: "ob-as_of", value: state.as_of, required: true })),
    h("label", {}, h("input", { type: "checkbox", name: "pending", id: "ob-pending", checked: state.pending }), " include duties that do not apply yet"),
    h("button", { type: "submit" }, "Show"),
  );
  const go = (event) => {
    event?.preventDefault();
    const data = new FormData(form);
    location.hash = route("/obligations", {
      actor: data.get("actor"),
      tier: data.get("tier"),
      as_of: data.get("as_of"),
      pending: data.get("pending") ? "1" : "",
    });
  };
  form.addEventListener("submit", go);
  form.addEventListener("change", go);

  add(root, 
    h("h1", { tabindex: "-1" }, "EU AI Act obligations"),
    h(
      "p",
      { class: "lead" },
      "Each duty with the date it applies from, as the 2024 text set it and as Regulation (EU) 2026/1744 amended it; ",
      "the record in force on the chosen day decides.",
    ),
    form,
    h(
      "p",
      { class: "summary-line", role: "status" },
      `${result.applicable} of ${result.total} obligations apply on ${result.as_of}` +
        (result.actor ? ` to ${result.actor}s` : "") +
        (result.tier ? ` (${result.tier}, with duties of any tier)` : "") +
        ".",
    ),
    result.obligations.length
      ? h(
          "table",
          { class: "data obligations" },
          h(
            "thead",
            {},
            h("tr", {}, ["Obligation", "Actor", "Tier", "Provision", "On " + result.as_of, "Applies from (by scope)"].map((t) => h("th", { scope: "col" }, t))),
          ),
          h("tbody", {}, result.obligations.map(row)),
        )
      : h("p", { class: "message" }, "No obligation matches."),
  );
  ctx.title = "EU AI Act obligations";
}
