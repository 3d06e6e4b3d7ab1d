// Organisation admins: units, members and roles, goals, reflection questions,
// the organisation's export, and all units side by side.

import { barChart } from "../../shared/charts.js";
import { h, replace } from "../../shared/dom.js";
import { periodOf } from "../../shared/periods.js";
import { structureSections } from "./admin-structure.js";
import { call, download, downloadViaLink } from "./api.js";
import { forgetUnits, isOrgAdmin, loadMe, orgUnits } from "./context.js";
import { barItems, fetchStats, periodPicker, statsUnavailable } from "./figures-view.js";
import { formatNumber, formatPercent, t } from "./i18n.js";
import { explainError, failurePage, loading, notice, pageHeading, pendingSection } from "./ui.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
// The evaluation pages (evaluation.js, loaded on demand).
function evaluationTabs(orgId) {
  const base = `#/orgs/${encodeURIComponent(orgId)}`;
  return [
    h("a", { href: `${base}/campaigns` }, t("home.campaigns")),
    h("a", { href: `${base}/targets` }, t("home.targets")),
  ];
}

/**
 * The organisation page. The heading, the tabs and every section's heading come at
 * once; each section fills in when its own calls answer, and a failed call leaves its
 * notice in that section only (a slow or failing call never holds the whole page).
 */
export async function orgPage(main, orgId) {
  replace(main, loading());
  let me;
  try {
    me = await loadMe();
  } catch (error) {
    replace(main, ...failurePage(error, t("admin.refused")));
    return;
  }
  if (!isOrgAdmin(me, orgId)) {
    replace(main, ...failurePage({ status: 403 }, t("admin.refused")));
    return;
  }
  const base = `/orgs/${encodeURIComponent(orgId)}`;
  // Every call starts now, side by side; the sections wait only for what they show.
  const orgAnswer = call("GET", base);
  const unitsAnswer = orgUnits(orgId, true);
  const membersAnswer = call("GET", `${base}/members`);
  const goalsAnswer = call("GET", `${base}/goals`);
  const questionsAnswer = call("GET", `${base}/reflection-questions`);
  const reload = () => {
    forgetUnits(orgId);
    orgPage(main, orgId);
  };
  const page = { base, reload };
  // The set-up lists' code loads with the calls, not with the app's first page.
  const lists = import("./admin-lists.js");
  const withLists = (answer) => Promise.all([lists, answer]);
  const year = String(new Date().getFullYear());
  const exportBanner = h("div");
  const exportFile = async (format) => {
    try {
      await download(
        `${base}/activity-export?format=${format}&period=${year}`,
        `activities-${year}.${format}`,
        format === "xlsx" ? XLSX : "text/csv",
      );
    } catch (error) {
      replace(exportBanner, notice("error", h("p", {}, explainError(error))));
    }
  };

  // Everything of the organisation as a data package (docs/data.md).
  const exportPackage = async () => {
    try {
      // A link, not the file: large packages come from the export bucket (docs/data.md).
      await downloadViaLink(`${base}/export.zip?link=1`);
    } catch (error) {
      replace(exportBanner, notice("error", h("p", {}, explainError(error))));
    }
  };

  // The heading names the organisation: from the sign-in's memberships when the caller
  // is a member (at once), else (a platform admin) from the organisation's own answer.
  const known = me.memberships.find((m) => m.org_id === orgId)?.org_name;
  const crumbName = h("span", {}, known || "");
  const headingSlot = h("div", {}, known ? pageHeading(t("admin.title", { org: known })) : loading());
  const view = main;
  orgAnswer.then(
    (org) => {
      crumbName.textContent = org.name;
      if (!known) {
        replace(headingSlot, pageHeading(t("admin.title", { org: org.name })));
        if (view.isConnected && !view.contains(document.activeElement)) document.getElementById("page-title")?.focus();
      }
    },
    (error) => {
      // No organisation to manage (gone, or refused): the page says so, as a whole. Any
      // other failure stays in the organisation's own section; the heading names the id.
      if (error.status === 403 || error.status === 404) {
        if (view.isConnected) replace(view, ...failurePage(error, t("admin.refused")));
      } else if (!known) {
        replace(headingSlot, pageHeading(t("admin.title", { org: orgId })));
      }
    },
  );
  const both = (first, second) => Promise.all([first, second]);

  replace(
    main,
    h("p", { className: "crumbs" }, h("a", { href: "#/" }, t("nav.home")), " › ", crumbName),
    headingSlot,
    h(
      "nav",
      { className: "tabs", "aria-label": t("admin.nav") },
      h("a", { href: `#/orgs/${encodeURIComponent(orgId)}`, "aria-current": "page" }, t("admin.manage")),
      h("a", { href: `#/orgs/${encodeURIComponent(orgId)}/figures` }, t("home.sideBySide")),
      evaluationTabs(orgId),
    ),
    h(
      "div",
      { className: "button-row" },
      h("span", {}, t("list.exportOrg", { year })),
      h("button", { type: "button", onclick: () => exportFile("csv") }, "CSV"),
      h("button", { type: "button", onclick: () => exportFile("xlsx") }, "XLSX"),
      h("button", { type: "button", onclick: exportPackage }, t("admin.exportPackage")),
      h("a", { className: "button", href: `#/orgs/${encodeURIComponent(orgId)}/import` }, t("admin.importPackage")),
    ),
    exportBanner,
    pendingSection("units-h", t("admin.units"), withLists(unitsAnswer), ([{ unitList }, units]) =>
      unitList(page, units),
    ),
    pendingSection(
      "members-h",
      t("admin.members"),
      withLists(both(unitsAnswer, membersAnswer)),
      ([{ memberList }, answers]) => memberList(page, answers),
    ),
    pendingSection(
      "goals-h",
      t("admin.goals"),
      withLists(both(unitsAnswer, goalsAnswer)),
      ([{ goalList }, answers]) => goalList(page, answers),
      h("p", { className: "hint" }, t("admin.goalsHint")),
    ),
    pendingSection("questions-h", t("admin.questions"), withLists(questionsAnswer), ([{ questionList }, questions]) =>
      questionList(page, questions),
    ),
    ...structureSections(orgId, orgAnswer, reload),
  );
}

// ------------------------------------------------------------------ side by side
export async function orgFiguresPage(main, orgId, period) {
  replace(main, loading());
  let name;
  let unitsAnswer;
  try {
    const me = await loadMe();
    if (!isOrgAdmin(me, orgId)) {
      replace(main, ...failurePage({ status: 403 }, t("admin.refused")));
      return;
    }
    unitsAnswer = orgUnits(orgId, true);
    unitsAnswer.catch(() => {}); // answered below, in the page's body
    // The heading at once from the sign-in's memberships; a platform admin's from the organisation.
    name =
      me.memberships.find((m) => m.org_id === orgId)?.org_name ||
      (await call("GET", `/orgs/${encodeURIComponent(orgId)}`)).name;
  } catch (error) {
    replace(main, ...failurePage(error, t("admin.refused")));
    return;
  }
  period = period || periodOf(new Date(), "month");
  const go = (next) => {
    window.location.hash = `#/orgs/${encodeURIComponent(orgId)}/figures?period=${next}`;
  };
  const body = h("div", { "aria-busy": "true" }, loading());
  replace(
    main,
    h("p", { className: "crumbs" }, h("a", { href: "#/" }, t("nav.home")), " › ", name),
    pageHeading(t("side.title", { org: name })),
    h(
      "nav",
      { className: "tabs", "aria-label": t("admin.nav") },
      h("a", { href: `#/orgs/${encodeURIComponent(orgId)}` }, t("admin.manage")),
      h("a", { href: `#/orgs/${encodeURIComponent(orgId)}/figures`, "aria-current": "page" }, t("home.sideBySide")),
      evaluationTabs(orgId),
    ),
    periodPicker(period, go),
    body,
  );
  let units;
  try {
    units = await unitsAnswer;
  } catch (error) {
    body.setAttribute("aria-busy", "false");
    replace(body, notice("error", h("p", {}, explainError(error))));
    return;
  }
  const scopes = [...units.map((u) => [u.name, `unit:${u.id}`]), [t("side.total"), `org:${orgId}`]];
  const results = await Promise.allSettled(scopes.map(([, scope]) => fetchStats(scope, period)));
  const failed = results.find((r) => r.status === "rejected");
  if (failed && results.every((r) => r.status === "rejected")) {
    body.setAttribute("aria-busy", "false");
    replace(body, statsUnavailable(failed.reason));
    return;
  }
  const rows = scopes.map(([name], index) => {
    const r = results[index];
    if (r.status !== "fulfilled") return [name, "–", "–", "–", "–", "–", "–"];
    const s = r.value;
    return [
      name,
      formatNumber(s.activities.count),
      formatNumber(s.activities.hours, { maximumFractionDigits: 1 }),
      formatNumber(s.participation.visits),
      formatPercent(s.activities.youth_led_share || 0),
      formatNumber(s.participation.new),
      formatNumber(s.responses || 0),
    ];
  });
  const visits = scopes
    .slice(0, -1)
    .map(([name], index) => [
      name,
      results[index].status === "fulfilled" ? results[index].value.participation.visits : 0,
    ]);
  body.setAttribute("aria-busy", "false");
  replace(
    body,
    h(
      "figure",
      { className: "figure" },
      h("figcaption", {}, t("side.visitsChart")),
      barChart(barItems(visits), { title: t("side.visitsChart") }),
    ),
    h(
      "div",
      { className: "table-scroll", tabindex: "0", role: "region", "aria-label": t("side.table") },
      h(
        "table",
        {},
        h("caption", {}, t("side.table")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              t("side.unit"),
              t("m.activities"),
              t("m.hours"),
              t("m.visits"),
              t("fig.youthLedShare"),
              t("m.new"),
              t("m.responses"),
            ].map((text, i) => h("th", { scope: "col", className: i ? "num" : null }, text)),
          ),
        ),
        h(
          "tbody",
          {},
          rows.map((cells, r) =>
            h(
              "tr",
              { className: r === rows.length - 1 ? "total-row" : null },
              cells.map((cell, i) => (i ? h("td", { className: "num" }, cell) : h("th", { scope: "row" }, cell))),
            ),
          ),
        ),
      ),
    ),
  );
}
