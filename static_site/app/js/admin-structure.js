// Organisation admins: the organisation's official code and young residents, its own
// categories (each mapped onto a core one, in four languages), and its key figures
// per year. Sections of the organisation page (admin.js), each filled when its call answers.

import { h, replace, uid } from "../../shared/dom.js";
import { call } from "./api.js";
import { vocabularyLabel } from "./form.js";
import { formatNumber, t } from "./i18n.js";
import { announce, explainError, notice, pendingSection, problemText } from "./ui.js";

const LANGS = ["en", "sl", "fi", "sv"];

function input(label, attrs) {
  const id = uid("s");
  return h("div", { className: "field" }, h("label", { htmlFor: id }, label), h("input", { id, ...attrs }));
}

/** An API refusal as a notice naming each field (409: the categories in use, with counts). */
function problemNotice(error) {
  const lines = (error.errors || []).map((entry) => h("p", {}, `${entry.field}: ${problemText(entry)}`));
  const inUse = error.body?.in_use;
  if (inUse) {
    return notice(
      "error",
      h("p", {}, t("vocab.inUse")),
      h(
        "ul",
        {},
        Object.entries(inUse).map(([id, n]) => h("li", {}, t("vocab.usedBy", { id, n: formatNumber(n), count: n }))),
      ),
    );
  }
  return notice("error", h("p", {}, explainError(error)), lines);
}

// ------------------------------------------------------------------ organisation
function orgSection(base, org, reload) {
  const banner = h("div");
  const form = h(
    "form",
    { className: "inline-form" },
    banner,
    input(t("org.municipalityCode"), {
      name: "municipality_code",
      value: org.municipality_code || "",
      maxlength: 12,
      autocomplete: "off",
      "aria-describedby": "code-hint",
    }),
    h("p", { className: "hint", id: "code-hint" }, t("org.municipalityCode.hint")),
    input(t("org.youthPopulation"), {
      name: "youth_population",
      type: "number",
      min: 0,
      value: org.youth_population ?? "",
    }),
    h("button", { type: "submit" }, t("admin.save")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = form.elements.municipality_code.value.trim();
    const people = form.elements.youth_population.value.trim();
    try {
      await call("PUT", base, {
        name: org.name,
        country: org.country,
        municipality_code: code || null,
        youth_population: people === "" ? null : Number(people),
      });
      announce(t("admin.saved"));
      reload();
    } catch (error) {
      replace(banner, problemNotice(error));
    }
  });
  return form;
}

// ------------------------------------------------------------------ vocabulary
function vocabularySection(base, vocabulary, reload) {
  const banner = h("div");
  const core = vocabulary.categories.filter((entry) => entry.core);
  const own = vocabulary.categories.filter((entry) => !entry.core);
  const coreSelect = (value) =>
    h(
      "select",
      { name: "maps_to" },
      core.map((entry) => h("option", { value: entry.id, selected: entry.id === value }, vocabularyLabel(entry))),
    );
  const row = (entry) =>
    h(
      "fieldset",
      { className: "own-category", "data-id": entry ? entry.id : "" },
      h("legend", {}, entry ? vocabularyLabel(entry) : t("vocab.add")),
      entry
        ? null
        : input(t("vocab.id"), { name: "id", pattern: "[a-z0-9_]{1,40}", maxlength: 40, autocomplete: "off" }),
      LANGS.map((code) =>
        input(t(`vocab.label.${code}`), {
          name: `label_${code}`,
          lang: code,
          maxlength: 80,
          value: entry ? entry.labels[code] || "" : "",
        }),
      ),
      (() => {
        const id = uid("m");
        const select = coreSelect(entry ? entry.maps_to : "other");
        select.id = id;
        return h("div", { className: "field" }, h("label", { htmlFor: id }, t("vocab.mapsTo")), select);
      })(),
      entry
        ? h(
            "div",
            { className: "choice" },
            (() => {
              const id = uid("r");
              return [
                h("input", { type: "checkbox", id, name: "remove" }),
                h("label", { htmlFor: id }, t("vocab.remove")),
              ];
            })(),
          )
        : null,
    );
  const form = h(
    "form",
    { className: "inline-form vocabulary" },
    banner,
    own.map(row),
    row(null),
    h("button", { type: "submit" }, t("admin.save")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const categories = [];
    for (const set of form.querySelectorAll("fieldset.own-category")) {
      if (set.querySelector('[name="remove"]')?.checked) continue;
      const id = set.dataset.id || set.querySelector('[name="id"]').value.trim();
      const labels = Object.fromEntries(
        LANGS.map((code) => [code, set.querySelector(`[name="label_${code}"]`).value.trim()]).filter(
          ([, text]) => text,
        ),
      );
      if (!set.dataset.id && !id && !Object.keys(labels).length) continue; // the empty "add" row
      categories.push({ id, labels, maps_to: set.querySelector('[name="maps_to"]').value });
    }
    // Core categories the organisation renamed stay renamed.
    for (const entry of core.filter((c) => c.renamed))
      categories.push({ id: entry.id, labels: entry.labels, maps_to: entry.id });
    try {
      await call("PUT", `${base}/vocabulary`, { categories });
      announce(t("admin.saved"));
      reload();
    } catch (error) {
      replace(banner, problemNotice(error));
    }
  });
  return form;
}

// ------------------------------------------------------------------ key figures
function keyFiguresSection(base, figures, reload) {
  const banner = h("div");
  const names = ["costs_eur", "open_weeks", "staff_fte", "youth_population"];
  const form = h(
    "form",
    { className: "inline-form key-figures-form" },
    banner,
    names.map((name) =>
      input(t(`keyfig.${name}`), {
        name,
        type: "number",
        min: 0,
        step: name === "open_weeks" || name === "youth_population" ? 1 : "any",
        value: figures[name] ?? "",
      }),
    ),
    h("button", { type: "submit" }, t("admin.save")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const name of names) {
      const text = form.elements[name].value.trim();
      if (text !== "") body[name] = Number(text);
    }
    try {
      await call("PUT", `${base}/key-figures/${figures.year}`, body);
      announce(t("admin.saved"));
      reload();
    } catch (error) {
      replace(banner, problemNotice(error));
    }
  });
  return form;
}

/**
 * The organisation page's sections for its official code, own words and key figures:
 * their headings at once, each form when its call answers (`orgAnswer`: GET /orgs/{id}).
 */
export function structureSections(orgId, orgAnswer, reload) {
  const base = `/orgs/${encodeURIComponent(orgId)}`;
  const year = new Date().getFullYear();
  return [
    pendingSection("org-h", t("org.official"), orgAnswer, (org) => orgSection(base, org, reload)),
    pendingSection(
      "vocab-h",
      t("vocab.title"),
      call("GET", `${base}/vocabulary`),
      (vocabulary) => vocabularySection(base, vocabulary, reload),
      h("p", { className: "hint" }, t("vocab.hint")),
    ),
    pendingSection(
      "keyfig-h",
      t("keyfig.title", { year }),
      call("GET", `${base}/key-figures/${year}`),
      (figures) => keyFiguresSection(base, figures, reload),
      h("p", { className: "hint" }, t("keyfig.hint")),
    ),
  ];
}
