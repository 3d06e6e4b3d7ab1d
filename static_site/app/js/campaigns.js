// Survey campaigns of an organisation: one survey QR point per unit, opened at once and
// followed live.
//   #/orgs/{org}/campaigns          campaigns; admins open a new one
//   #/orgs/{org}/campaigns/{id}     live progress per unit, posters for all units

import { h, replace } from "../../shared/dom.js";
import { CAMPAIGN_MINIMUM, MAX_TITLE } from "../../shared/vocabulary.js";
import { call } from "./api.js";
import { crumbs, formatWhen, loadOrg, orgPath, tabs } from "./evaluation-pages.js";
import { field, submitForm, unitChecks } from "./forms.js";
import { formatNumber, lang, t } from "./i18n.js";
import { instant, localInputValue, newKey } from "./times.js";
import { announce, failurePage, loading, pageHeading } from "./ui.js";

/** A campaign's status and when it runs: "Open · 1 Mar 2026 – 31 Mar 2026". */
const campaignMeta = (campaign) =>
  h(
    "p",
    { className: "meta" },
    t(`eval.status.${campaign.status}`),
    " · ",
    formatWhen(campaign.opens_at),
    " – ",
    formatWhen(campaign.closes_at),
  );

// How often an open campaign's progress is read again while its page is visible.
export const REFRESH_MS = 15000;

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
            campaignMeta(campaign),
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
    unitChecks(
      units,
      units.map((unit) => unit.id),
      t("eval.units"),
    ),
    h("button", { type: "submit" }, t("eval.openButton")),
  );
  // One key per filled-in form: a retry after a lost answer opens nothing twice.
  let key = newKey();
  form.addEventListener("input", () => {
    key = newKey();
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
    submitForm(
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
    campaignMeta(campaign),
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
