// Hand-drawn SVG charts for /stats/, the annual report and the worker app's figures. A
// chart library would be the largest file on the page; these three shapes (bars,
// columns, mean with confidence interval) need ~150 lines. A chart is aria-hidden when
// the table beside it carries the same numbers (nothing is said twice); given a
// `title`, it is an image whose title reads every value.

const SVG = "http://www.w3.org/2000/svg";
const ROW = 26;

/**
 * The layout of a chart drawn at the width it is shown at (280–640 px), so that its
 * text stays the size of the page's text on a phone as on a desktop.
 */
export function chartLayout(pixels) {
  const width = Math.round(Math.max(280, Math.min(640, pixels || 640)));
  const labelWidth = Math.round(width * (width < 480 ? 0.4 : 0.33));
  return {
    width,
    labelWidth,
    valueWidth: width < 480 ? 56 : 86,
    // About 8 px per character of 14 px text; longer labels end in "…" (full in the table).
    maxLabel: Math.floor((labelWidth - 8) / 8),
  };
}

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function frame(layout, height, title, items) {
  const svg = el("svg", {
    viewBox: `0 0 ${layout.width} ${height}`,
    class: "chart",
    focusable: "false",
    preserveAspectRatio: "xMinYMin meet",
    ...(title ? { role: "img" } : { "aria-hidden": "true" }),
  });
  if (title)
    svg.append(el("title", {}, `${title}. ${items.map((item) => `${item.label}: ${item.display}`).join(", ")}`));
  return svg;
}

function clip(layout, label) {
  return label.length > layout.maxLabel ? `${label.slice(0, layout.maxLabel - 1)}…` : label;
}

/** A "nice" upper bound for an axis (1, 2, 2.5 or 5 times a power of ten). */
export function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

/**
 * Horizontal bars: items [{label, value, display, tone?}] (a null value: no bar, its
 * display in grey), optional reference {value} drawn as a dashed line (the figure for
 * all, or the organisation); `max` fixes the scale (5 for ratings), else a nice bound.
 */
export function barChart(items, { reference, width, max: fixedMax, title } = {}) {
  const layout = chartLayout(width);
  const { labelWidth } = layout;
  const height = items.length * ROW + 8;
  const svg = frame(layout, height, title, items);
  const values = items.map((item) => item.value ?? 0);
  if (reference && reference.value != null) values.push(reference.value);
  const max = fixedMax ?? niceMax(Math.max(0, ...values));
  const span = layout.width - labelWidth - layout.valueWidth;
  items.forEach((item, index) => {
    const y = index * ROW + 4;
    const label = el(
      "text",
      { x: labelWidth - 8, y: y + ROW / 2, class: "label", "text-anchor": "end", "dominant-baseline": "middle" },
      clip(layout, item.label),
    );
    label.append(el("title", {}, item.label));
    svg.append(label);
    if (item.value == null) {
      svg.append(
        el(
          "text",
          { x: labelWidth + 4, y: y + ROW / 2, class: "value muted", "dominant-baseline": "middle" },
          item.display,
        ),
      );
      return;
    }
    const barWidth = Math.max(item.value > 0 ? 1.5 : 0, (item.value / max) * span);
    svg.append(
      el("rect", {
        x: labelWidth,
        y: y + 4,
        width: barWidth,
        height: ROW - 8,
        class: `bar ${item.tone || ""}`.trim(),
        rx: 2,
      }),
    );
    svg.append(
      el(
        "text",
        { x: labelWidth + barWidth + 6, y: y + ROW / 2, class: "value", "dominant-baseline": "middle" },
        item.display,
      ),
    );
  });
  if (reference && reference.value != null) {
    const x = labelWidth + (reference.value / max) * span;
    svg.append(el("line", { x1: x, x2: x, y1: 0, y2: height, class: "reference" }));
  }
  return svg;
}

/** Vertical columns for a time series: items [{label (short tick), value, display}]. */
export function columnChart(items, { width, title } = {}) {
  const layout = chartLayout(width);
  const chartWidth = layout.width;
  const height = 220;
  const top = 22;
  const bottom = 28;
  const left = 8;
  const svg = frame(layout, height, title, items);
  const max = niceMax(Math.max(0, ...items.map((item) => item.value ?? 0)));
  const slot = (chartWidth - left * 2) / Math.max(1, items.length);
  const barWidth = Math.min(48, slot * 0.7);
  const plot = height - top - bottom;
  svg.append(el("line", { x1: left, x2: chartWidth - left, y1: top + plot, y2: top + plot, class: "axis" }));
  items.forEach((item, index) => {
    const centre = left + slot * index + slot / 2;
    svg.append(el("text", { x: centre, y: height - 8, class: "label", "text-anchor": "middle" }, item.label));
    if (item.value == null) {
      svg.append(el("text", { x: centre, y: top + plot - 6, class: "value muted", "text-anchor": "middle" }, "–"));
      return;
    }
    const barHeight = (item.value / max) * plot;
    svg.append(
      el("rect", {
        x: centre - barWidth / 2,
        y: top + plot - barHeight,
        width: barWidth,
        height: barHeight,
        class: "bar",
        rx: 2,
      }),
    );
    svg.append(
      el("text", { x: centre, y: top + plot - barHeight - 6, class: "value", "text-anchor": "middle" }, item.display),
    );
  });
  return svg;
}

/**
 * Means with 95 % confidence intervals on the 1–5 scale:
 * items [{label, mean, low, high, display}] or [{label, suppressed: true, display}].
 */
export function intervalChart(items, { width, title } = {}) {
  const layout = chartLayout(width);
  const { width: chartWidth, labelWidth, valueWidth } = layout;
  const height = items.length * ROW + 30;
  const svg = frame(layout, height, title, items);
  const span = chartWidth - labelWidth - valueWidth;
  const x = (score) => labelWidth + ((score - 1) / 4) * span;
  for (let score = 1; score <= 5; score += 1) {
    svg.append(el("line", { x1: x(score), x2: x(score), y1: 0, y2: height - 22, class: "grid" }));
    svg.append(el("text", { x: x(score), y: height - 6, class: "label", "text-anchor": "middle" }, String(score)));
  }
  items.forEach((item, index) => {
    const y = index * ROW + ROW / 2 + 2;
    const label = el(
      "text",
      { x: labelWidth - 8, y, class: "label", "text-anchor": "end", "dominant-baseline": "middle" },
      clip(layout, item.label),
    );
    svg.append(label);
    if (item.suppressed || item.mean == null) {
      svg.append(
        el("text", { x: labelWidth + 4, y, class: "value muted", "dominant-baseline": "middle" }, item.display),
      );
      return;
    }
    if (item.low != null && item.high != null) {
      svg.append(el("line", { x1: x(item.low), x2: x(item.high), y1: y, y2: y, class: "interval" }));
    }
    svg.append(el("circle", { cx: x(item.mean), cy: y, r: 5, class: "dot" }));
    svg.append(
      el("text", { x: chartWidth - valueWidth + 8, y, class: "value", "dominant-baseline": "middle" }, item.display),
    );
  });
  return svg;
}
