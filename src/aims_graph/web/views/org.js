// An organisation's dashboard: validation findings grouped by the clause or article they
// enforce, and coverage of each target framework by section, each gap opening its explanation.
// The API key stays in this tab's sessionStorage and travels only as a bearer token.
import { ApiError, api, orgApi } from "../api.js";
import { chainDrawing } from "../chain.js";
import { add, h, itemHref, itemLink, message, route } from "../dom.js";
import { frameworkBadge, frameworkOfCurie, inverseRelation, relationTag, shortName, today } from "../format.js";
import { stackedBars } from "../charts.js";

const KEY_PREFIX = "aims-graph:key:";
const SEVERITY_ORDER = ["violation", "warning", "upcoming", "info"];

export function storedKey(orgId) {
  return sessionStorage.getItem(KEY_PREFIX + orgId);
}

function signIn(orgId, problem) {
  const idInput = h("input", { name: "org", id: "org-id", value: orgId || "", required: true, autocomplete: "username", pattern: "[A-Za-z0-9_][A-Za-z0-9._\\-]*" });
  const keyInput = h("input", { name: "key", id: "org-key", type: "password", required: true, autocomplete: "current-password" });
  const form = h(
    "form",
    { class: "sign-in" },
    h("label", {}, "Organisation id ", idInput),
    h("label", {}, "API key ", keyInput),
    h("button", { type: "submit", id: "org-open" }, "Open dashboard"),
    h("p", { class: "muted small" }, "The key is kept in this tab only (sessionStorage) and sent as an Authorization: Bearer header. Register with POST /orgs; upload with PUT /orgs/{id}/data."),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = idInput.value.trim();
    sessionStorage.setItem(KEY_PREFIX + id, keyInput.value.trim());
    location.hash = route(`/org/${encodeURIComponent(id)}`);
  });
  return h("div", {}, problem ? message("error", problem) : null, form);
}

function findingsByClause(report) {
  const groups = new Map();
  for (const f of report.findings) {
    const targets = f.enforces.length ? f.enforces : [{ curie: "", notation: "", title: "Not tied to a clause or article" }];
    for (const t of targets) {
      if (!groups.has(t.curie)) groups.set(t.curie, { target: t, findings: [] });
      groups.get(t.curie).findings.push(f);
    }
  }
  return [...groups.values()].sort((a, b) => (a.target.curie || "~").localeCompare(b.target.curie || "~", undefined, { numeric: true }));
}

function downloadButton(client, path, label) {
  const button = h("button", { type: "button", class: "download", dataset: { path } }, label);
  button.addEventListener("click", async () => {
    const { blob, name } = await client.file(path);
    const url = URL.createObjectURL(blob);
    const link = h("a", { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  return button;
}

/** The organisation's own frameworks and mapping sets (PUT /orgs/{id}/frameworks/…). */
function ownCatalogsPanel(own, client) {
  const none = !own.frameworks.length && !own.mapping_sets.length;
  return h(
    "section",
    { class: "panel", id: "own-catalogs" },
    h("h2", {}, "Your own frameworks and mapping sets"),
    none
      ? h("p", { class: "muted" }, "None yet: PUT /orgs/{id}/frameworks/{name} imports a control set (OSCAL, CISO Assistant or a sheet), PUT /orgs/{id}/mappings/{name} its mappings. Only your key sees them.")
      : h(
          "table",
          { class: "own-catalogs" },
          h("thead", {}, h("tr", {}, h("th", {}, "id"), h("th", {}, "what"), h("th", {}, "size"), h("th", {}, "download"))),
          h(
            "tbody",
            {},
            own.frameworks.map((f) =>
              h(
                "tr",
                { dataset: { id: f.id } },
                h("td", {}, h("a", { href: route(`/org/${encodeURIComponent(client.orgId)}/framework/${encodeURIComponent(f.name)}`), class: "own-framework" }, h("code", {}, f.id))),
                h("td", {}, f.title),
                h("td", {}, `${f.counts.items || 0} items`),
                h("td", {}, downloadButton(client, `frameworks/${f.name}?format=turtle`, "Turtle"), " ", downloadButton(client, `frameworks/${f.name}?format=oscal`, "OSCAL")),
              ),
            ),
            own.mapping_sets.map((m) =>
              h(
                "tr",
                { dataset: { id: m.id } },
                h("td", {}, h("code", {}, m.id)),
                h("td", {}, "mapping set"),
                h("td", {}, `${m.mappings} mappings`),
                h("td", {}, downloadButton(client, `mappings/${m.name}`, "SSSOM")),
              ),
            ),
          ),
        ),
  );
}

function validationPanel(report, frameworks) {
  const counts = SEVERITY_ORDER.map((s) => h("span", { class: `sev sev-${s}` }, `${report.counts[s] || 0} ${s}`));
  return h(
    "section",
    { class: "panel", id: "validation" },
    h("h2", {}, "Validation"),
    h("p", {}, report.conforms ? "The data conforms. " : "The data does not conform. ", counts, ` · ${report.rules} rules, ${report.triples} triples, as of ${report.as_of}`),
    findingsByClause(report).map(({ target, findings }) =>
      h(
        "div",
        { class: "finding-group", dataset: { clause: target.curie } },
        h("h3", {}, target.curie ? [frameworkBadge(frameworkOfCurie(target.curie, frameworks)), " ", itemLink(target.curie, target.notation, target.title)] : target.title, ` (${findings.length})`),
        h(
          "ul",
          { class: "findings" },
          findings
            .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))
            .map((f) =>
              h(
                "li",
                { class: `finding finding-${f.severity}${f.origin === "organisation" ? " finding-policy" : ""}`, dataset: { rule: f.rule } },
                h("span", { class: `sev sev-${f.severity}` }, f.severity),
                " ",
                // The organisation's own rules are marked, with every clause each one enforces.
                f.origin === "organisation" ? [h("span", { class: "policy-tag", title: "A rule of your own policy shapes" }, "your policy"), " "] : null,
                h("strong", {}, f.rule_label),
                " — ",
                f.node_label,
                h("p", {}, f.message),
                h("p", { class: "fix" }, "Fix: ", f.fix),
                f.origin === "organisation" ? h("p", { class: "small muted enforces" }, "Enforces ", f.enforces.map((e, i) => [i ? ", " : "", itemLink(e.curie, e.notation, e.title)])) : null,
                f.applies_from ? h("p", { class: "small muted" }, `applies from ${f.applies_from}`) : null,
              ),
            ),
        ),
      ),
    ),
  );
}

function targets(frameworks) {
  return [...frameworks.map((f) => f.id), "eu-ai-act"].filter((v, i, a) => a.indexOf(v) === i);
}

async function explanation(entry, frameworks, orgFrameworks) {
  const box = h("aside", { class: "panel explanation", id: "explanation", tabindex: "-1" });
  add(box, 
    h("h3", {}, itemLink(entry.item, entry.title.split(" ")[0], entry.title.split(" ").slice(1).join(" ")), " ", h("span", { class: `verdict v-${entry.verdict}` }, entry.verdict)),
    entry.applies_from ? h("p", { class: "small" }, `applies from ${entry.applies_from}`) : null,
  );
  if (entry.explanation.length) {
    add(box, h("p", {}, `Reached from ${entry.explanation.length} of your control${entry.explanation.length === 1 ? "" : "s"}:`));
    for (const e of entry.explanation) {
      add(box, 
        h(
          "div",
          { class: "because" },
          h("p", {}, itemLink(e.control, e.control_title), ` (${e.control_strength}) `, relationTag(e.relation), ` → contributes ${e.contributes}`, e.derived ? " (derived)" : ""),
          chainDrawing(e.chain, frameworks),
          e.chain.map((hop) => (hop.comment ? h("p", { class: "why small" }, hop.comment) : null)),
        ),
      );
    }
  } else if (entry.verdict === "no-counterpart") {
    add(box, h("p", {}, "No counterpart in the frameworks your controls come from; meet this duty directly:"));
    for (const a of entry.no_counterpart || []) add(box, h("p", { class: "why small" }, `${a.framework}: ${a.reason}`));
  } else {
    add(box, h("p", {}, "No control in your statement of applicability reaches this item through a mapping."));
  }
  // What in the frameworks you already use could close the gap: the item's own mappings.
  const item = await api.item(entry.item);
  const options = [
    ...item.mappings_out.map((m) => ({ other: m.object, title: m.object_title, relation: m.relation, m })),
    ...item.mappings_in.map((m) => ({ other: m.subject, title: m.subject_title, relation: inverseRelation(m.relation), m })),
  ].filter((o) => !orgFrameworks.size || orgFrameworks.has(frameworkOfCurie(o.other, frameworks)));
  if (options.length) {
    add(box, 
      h("h4", {}, "Mapped controls that would cover it"),
      h(
        "ul",
        {},
        options.map((o) => h("li", {}, relationTag(o.relation), " ", h("a", { href: itemHref(o.other) }, o.title || o.other), o.m.comment ? h("div", { class: "why small" }, o.m.comment) : null)),
      ),
    );
  }
  add(box, h("p", {}, h("a", { href: itemHref(entry.item) }, "All mappings of this item")));
  return box;
}

function coverageDetail(report, state, orgId) {
  const sections = Object.entries(report.by_section).sort((a, b) => a[0].localeCompare(b[0], undefined, { numeric: true }));
  const bySection = new Map(sections.map(([name]) => [name, []]));
  for (const it of report.items) bySection.get(it.section)?.push(it);
  const link = (extra) => route(`/org/${encodeURIComponent(orgId)}`, { target: state.target, as_of: state.as_of, ...extra });
  return h(
    "section",
    { class: "panel", id: "coverage" },
    h("h2", {}, `Coverage of ${shortName(report.target)}`),
    h("p", {}, `${report.totals.items} items: ${report.totals.covered} covered, ${report.totals.partly} partly, ${report.totals.gap} gaps, ${report.totals["no-counterpart"] || 0} with no counterpart in your frameworks · ${Array.isArray(report.controls_counted) ? report.controls_counted.length : report.controls_counted} controls counted · as of ${report.as_of}`),
    stackedBars(
      sections.map(([name, c]) => ({ label: name, counts: c, href: link({ section: name }), selected: name === state.section })),
      { caption: "By section" },
    ),
    sections
      .filter(([name]) => !state.section || name === state.section)
      .map(([name]) =>
        h(
          "details",
          { class: "section-items", open: name === state.section || null },
          h("summary", {}, name),
          h(
            "ul",
            { class: "verdicts" },
            bySection.get(name).map((it) =>
              h(
                "li",
                {},
                h(
                  "a",
                  { href: link({ section: state.section, item: it.item }), class: `verdict v-${it.verdict}`, dataset: { item: it.item } },
                  it.title,
                ),
              ),
            ),
          ),
        ),
      ),
  );
}

export async function render(root, params, ctx) {
  const orgId = params.id || "";
  const key = orgId ? storedKey(orgId) : null;
  add(root, h("h1", { tabindex: "-1" }, orgId ? `Organisation ${orgId}` : "Organisation dashboard"));
  ctx.title = orgId ? `Organisation ${orgId}` : "Organisation";
  if (!orgId || !key) {
    add(root, signIn(orgId));
    return;
  }
  const frameworks = await api.frameworks();
  const state = {
    target: ctx.query.get("target") || "iso27001-2022",
    as_of: ctx.query.get("as_of") || today(),
    section: ctx.query.get("section") || "",
    item: ctx.query.get("item") || "",
  };
  const client = orgApi(orgId, key);
  let info;
  let report;
  let coverage;
  try {
    [info, report, coverage] = await Promise.all([client.info(), client.validation(state.as_of), client.coverage(state.target, state.as_of)]);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 404)) {
      sessionStorage.removeItem(KEY_PREFIX + orgId);
      add(root, signIn(orgId, err.message));
      return;
    }
    throw err;
  }
  root.querySelector("h1").textContent = info.name;
  const forget = h("button", { type: "button", id: "org-forget" }, "Forget the key");
  forget.addEventListener("click", () => {
    sessionStorage.removeItem(KEY_PREFIX + orgId);
    location.hash = route("/org");
  });
  const targetSelect = h("select", { id: "org-target", name: "target" }, targets(frameworks).map((t) => h("option", { value: t, selected: t === state.target }, t)));
  const asOf = h("input", { type: "date", id: "org-as-of", name: "as_of", value: state.as_of });
  const go = () => {
    location.hash = route(`/org/${encodeURIComponent(orgId)}`, { target: targetSelect.value, as_of: asOf.value });
  };
  targetSelect.addEventListener("change", go);
  asOf.addEventListener("change", go);

  const overview = h("div", { class: "overview" }, h("p", { class: "loading" }, "Coverage of every framework…"));
  const orgFrameworks = new Set(
    coverage.items.flatMap((i) => i.explanation.map((e) => frameworkOfCurie(e.control, frameworks))),
  );
  add(root, 
    h(
      "p",
      { class: "item-meta" },
      h("code", {}, info.id),
      ` · ${info.triples} triples · `,
      Object.entries(info.records).map(([k, n]) => `${n} ${k}`).join(", "),
      " ",
      forget,
    ),
    h("div", { class: "toolbar" }, h("label", {}, "Target ", targetSelect), h("label", {}, "As of ", asOf)),
    h("section", { class: "panel" }, h("h2", {}, "Coverage of each framework"), overview),
  );
  const detail = h("div", { class: "coverage-grid" }, coverageDetail(coverage, state, orgId));
  add(root, detail, validationPanel(report, frameworks), ownCatalogsPanel(await client.catalogs(), client));
  const chosen = state.item && coverage.items.find((i) => i.item === state.item);
  if (chosen) {
    const panel = await explanation(chosen, frameworks, orgFrameworks);
    add(detail, panel);
    ctx.focus = panel;
  }
  // The other frameworks' totals fill in after the page is up (one request each).
  Promise.all(
    targets(frameworks).map((t) =>
      (t === state.target ? Promise.resolve(coverage) : client.coverage(t, state.as_of)).then(
        (r) => ({ t, r }),
        (err) => ({ t, err }),
      ),
    ),
  ).then((all) => {
    if (!ctx.isCurrent()) return;
    overview.replaceChildren(
      stackedBars(
        all.filter((x) => x.r).map(({ t, r }) => ({
          label: `${shortName(t)} (${r.totals.items})`,
          counts: r.totals,
          href: route(`/org/${encodeURIComponent(orgId)}`, { target: t, as_of: state.as_of }),
          selected: t === state.target,
        })),
        { share: true, labelWidth: 160, caption: "Share of each target's items" },
      ),
      ...all.filter((x) => x.err).map((x) => message("error", `${x.t}: ${x.err.message}`)),
    );
    overview.dataset.ready = "true";
  });
}

