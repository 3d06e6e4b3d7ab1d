// Small inline SVG charts. Each chart is an image with a text summary for screen
// readers; the numbers are also in a table next to it, which stays the accessible
// source of truth.

import { formatNumber } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";

function svgEl(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

/**
 * A horizontal bar chart of [label, value] rows.
 * `format` renders a value (numbers by default); `max` fixes the scale (e.g. 5 for ratings).
 */
export function barChart(rows, { title, format = (v) => formatNumber(v), max } = {}) {
  const barHeight = 22;
  const gap = 8;
  const labelWidth = 130;
  const width = 360;
  const valueWidth = 56;
  const height = rows.length * (barHeight + gap) + gap;
  const top = max ?? Math.max(1, ...rows.map(([, value]) => value));
  const svg = svgEl("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: "100%",
    role: "img",
    class: "chart",
    preserveAspectRatio: "xMinYMin meet",
  });
  const summary = rows.map(([label, value]) => `${label}: ${format(value)}`).join(", ");
  const titleEl = svgEl("title");
  titleEl.textContent = title ? `${title}. ${summary}` : summary;
  svg.append(titleEl);
  rows.forEach(([label, value], index) => {
    const y = gap + index * (barHeight + gap);
    const text = svgEl("text", { x: 0, y: y + barHeight * 0.72, class: "chart-label" });
    text.textContent = label.length > 18 ? `${label.slice(0, 17)}…` : label;
    svg.append(text);
    const room = width - labelWidth - valueWidth;
    const barWidth = top > 0 ? Math.max(value > 0 ? 2 : 0, (value / top) * room) : 0;
    svg.append(svgEl("rect", { x: labelWidth, y, width: barWidth, height: barHeight, rx: 3, class: "chart-bar" }));
    const number = svgEl("text", { x: labelWidth + barWidth + 6, y: y + barHeight * 0.72, class: "chart-value" });
    number.textContent = format(value);
    svg.append(number);
  });
  return svg;
}
