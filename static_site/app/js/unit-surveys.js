// A unit's QR points: open a survey, a check-in or an ideas point, print its poster,
// close it. The survey page itself (`/s/?c=CODE`) and the poster are the survey feature's.

import { h, replace } from "../../shared/dom.js";
import { call } from "./api.js";
import { formatDate, formatNumber, t } from "./i18n.js";
import { ideasOpener, proposalsLink } from "./ideas.js";
import { announce, explainError, loading, notice, problemText } from "./ui.js";
import { openUnit, unitHeader } from "./unit-context.js";

/** A template's title in the user's language, else English, else any. */
function templateTitle(template, language) {
  const titles = template.title || {};
  return titles[language] || titles.en || Object.values(titles)[0] || template.id;
}

/**
 * The unit's QR points: open a survey or a check-in, print its poster, close it.
 * The survey page itself (`/s/?c=CODE`) and the poster are the survey feature's.
 */
export async function surveysPage(main, unitId) {
  replace(main, loading());
  const ctx = await openUnit(main, unitId);
  if (!ctx) return;
  const base = `/units/${encodeURIComponent(unitId)}/collections`;
  const banner = h("div");
  const list = h("ul", { className: "admin-list collections" });
  let templates = [];
  try {
    templates = (await call("GET", "/survey-templates")).items.filter(
      (tpl) => tpl.builtin || tpl.org_id === ctx.unit.org_id,
    );
  } catch (error) {
    replace(banner, notice("error", h("p", {}, explainError(error))));
  }
  const language = document.documentElement.lang;
  const select = h(
    "select",
    { id: "template", name: "template_id" },
    templates.map((tpl) => h("option", { value: tpl.id }, templateTitle(tpl, language))),
  );
  const open = async (body) => {
    try {
      await call("POST", base, body);
      announce(t("surveys.opened"));
      await refresh();
    } catch (error) {
      replace(
        banner,
        notice(
          "error",
          h("p", {}, explainError(error)),
          (error.errors || []).map((e) => h("p", {}, t("err.generic", { problem: `${e.field}: ${problemText(e)}` }))),
        ),
      );
    }
  };
  const form = h(
    "form",
    { className: "inline-form" },
    h("div", { className: "field" }, h("label", { htmlFor: "template" }, t("surveys.template")), select),
    h(
      "div",
      { className: "button-row" },
      h("button", { type: "submit", className: "primary" }, t("surveys.openSurvey")),
      h("button", { type: "button", onclick: () => open({ kind: "checkin" }) }, t("surveys.openCheckin")),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    open({ kind: "survey", template_id: select.value });
  });

  function item(collection) {
    const kind = { checkin: t("surveys.checkin"), ideas: t("ideas.kind") }[collection.kind] || t("surveys.survey");
    const template = templates.find((tpl) => tpl.id === collection.template_id);
    const name = template
      ? `${kind}: ${templateTitle(template, language)}`
      : collection.prompt
        ? `${kind}: ${collection.prompt}`
        : kind;
    return h(
      "li",
      {},
      h("h3", {}, name, " ", h("code", {}, collection.code)),
      h(
        "p",
        { className: "meta" },
        t(`surveys.status.${collection.status}`),
        " · ",
        t("surveys.received", { n: formatNumber(collection.received) }),
        " · ",
        h("time", { datetime: collection.created_at }, formatDate(collection.created_at.slice(0, 10))),
      ),
      h(
        "div",
        { className: "button-row" },
        h(
          "a",
          {
            className: "button",
            href: collection.url,
            target: "_blank",
            rel: "noopener",
            "aria-label": `${t("surveys.page")}: ${collection.code}`,
          },
          t("surveys.page"),
        ),
        h(
          "a",
          {
            className: "button",
            href: collection.poster_url,
            target: "_blank",
            rel: "noopener",
            "aria-label": `${t("surveys.poster")}: ${collection.code}`,
          },
          t("surveys.poster"),
        ),
        collection.kind === "ideas" ? proposalsLink(unitId, collection) : null,
        collection.status !== "closed"
          ? h(
              "button",
              {
                type: "button",
                className: "danger",
                "aria-label": `${t("surveys.close")}: ${collection.code}`,
                onclick: async () => {
                  try {
                    await call("POST", `${base}/${encodeURIComponent(collection.code)}/close`);
                    announce(t("surveys.closed"));
                    await refresh();
                  } catch (error) {
                    replace(banner, notice("error", h("p", {}, explainError(error))));
                  }
                },
              },
              t("surveys.close"),
            )
          : null,
      ),
    );
  }

  async function refresh() {
    try {
      const answer = await call("GET", base);
      replace(list, answer.items.length ? answer.items.map(item) : h("li", {}, t("surveys.none")));
    } catch (error) {
      replace(banner, notice("error", h("p", {}, explainError(error))));
    }
  }
  replace(
    main,
    ...unitHeader(ctx, t("surveys.title", { unit: ctx.unit.name }), "surveys"),
    h("p", { className: "hint" }, t("surveys.hint")),
    banner,
    form,
    ideasOpener(open),
    h("h2", {}, t("surveys.points")),
    list,
  );
  await refresh();
}
