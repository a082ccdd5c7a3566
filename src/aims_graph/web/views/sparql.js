// SPARQL: an editor with highlighting, the named queries as ready examples (run by name with
// their parameters, or opened in the editor with the values bound), results as a table with
// CSV and JSON downloads, and errors shown where the parser stopped.
import { ApiError, api, getJSON, request } from "../api.js";
import { add, downloadText, h, itemHref, message, toCSV } from "../dom.js";
import { sparqlEditor } from "../highlight.js";

const ID_BASE = "https://w3id.org/aims-graph/id/";
const STARTER = `PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX aims: <https://w3id.org/aims-graph/ontology#>

# The ISO/IEC 42001 Annex A controls and how many mappings each has
SELECT ?control ?notation ?label (COUNT(?m) AS ?mappings) WHERE {
  ?control skos:inScheme <${ID_BASE}iso42001-2023> ; a aims:Control ;
           skos:notation ?notation ; skos:prefLabel ?label .
  OPTIONAL { { ?m aims:mappingSubject ?control } UNION { ?m aims:mappingObject ?control } }
}
GROUP BY ?control ?notation ?label
ORDER BY DESC(?mappings)
LIMIT 20
`;

function valueCell(value, slugs) {
  if (typeof value === "string" && value.startsWith(ID_BASE) && slugs.has(value.slice(ID_BASE.length).split("/")[0])) {
    return h("a", { href: itemHref(value), title: value }, value.slice(ID_BASE.length));
  }
  return value === undefined || value === null ? "" : String(value);
}

function resultTable(columns, rows, slugs) {
  return h(
    "table",
    { class: "data results" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, columns.map((c) => h("td", {}, valueCell(r[c], slugs)))))),
  );
}

/** The query text without its "#+" header, which the page shows as prose above the editor. */
function withoutHeader(query) {
  const body = query.sparql.split("\n").filter((line) => !line.startsWith("#+"));
  return `# ${query.name}: ${query.summary}\n` + body.join("\n");
}

/** Where the parser stopped, from "error at 3:15: …" (1-based line and column). */
export function errorPosition(detail) {
  const m = /error at (\d+):(\d+)/.exec(detail || "");
  return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
}

function termText(term, value) {
  if (term.type === "uri") return `<${value}>`;
  if (term.type === "date") return `"${value}"^^<http://www.w3.org/2001/XMLSchema#date>`;
  if (term.type === "decimal") return `"${value}"^^<http://www.w3.org/2001/XMLSchema#decimal>`;
  if (term.type === "integer") return `"${value}"^^<http://www.w3.org/2001/XMLSchema#integer>`;
  return JSON.stringify(value);
}

/** The named query's text with its parameters bound in a VALUES block at the head of WHERE. */
async function boundText(query, values) {
  const vars = [];
  const terms = [];
  const lists = [];
  for (const p of query.params) {
    const raw = (values[p.name] || "").trim();
    if (!raw) continue;
    if (p.type === "item_list") {
      const iris = await Promise.all(raw.split(",").filter((v) => v.trim()).map(async (v) => (await api.item(v.trim())).iri));
      lists.push(`VALUES ?${p.name} { ${iris.map((i) => `<${i}>`).join(" ")} }`);
      continue;
    }
    vars.push(`?${p.name}`);
    if (p.type === "item") terms.push(termText({ type: "uri" }, (await api.item(raw)).iri));
    else if (p.type === "framework") terms.push(termText({ type: "uri" }, (await api.framework(raw)).iri));
    else if (p.type === "iri") terms.push(termText({ type: "uri" }, raw));
    else terms.push(termText({ type: p.type }, raw));
  }
  const block = [vars.length ? `VALUES (${vars.join(" ")}) { (${terms.join(" ")}) }` : "", ...lists].filter(Boolean);
  const text = withoutHeader(query);
  if (!block.length) return text;
  // At the head of WHERE, as the server binds them: a trailing VALUES would not restrict FILTER.
  const where = /\bWHERE\s*\{/i.exec(text);
  if (!where) return text + "\n" + block.join("\n");
  const at = where.index + where[0].length;
  return text.slice(0, at) + "\n  " + block.join("\n  ") + text.slice(at);
}

export async function render(root, _params, ctx) {
  const [queries, frameworks] = await Promise.all([api.queries(), api.frameworks()]);
  const slugs = new Set(frameworks.map((f) => f.id));
  const byName = Object.fromEntries(queries.map((q) => [q.name, q]));
  const chosen = byName[ctx.query.get("name")] || null;
  const output = h("div", { class: "results-holder", id: "results", "aria-live": "polite" });
  const editorError = h("div", { class: "editor-error" });
  const paramError = h("div", { class: "param-error" });
  let last = null;

  const show = (columns, rows, raw, label, ms) => {
    last = { columns, rows, raw, label };
    output.replaceChildren(
      h(
        "div",
        { class: "toolbar" },
        h("span", { class: "result-count" }, `${rows.length} row${rows.length === 1 ? "" : "s"}`),
        h("span", { class: "muted" }, ` ${label} · ${ms} ms`),
        h("button", { type: "button", onclick: () => downloadText(`${last.label}.csv`, toCSV(last.columns, last.rows.map((r) => last.columns.map((c) => r[c] ?? ""))), "text/csv") }, "CSV"),
        h("button", { type: "button", onclick: () => downloadText(`${last.label}.json`, JSON.stringify(last.raw, null, 1), "application/json") }, "JSON"),
      ),
      rows.length ? resultTable(columns, rows, slugs) : h("p", { class: "message" }, "No rows."),
    );
  };

  const editor = sparqlEditor({ text: chosen ? withoutHeader(chosen) : ctx.query.get("query") || STARTER, onRun: () => runText() });

  async function runText() {
    const text = editor.textarea.value;
    editorError.replaceChildren();
    output.replaceChildren(h("p", { class: "loading" }, "Running…"));
    const started = performance.now();
    try {
      const response = await request("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json, text/turtle;q=0.5" },
        body: text,
      });
      const ms = Math.round(performance.now() - started);
      const type = response.headers.get("content-type") || "";
      if (!type.includes("json")) {
        const body = await response.text();
        last = null;
        output.replaceChildren(h("p", { class: "muted" }, `Graph result · ${ms} ms`), h("pre", { class: "turtle" }, body));
        return;
      }
      const data = await response.json();
      if ("boolean" in data) {
        show(["answer"], [{ answer: String(data.boolean) }], data, "ask", ms);
      } else {
        const columns = data.head.vars;
        const rows = data.results.bindings.map((b) => Object.fromEntries(columns.map((c) => [c, b[c]?.value])));
        show(columns, rows, data, "query", ms);
      }
      if (!chosen) ctx.replaceQuery({ query: text });
    } catch (err) {
      output.replaceChildren();
      if (!(err instanceof ApiError)) throw err;
      const where = errorPosition(err.message);
      editor.markError(where);
      editorError.replaceChildren(
        message("error", `${err.title}${where ? ` at line ${where.line}, column ${where.column}` : ""}: ${err.message}`),
      );
    }
  }

  const sidebar = h(
    "nav",
    { class: "examples", "aria-label": "Named queries" },
    h("h2", {}, "Named queries"),
    h(
      "ul",
      {},
      queries.map((q) =>
        h(
          "li",
          {},
          h("a", { href: `#/sparql?name=${encodeURIComponent(q.name)}`, "aria-current": q === chosen ? "true" : null, title: q.summary }, q.name),
          h("div", { class: "small muted" }, q.summary),
        ),
      ),
    ),
  );

  const body = h("div", { class: "sparql-main" });
  if (chosen) {
    const inputs = {};
    const form = h(
      "form",
      { class: "params", id: "named-form" },
      chosen.params.map((p) => {
        inputs[p.name] = h("input", {
          name: p.name,
          id: `param-${p.name}`,
          value: ctx.query.get(p.name) ?? (p.required ? p.example : p.default || ""),
          placeholder: p.example,
          required: p.required,
        });
        return h("label", {}, h("span", { class: "param-name" }, `${p.name} `, h("span", { class: "muted" }, `(${p.type})`)), inputs[p.name], h("span", { class: "small muted" }, p.description));
      }),
      h(
        "div",
        { class: "buttons" },
        h("button", { type: "submit", id: "run-named" }, "Run named query"),
        h("button", { type: "button", id: "to-editor", onclick: () => toEditor() }, "Open in the editor with these values"),
      ),
    );
    const values = () => Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value]));
    const toEditor = async () => {
      paramError.replaceChildren();
      try {
        editor.setText(await boundText(chosen, values()));
        editor.textarea.focus();
      } catch (err) {
        paramError.replaceChildren(message("error", err.message));
      }
    };
    try {
      editor.setText(await boundText(chosen, values()));
    } catch {
      // A parameter that names no item: the editor keeps the unbound text, Run by name says why.
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      paramError.replaceChildren();
      const params = new URLSearchParams(Object.entries(values()).filter(([, v]) => v.trim()));
      ctx.replaceQuery({ name: chosen.name, ...Object.fromEntries(params) });
      output.replaceChildren(h("p", { class: "loading" }, "Running…"));
      const started = performance.now();
      try {
        const result = await getJSON(`/queries/${encodeURIComponent(chosen.name)}?${params}`);
        show(result.columns, result.rows, result, chosen.name, Math.round(performance.now() - started));
      } catch (err) {
        output.replaceChildren();
        paramError.replaceChildren(message("error", `${err.title || "Error"}: ${err.message}`));
      }
    });
    add(body, 
      h("h2", {}, chosen.name),
      h("p", {}, chosen.summary),
      h("p", { class: "muted small" }, chosen.description),
      form,
      paramError,
      h("p", { class: "muted small" }, "Run by name, the values are bound as RDF terms on the server (", h("code", {}, `GET /queries/${chosen.name}`), ")."),
    );
  }
  add(body, 
    h("h2", {}, "Query"),
    editor.element,
    editorError,
    h(
      "div",
      { class: "buttons" },
      h("button", { type: "button", id: "run-sparql", onclick: () => runText() }, "Run"),
      h("span", { class: "muted small" }, " Ctrl+Enter runs. The endpoint is read-only, with a time limit and a row cap."),
    ),
    output,
  );

  add(root, 
    h("h1", { tabindex: "-1" }, "SPARQL"),
    h("p", { class: "lead" }, "Query the standards, mappings and obligations at ", h("code", {}, "/sparql"), " (SPARQL 1.1, read-only)."),
    h("div", { class: "sparql-layout" }, sidebar, body),
  );
  ctx.title = chosen ? `SPARQL: ${chosen.name}` : "SPARQL";
}
