// Networks of organisations (docs/networks.md). A platform admin creates and edits
// them; a coordinator sees the network's organisations' units side by side (their
// public figures) and opens a survey campaign in every organisation at once.
//   #/networks                 the networks I may see (admins: and a new one)
//   #/networks/{id}?period=    one network: units side by side, campaigns, members

import { h, replace, uid } from "../../shared/dom.js";
import { periodOf } from "../../shared/periods.js";
import { MAX_COMPARE_CELLS } from "../../shared/vocabulary.js";
import { call } from "./api.js";
import { loadMe } from "./context.js";
import { periodPicker, statsUnavailable } from "./figures-view.js";
import { formatNumber, formatPercent, lang, t } from "./i18n.js";
import { announce, explainError, failurePage, loading, notice, pageHeading, problemText } from "./ui.js";

const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
const path = (id) => `/networks/${encodeURIComponent(id)}`;

function field(label, input) {
  if (!input.id) input.id = uid("i");
  const errorId = uid("e");
  input.setAttribute("aria-describedby", errorId);
  return h(
    "div",
    { className: "field" },
    h("label", { htmlFor: input.id }, label),
    input,
    h("p", { className: "field-error", id: errorId, hidden: true }),
  );
}

/** The create/edit form of a network (platform admins): name, members, coordinators. */
function networkForm(orgs, network, onSaved) {
  const chosen = new Set(network ? network.org_ids : []);
  const banner = h("div", { className: "form-banner" });
  const boxes = h(
    "fieldset",
    { className: "unit-checks" },
    h("legend", {}, t("net.members")),
    orgs.map((org) => {
      const id = uid("o");
      return h(
        "div",
        { className: "choice" },
        h("input", { type: "checkbox", id, name: "org_ids", value: org.id, checked: chosen.has(org.id) }),
        h("label", { htmlFor: id }, `${org.name} (${org.country})`),
      );
    }),
  );
  const form = h(
    "form",
    { className: "inline-form", id: network ? "edit-network" : "new-network" },
    h("h2", {}, network ? t("net.edit") : t("net.new")),
    banner,
    field(
      t("net.name"),
      h("input", { name: "name", required: true, maxlength: 120, value: network ? network.name : "" }),
    ),
    boxes,
    field(
      t("net.coordinators"),
      h("textarea", { name: "coordinators", rows: 3 }, network ? network.coordinators.join("\n") : ""),
    ),
    h("button", { type: "submit" }, network ? t("net.save") : t("net.create")),
  );
  let key = newKey();
  form.addEventListener("input", () => {
    key = newKey();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const orgIds = [...form.querySelectorAll('input[name="org_ids"]:checked')].map((input) => input.value);
    if (!orgIds.length) {
      replace(banner, notice("error", h("p", {}, t("net.noOrgs"))));
      return;
    }
    const body = {
      name: form.elements.name.value,
      org_ids: orgIds,
      coordinators: form.elements.coordinators.value
        .split(/[\s,;]+/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    };
    try {
      const saved = network
        ? await call("PUT", path(network.id), body)
        : await call("POST", "/networks", body, { headers: { "Idempotency-Key": key } });
      announce(t("net.saved"));
      onSaved(saved);
    } catch (error) {
      const detail = (error.errors || []).map((e) => `${e.field}: ${problemText(e)}`).join("; ");
      replace(banner, notice("error", h("p", {}, explainError(error)), detail ? h("p", {}, detail) : null));
    }
  });
  return form;
}

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
            h("a", { href: `#${path(network.id)}` }, network.name),
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
          window.location.hash = `#${path(saved.id)}`;
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
    network = await call("GET", path(networkId));
    if (me.platform_admin) orgs = (await call("GET", "/orgs")).items;
    templates = (await call("GET", "/survey-templates")).items.filter((item) => item.builtin);
  } catch (error) {
    replace(main, ...failurePage(error, t("net.title")));
    return;
  }
  period = period || periodOf(new Date(), "month");
  const go = (next) => {
    window.location.hash = `#${path(networkId)}?period=${next}`;
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

/** One campaign per member organisation, each POST with its own Idempotency-Key: a retry
 * after a lost answer opens nothing twice, and the page says where it worked. */
function campaignForm(network, templates) {
  const start = new Date();
  start.setMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 21 * 86400000);
  const local = (date) => {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  };
  const instant = (value) => new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");
  const results = h("ul", { className: "campaign-results", role: "status" });
  // The built-in surveys every organisation has (an organisation's own are its own).
  const title = (item) => item.title[lang()] || item.title.en || item.id;
  const template = h(
    "select",
    { name: "template_id" },
    (templates.length ? templates : [{ id: "annual", title: {} }]).map((item) =>
      h("option", { value: item.id, selected: item.id === "annual" }, title(item)),
    ),
  );
  const form = h(
    "form",
    { className: "inline-form", id: "network-campaign" },
    h("h2", {}, t("net.campaign")),
    field(
      t("net.campaignTitle"),
      h("input", {
        name: "title",
        required: true,
        maxlength: 200,
        value: t("net.defaultTitle", { year: start.getFullYear() }),
      }),
    ),
    field(t("net.template"), template),
    field(
      t("net.opensAt"),
      h("input", { name: "opens_at", type: "datetime-local", required: true, value: local(start) }),
    ),
    field(
      t("net.closesAt"),
      h("input", { name: "closes_at", type: "datetime-local", required: true, value: local(end) }),
    ),
    h("button", { type: "submit" }, t("net.openButton")),
    results,
  );
  let keys = new Map();
  form.addEventListener("input", () => {
    keys = new Map();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      template_id: form.elements.template_id.value,
      title: form.elements.title.value,
      opens_at: instant(form.elements.opens_at.value),
      closes_at: instant(form.elements.closes_at.value),
    };
    replace(results);
    for (const org of network.orgs) {
      if (!keys.has(org.id)) keys.set(org.id, newKey());
      try {
        const made = await call("POST", `/orgs/${encodeURIComponent(org.id)}/campaigns`, body, {
          headers: { "Idempotency-Key": keys.get(org.id) },
        });
        results.append(
          h(
            "li",
            {},
            h(
              "a",
              { href: `#/orgs/${encodeURIComponent(org.id)}/campaigns/${encodeURIComponent(made.id)}` },
              t("net.opened", { org: org.name }),
            ),
          ),
        );
      } catch (error) {
        const detail = (error.errors || []).map((e) => `${e.field}: ${problemText(e)}`).join("; ");
        results.append(
          h(
            "li",
            { className: "field-error" },
            t("net.failed", { org: org.name, problem: detail || explainError(error) }),
          ),
        );
      }
    }
  });
  return form;
}
