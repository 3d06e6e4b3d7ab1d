// A unit's figures for a period: its published statistics (figures-view.js), survey
// results by group when asked, and how its goals were rated in its activities.

import { barChart } from "../../shared/charts.js";
import { h, replace } from "../../shared/dom.js";
import { periodBounds, periodOf } from "../../shared/periods.js";
import { allPages } from "./api.js";
import {
  chartWidth,
  dataTable,
  fetchStats,
  GROUPINGS,
  periodPicker,
  renderGroups,
  renderStats,
  statsUnavailable,
} from "./figures-view.js";
import { formatNumber, t } from "./i18n.js";
import { explainError, loading, notice } from "./ui.js";
import { goalsAndQuestions, openUnit, unitHeader } from "./unit-context.js";

/** The choice of grouping and its table, read when chosen (one more public read). */
function groupsSection(scope, period) {
  const output = h("div", { "aria-live": "polite" });
  const select = h(
    "select",
    { id: "fig-by", name: "by" },
    ["none", ...Object.keys(GROUPINGS)].map((by) => h("option", { value: by }, t(`by.${by}`))),
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
    h("h2", { id: "survey-groups" }, t("by")),
    h("p", {}, h("label", { htmlFor: "fig-by" }, t("fig.groups.choice")), " ", select),
    output,
  );
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
                  rated.map((r) => ({
                    label: r.goal.title,
                    value: r.mean,
                    display:
                      r.mean === null
                        ? "–"
                        : formatNumber(r.mean, { maximumFractionDigits: 1, minimumFractionDigits: 1 }),
                  })),
                  { title: t("fig.goalsChart"), max: 5, width: chartWidth() },
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
