// Hand-drawn SVG charts. A chart library would be the largest file on the page;
// these three shapes (bars, columns, mean with confidence interval) need ~150 lines.
// Every chart is aria-hidden: the table beside it carries the same numbers for
// screen readers and keyboard users, so nothing is said twice.

const SVG = "http://www.w3.org/2000/svg";
const ROW = 26;
// Charts are drawn at the width they are shown at (up to 640 px), so that their text
// stays the size of the page's text on a phone as on a desktop.
let WIDTH = 640;
let LABEL_WIDTH = 210;
let VALUE_WIDTH = 86;
let MAX_LABEL = 30;

/** Draw the next charts for a box ``pixels`` wide. */
export function setChartWidth(pixels) {
  WIDTH = Math.round(Math.max(280, Math.min(640, pixels || 640)));
  LABEL_WIDTH = Math.round(WIDTH * (WIDTH < 480 ? 0.4 : 0.33));
  VALUE_WIDTH = WIDTH < 480 ? 56 : 86;
  // About 8 px per character of 14 px text; longer labels end in "…" (full in the table).
  MAX_LABEL = Math.floor((LABEL_WIDTH - 8) / 8);
}

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function frame(height) {
  return el("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`,
    class: "chart",
    "aria-hidden": "true",
    focusable: "false",
    preserveAspectRatio: "xMinYMin meet",
  });
}

function clip(label) {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
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
 * Horizontal bars: items [{label, value, display, tone?}], optional reference
 * {value, label} drawn as a dashed line (the figure for all, or the organisation).
 */
export function barChart(items, { reference } = {}) {
  const height = items.length * ROW + 8;
  const svg = frame(height);
  const values = items.map((item) => item.value ?? 0);
  if (reference && reference.value != null) values.push(reference.value);
  const max = niceMax(Math.max(0, ...values));
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  items.forEach((item, index) => {
    const y = index * ROW + 4;
    const label = el(
      "text",
      { x: LABEL_WIDTH - 8, y: y + ROW / 2, class: "label", "text-anchor": "end", "dominant-baseline": "middle" },
      clip(item.label),
    );
    label.append(el("title", {}, item.label));
    svg.append(label);
    if (item.value == null) {
      svg.append(
        el(
          "text",
          { x: LABEL_WIDTH + 4, y: y + ROW / 2, class: "value muted", "dominant-baseline": "middle" },
          item.display,
        ),
      );
      return;
    }
    const width = Math.max(item.value > 0 ? 1.5 : 0, (item.value / max) * span);
    svg.append(
      el("rect", { x: LABEL_WIDTH, y: y + 4, width, height: ROW - 8, class: `bar ${item.tone || ""}`.trim(), rx: 2 }),
    );
    svg.append(
      el(
        "text",
        { x: LABEL_WIDTH + width + 6, y: y + ROW / 2, class: "value", "dominant-baseline": "middle" },
        item.display,
      ),
    );
  });
  if (reference && reference.value != null) {
    const x = LABEL_WIDTH + (reference.value / max) * span;
    svg.append(el("line", { x1: x, x2: x, y1: 0, y2: height, class: "reference" }));
  }
  return svg;
}

/** Vertical columns for a time series: items [{label (short tick), value, display}]. */
export function columnChart(items) {
  const height = 220;
  const top = 22;
  const bottom = 28;
  const left = 8;
  const svg = frame(height);
  const max = niceMax(Math.max(0, ...items.map((item) => item.value ?? 0)));
  const slot = (WIDTH - left * 2) / Math.max(1, items.length);
  const barWidth = Math.min(48, slot * 0.7);
  const plot = height - top - bottom;
  svg.append(el("line", { x1: left, x2: WIDTH - left, y1: top + plot, y2: top + plot, class: "axis" }));
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
export function intervalChart(items) {
  const height = items.length * ROW + 30;
  const svg = frame(height);
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const x = (score) => LABEL_WIDTH + ((score - 1) / 4) * span;
  for (let score = 1; score <= 5; score += 1) {
    svg.append(el("line", { x1: x(score), x2: x(score), y1: 0, y2: height - 22, class: "grid" }));
    svg.append(el("text", { x: x(score), y: height - 6, class: "label", "text-anchor": "middle" }, String(score)));
  }
  items.forEach((item, index) => {
    const y = index * ROW + ROW / 2 + 2;
    const label = el(
      "text",
      { x: LABEL_WIDTH - 8, y, class: "label", "text-anchor": "end", "dominant-baseline": "middle" },
      clip(item.label),
    );
    svg.append(label);
    if (item.suppressed || item.mean == null) {
      svg.append(
        el("text", { x: LABEL_WIDTH + 4, y, class: "value muted", "dominant-baseline": "middle" }, item.display),
      );
      return;
    }
    if (item.low != null && item.high != null) {
      svg.append(el("line", { x1: x(item.low), x2: x(item.high), y1: y, y2: y, class: "interval" }));
    }
    svg.append(el("circle", { cx: x(item.mean), cy: y, r: 5, class: "dot" }));
    svg.append(
      el("text", { x: WIDTH - VALUE_WIDTH + 8, y, class: "value", "dominant-baseline": "middle" }, item.display),
    );
  });
  return svg;
}
