// What the evaluation pages share (campaigns.js, targets.js): the organisation's tabs,
// the breadcrumbs, dates and times in the user's language, and loading the organisation.

import { h } from "../../shared/dom.js";
import { call } from "./api.js";
import { isOrgAdmin, loadMe, orgUnits } from "./context.js";
import { lang, t } from "./i18n.js";

export const orgPath = (orgId) => `/orgs/${encodeURIComponent(orgId)}`;

export function tabs(orgId, current, admin) {
  const base = `#/orgs/${encodeURIComponent(orgId)}`;
  const links = [
    admin ? [base, t("admin.manage"), "manage"] : null,
    admin ? [`${base}/figures`, t("home.sideBySide"), "figures"] : null,
    [`${base}/campaigns`, t("eval.campaigns"), "campaigns"],
    admin ? [`${base}/targets`, t("eval.targets"), "targets"] : null,
  ].filter(Boolean);
  return h(
    "nav",
    { className: "tabs", "aria-label": t("admin.nav") },
    links.map(([href, text, key]) => h("a", { href, "aria-current": key === current ? "page" : null }, text)),
  );
}

export function crumbs(org, ...rest) {
  return h(
    "p",
    { className: "crumbs" },
    h("a", { href: "#/" }, t("nav.home")),
    " › ",
    org.name,
    rest.map((part) => [" › ", part]),
  );
}

export function formatWhen(iso) {
  return new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export async function loadOrg(orgId) {
  const me = await loadMe();
  const [org, units] = await Promise.all([call("GET", orgPath(orgId)), orgUnits(orgId)]);
  return { me, org, units, admin: isOrgAdmin(me, orgId) };
}
