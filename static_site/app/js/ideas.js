// Ideas points in the worker's app: open one (with a question for young people), read
// the proposals, approve or reject each with one tap (translations optional), see the
// approved ones ranked by votes, and — for the organisation's admins — adopt the
// favourites into a new survey template (`from_idea`).

import { MAX_IDEA_TEXT } from "../../shared/vocabulary.js";
import { call } from "./api.js";
import { h, replace, uid } from "./dom.js";
import { formatDate, formatNumber, lang, t } from "./i18n.js";
import { MESSAGES } from "./messages.js";
import { announce, explainError, loading, notice } from "./ui.js";
import { openUnit, unitHeader } from "./unit.js";

const LANGS = { en: "English", sl: "Slovenščina", fi: "Suomi", sv: "Svenska" };
// This feature's texts live here, beside its code; they join the app's messages.
const TEXTS = {
  en: {
    "ideas.kind": "Ideas for the survey",
    "ideas.open": "Open an ideas point",
    "ideas.prompt": "Question for young people (optional)",
    "ideas.promptHint": "E.g. “What should we ask about this centre next year?” Shown on the page and the poster.",
    "ideas.proposals": "Proposals",
    "ideas.title": "Ideas – {code}",
    "ideas.new": "Waiting for a decision ({n})",
    "ideas.approvedList": "Approved, most votes first ({n})",
    "ideas.rejectedList": "Rejected ({n})",
    "ideas.none": "Nothing here.",
    "ideas.hint":
      "Young people see a proposal only after you approve it, and never see votes. A rejected proposal is shown nowhere.",
    "ideas.approve": "Approve",
    "ideas.reject": "Reject",
    "ideas.saveTranslations": "Save translations",
    "ideas.translations": "Translations (optional)",
    "ideas.votes": "{n} votes",
    "ideas.adoptedIn": "In the survey template “{template}”",
    "ideas.approved": "Approved.",
    "ideas.rejected": "Rejected.",
    "ideas.saved": "Saved.",
    "ideas.adoptTitle": "Adopt into next year's survey",
    "ideas.adoptHint":
      "Choose proposals; each becomes a 1–5 statement of a new template that extends the annual survey. The template keeps only the languages every text has: add translations when approving.",
    "ideas.templateTitle": "Title of the new template",
    "ideas.indicator": "Indicator",
    "ideas.newIndicator": "A new indicator, named:",
    "ideas.adopt": "Create the template",
    "ideas.adopted": "Template created: next survey opened with it asks these statements.",
    "ideas.pickOne": "Choose at least one proposal.",
    "ideas.badIndicator": "Name the new indicator with letters (a–z).",
    "ideas.back": "Back to the QR points",
  },
  sl: {
    "ideas.kind": "Ideje za anketo",
    "ideas.open": "Odpri točko za ideje",
    "ideas.prompt": "Vprašanje za mlade (neobvezno)",
    "ideas.promptHint": "Npr. »Kaj naj anketa o centru vpraša prihodnje leto?« Prikaže se na strani in plakatu.",
    "ideas.proposals": "Predlogi",
    "ideas.title": "Ideje – {code}",
    "ideas.new": "Čakajo na odločitev ({n})",
    "ideas.approvedList": "Odobreni, po številu glasov ({n})",
    "ideas.rejectedList": "Zavrnjeni ({n})",
    "ideas.none": "Tu ni ničesar.",
    "ideas.hint": "Mladi vidijo predlog šele, ko ga odobrite, glasov pa nikoli. Zavrnjen predlog ni prikazan nikjer.",
    "ideas.approve": "Odobri",
    "ideas.reject": "Zavrni",
    "ideas.saveTranslations": "Shrani prevode",
    "ideas.translations": "Prevodi (neobvezno)",
    "ideas.votes": "glasov: {n}",
    "ideas.adoptedIn": "V predlogi ankete »{template}«",
    "ideas.approved": "Odobreno.",
    "ideas.rejected": "Zavrnjeno.",
    "ideas.saved": "Shranjeno.",
    "ideas.adoptTitle": "Prevzemi v anketo prihodnjega leta",
    "ideas.adoptHint":
      "Izberite predloge; vsak postane trditev z lestvico 1–5 v novi predlogi, ki razširi letno anketo. Predloga obdrži le jezike, v katerih obstajajo vsa besedila: prevode dodajte ob odobritvi.",
    "ideas.templateTitle": "Naslov nove predloge",
    "ideas.indicator": "Kazalnik",
    "ideas.newIndicator": "Nov kazalnik z imenom:",
    "ideas.adopt": "Ustvari predlogo",
    "ideas.adopted": "Predloga je ustvarjena: naslednja anketa z njo vpraša te trditve.",
    "ideas.pickOne": "Izberite vsaj en predlog.",
    "ideas.badIndicator": "Nov kazalnik poimenujte s črkami (a–z).",
    "ideas.back": "Nazaj na točke QR",
  },
  fi: {
    "ideas.kind": "Ideat kyselyyn",
    "ideas.open": "Avaa ideapiste",
    "ideas.prompt": "Kysymys nuorille (vapaaehtoinen)",
    "ideas.promptHint": "Esim. ”Mitä ensi vuoden kyselyn pitäisi kysyä tästä paikasta?” Näkyy sivulla ja julisteessa.",
    "ideas.proposals": "Ehdotukset",
    "ideas.title": "Ideat – {code}",
    "ideas.new": "Odottaa päätöstä ({n})",
    "ideas.approvedList": "Hyväksytyt, eniten ääniä ensin ({n})",
    "ideas.rejectedList": "Hylätyt ({n})",
    "ideas.none": "Ei mitään.",
    "ideas.hint":
      "Nuoret näkevät ehdotuksen vasta, kun hyväksyt sen, eivätkä koskaan näe ääniä. Hylättyä ehdotusta ei näytetä missään.",
    "ideas.approve": "Hyväksy",
    "ideas.reject": "Hylkää",
    "ideas.saveTranslations": "Tallenna käännökset",
    "ideas.translations": "Käännökset (vapaaehtoinen)",
    "ideas.votes": "{n} ääntä",
    "ideas.adoptedIn": "Kyselypohjassa ”{template}”",
    "ideas.approved": "Hyväksytty.",
    "ideas.rejected": "Hylätty.",
    "ideas.saved": "Tallennettu.",
    "ideas.adoptTitle": "Ota mukaan ensi vuoden kyselyyn",
    "ideas.adoptHint":
      "Valitse ehdotukset; kustakin tulee 1–5-väittämä uuteen pohjaan, joka laajentaa vuosikyselyä. Pohjassa ovat vain kielet, joilla kaikki tekstit löytyvät: lisää käännökset hyväksyessäsi.",
    "ideas.templateTitle": "Uuden pohjan nimi",
    "ideas.indicator": "Indikaattori",
    "ideas.newIndicator": "Uusi indikaattori, nimeltään:",
    "ideas.adopt": "Luo pohja",
    "ideas.adopted": "Pohja luotu: sillä avattu seuraava kysely kysyy nämä väittämät.",
    "ideas.pickOne": "Valitse ainakin yksi ehdotus.",
    "ideas.badIndicator": "Nimeä uusi indikaattori kirjaimin (a–z).",
    "ideas.back": "Takaisin QR-pisteisiin",
  },
  sv: {
    "ideas.kind": "Idéer till enkäten",
    "ideas.open": "Öppna en idépunkt",
    "ideas.prompt": "Fråga till unga (frivillig)",
    "ideas.promptHint": "T.ex. ”Vad ska nästa års enkät fråga om gården?” Visas på sidan och affischen.",
    "ideas.proposals": "Förslag",
    "ideas.title": "Idéer – {code}",
    "ideas.new": "Väntar på beslut ({n})",
    "ideas.approvedList": "Godkända, flest röster först ({n})",
    "ideas.rejectedList": "Avvisade ({n})",
    "ideas.none": "Inget här.",
    "ideas.hint":
      "Unga ser ett förslag först när du har godkänt det, och ser aldrig röster. Ett avvisat förslag visas ingenstans.",
    "ideas.approve": "Godkänn",
    "ideas.reject": "Avvisa",
    "ideas.saveTranslations": "Spara översättningar",
    "ideas.translations": "Översättningar (frivilligt)",
    "ideas.votes": "{n} röster",
    "ideas.adoptedIn": "I enkätmallen ”{template}”",
    "ideas.approved": "Godkänt.",
    "ideas.rejected": "Avvisat.",
    "ideas.saved": "Sparat.",
    "ideas.adoptTitle": "Ta med i nästa års enkät",
    "ideas.adoptHint":
      "Välj förslag; vart och ett blir ett påstående (1–5) i en ny mall som bygger på årsenkäten. Mallen behåller bara de språk som alla texter finns på: lägg till översättningar när du godkänner.",
    "ideas.templateTitle": "Den nya mallens titel",
    "ideas.indicator": "Indikator",
    "ideas.newIndicator": "En ny indikator med namnet:",
    "ideas.adopt": "Skapa mallen",
    "ideas.adopted": "Mallen är skapad: nästa enkät som öppnas med den frågar dessa påståenden.",
    "ideas.pickOne": "Välj minst ett förslag.",
    "ideas.badIndicator": "Namnge den nya indikatorn med bokstäver (a–z).",
    "ideas.back": "Tillbaka till QR-punkterna",
  },
};
for (const [code, texts] of Object.entries(TEXTS)) MESSAGES[code] = { ...texts, ...(MESSAGES[code] || {}) };

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
        (error.errors || []).map((e) => h("p", {}, `${e.field}: ${e.problem}`)),
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
