// Stacked bars of covered / partly / gap / no-counterpart, drawn in SVG. Each bar is a link (or a button) so a
// reader can open what it sums up.
import { h, s } from "./dom.js";

// "no-counterpart": the mapping sets record that nothing in the organisation's frameworks carries
// the duty, so it is not a gap those frameworks could close.
export const VERDICTS = ["covered", "partly", "gap", "no-counterpart"];

/**
 * rows: [{label, counts: {covered, partly, gap, "no-counterpart"}, href?, onSelect?, selected?}]
 * Bars share one scale (the largest total) unless `share` is set (each bar is 100%).
 */
export function stackedBars(rows, { share = false, labelWidth = 260, caption } = {}) {
  const barWidth = 420;
  const rowH = 26;
  const width = labelWidth + barWidth + 90;
  const height = rows.length * rowH + 6;
  const max = Math.max(1, ...rows.map((r) => VERDICTS.reduce((a, v) => a + (r.counts[v] || 0), 0)));
  const svg = s("svg", { class: "bars", viewBox: `0 0 ${width} ${height}`, role: "group", "aria-label": caption || "coverage" });
  rows.forEach((r, i) => {
    const y = i * rowH + 3;
    const total = VERDICTS.reduce((a, v) => a + (r.counts[v] || 0), 0);
    const scale = share ? barWidth / Math.max(total, 1) : barWidth / max;
    const described = `${r.label}: ${VERDICTS.map((v) => `${r.counts[v] || 0} ${v}`).join(", ")} of ${total}`;
    const g = s(
      r.href ? "a" : "g",
      { class: ["bar-row", r.selected ? "selected" : ""], href: r.href || null, "aria-label": described },
      s("title", {}, described),
      s("text", { x: labelWidth - 8, y: y + 15, "text-anchor": "end", class: "bar-label" }, r.label.length > 40 ? r.label.slice(0, 39) + "…" : r.label),
    );
    let x = labelWidth;
    for (const v of VERDICTS) {
      const w = (r.counts[v] || 0) * scale;
      if (w > 0) g.append(s("rect", { x, y, width: w, height: rowH - 8, class: `seg seg-${v}` }));
      x += w;
    }
    g.append(s("text", { x: x + 6, y: y + 15, class: "bar-total" }, `${r.counts.covered || 0}/${r.counts.partly || 0}/${r.counts.gap || 0}/${r.counts["no-counterpart"] || 0}`));
    svg.append(g);
  });
  return h(
    "figure",
    { class: "chart" },
    svg,
    h(
      "figcaption",
      { class: "chart-legend" },
      caption ? h("span", {}, caption + " ") : null,
      VERDICTS.map((v) => h("span", { class: "legend-item" }, h("span", { class: `swatch seg-${v}` }), v)),
      h("span", { class: "muted" }, " (numbers: covered/partly/gap/no counterpart)"),
    ),
  );
}
