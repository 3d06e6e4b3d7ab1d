// Adopting young people's favourite proposals into a new survey template (ideas.js,
// organisation admins): each chosen proposal becomes a 1–5 statement with an indicator,
// an existing one or a new one named here.

import { h, replace, uid } from "../../shared/dom.js";
import { INDICATORS } from "../../shared/vocabulary.js";
import { call } from "./api.js";
import { formatNumber, LANGUAGES, t } from "./i18n.js";
import { adoptionTemplate } from "./ideas-template.js";
import { announce, notice } from "./ui.js";

/**
 * The adoption form for the `approved` proposals (none: null). `banner` shows problems,
 * `fail(error)` the API's, `refresh()` reads the proposals again after a success.
 */
export function adoptForm(approved, { orgId, banner, fail, refresh }) {
  if (!approved.length) return null;
  const titleId = uid("tpl");
  const title = h("input", {
    id: titleId,
    type: "text",
    required: true,
    maxlength: "120",
    value: `${t("ideas.kind")} ${new Date().getFullYear() + 1}`,
  });
  const rows = approved.map((idea) => {
    const pickId = uid("adopt");
    const pick = h("input", { id: pickId, type: "checkbox", value: idea.id });
    const selectId = uid("ind");
    const select = h(
      "select",
      { id: selectId },
      INDICATORS.map((name) => h("option", { value: name, selected: name === "influence" }, t(`indicator.${name}`))),
      h("option", { value: "" }, t("ideas.newIndicator")),
    );
    const nameId = uid("newind");
    const name = h("input", {
      id: nameId,
      type: "text",
      maxlength: "40",
      hidden: true,
      "aria-label": t("ideas.newIndicator"),
    });
    select.addEventListener("change", () => {
      name.hidden = select.value !== "";
    });
    return {
      idea,
      pick,
      select,
      name,
      row: h(
        "li",
        {},
        h(
          "p",
          {},
          pick,
          " ",
          h("label", { htmlFor: pickId }, idea.text),
          " ",
          h("span", { className: "meta" }, `(${t("ideas.votes", { n: formatNumber(idea.votes) })})`),
        ),
        h("div", { className: "field" }, h("label", { htmlFor: selectId }, t("ideas.indicator")), select, name),
      ),
    };
  });
  const form = h(
    "form",
    { className: "adopt" },
    h("h2", {}, t("ideas.adoptTitle")),
    h("p", { className: "hint" }, t("ideas.adoptHint")),
    h("div", { className: "field" }, h("label", { htmlFor: titleId }, t("ideas.templateTitle")), title),
    h(
      "ul",
      { className: "admin-list" },
      rows.map((r) => r.row),
    ),
    h("button", { type: "submit", className: "primary" }, t("ideas.adopt")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = rows.filter((r) => r.pick.checked);
    if (!chosen.length) {
      replace(banner, notice("error", h("p", {}, t("ideas.pickOne"))));
      return;
    }
    const picks = chosen.map((r) => ({ ideaId: r.idea.id, indicator: r.select.value, newName: r.name.value }));
    const adoption = adoptionTemplate(picks, title.value, Object.keys(LANGUAGES), INDICATORS);
    if (adoption.invalid !== undefined) {
      replace(banner, notice("error", h("p", {}, t("ideas.badIndicator"))));
      chosen[adoption.invalid].name.focus();
      return;
    }
    try {
      await call("POST", `/orgs/${encodeURIComponent(orgId)}/survey-templates`, adoption.body);
      replace(banner, notice("success", h("p", {}, t("ideas.adopted"))));
      announce(t("ideas.adopted"));
      await refresh();
    } catch (error) {
      fail(error);
    }
  });
  return form;
}
