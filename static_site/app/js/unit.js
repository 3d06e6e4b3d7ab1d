// A unit's activities: log one, edit one, and the list (edit, delete, export). Its
// figures are unit-figures.js, its QR points unit-surveys.js.

import { h, replace } from "../../shared/dom.js";
import { allPages, call, download } from "./api.js";
import { activityForm, deleteActivity, GENDERS, newActivityDefaults } from "./form.js";
import { formatDate, formatNumber, t } from "./i18n.js";
import { announce, explainError, failurePage, loading, notice } from "./ui.js";
import {
  completeLink,
  goalsAndQuestions,
  kindLabel,
  openUnit,
  planBadge,
  rememberKindLabels,
  unitHeader,
} from "./unit-context.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

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
