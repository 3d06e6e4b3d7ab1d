// The activity form's inputs, each with its label, hint and error slot.

import { h, uid } from "../../shared/dom.js";
import { CATEGORIES, KINDS, MAX_COUNT } from "../../shared/vocabulary.js";
import { lang, t } from "./i18n.js";

export function fieldError(id) {
  return h("p", { className: "field-error", id, hidden: true });
}

export function stepper(name, label, { step = 1, max = MAX_COUNT, hint } = {}) {
  const id = uid("n");
  const errorId = `${id}-error`;
  const input = h("input", {
    id,
    name,
    type: "number",
    inputmode: "numeric",
    min: 0,
    max,
    step,
    value: "0",
    "data-field": name,
    "aria-describedby": errorId,
    required: true,
  });
  const bump = (delta) => {
    const next = Math.min(max, Math.max(0, (Number(input.value) || 0) + delta));
    input.value = String(next);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  // The buttons are for thumbs; keyboards use the field's own arrow keys, so the
  // buttons stay out of the tab order and the form keeps few tab stops.
  return h(
    "div",
    { className: "field stepper" },
    h("label", { htmlFor: id }, label),
    hint ? h("span", { className: "hint" }, hint) : null,
    h(
      "div",
      { className: "stepper-row" },
      h(
        "button",
        {
          type: "button",
          tabindex: "-1",
          className: "step",
          "aria-label": t("stepper.less", { label }),
          onclick: () => bump(-step),
        },
        "−",
      ),
      input,
      h(
        "button",
        {
          type: "button",
          tabindex: "-1",
          className: "step",
          "aria-label": t("stepper.more", { label }),
          onclick: () => bump(step),
        },
        "+",
      ),
    ),
    fieldError(errorId),
  );
}

export function textField(name, label, attrs = {}) {
  const id = uid("t");
  const errorId = `${id}-error`;
  return h(
    "div",
    { className: "field" },
    h("label", { htmlFor: id }, label),
    h("input", { id, name, "data-field": name, "aria-describedby": errorId, ...attrs }),
    fieldError(errorId),
  );
}

export function areaField(name, label, hint) {
  const id = uid("a");
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return h(
    "div",
    { className: "field" },
    h("label", { htmlFor: id }, label),
    hint ? h("span", { className: "hint", id: hintId }, hint) : null,
    h("textarea", {
      id,
      name,
      rows: 3,
      "data-field": name,
      "aria-describedby": hint ? `${hintId} ${errorId}` : errorId,
    }),
    fieldError(errorId),
  );
}

/** A vocabulary entry's label in the user's language, else English, else any. */
export function vocabularyLabel(entry) {
  const labels = entry.labels || {};
  return labels[lang()] || labels.en || Object.values(labels)[0] || entry.id;
}

/**
 * The kinds or categories to offer: the organisation's vocabulary as the API serves
 * it (core + own, in the organisation's words), else the core words.
 */
export function vocabularyChoices(vocabulary, which) {
  if (vocabulary && Array.isArray(vocabulary[which])) {
    return vocabulary[which].map((entry) => ({ value: entry.id, label: vocabularyLabel(entry) }));
  }
  const [ids, prefix] = which === "kinds" ? [KINDS, "kind"] : [CATEGORIES, "category"];
  return ids.map((value) => ({ value, label: t(`${prefix}.${value}`) }));
}

export function choiceGroup(name, legend, options, type, hint) {
  const errorId = `${uid("g")}-error`;
  return h(
    "fieldset",
    { className: `choices choices-${type}`, "data-field": name, "aria-describedby": errorId },
    h("legend", {}, legend),
    hint ? h("p", { className: "hint" }, hint) : null,
    h(
      "div",
      { className: "choice-list" },
      options.map(({ value, label }) => {
        const id = uid("c");
        return h(
          "div",
          { className: "choice" },
          h("input", { id, type, name, value }),
          h("label", { htmlFor: id }, label),
        );
      }),
    ),
    fieldError(errorId),
  );
}

export function goalRating(goal) {
  const name = `goal.${goal.id}`;
  const errorId = `${uid("r")}-error`;
  const options = ["", "1", "2", "3", "4", "5"];
  return h(
    "fieldset",
    { className: "rating", "data-field": `goal_ratings.${goal.id}`, "data-goal": goal.id, "aria-describedby": errorId },
    h("legend", {}, goal.title),
    h(
      "div",
      { className: "rating-row" },
      options.map((value) => {
        const id = uid("r");
        return h(
          "span",
          { className: "rating-option" },
          h("input", { id, type: "radio", name, value, checked: value === "" }),
          h(
            "label",
            { htmlFor: id, title: value ? t(`rating.${value}`) : "" },
            value
              ? h("span", {}, value, h("span", { className: "visually-hidden" }, ` – ${t(`rating.${value}`)}`))
              : t("rating.none"),
          ),
        );
      }),
    ),
    fieldError(errorId),
  );
}
