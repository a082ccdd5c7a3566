// Building DOM and SVG nodes. Text always goes in as text nodes, never as markup, so nothing
// the API returns can inject HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "text") {
      el.textContent = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Append children, skipping null, undefined and false (for optional parts). */
export function add(el, ...children) {
  return append(el, children);
}

/** An HTML element: h("a", {href: "#/"}, "Home"). */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** A hash-route link. */
export function route(path, params) {
  const query = params ? new URLSearchParams(dropEmpty(params)).toString() : "";
  return "#" + path + (query ? "?" + query : "");
}

export function dropEmpty(params) {
  const out = {};
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "" && v !== false) out[k] = String(v);
  }
  return out;
}

export function itemHref(curie) {
  return "#/item/" + encodeURIComponent(curie);
}

/** A link to an item page showing its notation and, when given, its title. */
export function itemLink(curie, notation, label) {
  return h(
    "a",
    { href: itemHref(curie), class: "item-link", title: curie },
    h("span", { class: "notation" }, notation || curie),
    label ? h("span", { class: "label" }, " " + label) : null,
  );
}

export function section(title, ...children) {
  return h("section", { class: "panel" }, h("h2", {}, title), ...children);
}

export function message(kind, text) {
  return h("p", { class: `message ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

/** A file download from text made in the page (CSV or JSON of a result). */
export function downloadText(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function csvCell(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

export function toCSV(header, rows) {
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
