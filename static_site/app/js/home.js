// Sign-in and the start page (which units and organisations the person can open).

import { h, replace } from "../../shared/dom.js";
import { API_URL, call } from "./api.js";
import { isCognito, localSignIn, startCognitoSignIn } from "./auth.js";
import { loadMe, orgUnits } from "./context.js";
import { t } from "./i18n.js";
import { explainError, failurePage, loading, notice, pageHeading, problemText } from "./ui.js";

export function signInPage(main, { reason, onSignedIn }) {
  const problem = h("p", { className: "field-error", id: "email-error", hidden: true });
  const input = h("input", {
    id: "email",
    name: "email",
    type: "email",
    autocomplete: "email",
    inputmode: "email",
    required: true,
    "aria-describedby": "email-hint email-error",
  });
  const banner = h("div");
  if (reason) replace(banner, notice("info", h("p", {}, reason)));
  if (isCognito()) {
    replace(
      main,
      pageHeading(t("signin.title")),
      banner,
      h("p", {}, t("signin.cognito")),
      h(
        "button",
        {
          type: "button",
          className: "primary",
          onclick: () =>
            startCognitoSignIn().catch((e) => replace(banner, notice("error", h("p", {}, String(e.message))))),
        },
        t("signin.button"),
      ),
    );
    return;
  }
  const form = h(
    "form",
    { className: "signin", novalidate: true },
    h(
      "div",
      { className: "field" },
      h("label", { htmlFor: "email" }, t("signin.email")),
      h("span", { className: "hint", id: "email-hint" }, t("signin.demo")),
      input,
      problem,
    ),
    h("button", { type: "submit", className: "primary" }, t("signin.button")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    input.removeAttribute("aria-invalid");
    const email = input.value.trim();
    const fail = (message) => {
      problem.textContent = message;
      problem.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.focus();
    };
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return fail(t("signin.badEmail"));
    try {
      await localSignIn(API_URL, email);
      onSignedIn();
    } catch (error) {
      if (error.status === 401) fail(t("signin.unknown"));
      else if (error.status === 400) fail(t("signin.badEmail"));
      else fail(t("error.offline"));
    }
  });
  replace(main, pageHeading(t("signin.title")), banner, h("p", {}, t("signin.local")), form);
}

export async function homePage(main) {
  replace(main, loading());
  let me;
  try {
    me = await loadMe(true);
  } catch (error) {
    replace(main, ...failurePage(error));
    return;
  }
  const sections = [];
  let orgs = me.memberships.map((m) => ({ id: m.org_id, name: m.org_name, role: m.role, unit_ids: m.unit_ids }));
  if (me.platform_admin) {
    try {
      const all = await call("GET", "/orgs");
      const mine = new Map(orgs.map((o) => [o.id, o]));
      orgs = all.items.map((o) => mine.get(o.id) || { id: o.id, name: o.name, role: "platform_admin", unit_ids: [] });
    } catch (error) {
      sections.push(notice("error", h("p", {}, explainError(error))));
    }
  }
  const unitLinks = [];
  for (const org of orgs) {
    let units = [];
    try {
      units = await orgUnits(org.id);
    } catch (error) {
      sections.push(notice("error", h("p", {}, explainError(error))));
      continue;
    }
    const admin = org.role === "org_admin" || org.role === "platform_admin";
    const open = admin ? units : units.filter((u) => org.unit_ids.includes(u.id));
    unitLinks.push(...open);
    sections.push(
      h(
        "section",
        { className: "org-card", "aria-labelledby": `org-${org.id}` },
        h("h2", { id: `org-${org.id}` }, org.name || org.id),
        h("p", { className: "meta" }, t(`role.${org.role}`)),
        open.length
          ? h(
              "ul",
              { className: "unit-links" },
              open.map((u) =>
                h("li", {}, h("a", { href: `#/units/${encodeURIComponent(u.id)}`, className: "button" }, u.name)),
              ),
            )
          : h("p", {}, t("home.noUnits")),
        admin
          ? h(
              "p",
              {},
              h("a", { href: `#/orgs/${encodeURIComponent(org.id)}` }, t("home.manage")),
              " · ",
              h("a", { href: `#/orgs/${encodeURIComponent(org.id)}/figures` }, t("home.sideBySide")),
              " · ",
              h("a", { href: `#/orgs/${encodeURIComponent(org.id)}/targets` }, t("home.targets")),
            )
          : null,
        h("p", {}, h("a", { href: `#/orgs/${encodeURIComponent(org.id)}/campaigns` }, t("home.campaigns"))),
      ),
    );
  }
  // A worker of one unit goes straight to the form: the quickest path is the default.
  if (!me.platform_admin && unitLinks.length === 1 && me.memberships.every((m) => m.role !== "org_admin")) {
    window.location.replace(`#/units/${encodeURIComponent(unitLinks[0].id)}`);
    return;
  }
  if (me.platform_admin) sections.push(createOrgForm());
  // Networks (docs/networks.md): their coordinators, and platform admins who make them.
  const networks = me.networks || [];
  if (me.platform_admin || networks.length) {
    const target =
      networks.length === 1 && !me.platform_admin ? `#/networks/${encodeURIComponent(networks[0])}` : "#/networks";
    sections.unshift(
      h("p", {}, h("a", { href: target, className: "button", id: "networks-link" }, t("home.networks"))),
    );
  }
  replace(
    main,
    pageHeading(t("home.title")),
    orgs.length || me.platform_admin || networks.length ? null : notice("info", h("p", {}, t("home.noRole"))),
    ...sections,
  );
}

function createOrgForm() {
  const banner = h("div");
  const form = h(
    "form",
    { className: "inline-form" },
    h("h2", {}, t("home.newOrg")),
    banner,
    h(
      "div",
      { className: "row" },
      h(
        "div",
        { className: "field" },
        h("label", { htmlFor: "org-name" }, t("admin.name")),
        h("input", { id: "org-name", name: "name", required: true, maxlength: 120 }),
      ),
      h(
        "div",
        { className: "field" },
        h("label", { htmlFor: "org-country" }, t("admin.country")),
        h("input", { id: "org-country", name: "country", required: true, maxlength: 2, size: 3, autocomplete: "off" }),
      ),
    ),
    h("button", { type: "submit" }, t("admin.create")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const org = await call("POST", "/orgs", { name: form.elements.name.value, country: form.elements.country.value });
      window.location.hash = `#/orgs/${encodeURIComponent(org.id)}`;
    } catch (error) {
      const detail = (error.errors || []).map((e) => `${e.field}: ${problemText(e)}`).join("; ");
      replace(banner, notice("error", h("p", {}, explainError(error), detail ? ` (${detail})` : "")));
    }
  });
  return form;
}
