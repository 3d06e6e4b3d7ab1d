// Ideas points in the worker's app: open one (with a question for young people), read
// the proposals, approve or reject each with one tap (translations optional), see the
// approved ones ranked by votes, and — for the organisation's admins — adopt the
// favourites into a new survey template (`from_idea`).

import { h, replace, uid } from "../../shared/dom.js";
import { MAX_IDEA_TEXT } from "../../shared/vocabulary.js";
import { call } from "./api.js";
import { formatDate, formatNumber, LANGUAGES as LANGS, lang, t } from "./i18n.js";
import { announce, explainError, loading, notice, problemText } from "./ui.js";
import { openUnit, unitHeader } from "./unit-context.js";

/** The part of the QR points page that opens an ideas point (`open` posts the body). */
export function ideasOpener(open) {
  const id = uid("prompt");
  const input = h("input", { id, type: "text", maxlength: String(MAX_IDEA_TEXT), "aria-describedby": `${id}-hint` });
  const form = h(
    "form",
    { className: "inline-form ideas-opener" },
    h(
      "div",
      { className: "field" },
      h("label", { htmlFor: id }, t("ideas.prompt")),
      input,
      h("p", { className: "hint", id: `${id}-hint` }, t("ideas.promptHint")),
    ),
    h("div", { className: "button-row" }, h("button", { type: "submit" }, t("ideas.open"))),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const prompt = input.value.trim();
    await open(prompt ? { kind: "ideas", prompt } : { kind: "ideas" });
    input.value = "";
  });
  return form;
}

/** The link from an ideas point on the QR points page to its proposals. */
export function proposalsLink(unitId, collection) {
  return h(
    "a",
    {
      className: "button",
      href: `#/units/${encodeURIComponent(unitId)}/ideas/${encodeURIComponent(collection.code)}`,
      "aria-label": `${t("ideas.proposals")}: ${collection.code}`,
    },
    t("ideas.proposals"),
  );
}

export async function ideasPage(main, unitId, code) {
  replace(main, loading());
  const ctx = await openUnit(main, unitId);
  if (!ctx) return;
  const base = `/units/${encodeURIComponent(unitId)}/collections/${encodeURIComponent(code)}/ideas`;
  const banner = h("div");
  const lists = h("div");
  const adoptArea = h("div");
  const isAdmin = ctx.role === "org_admin" || ctx.role === "platform_admin";
  const mayDecide = ctx.role !== "partner"; // partners read, workers and admins decide
  let templates = [];

  const fail = (error) =>
    replace(
      banner,
      notice(
        "error",
        h("p", {}, explainError(error)),
        (error.errors || []).map((e) => h("p", {}, `${e.field}: ${problemText(e)}`)),
      ),
    );

  async function decide(idea, status, translations, message) {
    try {
      const body = { status };
      if (translations && Object.keys(translations).length) body.translations = translations;
      await call("PUT", `${base}/${encodeURIComponent(idea.id)}`, body);
      replace(banner);
      announce(message);
      await refresh();
    } catch (error) {
      fail(error);
    }
  }

  function translationFields(idea) {
    const inputs = {};
    const fields = Object.entries(LANGS)
      .filter(([code]) => code !== idea.lang)
      .map(([code, name]) => {
        const id = uid(`tr-${code}`);
        inputs[code] = h("input", {
          id,
          type: "text",
          lang: code,
          maxlength: String(MAX_IDEA_TEXT),
          value: idea.translations?.[code] || "",
        });
        return h("div", { className: "field" }, h("label", { htmlFor: id }, name), inputs[code]);
      });
    const details = h("details", {}, h("summary", {}, t("ideas.translations")), fields);
    const values = () =>
      Object.fromEntries(
        Object.entries(inputs)
          .map(([code, input]) => [code, input.value.trim()])
          .filter(([, value]) => value),
      );
    return { details, values };
  }

  function item(idea) {
    const { details, values } = translationFields(idea);
    const adopted = idea.adopted || [];
    const meta = [h("time", { datetime: idea.created_at }, formatDate(idea.created_at.slice(0, 10)))];
    if (idea.status === "approved") meta.push(" · ", t("ideas.votes", { n: formatNumber(idea.votes) }));
    const buttons = [];
    if (!mayDecide) {
      // Partners read only.
    } else if (idea.status !== "approved") {
      buttons.push(
        h(
          "button",
          {
            type: "button",
            className: "primary",
            "aria-label": `${t("ideas.approve")}: ${idea.text}`,
            onclick: () => decide(idea, "approved", values(), t("ideas.approved")),
          },
          t("ideas.approve"),
        ),
      );
    } else {
      buttons.push(
        h(
          "button",
          {
            type: "button",
            "aria-label": `${t("ideas.saveTranslations")}: ${idea.text}`,
            onclick: () => decide(idea, "approved", values(), t("ideas.saved")),
          },
          t("ideas.saveTranslations"),
        ),
      );
    }
    if (mayDecide && idea.status !== "rejected" && !adopted.length) {
      buttons.push(
        h(
          "button",
          {
            type: "button",
            className: "danger",
            "aria-label": `${t("ideas.reject")}: ${idea.text}`,
            onclick: () => decide(idea, "rejected", null, t("ideas.rejected")),
          },
          t("ideas.reject"),
        ),
      );
    }
    return h(
      "li",
      { className: `idea idea-${idea.status}`, "data-idea": idea.id },
      h("p", { className: "idea-text", lang: idea.lang || null }, idea.text),
      h("p", { className: "meta" }, meta),
      adopted.map((a) => {
        const template = templates.find((tpl) => tpl.id === a.template_id);
        const title = template
          ? template.title[lang()] || template.title.en || Object.values(template.title)[0]
          : a.template_id;
        return h("p", { className: "meta" }, t("ideas.adoptedIn", { template: title }));
      }),
      idea.status === "rejected" || !mayDecide ? null : details,
      h("div", { className: "button-row" }, buttons),
    );
  }

  function section(key, ideas) {
    return [
      h("h2", {}, t(key, { n: formatNumber(ideas.length) })),
      h("ul", { className: "admin-list ideas" }, ideas.length ? ideas.map(item) : h("li", {}, t("ideas.none"))),
    ];
  }

  async function refresh() {
    try {
      const [answer, tpl] = await Promise.all([call("GET", base), call("GET", "/survey-templates")]);
      templates = tpl.items;
      const items = answer.items;
      // The API ranks by votes; waiting proposals read best newest first.
      const waiting = items.filter((i) => i.status === "new").sort((a, b) => b.created_at.localeCompare(a.created_at));
      const approved = items.filter((i) => i.status === "approved");
      const rejected = items.filter((i) => i.status === "rejected");
      replace(
        lists,
        section("ideas.new", waiting),
        section("ideas.approvedList", approved),
        section("ideas.rejectedList", rejected),
      );
      // The adoption form's code loads only for the admins who can use it.
      const adopt = isAdmin && approved.length ? (await import("./ideas-adopt.js")).adoptForm : null;
      replace(adoptArea, adopt ? adopt(approved, { orgId: ctx.unit.org_id, banner, fail, refresh }) : null);
    } catch (error) {
      fail(error);
    }
  }

  replace(
    main,
    ...unitHeader(ctx, t("ideas.title", { code }), "surveys"),
    h("p", {}, h("a", { href: `#/units/${encodeURIComponent(unitId)}/surveys` }, t("ideas.back"))),
    h("p", { className: "hint" }, t("ideas.hint")),
    banner,
    lists,
    adoptArea,
  );
  await refresh();
}
