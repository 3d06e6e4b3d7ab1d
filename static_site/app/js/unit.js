// A unit's pages: log an activity, its activities (edit, delete, export), its figures.

import { INDICATORS, SUPPRESSION_REASONS } from "../../shared/vocabulary.js";
import { allPages, call, download } from "./api.js";
import { barChart } from "./charts.js";
import { loadMe, today, unitRole } from "./context.js";
import { h, replace } from "./dom.js";
import {
  AGE_BANDS,
  activityForm,
  CATEGORIES,
  deleteActivity,
  GENDERS,
  KINDS,
  newActivityDefaults,
  vocabularyLabel,
} from "./form.js";
import { formatDate, formatMonth, formatNumber, formatPercent, t } from "./i18n.js";
import { ideasOpener, proposalsLink } from "./ideas.js";
import { grainOf, periodBounds, periodOf, shiftPeriod } from "./periods.js";
import { announce, explainError, failurePage, loading, notice, pageHeading, problemText } from "./ui.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export { INDICATORS } from "../../shared/vocabulary.js";

/** Load the unit and check the caller's role in it; null (page already shows why) if refused. */
export async function openUnit(main, unitId) {
  let unit;
  let me;
  try {
    [me, unit] = await Promise.all([loadMe(), call("GET", `/units/${encodeURIComponent(unitId)}`)]);
  } catch (error) {
    replace(main, ...failurePage(error, t("unit.refused")));
    return null;
  }
  const role = unitRole(me, unit);
  if (!role) {
    replace(main, ...failurePage({ status: 403 }, t("unit.refused")));
    return null;
  }
  const membership = me.memberships.find((m) => m.org_id === unit.org_id);
  return { unit, role, me, orgName: membership ? membership.org_name : "" };
}

function unitNav(unit, active) {
  const base = `#/units/${encodeURIComponent(unit.id)}`;
  const link = (href, key, name) => h("a", { href, "aria-current": active === name ? "page" : null }, t(key));
  return h(
    "nav",
    { className: "tabs", "aria-label": t("unit.nav") },
    link(base, "nav.log", "log"),
    link(`${base}/activities`, "nav.activities", "activities"),
    link(`${base}/figures`, "nav.figures", "figures"),
    link(`${base}/surveys`, "nav.surveys", "surveys"),
  );
}

export function unitHeader(ctx, heading, active) {
  return [
    h(
      "p",
      { className: "crumbs" },
      h("a", { href: "#/" }, t("nav.home")),
      " › ",
      ctx.orgName ? `${ctx.orgName} › ` : "",
      ctx.unit.name,
    ),
    pageHeading(heading),
    unitNav(ctx.unit, active),
  ];
}

async function goalsAndQuestions(unit) {
  const org = encodeURIComponent(unit.org_id);
  const [goals, questions, vocabulary] = await Promise.all([
    call("GET", `/orgs/${org}/goals`),
    call("GET", `/orgs/${org}/reflection-questions`),
    // The organisation's own words; without them the form offers the core ones.
    call("GET", `/orgs/${org}/vocabulary`).catch(() => null),
  ]);
  return {
    goals: goals.items.filter((g) => g.active && (!g.unit_ids?.length || g.unit_ids.includes(unit.id))),
    questions: questions.items.filter((q) => q.active),
    vocabulary,
  };
}

/** A plan's state: "upcoming", or "overdue" once its date has passed unlogged. */
export function planState(activity, day = today()) {
  if (activity.status !== "planned") return null;
  return activity.date < day ? "overdue" : "upcoming";
}

function planBadge(activity) {
  const state = planState(activity);
  if (!state) return null;
  return h(
    "span",
    { className: `badge plan-${state}` },
    t(state === "overdue" ? "plan.notYetLogged" : "plan.upcoming"),
  );
}

function completeLink(unitId, activity) {
  return h(
    "a",
    {
      className: "button primary",
      href: `#/units/${encodeURIComponent(unitId)}/activities/${encodeURIComponent(activity.id)}?complete=1`,
      "aria-label": `${t("plan.complete")}: ${activity.title}`,
    },
    t("plan.complete"),
  );
}

/** The unit's planned sessions, soonest first: upcoming, and those not yet logged. */
async function upcomingSection(unitId) {
  const section = h(
    "section",
    { className: "upcoming", "aria-labelledby": "upcoming-title" },
    h("h2", { id: "upcoming-title" }, t("plan.title")),
  );
  try {
    const plans = (await allPages(`/units/${encodeURIComponent(unitId)}/activities?status=planned`)).sort((a, b) =>
      (a.date + (a.start_time || "")).localeCompare(b.date + (b.start_time || "")),
    );
    section.append(
      plans.length
        ? h(
            "ul",
            { className: "plan-list" },
            plans.map((plan) =>
              h(
                "li",
                {},
                h("strong", {}, plan.title),
                " ",
                h(
                  "span",
                  { className: "meta" },
                  h("time", { datetime: plan.date }, formatDate(plan.date)),
                  plan.start_time ? ` ${plan.start_time}` : "",
                  " · ",
                  kindLabel(plan.kind),
                ),
                " ",
                planBadge(plan),
                " ",
                completeLink(unitId, plan),
              ),
            ),
          )
        : h("p", { className: "hint" }, t("plan.none")),
    );
  } catch (error) {
    section.append(notice("error", h("p", {}, explainError(error))));
  }
  return section;
}

let kindLabels = {};
function kindLabel(kind) {
  return kindLabels[kind] || t(`kind.${kind}`);
}

// ------------------------------------------------------------------ log an activity
export async function logPage(main, unitId) {
  replace(main, loading());
  const ctx = await openUnit(main, unitId);
  if (!ctx) return;
  let goals;
  let questions;
  let last;
  let extras;
  try {
    [extras, last] = await Promise.all([
      goalsAndQuestions(ctx.unit),
      // A few, not one: a partner's page is filtered to its own after reading.
      call("GET", `/units/${encodeURIComponent(unitId)}/activities?limit=10`),
    ]);
  } catch (error) {
    replace(main, ...failurePage(error));
    return;
  }
  ({ goals, questions } = extras);
  // A new activity starts from the last one logged, not from a plan.
  last = { items: last.items.filter((item) => item.status !== "planned") };
  const savedBox = h("div", { className: "saved-box" });
  const holder = h("div");
  const upcoming = h("div");
  const vocabulary = extras.vocabulary;
  rememberKindLabels(vocabulary);
  replace(main, ...unitHeader(ctx, t("log.title", { unit: ctx.unit.name }), "log"), savedBox, holder, upcoming);
  const refreshUpcoming = async () => replace(upcoming, await upcomingSection(unitId));
  refreshUpcoming();
  const render = (previous, justSaved = false) => {
    activityForm(holder, {
      unit: ctx.unit,
      goals,
      questions,
      vocabulary,
      defaults: newActivityDefaults(previous),
      justSaved,
      onSaved: (saved) => {
        refreshUpcoming();
        replace(
          savedBox,
          notice(
            "success",
            h(
              "p",
              {},
              t(saved.status === "planned" ? "log.planned" : "log.saved", {
                title: saved.title,
                date: formatDate(saved.date),
              }),
            ),
            h(
              "p",
              {},
              h(
                "a",
                { href: `#/units/${encodeURIComponent(unitId)}/activities/${encodeURIComponent(saved.id)}` },
                t("log.editSaved"),
              ),
              " · ",
              h("a", { href: `#/units/${encodeURIComponent(unitId)}/activities` }, t("nav.activities")),
            ),
          ),
        );
        render(saved, true);
        savedBox.querySelector(".notice").setAttribute("tabindex", "-1");
        savedBox.querySelector(".notice").focus();
      },
      onQueued: (values) => {
        replace(
          savedBox,
          notice(
            "info",
            h("p", {}, t("outbox.savedOnDevice", { title: values.title, date: formatDate(values.date) })),
            h("p", {}, h("a", { href: "#/outbox" }, t("outbox.see"))),
          ),
        );
        render(values, false);
        savedBox.querySelector(".notice").setAttribute("tabindex", "-1");
        savedBox.querySelector(".notice").focus();
      },
    });
  };
  render(last.items[0]);
}

// ------------------------------------------------------------------ edit
function rememberKindLabels(vocabulary) {
  if (vocabulary) kindLabels = Object.fromEntries(vocabulary.kinds.map((k) => [k.id, vocabularyLabel(k)]));
}

export async function editPage(main, unitId, activityId, { complete = false } = {}) {
  replace(main, loading());
  const ctx = await openUnit(main, unitId);
  if (!ctx) return;
  let activity;
  let extras;
  try {
    [activity, extras] = await Promise.all([
      call("GET", `/units/${encodeURIComponent(unitId)}/activities/${encodeURIComponent(activityId)}`),
      goalsAndQuestions(ctx.unit),
    ]);
  } catch (error) {
    replace(main, ...unitHeader(ctx, t("edit.title"), null), ...failurePage(error).slice(1));
    return;
  }
  const holder = h("div");
  const savedBox = h("div");
  complete = complete && activity.status === "planned";
  const heading = complete
    ? t("plan.completeTitle", { title: activity.title })
    : t("edit.titleOf", { title: activity.title });
  replace(main, ...unitHeader(ctx, heading, null), savedBox, holder);
  activityForm(holder, {
    unit: ctx.unit,
    ...extras,
    activity,
    complete,
    onSaved: (saved) => {
      replace(savedBox, notice("success", h("p", {}, t("edit.saved", { title: saved.title }))));
    },
    onQueued: (values) => {
      replace(
        savedBox,
        notice(
          "info",
          h("p", {}, t("outbox.changesOnDevice", { title: values.title })),
          h("p", {}, h("a", { href: "#/outbox" }, t("outbox.see"))),
        ),
      );
    },
    onDeleted: (queued) => {
      window.location.hash = queued ? "#/outbox" : `#/units/${encodeURIComponent(unitId)}/activities`;
    },
  });
}

// ------------------------------------------------------------------ list
export async function listPage(main, unitId) {
  replace(main, loading());
  const ctx = await openUnit(main, unitId);
  if (!ctx) return;
  const list = h("ol", { className: "activity-list", reversed: true });
  const more = h("div", { className: "more" });
  const problems = h("div");
  const year = String(new Date().getFullYear());
  const exportRow = h(
    "div",
    { className: "button-row" },
    h("span", {}, t("list.export", { year })),
    h("button", { type: "button", onclick: () => exportFile("csv") }, "CSV"),
    h("button", { type: "button", onclick: () => exportFile("xlsx") }, "XLSX"),
    h("a", { className: "button", href: `#/units/${encodeURIComponent(unitId)}/import` }, t("list.import")),
  );
  async function exportFile(format) {
    try {
      await download(
        `/units/${encodeURIComponent(unitId)}/activity-export?format=${format}&period=${year}`,
        `activities-${year}.${format}`,
        format === "xlsx" ? XLSX : "text/csv",
      );
    } catch (error) {
      replace(problems, notice("error", h("p", {}, explainError(error))));
    }
  }
  replace(main, ...unitHeader(ctx, t("list.title"), "activities"), problems, exportRow, list, more);

  function item(activity) {
    const total = GENDERS.reduce((sum, g) => sum + (activity.participants[g] || 0), 0);
    const li = h(
      "li",
      {},
      h(
        "article",
        { className: "activity" },
        h(
          "h2",
          {},
          h(
            "a",
            { href: `#/units/${encodeURIComponent(unitId)}/activities/${encodeURIComponent(activity.id)}` },
            activity.title,
          ),
        ),
        h(
          "p",
          { className: "meta" },
          h("time", { datetime: activity.date }, formatDate(activity.date)),
          activity.start_time ? ` ${activity.start_time}` : "",
          " · ",
          kindLabel(activity.kind),
          activity.status === "planned" ? "" : ` · ${t("list.participants", { n: formatNumber(total), count: total })}`,
          activity.youth_led ? ` · ${t("list.youthLed")}` : "",
          " ",
          planBadge(activity),
        ),
        h(
          "div",
          { className: "button-row" },
          activity.status === "planned" ? completeLink(unitId, activity) : null,
          h(
            "a",
            {
              className: "button",
              href: `#/units/${encodeURIComponent(unitId)}/activities/${encodeURIComponent(activity.id)}`,
              "aria-label": `${t("list.edit")}: ${activity.title}`,
            },
            t("list.edit"),
          ),
          h(
            "button",
            {
              type: "button",
              className: "danger",
              onclick: () => remove(activity, li),
              "aria-label": `${t("form.delete")}: ${activity.title}`,
            },
            t("form.delete"),
          ),
        ),
      ),
    );
    return li;
  }

  async function remove(activity, li) {
    if (!window.confirm(t("form.confirmDelete", { title: activity.title }))) return;
    try {
      const outcome = await deleteActivity(unitId, activity.id, activity.title);
      li.remove();
      announce(outcome === "queued" ? t("outbox.deleteKept") : t("list.deleted"));
      replace(
        problems,
        outcome === "queued"
          ? notice(
              "info",
              h("p", {}, t("outbox.deleteKeptTitle", { title: activity.title })),
              h("p", {}, h("a", { href: "#/outbox" }, t("outbox.see"))),
            )
          : notice("success", h("p", {}, t("list.deletedTitle", { title: activity.title }))),
      );
    } catch (error) {
      replace(problems, notice("error", h("p", {}, explainError(error))));
    }
  }

  async function page(cursor, shownBefore = 0) {
    replace(more, loading());
    try {
      const answer = await call(
        "GET",
        `/units/${encodeURIComponent(unitId)}/activities?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      list.append(...answer.items.map(item));
      // A partner's list is filtered after the page is read, so a page can be empty
      // while older ones are not: keep reading until something shows or the end.
      if (!answer.items.length && answer.next) return page(answer.next, shownBefore);
      if (!shownBefore && !answer.items.length)
        replace(
          more,
          h("p", {}, t("list.empty"), " ", h("a", { href: `#/units/${encodeURIComponent(unitId)}` }, t("nav.log"))),
        );
      else
        replace(
          more,
          answer.next
            ? h(
                "button",
                { type: "button", onclick: () => page(answer.next, shownBefore + answer.items.length) },
                t("list.more"),
              )
            : null,
        );
    } catch (error) {
      replace(more, notice("error", h("p", {}, explainError(error))));
    }
  }
  await page(null);
}

// ------------------------------------------------------------------ figures
export { grainOf, periodBounds, periodOf, shiftPeriod };

export function periodLabel(period) {
  const [yearText, part] = period.split("-");
  if (!part) return yearText;
  if (part.startsWith("Q")) return t("period.quarterOf", { q: part.slice(1), year: yearText });
  return formatMonth(Number(yearText), Number(part));
}

/** Period buttons: this month / quarter / year, and back/forward. */
export function periodPicker(period, go) {
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

function dataTable(caption, headers, rows) {
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

function chartWithTable(caption, rows, format) {
  // A suppressed count (null) is drawn as no bar and said plainly in the table, never as 0.
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
    barChart(
      rows.map(([label, value]) => [label, value ?? 0]),
      { title: caption, format },
    ),
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
    dataTable(t(`fig.groups.${by}`), [t("fig.indicator"), ...keys.map((group) => t(`${label}.${group}`))], rows),
  );
}

/** The choice of grouping and its table, read when chosen (one more public read). */
function groupsSection(scope, period) {
  const output = h("div", { "aria-live": "polite" });
  const select = h(
    "select",
    { id: "fig-by", name: "by" },
    ["none", ...Object.keys(GROUPINGS)].map((by) => h("option", { value: by }, t(`fig.groups.${by}`))),
  );
  select.addEventListener("change", async () => {
    const by = select.value;
    if (by === "none") {
      replace(output);
      return;
    }
    replace(output, loading());
    try {
      const stats = await fetchStats(scope, period, by);
      if (select.value === by) replace(output, renderGroups(stats, by));
    } catch (error) {
      if (select.value === by) replace(output, statsUnavailable(error));
    }
  });
  return h(
    "section",
    { "aria-labelledby": "survey-groups" },
    h("h2", { id: "survey-groups" }, t("fig.groups")),
    h("p", {}, h("label", { htmlFor: "fig-by" }, t("fig.groups.choice")), " ", select),
    output,
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
    [t("fig.activities"), formatNumber(a.count)],
    [t("fig.hours"), formatNumber(a.hours, { maximumFractionDigits: 1 })],
    [t("fig.visits"), countOrHidden(p.visits)],
    [t("fig.youthLedShare"), formatPercent(a.youth_led_share || 0)],
    [t("fig.new"), formatNumber(p.new)],
    [t("fig.volunteers"), formatNumber(p.volunteers)],
    [t("fig.youthLeaders"), formatNumber(p.youth_leaders)],
    [t("fig.responses"), formatNumber(stats.responses || 0)],
  ];
  if (p.checkins) keyFigures.push([t("fig.checkins"), formatNumber(p.checkins)]);
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
        t("fig.byGender"),
        GENDERS.map((g) => [t(`gender.${g}`), p[g] === null ? null : p[g] || 0]),
      ),
      chartWithTable(
        t("fig.byAge"),
        AGE_BANDS.map((b) => [t(`age.${b}`), p.age_bands?.[b] === null ? null : p.age_bands?.[b] || 0]),
      ),
      chartWithTable(
        t("fig.byKind"),
        KINDS.map((k) => [t(`kind.${k}`), a.by_kind?.[k] || 0]),
      ),
      chartWithTable(
        t("fig.byCategory"),
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
            [t("fig.indicator"), "n", t("fig.mean"), t("fig.ci95"), t("fig.agree")],
            indicatorRows,
          )
        : h("p", {}, t("fig.noResponses")),
    ),
  ];
}

/** How the unit's goals were rated in the period, from its activities (client-side). */
export function goalRatings(goals, activities) {
  return goals.map((goal) => {
    const ratings = activities.map((a) => a.goal_ratings?.[goal.id]).filter((r) => Number.isInteger(r));
    const mean = ratings.length ? ratings.reduce((s, r) => s + r, 0) / ratings.length : null;
    return { goal, count: ratings.length, mean };
  });
}

export async function figuresPage(main, unitId, period) {
  replace(main, loading());
  const ctx = await openUnit(main, unitId);
  if (!ctx) return;
  period = period || periodOf(new Date(), "month");
  const go = (next) => {
    window.location.hash = `#/units/${encodeURIComponent(unitId)}/figures?period=${next}`;
  };
  const body = h("div", { "aria-live": "polite", "aria-busy": "true" }, loading());
  replace(main, ...unitHeader(ctx, t("fig.title", { unit: ctx.unit.name }), "figures"), periodPicker(period, go), body);
  const [from, to] = periodBounds(period);
  const [statsResult, goalsResult] = await Promise.allSettled([
    fetchStats(`unit:${unitId}`, period),
    Promise.all([
      goalsAndQuestions(ctx.unit),
      allPages(`/units/${encodeURIComponent(unitId)}/activities?from=${from}&to=${to}`),
    ]),
  ]);
  const parts = [];
  if (statsResult.status === "fulfilled") {
    parts.push(...renderStats(statsResult.value));
    parts.push(groupsSection(`unit:${unitId}`, period));
    if (statsResult.value.updated_at)
      parts.push(
        h(
          "p",
          { className: "hint" },
          t("fig.updated", { when: new Date(statsResult.value.updated_at).toLocaleString() }),
        ),
      );
  } else {
    parts.push(statsUnavailable(statsResult.reason));
  }
  if (goalsResult.status === "fulfilled") {
    const [{ goals }, activities] = goalsResult.value;
    const rated = goalRatings(goals, activities);
    parts.push(
      h(
        "section",
        { "aria-labelledby": "goal-ratings" },
        h("h2", { id: "goal-ratings" }, t("fig.goals")),
        ctx.role === "partner" ? h("p", { className: "hint" }, t("fig.goals.partner")) : null,
        rated.length
          ? [
              h(
                "figure",
                { className: "figure" },
                h("figcaption", {}, t("fig.goalsChart")),
                barChart(
                  rated.map((r) => [r.goal.title, r.mean ?? 0]),
                  {
                    title: t("fig.goalsChart"),
                    max: 5,
                    format: (v) => (v ? formatNumber(v, { maximumFractionDigits: 1, minimumFractionDigits: 1 }) : "–"),
                  },
                ),
              ),
              dataTable(
                t("fig.goals"),
                [t("fig.goal"), t("fig.timesRated"), t("fig.meanRating")],
                rated.map((r) => [
                  r.goal.title,
                  formatNumber(r.count),
                  r.mean === null ? "–" : formatNumber(r.mean, { maximumFractionDigits: 1, minimumFractionDigits: 1 }),
                ]),
              ),
            ]
          : h("p", {}, t("fig.noGoals")),
      ),
    );
  } else {
    parts.push(notice("error", h("p", {}, explainError(goalsResult.reason))));
  }
  body.setAttribute("aria-busy", "false");
  replace(body, ...parts);
}

// ------------------------------------------------------------------ surveys (QR points)
/** A template's title in the user's language, else English, else any. */
function templateTitle(template, language) {
  const titles = template.title || {};
  return titles[language] || titles.en || Object.values(titles)[0] || template.id;
}

/**
 * The unit's QR points: open a survey or a check-in, print its poster, close it.
 * The survey page itself (`/s/?c=CODE`) and the poster are the survey feature's.
 */
export async function surveysPage(main, unitId) {
  replace(main, loading());
  const ctx = await openUnit(main, unitId);
  if (!ctx) return;
  const base = `/units/${encodeURIComponent(unitId)}/collections`;
  const banner = h("div");
  const list = h("ul", { className: "admin-list collections" });
  let templates = [];
  try {
    templates = (await call("GET", "/survey-templates")).items.filter(
      (tpl) => tpl.builtin || tpl.org_id === ctx.unit.org_id,
    );
  } catch (error) {
    replace(banner, notice("error", h("p", {}, explainError(error))));
  }
  const language = document.documentElement.lang;
  const select = h(
    "select",
    { id: "template", name: "template_id" },
    templates.map((tpl) => h("option", { value: tpl.id }, templateTitle(tpl, language))),
  );
  const open = async (body) => {
    try {
      await call("POST", base, body);
      announce(t("surveys.opened"));
      await refresh();
    } catch (error) {
      replace(
        banner,
        notice(
          "error",
          h("p", {}, explainError(error)),
          (error.errors || []).map((e) => h("p", {}, t("err.generic", { problem: `${e.field}: ${problemText(e)}` }))),
        ),
      );
    }
  };
  const form = h(
    "form",
    { className: "inline-form" },
    h("div", { className: "field" }, h("label", { htmlFor: "template" }, t("surveys.template")), select),
    h(
      "div",
      { className: "button-row" },
      h("button", { type: "submit", className: "primary" }, t("surveys.openSurvey")),
      h("button", { type: "button", onclick: () => open({ kind: "checkin" }) }, t("surveys.openCheckin")),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    open({ kind: "survey", template_id: select.value });
  });

  function item(collection) {
    const kind = { checkin: t("surveys.checkin"), ideas: t("ideas.kind") }[collection.kind] || t("surveys.survey");
    const template = templates.find((tpl) => tpl.id === collection.template_id);
    const name = template
      ? `${kind}: ${templateTitle(template, language)}`
      : collection.prompt
        ? `${kind}: ${collection.prompt}`
        : kind;
    return h(
      "li",
      {},
      h("h3", {}, name, " ", h("code", {}, collection.code)),
      h(
        "p",
        { className: "meta" },
        t(`surveys.status.${collection.status}`),
        " · ",
        t("surveys.received", { n: formatNumber(collection.received) }),
        " · ",
        h("time", { datetime: collection.created_at }, formatDate(collection.created_at.slice(0, 10))),
      ),
      h(
        "div",
        { className: "button-row" },
        h(
          "a",
          {
            className: "button",
            href: collection.url,
            target: "_blank",
            rel: "noopener",
            "aria-label": `${t("surveys.page")}: ${collection.code}`,
          },
          t("surveys.page"),
        ),
        h(
          "a",
          {
            className: "button",
            href: collection.poster_url,
            target: "_blank",
            rel: "noopener",
            "aria-label": `${t("surveys.poster")}: ${collection.code}`,
          },
          t("surveys.poster"),
        ),
        collection.kind === "ideas" ? proposalsLink(unitId, collection) : null,
        collection.status !== "closed"
          ? h(
              "button",
              {
                type: "button",
                className: "danger",
                "aria-label": `${t("surveys.close")}: ${collection.code}`,
                onclick: async () => {
                  try {
                    await call("POST", `${base}/${encodeURIComponent(collection.code)}/close`);
                    announce(t("surveys.closed"));
                    await refresh();
                  } catch (error) {
                    replace(banner, notice("error", h("p", {}, explainError(error))));
                  }
                },
              },
              t("surveys.close"),
            )
          : null,
      ),
    );
  }

  async function refresh() {
    try {
      const answer = await call("GET", base);
      replace(list, answer.items.length ? answer.items.map(item) : h("li", {}, t("surveys.none")));
    } catch (error) {
      replace(banner, notice("error", h("p", {}, explainError(error))));
    }
  }
  replace(
    main,
    ...unitHeader(ctx, t("surveys.title", { unit: ctx.unit.name }), "surveys"),
    h("p", { className: "hint" }, t("surveys.hint")),
    banner,
    form,
    ideasOpener(open),
    h("h2", {}, t("surveys.points")),
    list,
  );
  await refresh();
}
