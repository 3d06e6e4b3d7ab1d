// The evaluation cycle for an organisation: campaigns (one survey QR point per unit,
// opened at once, followed live), and the year's targets and written analysis.
//   #/orgs/{org}/campaigns          campaigns; admins open a new one
//   #/orgs/{org}/campaigns/{id}     live progress per unit, posters for all units
//   #/orgs/{org}/targets?year=      the year's targets and analysis (admins)

import { h, replace, uid } from "../../shared/dom.js";
import { CAMPAIGN_MINIMUM, INDICATORS, MAX_TITLE } from "../../shared/vocabulary.js";
import { call } from "./api.js";
import { isOrgAdmin, loadMe, orgUnits } from "./context.js";
import { formatNumber, lang, t } from "./i18n.js";
import { announce, explainError, failurePage, loading, notice, pageHeading, problemText } from "./ui.js";

// How often an open campaign's progress is read again while its page is visible.
export const REFRESH_MS = 15000;
// Measures a target is usually set for; shares are typed as percentages.
const MEASURES = [
  ...INDICATORS.map((name) => ({ id: `indicator:${name}`, kind: "score" })),
  { id: "youth_led_share", kind: "percent" },
  { id: "visits", kind: "count" },
  { id: "visits_per_1000", kind: "rate" },
  { id: "new", kind: "count" },
  { id: "activities", kind: "count" },
  { id: "responses", kind: "count" },
];

const orgPath = (orgId) => `/orgs/${encodeURIComponent(orgId)}`;

function tabs(orgId, current, admin) {
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

function crumbs(org, ...rest) {
  return h(
    "p",
    { className: "crumbs" },
    h("a", { href: "#/" }, t("nav.home")),
    " › ",
    org.name,
    rest.map((part) => [" › ", part]),
  );
}

function formatWhen(iso) {
  return new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** A datetime-local input's value (the device's time) as ISO 8601 with a time zone. */
function instant(value) {
  return value ? new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z") : "";
}

function localInputValue(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function field(label, input, hint) {
  const errorId = uid("e");
  if (!input.id) input.id = uid("i");
  const hintId = hint ? uid("h") : null;
  input.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h(
    "div",
    { className: "field" },
    h("label", { htmlFor: input.id }, label),
    input,
    hint ? h("p", { className: "hint", id: hintId }, hint) : null,
    h("p", { className: "field-error", id: errorId, hidden: true }),
  );
}

/** Send a form; put the API's problems beside the inputs named like their fields. */
async function submit(form, send, done) {
  for (const p of form.querySelectorAll(".field-error")) {
    p.hidden = true;
    p.textContent = "";
  }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const banner = form.querySelector(".form-banner");
  const button = form.querySelector("button[type=submit]");
  replace(banner);
  button.disabled = true;
  try {
    done(await send());
  } catch (error) {
    const unplaced = [];
    for (const entry of error.errors || []) {
      const name = entry.field;
      const problem = problemText(entry);
      const input = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      const slot = input?.closest(".field, fieldset")?.querySelector(".field-error");
      if (slot) {
        slot.textContent = problem;
        slot.hidden = false;
        if (input.matches("input, select, textarea")) input.setAttribute("aria-invalid", "true");
      } else {
        unplaced.push(`${name}: ${problem}`);
      }
    }
    replace(
      banner,
      notice(
        "error",
        h("p", {}, explainError(error)),
        unplaced.map((m) => h("p", {}, m)),
      ),
    );
  } finally {
    button.disabled = false;
  }
}

async function loadOrg(orgId) {
  const me = await loadMe();
  const [org, units] = await Promise.all([call("GET", orgPath(orgId)), orgUnits(orgId)]);
  return { me, org, units, admin: isOrgAdmin(me, orgId) };
}

// ------------------------------------------------------------------ campaigns
export async function campaignsPage(main, orgId) {
  replace(main, loading());
  let context;
  let campaigns;
  let templates;
  try {
    context = await loadOrg(orgId);
    [campaigns, templates] = await Promise.all([
      call("GET", `${orgPath(orgId)}/campaigns`),
      context.admin ? call("GET", "/survey-templates") : Promise.resolve({ items: [] }),
    ]);
  } catch (error) {
    replace(main, ...failurePage(error, t("eval.campaigns")));
    return;
  }
  const { org, units, admin } = context;
  const list = campaigns.items.length
    ? h(
        "ul",
        { className: "admin-list campaign-list" },
        campaigns.items.map((campaign) =>
          h(
            "li",
            {},
            h(
              "h3",
              {},
              h(
                "a",
                { href: `#/orgs/${encodeURIComponent(orgId)}/campaigns/${encodeURIComponent(campaign.id)}` },
                campaign.title,
              ),
            ),
            h(
              "p",
              { className: "meta" },
              t(`eval.status.${campaign.status}`),
              " · ",
              formatWhen(campaign.opens_at),
              " – ",
              formatWhen(campaign.closes_at),
            ),
            h(
              "p",
              {},
              t("eval.summary", {
                responses: formatNumber(campaign.responses),
                reached: campaign.units_with_minimum,
                units: campaign.units.length,
              }),
            ),
          ),
        ),
      )
    : h("p", {}, t("eval.none"));
  replace(
    main,
    crumbs(org, t("eval.campaigns")),
    pageHeading(t("eval.campaignsTitle", { org: org.name })),
    tabs(orgId, "campaigns", admin),
    h("p", { className: "hint" }, t("eval.intro")),
    list,
    admin ? campaignForm(orgId, units, templates.items) : null,
  );
}

function campaignForm(orgId, units, templates) {
  const year = new Date().getFullYear();
  const start = new Date();
  start.setMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 21 * 86400000);
  const own = templates.filter((template) =>
    template.builtin ? template.id === "annual" || template.id === "feedback" : template.org_id === orgId,
  );
  const templateSelect = h(
    "select",
    { name: "template_id", "data-field": "template_id" },
    own.map((template) =>
      h(
        "option",
        { value: template.id, selected: template.id === "annual" },
        template.title[lang()] || template.title.en || Object.values(template.title)[0],
      ),
    ),
  );
  const unitBoxes = h(
    "fieldset",
    { className: "unit-checks", "data-field": "unit_ids" },
    h("legend", {}, t("eval.units")),
    units.map((unit) => {
      const id = uid("u");
      return h(
        "div",
        { className: "choice" },
        h("input", { type: "checkbox", id, name: "unit_ids", value: unit.id, checked: true }),
        h("label", { htmlFor: id }, unit.name),
      );
    }),
    h("p", { className: "field-error", hidden: true }),
  );
  const form = h(
    "form",
    { className: "inline-form", id: "new-campaign" },
    h("h2", {}, t("eval.open")),
    h("div", { className: "form-banner" }),
    field(
      t("eval.title"),
      h("input", {
        name: "title",
        "data-field": "title",
        required: true,
        maxlength: MAX_TITLE,
        value: t("eval.defaultTitle", { year }),
      }),
    ),
    field(t("eval.template"), templateSelect),
    field(
      t("eval.opensAt"),
      h("input", {
        name: "opens_at",
        "data-field": "opens_at",
        type: "datetime-local",
        required: true,
        value: localInputValue(start),
      }),
    ),
    field(
      t("eval.closesAt"),
      h("input", {
        name: "closes_at",
        "data-field": "closes_at",
        type: "datetime-local",
        required: true,
        value: localInputValue(end),
      }),
      t("eval.closesHint"),
    ),
    unitBoxes,
    h("button", { type: "submit" }, t("eval.openButton")),
  );
  // One key per filled-in form: a retry after a lost answer opens nothing twice.
  let key = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
  form.addEventListener("input", () => {
    key = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = [...form.querySelectorAll('input[name="unit_ids"]:checked')].map((input) => input.value);
    const body = {
      template_id: form.elements.template_id.value,
      title: form.elements.title.value,
      opens_at: instant(form.elements.opens_at.value),
      closes_at: instant(form.elements.closes_at.value),
    };
    if (chosen.length !== units.length) body.unit_ids = chosen;
    submit(
      form,
      () => call("POST", `${orgPath(orgId)}/campaigns`, body, { headers: { "Idempotency-Key": key } }),
      (created) => {
        announce(t("eval.opened"));
        window.location.hash = `#/orgs/${encodeURIComponent(orgId)}/campaigns/${encodeURIComponent(created.id)}`;
      },
    );
  });
  return form;
}

let refreshTimer = null;

export async function campaignPage(main, orgId, campaignId) {
  clearTimeout(refreshTimer);
  replace(main, loading());
  let context;
  let campaign;
  try {
    context = await loadOrg(orgId);
    campaign = await call("GET", `${orgPath(orgId)}/campaigns/${encodeURIComponent(campaignId)}`);
  } catch (error) {
    replace(main, ...failurePage(error, t("eval.campaigns")));
    return;
  }
  const { org, admin } = context;
  const summary = h("p", { id: "campaign-summary", role: "status", "aria-live": "polite" });
  const table = h("div", {
    className: "table-scroll",
    tabindex: "0",
    role: "region",
    "aria-label": t("eval.progress"),
  });
  const updated = h("p", { className: "meta" });
  replace(
    main,
    crumbs(org, h("a", { href: `#/orgs/${encodeURIComponent(orgId)}/campaigns` }, t("eval.campaigns")), campaign.title),
    pageHeading(campaign.title),
    tabs(orgId, "campaigns", admin),
    h(
      "p",
      { className: "meta" },
      t(`eval.status.${campaign.status}`),
      " · ",
      formatWhen(campaign.opens_at),
      " – ",
      formatWhen(campaign.closes_at),
    ),
    h(
      "p",
      {},
      h("a", { className: "button", href: campaign.posters_url, target: "_blank", rel: "noopener" }, t("eval.posters")),
    ),
    h(
      "p",
      { className: "hint" },
      t("eval.minimumHint", { n: campaign.units[0] ? campaign.units[0].minimum : CAMPAIGN_MINIMUM }),
    ),
    summary,
    table,
    updated,
  );
  const render = (current) => {
    summary.textContent =
      t("eval.summary", {
        responses: formatNumber(current.responses),
        reached: current.units_with_minimum,
        units: current.units.length,
      }) + (current.status === "closed" ? "" : ` · ${t("eval.daysLeft", { n: current.days_left })}`);
    replace(
      table,
      h(
        "table",
        { id: "campaign-progress" },
        h("caption", {}, t("eval.progress")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              t("side.unit"),
              t("eval.answers"),
              t("eval.complete"),
              t("eval.minimum"),
              t("eval.girlsBoys"),
              t("eval.split"),
              t("eval.poster"),
            ].map((text, i) => h("th", { scope: "col", className: i && i < 5 ? "num" : null }, text)),
          ),
        ),
        h(
          "tbody",
          {},
          current.units.map((unit) =>
            h(
              "tr",
              { "data-unit": unit.unit_id },
              h("th", { scope: "row" }, unit.unit_name || unit.unit_id),
              h("td", { className: "num" }, formatNumber(unit.responses)),
              h(
                "td",
                { className: "num" },
                h("progress", {
                  max: String(unit.minimum),
                  value: String(Math.min(unit.complete, unit.minimum)),
                  "aria-label": t("eval.towardsMinimum", { name: unit.unit_name, n: unit.complete, min: unit.minimum }),
                }),
                " ",
                formatNumber(unit.complete),
              ),
              h(
                "td",
                { className: unit.minimum_reached ? "ok" : null },
                unit.minimum_reached ? t("eval.yes") : t("eval.notYet", { n: unit.minimum - unit.complete }),
              ),
              h("td", { className: "num" }, `${formatNumber(unit.girls)} / ${formatNumber(unit.boys)}`),
              h("td", {}, unit.gender_split_possible ? t("eval.yes") : t("eval.no")),
              h(
                "td",
                {},
                h(
                  "a",
                  {
                    href: unit.poster_url,
                    target: "_blank",
                    rel: "noopener",
                    "aria-label": `${t("eval.poster")}: ${unit.unit_name}`,
                  },
                  t("eval.poster"),
                ),
              ),
            ),
          ),
        ),
      ),
    );
    updated.textContent =
      current.status === "closed"
        ? ""
        : t("eval.updated", { time: new Intl.DateTimeFormat(lang(), { timeStyle: "medium" }).format(new Date()) });
  };
  render(campaign);
  // Live progress: read again while the page shows an open campaign.
  const again = async () => {
    if (!table.isConnected) return;
    if (document.visibilityState === "visible" && campaign.status !== "closed") {
      try {
        campaign = await call("GET", `${orgPath(orgId)}/campaigns/${encodeURIComponent(campaignId)}`);
        if (table.isConnected) render(campaign);
      } catch {
        // Offline for a moment: keep what is shown, try again at the next tick.
      }
    }
    if (table.isConnected) refreshTimer = setTimeout(again, REFRESH_MS);
  };
  refreshTimer = setTimeout(again, REFRESH_MS);
}

// ------------------------------------------------------------------ targets and analysis
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
    const stored = values[measure.id];
    const shown =
      stored === undefined ? "" : measure.kind === "percent" ? String(Math.round(stored * 1000) / 10) : String(stored);
    const attrs = {
      type: "number",
      name: measure.id,
      "data-field": `targets.${measure.id}`,
      value: shown,
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
    const chosen = {};
    for (const measure of MEASURES) {
      const raw = form.elements[measure.id].value.trim();
      if (raw === "") continue;
      const number = Number(raw);
      chosen[measure.id] = measure.kind === "percent" ? Math.round(number * 10) / 1000 : number;
    }
    // Targets the app does not list (set over the API) are kept as they are.
    for (const [id, value] of Object.entries(values)) if (!MEASURES.some((m) => m.id === id)) chosen[id] = value;
    submit(
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
    submit(
      form,
      () => call("PUT", `${orgPath(orgId)}/analyses/${year}`, body),
      () => announce(t("admin.saved")),
    );
  });
  return form;
}
