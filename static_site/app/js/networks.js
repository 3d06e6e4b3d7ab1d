// Networks of organisations (docs/networks.md). A platform admin creates and edits
// them; a coordinator sees the network's organisations' units side by side (their
// public figures) and opens a survey campaign in every organisation at once.
//   #/networks                 the networks I may see (admins: and a new one)
//   #/networks/{id}?period=    one network: units side by side, campaigns, members

import { h, replace } from "../../shared/dom.js";
import { periodOf } from "../../shared/periods.js";
import { MAX_COMPARE_CELLS } from "../../shared/vocabulary.js";
import { call } from "./api.js";
import { loadMe } from "./context.js";
import { periodPicker, statsUnavailable } from "./figures-view.js";
import { formatNumber, formatPercent, t } from "./i18n.js";
import { campaignForm, networkForm, networkPath } from "./network-forms.js";
import { failurePage, loading, pageHeading } from "./ui.js";

export async function networksPage(main) {
  replace(main, loading());
  let me;
  let networks;
  let orgs = [];
  try {
    me = await loadMe();
    networks = (await call("GET", "/networks")).items;
    if (me.platform_admin) orgs = (await call("GET", "/orgs")).items;
  } catch (error) {
    replace(main, ...failurePage(error, t("net.title")));
    return;
  }
  const list = networks.length
    ? h(
        "ul",
        { className: "network-list" },
        networks.map((network) =>
          h(
            "li",
            {},
            h("a", { href: `#${networkPath(network.id)}` }, network.name),
            " ",
            h(
              "span",
              { className: "meta" },
              t("net.orgs", { n: network.org_ids.length }),
              " · ",
              network.countries.join(", "),
            ),
          ),
        ),
      )
    : h("p", {}, t("net.none"));
  replace(
    main,
    h("p", { className: "crumbs" }, h("a", { href: "#/" }, t("nav.home"))),
    pageHeading(t("net.title")),
    list,
    me.platform_admin
      ? networkForm(orgs, null, (saved) => {
          window.location.hash = `#${networkPath(saved.id)}`;
        })
      : null,
  );
}

/** The public figures of many scopes for one period: /public/compare, 150 cells a call. */
async function figuresOf(scopes, period) {
  const found = new Map();
  for (let start = 0; start < scopes.length; start += MAX_COMPARE_CELLS) {
    const query = new URLSearchParams({
      scopes: scopes.slice(start, start + MAX_COMPARE_CELLS).join(","),
      periods: period,
    });
    const answer = await call("GET", `/public/compare?${query}`, undefined, { auth: false, cache: "no-cache" });
    for (const item of answer.items) found.set(item.scope, item);
  }
  return found;
}

function figureRow(label, stats, className) {
  const cells = stats
    ? [
        formatNumber(stats.activities.count),
        formatNumber(stats.activities.hours, { maximumFractionDigits: 1 }),
        stats.participation.visits === null ? "–" : formatNumber(stats.participation.visits),
        formatPercent(stats.activities.youth_led_share || 0),
        formatNumber(stats.participation.new),
        formatNumber(stats.responses || 0),
      ]
    : ["–", "–", "–", "–", "–", "–"];
  return h(
    "tr",
    { className },
    h("th", { scope: "row" }, label),
    cells.map((cell) => h("td", { className: "num" }, cell)),
  );
}

export async function networkPage(main, networkId, period) {
  replace(main, loading());
  let me;
  let network;
  let orgs = [];
  let templates = [];
  try {
    me = await loadMe();
    network = await call("GET", networkPath(networkId));
    if (me.platform_admin) orgs = (await call("GET", "/orgs")).items;
    templates = (await call("GET", "/survey-templates")).items.filter((item) => item.builtin);
  } catch (error) {
    replace(main, ...failurePage(error, t("net.title")));
    return;
  }
  period = period || periodOf(new Date(), "month");
  const go = (next) => {
    window.location.hash = `#${networkPath(networkId)}?period=${next}`;
  };
  const body = h("div", { "aria-busy": "true" }, loading());
  const statsLink = `../stats/?scope=${encodeURIComponent(`network:${networkId}`)}&period=${encodeURIComponent(period.slice(0, 4))}`;
  replace(
    main,
    h(
      "p",
      { className: "crumbs" },
      h("a", { href: "#/" }, t("nav.home")),
      " › ",
      h("a", { href: "#/networks" }, t("net.title")),
    ),
    pageHeading(network.name),
    h(
      "p",
      { className: "meta" },
      t("net.countries", { countries: network.countries.join(", ") }),
      " · ",
      h("a", { href: statsLink }, t("net.public")),
    ),
    h("h2", {}, t("net.sideBySide")),
    periodPicker(period, go),
    body,
    campaignForm(network, templates),
    h(
      "ul",
      {},
      network.orgs.map((org) =>
        h(
          "li",
          {},
          h("a", { href: `#/orgs/${encodeURIComponent(org.id)}/campaigns` }, t("net.campaigns", { org: org.name })),
        ),
      ),
    ),
    me.platform_admin ? networkForm(orgs, network, () => networkPage(main, networkId, period)) : null,
  );

  const scopes = [`network:${networkId}`];
  for (const org of network.orgs) scopes.push(`org:${org.id}`, ...org.units.map((unit) => `unit:${unit.id}`));
  let figures;
  try {
    figures = await figuresOf(scopes, period);
  } catch (error) {
    body.setAttribute("aria-busy", "false");
    replace(body, statsUnavailable(error));
    return;
  }
  const rows = [];
  for (const org of network.orgs) {
    for (const unit of org.units) rows.push(figureRow(`${org.name} › ${unit.name}`, figures.get(`unit:${unit.id}`)));
    rows.push(figureRow(t("net.orgTotal", { org: org.name }), figures.get(`org:${org.id}`), "total-row"));
  }
  rows.push(figureRow(t("net.total"), figures.get(`network:${networkId}`), "total-row"));
  body.setAttribute("aria-busy", "false");
  replace(
    body,
    h(
      "div",
      { className: "table-scroll", tabindex: "0", role: "region", "aria-label": t("net.sideBySide") },
      h(
        "table",
        { id: "network-figures" },
        h("caption", {}, t("net.sideBySide")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              t("net.unit"),
              t("m.activities"),
              t("m.hours"),
              t("m.visits"),
              t("fig.youthLedShare"),
              t("m.new"),
              t("m.responses"),
            ].map((text, i) => h("th", { scope: "col", className: i ? "num" : null }, text)),
          ),
        ),
        h("tbody", {}, rows),
      ),
    ),
  );
}
