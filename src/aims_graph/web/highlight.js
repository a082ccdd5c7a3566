// A small SPARQL highlighter and the editor built on it: a transparent textarea over a <pre>
// holding the same text as coloured spans. The textarea keeps native editing, undo and a11y.
import { h } from "./dom.js";

const KEYWORDS = new Set(
  (
    "SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE OPTIONAL FILTER UNION MINUS GRAPH " +
    "SERVICE SILENT BIND VALUES AS GROUP BY ORDER ASC DESC HAVING LIMIT OFFSET DISTINCT REDUCED NOT " +
    "EXISTS IN UNDEF INSERT DELETE DATA LOAD CLEAR DROP CREATE WITH USING DEFAULT ALL INTO TO MOVE COPY ADD"
  ).split(" "),
);
const FUNCTIONS = new Set(
  (
    "STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE " +
    "LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES " +
    "SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT " +
    "SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE " +
    "GROUP_CONCAT SEPARATOR"
  ).split(" "),
);

const TOKEN = new RegExp(
  [
    "(?<space>\\s+)",
    "(?<comment>#[^\\n]*)",
    "(?<string>\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)|\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\\n]|\\\\.)*'?)",
    "(?<iri><[^<>\"{}|^`\\\\\\s]*>)",
    "(?<variable>[?$][\\w\\u00B7\\u00C0-\\uFFFF]+)",
    "(?<pname>(?:[A-Za-z][\\w.-]*)?:(?:[\\w:%-]|\\.(?=[\\w:%-]))*)",
    "(?<number>(?:\\d+\\.?\\d*(?:[eE][+-]?\\d+)?|\\.\\d+))",
    "(?<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
    "(?<word>[A-Za-z_]\\w*)",
    "(?<punct>\\^\\^|&&|\\|\\||!=|<=|>=|[{}()\\[\\].,;*=!<>+\\-/|^])",
  ].join("|"),
  "y",
);

/** Split SPARQL text into [kind, text] tokens; unknown characters come out as "plain". */
export function tokenize(text) {
  const out = [];
  let pos = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m || m[0].length === 0) {
      out.push(["plain", text[pos]]);
      pos += 1;
      continue;
    }
    let kind = Object.entries(m.groups).find(([, v]) => v !== undefined)[0];
    if (kind === "word") {
      const upper = m[0].toUpperCase();
      if (m[0] === "a" || KEYWORDS.has(upper) || upper === "TRUE" || upper === "FALSE") kind = "keyword";
      else if (FUNCTIONS.has(upper)) kind = "function";
      else kind = "plain";
    }
    out.push([kind, m[0]]);
    pos += m[0].length;
  }
  return out;
}

/** Coloured lines of the text; `error` {line, column} (1-based) marks where the parser stopped. */
export function highlighted(text, error) {
  const lines = [[]];
  for (const [kind, chunk] of tokenize(text)) {
    chunk.split("\n").forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines[lines.length - 1].push([kind, part]);
    });
  }
  const code = h("code", {});
  lines.forEach((tokens, index) => {
    const line = h("span", { class: "line" });
    let col = 1;
    for (const [kind, part] of tokens) {
      if (error && error.line === index + 1 && error.column >= col && error.column < col + part.length) {
        const cut = error.column - col;
        if (cut) line.append(h("span", { class: `tok-${kind}` }, part.slice(0, cut)));
        line.append(h("span", { class: `tok-${kind} error-at` }, part.slice(cut)));
      } else {
        line.append(kind === "space" ? part : h("span", { class: `tok-${kind}` }, part));
      }
      col += part.length;
    }
    if (error && error.line === index + 1) {
      line.classList.add("error-line");
      if (error.column >= col) line.append(h("span", { class: "error-at" }, " "));
    }
    code.append(line, index < lines.length - 1 ? "\n" : "");
  });
  // A trailing newline needs a character after it, or the <pre> is one line short.
  code.append(" ");
  return code;
}

/** The editor: returns {element, textarea, setText, markError}. */
export function sparqlEditor({ text, onRun }) {
  const pre = h("pre", { class: "hl", "aria-hidden": "true" });
  const textarea = h("textarea", {
    class: "code",
    spellcheck: "false",
    autocapitalize: "off",
    autocomplete: "off",
    "aria-label": "SPARQL query (Ctrl+Enter runs it)",
    id: "sparql-text",
  });
  let error = null;
  const paint = () => {
    pre.replaceChildren(highlighted(textarea.value, error));
    textarea.rows = Math.min(32, Math.max(10, textarea.value.split("\n").length + 1));
    pre.scrollTop = textarea.scrollTop;
    pre.scrollLeft = textarea.scrollLeft;
  };
  textarea.addEventListener("input", () => {
    error = null;
    paint();
  });
  textarea.addEventListener("scroll", () => {
    pre.scrollTop = textarea.scrollTop;
    pre.scrollLeft = textarea.scrollLeft;
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onRun();
    }
  });
  const setText = (value) => {
    textarea.value = value;
    error = null;
    paint();
  };
  const markError = (where) => {
    error = where;
    paint();
  };
  setText(text || "");
  return { element: h("div", { class: "editor" }, pre, textarea), textarea, setText, markError };
}
