// Networks of organisations (docs/networks.md). A platform admin creates and edits
// them; a coordinator sees the network's organisations' units side by side (their
// public figures) and opens a survey campaign in every organisation at once.
//   #/networks                 the networks I may see (admins: and a new one)
//   #/networks/{id}?period=    one network: units side by side, campaigns, members

import { MAX_COMPARE_CELLS } from "../../shared/vocabulary.js";
import { call } from "./api.js";
import { loadMe } from "./context.js";
import { h, replace } from "./dom.js";
import { formatNumber, formatPercent, t } from "./i18n.js";
import { MESSAGES } from "./messages.js";
import { campaignForm, networkForm, networkPath } from "./network-forms.js";
import { failurePage, loading, pageHeading } from "./ui.js";
import { periodOf, periodPicker, statsUnavailable } from "./unit.js";

const NETWORK_MESSAGES = {
  en: {
    "net.title": "Networks",
    "net.none": "No network yet.",
    "net.orgs": "{n} organisations",
    "net.new": "New network",
    "net.name": "Name",
    "net.members": "Member organisations",
    "net.coordinators": "Coordinators (e-mail addresses, one per line)",
    "net.create": "Create network",
    "net.save": "Save changes",
    "net.saved": "Network saved.",
    "net.edit": "Members and coordinators",
    "net.sideBySide": "All units side by side",
    "net.total": "Network total",
    "net.orgTotal": "{org} total",
    "net.unit": "Unit",
    "net.public": "Open statistics of the network",
    "net.campaign": "Open a campaign in every organisation",
    "net.campaignTitle": "Title",
    "net.template": "Survey",
    "net.opensAt": "Opens",
    "net.closesAt": "Closes",
    "net.openButton": "Open in every organisation",
    "net.opened": "Opened in {org}",
    "net.failed": "Not opened in {org}: {problem}",
    "net.campaigns": "Campaigns of {org}",
    "net.noOrgs": "Choose at least one organisation.",
    "net.countries": "Countries: {countries}",
    "net.defaultTitle": "Youth survey {year}",
  },
  sl: {
    "net.title": "Mreže",
    "net.none": "Še ni mreže.",
    "net.orgs": "Organizacij: {n}",
    "net.new": "Nova mreža",
    "net.name": "Ime",
    "net.members": "Organizacije v mreži",
    "net.coordinators": "Koordinatorji (e-poštni naslovi, en na vrstico)",
    "net.create": "Ustvari mrežo",
    "net.save": "Shrani spremembe",
    "net.saved": "Mreža je shranjena.",
    "net.edit": "Člani in koordinatorji",
    "net.sideBySide": "Vse enote drugo ob drugi",
    "net.total": "Skupaj mreža",
    "net.orgTotal": "{org} skupaj",
    "net.unit": "Enota",
    "net.public": "Odprta statistika mreže",
    "net.campaign": "Odpri kampanjo v vseh organizacijah",
    "net.campaignTitle": "Naslov",
    "net.template": "Anketa",
    "net.opensAt": "Odpre se",
    "net.closesAt": "Zapre se",
    "net.openButton": "Odpri v vseh organizacijah",
    "net.opened": "Odprto: {org}",
    "net.failed": "Ni odprto: {org}: {problem}",
    "net.campaigns": "Kampanje: {org}",
    "net.noOrgs": "Izberite vsaj eno organizacijo.",
    "net.countries": "Države: {countries}",
    "net.defaultTitle": "Letna anketa mladih {year}",
  },
  fi: {
    "net.title": "Verkostot",
    "net.none": "Ei vielä verkostoa.",
    "net.orgs": "{n} organisaatiota",
    "net.new": "Uusi verkosto",
    "net.name": "Nimi",
    "net.members": "Jäsenorganisaatiot",
    "net.coordinators": "Koordinaattorit (sähköpostiosoitteet, yksi riville)",
    "net.create": "Luo verkosto",
    "net.save": "Tallenna muutokset",
    "net.saved": "Verkosto tallennettu.",
    "net.edit": "Jäsenet ja koordinaattorit",
    "net.sideBySide": "Kaikki yksiköt rinnakkain",
    "net.total": "Verkosto yhteensä",
    "net.orgTotal": "{org} yhteensä",
    "net.unit": "Yksikkö",
    "net.public": "Verkoston avoimet tilastot",
    "net.campaign": "Avaa kampanja kaikissa organisaatioissa",
    "net.campaignTitle": "Otsikko",
    "net.template": "Kysely",
    "net.opensAt": "Avautuu",
    "net.closesAt": "Sulkeutuu",
    "net.openButton": "Avaa kaikissa organisaatioissa",
    "net.opened": "Avattu: {org}",
    "net.failed": "Ei avattu: {org}: {problem}",
    "net.campaigns": "Kampanjat: {org}",
    "net.noOrgs": "Valitse vähintään yksi organisaatio.",
    "net.countries": "Maat: {countries}",
    "net.defaultTitle": "Nuorisokysely {year}",
  },
  sv: {
    "net.title": "Nätverk",
    "net.none": "Inget nätverk än.",
    "net.orgs": "{n} organisationer",
    "net.new": "Nytt nätverk",
    "net.name": "Namn",
    "net.members": "Medlemsorganisationer",
    "net.coordinators": "Samordnare (e-postadresser, en per rad)",
    "net.create": "Skapa nätverk",
    "net.save": "Spara ändringar",
    "net.saved": "Nätverket har sparats.",
    "net.edit": "Medlemmar och samordnare",
    "net.sideBySide": "Alla enheter sida vid sida",
    "net.total": "Nätverket totalt",
    "net.orgTotal": "{org} totalt",
    "net.unit": "Enhet",
    "net.public": "Nätverkets öppna statistik",
    "net.campaign": "Öppna en kampanj i alla organisationer",
    "net.campaignTitle": "Titel",
    "net.template": "Enkät",
    "net.opensAt": "Öppnar",
    "net.closesAt": "Stänger",
    "net.openButton": "Öppna i alla organisationer",
    "net.opened": "Öppnad: {org}",
    "net.failed": "Inte öppnad: {org}: {problem}",
    "net.campaigns": "Kampanjer: {org}",
    "net.noOrgs": "Välj minst en organisation.",
    "net.countries": "Länder: {countries}",
    "net.defaultTitle": "Ungdomsenkät {year}",
  },
};
for (const [language, texts] of Object.entries(NETWORK_MESSAGES)) Object.assign(MESSAGES[language], texts);

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
              t("fig.activities"),
              t("fig.hours"),
              t("fig.visits"),
              t("fig.youthLedShare"),
              t("fig.new"),
              t("fig.responses"),
            ].map((text, i) => h("th", { scope: "col", className: i ? "num" : null }, text)),
          ),
        ),
        h("tbody", {}, rows),
      ),
    ),
  );
}
