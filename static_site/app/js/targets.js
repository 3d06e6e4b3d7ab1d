// The year's targets and the team's written analysis, per scope (admins).
//   #/orgs/{org}/targets?year=

import { h, replace, uid } from "../../shared/dom.js";
import { call } from "./api.js";
import { crumbs, loadOrg, orgPath, tabs } from "./evaluation-pages.js";
import { field, submitForm } from "./forms.js";
import { t } from "./i18n.js";
import { MEASURES, shownTarget, targetsToSave } from "./targets-values.js";
import { announce, failurePage, loading, pageHeading } from "./ui.js";

export async function targetsPage(main, orgId, yearText) {
  replace(main, loading());
  const year = /^\d{4}$/.test(yearText || "") ? Number(yearText) : new Date().getFullYear();
  let context;
  let targets;
  let analyses;
  try {
    context = await loadOrg(orgId);
    if (!context.admin) {
      replace(main, ...failurePage({ status: 403 }, t("admin.refused")));
      return;
    }
    [targets, analyses] = await Promise.all([
      call("GET", `${orgPath(orgId)}/targets/${year}`),
      call("GET", `${orgPath(orgId)}/analyses/${year}`),
    ]);
  } catch (error) {
    replace(main, ...failurePage(error, t("eval.targets")));
    return;
  }
  const { org, units } = context;
  const scopes = [[`org:${orgId}`, org.name], ...units.map((unit) => [`unit:${unit.id}`, unit.name])];
  const yearNav = h(
    "nav",
    { className: "button-row", "aria-label": t("eval.year") },
    [year - 1, year, year + 1].map((y) =>
      h(
        "a",
        {
          className: "button",
          href: `#/orgs/${encodeURIComponent(orgId)}/targets?year=${y}`,
          "aria-current": y === year ? "page" : null,
        },
        String(y),
      ),
    ),
  );
  replace(
    main,
    crumbs(org, t("eval.targets")),
    pageHeading(t("eval.targetsTitle", { org: org.name, year })),
    tabs(orgId, "targets", true),
    yearNav,
    h("p", { className: "hint" }, t("eval.targetsIntro")),
    scopes.map(([scope, name]) =>
      h(
        "section",
        { className: "scope-section", "aria-label": name },
        h("h2", {}, name),
        reportLink(scope, name, year),
        targetsForm(
          orgId,
          year,
          scope,
          name,
          targets.items.find((item) => item.scope === scope),
        ),
        analysisForm(
          orgId,
          year,
          scope,
          name,
          analyses.items.find((item) => item.scope === scope),
        ),
      ),
    ),
  );
}

/** The scope's printable annual report on the open statistics site (public figures only). */
function reportLink(scope, name, year) {
  if (year > new Date().getFullYear()) return null; // a year that has not begun has no report
  const query = new URLSearchParams({ scope, year: String(year) });
  return h(
    "p",
    { className: "report-link" },
    h("a", { href: `/stats/report.html?${query}` }, t("eval.report", { name, year })),
  );
}

function targetsForm(orgId, year, scope, name, current) {
  const values = current ? current.targets : {};
  const inputs = MEASURES.map((measure) => {
    const attrs = {
      type: "number",
      name: measure.id,
      "data-field": `targets.${measure.id}`,
      value: shownTarget(measure, values[measure.id]),
      inputmode: "decimal",
    };
    if (measure.kind === "score") Object.assign(attrs, { min: "1", max: "5", step: "0.01" });
    else if (measure.kind === "percent") Object.assign(attrs, { min: "0", max: "100", step: "0.1" });
    else Object.assign(attrs, { min: "0", step: "any" });
    return field(t(`eval.m.${measure.id}`), h("input", attrs));
  });
  const form = h(
    "form",
    { className: "inline-form targets-form" },
    h("h3", {}, t("eval.targetsFor", { name, year })),
    h("div", { className: "form-banner" }),
    h("div", { className: "targets-grid" }, inputs),
    h(
      "button",
      { type: "submit", "aria-label": `${t("admin.save")}: ${t("eval.targetsFor", { name, year })}` },
      t("admin.save"),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const raw = Object.fromEntries(MEASURES.map((measure) => [measure.id, form.elements[measure.id].value]));
    const chosen = targetsToSave(raw, values);
    submitForm(
      form,
      () => call("PUT", `${orgPath(orgId)}/targets/${year}`, { scope, targets: chosen }),
      () => announce(t("admin.saved")),
    );
  });
  return form;
}

function analysisForm(orgId, year, scope, name, current) {
  const publicId = uid("p");
  const form = h(
    "form",
    { className: "inline-form analysis-form" },
    h("h3", {}, t("eval.analysisFor", { name, year })),
    h("div", { className: "form-banner" }),
    field(
      t("eval.analysis"),
      h("textarea", {
        name: "text",
        "data-field": "text",
        rows: "6",
        maxlength: "20000",
        textContent: current ? current.text : "",
      }),
      t("eval.analysisHint"),
    ),
    h(
      "div",
      { className: "choice" },
      h("input", {
        type: "checkbox",
        id: publicId,
        name: "public",
        "data-field": "public",
        checked: current ? current.public : false,
      }),
      h("label", { htmlFor: publicId }, t("eval.public")),
    ),
    h(
      "button",
      { type: "submit", "aria-label": `${t("admin.save")}: ${t("eval.analysisFor", { name, year })}` },
      t("admin.save"),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { scope, text: form.elements.text.value, public: form.elements.public.checked };
    submitForm(
      form,
      () => call("PUT", `${orgPath(orgId)}/analyses/${year}`, body),
      () => announce(t("admin.saved")),
    );
  });
  return form;
}
