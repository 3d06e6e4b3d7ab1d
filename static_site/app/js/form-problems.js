// The activity form's problems: each beside its field, all in a summary whose links focus them.

import { h, replace } from "../../shared/dom.js";
import { t } from "./i18n.js";

/** The element a field path belongs to: exact, then its nearest named parent. */
function slotFor(form, field) {
  let path = field;
  while (path) {
    const target = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
    if (target) return target;
    if (path.startsWith("goal_ids.")) path = path.replace("goal_ids.", "goal_ratings.");
    else path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
  }
  return null;
}

export function clearProblems(form, summary) {
  for (const p of form.querySelectorAll(".field-error")) {
    p.hidden = true;
    p.textContent = "";
  }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  summary.hidden = true;
  replace(summary);
}

/** Show `[{field, message}]` beside the fields and in `summary`, which takes the focus. */
export function showProblems(form, summary, problems) {
  clearProblems(form, summary);
  if (!problems.length) return;
  const links = [];
  for (const { field, message } of problems) {
    const target = slotFor(form, field);
    let errorEl = null;
    let focusTarget = target;
    if (target) {
      const errorId = target.getAttribute("aria-describedby");
      errorEl = errorId ? document.getElementById(errorId.split(" ").pop()) : null;
      if (!errorEl)
        errorEl = target.querySelector(".field-error") || target.parentElement.querySelector(".field-error");
      if (target.matches("input, textarea")) target.setAttribute("aria-invalid", "true");
      else focusTarget = target.querySelector("input, textarea, summary") || target;
    }
    if (errorEl) {
      errorEl.hidden = false;
      errorEl.textContent = errorEl.textContent ? `${errorEl.textContent} ${message}` : message;
    }
    links.push(
      h(
        "li",
        {},
        focusTarget
          ? h(
              "a",
              {
                href: "#",
                onclick: (event) => {
                  event.preventDefault();
                  if (focusTarget.closest("details")) focusTarget.closest("details").open = true;
                  focusTarget.focus();
                },
              },
              message,
            )
          : message,
      ),
    );
  }
  replace(summary, h("h2", {}, t("form.problems", { n: problems.length })), h("ul", {}, links));
  summary.hidden = false;
  summary.setAttribute("role", "alert");
  if (problems.some((p) => p.field.startsWith("age_bands"))) form.querySelector(".age-bands").open = true;
  summary.focus();
}
