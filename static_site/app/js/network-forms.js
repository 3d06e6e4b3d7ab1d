// The network pages' forms (networks.js): a network's name, members and coordinators
// (platform admins), and one survey campaign opened in every member organisation.

import { h, replace, uid } from "../../shared/dom.js";
import { call } from "./api.js";
import { field } from "./forms.js";
import { lang, t } from "./i18n.js";
import { instant, localInputValue, newKey } from "./times.js";
import { announce, explainError, notice, problemText } from "./ui.js";

/** A network's API path. */
export const networkPath = (id) => `/networks/${encodeURIComponent(id)}`;

/** The create/edit form of a network (platform admins): name, members, coordinators. */
export function networkForm(orgs, network, onSaved) {
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
        ? await call("PUT", networkPath(network.id), body)
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

/** One campaign per member organisation, each POST with its own Idempotency-Key: a retry
 * after a lost answer opens nothing twice, and the page says where it worked. */
export function campaignForm(network, templates) {
  const start = new Date();
  start.setMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 21 * 86400000);
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
      h("input", { name: "opens_at", type: "datetime-local", required: true, value: localInputValue(start) }),
    ),
    field(
      t("net.closesAt"),
      h("input", { name: "closes_at", type: "datetime-local", required: true, value: localInputValue(end) }),
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
