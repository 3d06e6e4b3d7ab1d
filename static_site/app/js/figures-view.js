// Figures in the worker app: the period picker, reading /public/stats (fresh, and kept
// for offline use by api.js), the key figures, charts with their tables, and survey
// results by group. Used by a unit's figures (unit-figures.js), the organisation's
// units side by side (admin.js) and a network's figures (networks.js). The charts are
// the pages' shared ones (static_site/shared/charts.js).

import { barChart } from "../../shared/charts.js";
import { h } from "../../shared/dom.js";
import { grainOf, periodOf, shiftPeriod } from "../../shared/periods.js";
import { INDICATORS, SUPPRESSION_REASONS } from "../../shared/vocabulary.js";
import { call } from "./api.js";
import { AGE_BANDS, CATEGORIES, GENDERS, KINDS } from "./form.js";
import { formatMonth, formatNumber, formatPercent, t } from "./i18n.js";
import { explainError, notice } from "./ui.js";

export { INDICATORS } from "../../shared/vocabulary.js";

export function periodLabel(period) {
  const [yearText, part] = period.split("-");
  if (!part) return yearText;
  if (part.startsWith("Q")) return t("period.quarterOf", { q: part.slice(1), year: yearText });
  return formatMonth(Number(yearText), Number(part));
}

/** Period buttons: this month / quarter / year, and back/forward. */
export function periodPicker(period, navigate) {
  // Choosing the period on screen again reads the figures again (the address is the
  // same, so the browser sends no hashchange: send it, as a refresh).
  const go = (next) => {
    const before = window.location.hash;
    navigate(next);
    if (window.location.hash === before) window.dispatchEvent(new HashChangeEvent("hashchange"));
  };
  const grain = grainOf(period);
  const now = new Date();
  return h(
    "div",
    { className: "period-picker" },
    h(
      "div",
      { className: "button-row", role: "group", "aria-label": t("period.choose") },
      ["month", "quarter", "year"].map((g) =>
        h(
          "button",
          {
            type: "button",
            "aria-pressed": grain === g ? "true" : "false",
            onclick: () => go(periodOf(now, g)),
          },
          t(`period.this.${g}`),
        ),
      ),
    ),
    h(
      "div",
      { className: "button-row period-step" },
      h(
        "button",
        { type: "button", onclick: () => go(shiftPeriod(period, -1)), "aria-label": t("period.previous") },
        "‹",
      ),
      h("strong", { className: "period-label" }, periodLabel(period)),
      h("button", { type: "button", onclick: () => go(shiftPeriod(period, 1)), "aria-label": t("period.next") }, "›"),
    ),
  );
}

export function dataTable(caption, headers, rows) {
  return h(
    "table",
    {},
    h("caption", {}, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((text, i) => h("th", { scope: "col", className: i ? "num" : null }, text)),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((cells) =>
        h(
          "tr",
          {},
          cells.map((cell, i) => (i ? h("td", { className: "num" }, cell) : h("th", { scope: "row" }, cell))),
        ),
      ),
    ),
  );
}

/** The width the app's charts are drawn at: the page's column, at most 32rem (app.css). */
export function chartWidth() {
  return Math.min(512, document.querySelector("main")?.clientWidth || 512);
}

/** Bars of [label, value] rows; a suppressed count (null) is no bar and said plainly, never 0. */
export function barItems(rows, format = (value) => formatNumber(value)) {
  return rows.map(([label, value]) => ({ label, value, display: value === null ? t("fig.hidden") : format(value) }));
}

function chartWithTable(caption, rows, format) {
  const shown = (value) =>
    value === null
      ? h("span", { className: "suppressed" }, t("fig.hidden"))
      : format
        ? format(value)
        : formatNumber(value);
  return h(
    "figure",
    { className: "figure" },
    h("figcaption", {}, caption),
    barChart(barItems(rows, format), { title: caption, width: chartWidth() }),
    dataTable(
      caption,
      [t("fig.what"), t("fig.value")],
      rows.map(([label, value]) => [label, shown(value)]),
    ),
  );
}

/** Why the statistics are missing; a refused cross-origin call looks like "offline" to fetch. */
export function statsUnavailable(error) {
  const reallyOffline = error && error.status === 0 && !navigator.onLine;
  const detail = error && error.status !== 0 ? explainError(error) : reallyOffline ? t("error.offline") : null;
  return notice("error", h("p", {}, t("fig.unavailable")), detail ? h("p", { className: "hint" }, detail) : null);
}

/** Stats for a scope and period from /public/stats (with ``by``: each group's survey
 * figures too), or an Error explaining why not. */
export async function fetchStats(scope, period, by = null) {
  const grouping = by ? `&by=${encodeURIComponent(by)}` : "";
  // The worker's own figures right after a save: never the browser's cached minute-old copy.
  return call(
    "GET",
    `/public/stats?scope=${encodeURIComponent(scope)}&period=${encodeURIComponent(period)}${grouping}`,
    undefined,
    { auth: false, cache: "no-cache" },
  );
}

// Survey results by group (/public/stats?by=), under the same disclosure control.
export const GROUPINGS = {
  gender: { label: "gender", groups: [...GENDERS, "not_answered"] },
  age_band: { label: "age", groups: [...AGE_BANDS, "not_answered"] },
};

/** One table of each indicator per group; a suppressed group says so and why. */
export function renderGroups(stats, by) {
  const { label, groups } = GROUPINGS[by];
  const keys = groups.filter((group) => stats.groups && group in stats.groups);
  const published = (group) => stats.groups[group].indicators || {};
  const names = [
    ...INDICATORS,
    ...Object.keys(stats.indicators || {})
      .filter((name) => !INDICATORS.includes(name))
      .sort(),
  ].filter((name) =>
    keys.some((group) => published(group)[name]?.reason !== "no_respondents" && name in published(group)),
  );
  if (!names.length) return h("p", {}, t("fig.noResponses"));
  const indicatorLabel = (name) => (INDICATORS.includes(name) ? t(`indicator.${name}`) : name.replace(/_/g, " "));
  const rows = names.map((name) => [
    indicatorLabel(name),
    ...keys.map((group) => {
      const figure = published(group)[name] || { suppressed: true, reason: "no_respondents" };
      if (figure.suppressed) {
        return figure.reason === "no_respondents"
          ? "–"
          : h(
              "span",
              { className: "suppressed", title: suppressionReason(figure.reason) },
              t("fig.suppressed", { reason: suppressionReason(figure.reason) }),
            );
      }
      return `${formatNumber(figure.mean, { maximumFractionDigits: 1, minimumFractionDigits: 1 })} (${formatNumber(figure.n)})`;
    }),
  ]);
  return h(
    "div",
    {},
    h("p", { className: "hint" }, t("fig.groups.note")),
    dataTable(t(`by.${by}`), [t("col.indicator"), ...keys.map((group) => t(`${label}.${group}`))], rows),
  );
}

/** The API's suppression reason code in the user's language (a code we do not know: as given). */
function suppressionReason(reason) {
  return SUPPRESSION_REASONS.includes(reason) ? t(`reason.${reason}`) : reason || "";
}

/** A count as published: a number, or "not shown" when the publication layer suppressed it. */
function countOrHidden(value) {
  return value === null ? t("fig.hidden") : formatNumber(value || 0);
}

export function renderStats(stats) {
  const a = stats.activities;
  const p = stats.participation;
  const keyFigures = [
    [t("m.activities"), formatNumber(a.count)],
    [t("m.hours"), formatNumber(a.hours, { maximumFractionDigits: 1 })],
    [t("m.visits"), countOrHidden(p.visits)],
    [t("fig.youthLedShare"), formatPercent(a.youth_led_share || 0)],
    [t("m.new"), formatNumber(p.new)],
    [t("m.volunteers"), formatNumber(p.volunteers)],
    [t("m.youth_leaders"), formatNumber(p.youth_leaders)],
    [t("m.responses"), formatNumber(stats.responses || 0)],
  ];
  if (p.checkins) keyFigures.push([t("m.checkins"), formatNumber(p.checkins)]);
  const published = stats.indicators || {};
  // The default framework first, in its order; an organisation's own indicators after.
  const names = [
    ...INDICATORS.filter((name) => name in published),
    ...Object.keys(published)
      .filter((name) => !INDICATORS.includes(name))
      .sort(),
  ];
  const label = (name) => (INDICATORS.includes(name) ? t(`indicator.${name}`) : name.replace(/_/g, " "));
  const indicatorRows = names.map((name) => {
    const figure = published[name];
    if (figure.suppressed) {
      return [
        label(name),
        "–",
        h("span", { className: "suppressed" }, t("fig.suppressed", { reason: suppressionReason(figure.reason) })),
        "–",
        "–",
      ];
    }
    return [
      label(name),
      formatNumber(figure.n),
      formatNumber(figure.mean, { maximumFractionDigits: 1, minimumFractionDigits: 1 }),
      figure.ci95
        ? `${formatNumber(figure.ci95[0], { maximumFractionDigits: 1 })}–${formatNumber(figure.ci95[1], { maximumFractionDigits: 1 })}`
        : "–",
      formatPercent(figure.agree_share || 0),
    ];
  });
  return [
    h(
      "section",
      { "aria-labelledby": "key-figures" },
      h("h2", { id: "key-figures" }, t("fig.keyFigures")),
      h(
        "dl",
        { className: "key-figures" },
        keyFigures.map(([label, value]) => h("div", {}, h("dt", {}, label), h("dd", {}, value))),
      ),
    ),
    h(
      "section",
      { className: "charts", "aria-labelledby": "who-came" },
      h("h2", { id: "who-came" }, t("fig.whoCame")),
      chartWithTable(
        t("h.gender"),
        GENDERS.map((g) => [t(`gender.${g}`), p[g] === null ? null : p[g] || 0]),
      ),
      chartWithTable(
        t("fig.byAge"),
        AGE_BANDS.map((b) => [t(`age.${b}`), p.age_bands?.[b] === null ? null : p.age_bands?.[b] || 0]),
      ),
      chartWithTable(
        t("h.kind"),
        KINDS.map((k) => [t(`kind.${k}`), a.by_kind?.[k] || 0]),
      ),
      chartWithTable(
        t("h.category"),
        CATEGORIES.map((c) => [t(`category.${c}`), a.by_category?.[c] || 0]),
      ),
    ),
    h(
      "section",
      { "aria-labelledby": "survey" },
      h("h2", { id: "survey" }, t("fig.survey")),
      indicatorRows.length
        ? dataTable(
            t("fig.indicators"),
            [t("col.indicator"), "n", t("fig.mean"), t("fig.ci95"), t("col.agree")],
            indicatorRows,
          )
        : h("p", {}, t("fig.noResponses")),
    ),
  ];
}
