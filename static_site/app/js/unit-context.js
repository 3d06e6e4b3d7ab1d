// A unit opened for one of its pages: the caller's role in it, the page's header and
// the unit's tabs, its goals, reflection questions and vocabulary, and its planned
// sessions' badges. Shared by the unit's pages (unit.js, unit-figures.js,
// unit-surveys.js) and the import and ideas pages.

import { h, replace } from "../../shared/dom.js";
import { call } from "./api.js";
import { loadMe, today, unitRole } from "./context.js";
import { vocabularyLabel } from "./form.js";
import { t } from "./i18n.js";
import { failurePage, pageHeading } from "./ui.js";

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

export async function goalsAndQuestions(unit) {
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

export function planBadge(activity) {
  const state = planState(activity);
  if (!state) return null;
  return h(
    "span",
    { className: `badge plan-${state}` },
    t(state === "overdue" ? "plan.notYetLogged" : "plan.upcoming"),
  );
}

export function completeLink(unitId, activity) {
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

// The organisation's own names of kinds, once its vocabulary was read (else the core words').
let kindLabels = {};
export function kindLabel(kind) {
  return kindLabels[kind] || t(`kind.${kind}`);
}

export function rememberKindLabels(vocabulary) {
  if (vocabulary) kindLabels = Object.fromEntries(vocabulary.kinds.map((k) => [k.id, vocabularyLabel(k)]));
}
