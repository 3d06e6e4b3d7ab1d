// The admin forms' shared pieces (organisation, evaluation and network pages): a labelled
// field with its error slot, unit checkboxes, and sending a form with the API's problems
// shown beside the inputs named like their fields.

import { h, replace, uid } from "../../shared/dom.js";
import { explainError, notice, problemText } from "./ui.js";

/** A labelled input with an optional hint and an error slot, wired with aria-describedby. */
export function field(label, input, hint) {
  const errorId = uid("e");
  if (!input.id) input.id = uid("i");
  const hintId = hint ? uid("h") : null;
  input.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h(
    "div",
    { className: "field" },
    h("label", { htmlFor: input.id }, label),
    input,
    hint ? h("p", { className: "hint", id: hintId }, hint) : null,
    h("p", { className: "field-error", id: errorId, hidden: true }),
  );
}

/** A checkbox per unit (`unit_ids`), the `chosen` ones ticked. */
export function unitChecks(units, chosen, legend) {
  return h(
    "fieldset",
    { className: "unit-checks", "data-field": "unit_ids" },
    h("legend", {}, legend),
    units.map((u) => {
      const id = uid("u");
      return h(
        "div",
        { className: "choice" },
        h("input", { type: "checkbox", id, name: "unit_ids", value: u.id, checked: chosen.includes(u.id) }),
        h("label", { htmlFor: id }, u.name),
      );
    }),
    h("p", { className: "field-error", hidden: true }),
  );
}

/** The ids of the ticked unit checkboxes of a form. */
export const checkedUnits = (form) => [...form.querySelectorAll('input[name="unit_ids"]:checked')].map((i) => i.value);

const asIs = (entry) => problemText(entry);
const named = (entry) => `${entry.field}: ${problemText(entry)}`;

/**
 * Send a form: `send()` makes the call, `done(result)` follows a success. The API's
 * problems (its `errors[]` entries) go beside the inputs named like their fields
 * (`placed(entry)` says them), the rest into the form's banner (`unplaced(entry)`).
 * The submit button is disabled while the call runs.
 */
export async function submitForm(form, send, done, { placed = asIs, unplaced = named } = {}) {
  for (const p of form.querySelectorAll(".field-error")) {
    p.hidden = true;
    p.textContent = "";
  }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const banner = form.querySelector(".form-banner");
  const button = form.querySelector("button[type=submit]");
  replace(banner);
  if (button) button.disabled = true;
  try {
    done(await send());
  } catch (error) {
    const elsewhere = [];
    for (const entry of error.errors || []) {
      const input = form.querySelector(`[data-field="${CSS.escape(entry.field)}"]`);
      const slot = input?.closest(".field, fieldset")?.querySelector(".field-error");
      if (slot) {
        slot.textContent = placed(entry);
        slot.hidden = false;
        if (input.matches("input, select, textarea")) input.setAttribute("aria-invalid", "true");
      } else {
        elsewhere.push(unplaced(entry));
      }
    }
    replace(
      banner,
      notice(
        "error",
        h("p", {}, explainError(error)),
        elsewhere.map((m) => h("p", {}, m)),
      ),
    );
  } finally {
    if (button) button.disabled = false;
  }
}
