// Shared pieces of the pages: headings, notices, the live region, field errors.

import { h, replace } from "../../shared/dom.js";
import { problemText as sharedProblemText } from "../../shared/i18n.js";
import { has, t } from "./i18n.js";

/** Announce a short message to screen readers (and show it in the status bar). */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (region) {
    region.textContent = "";
    // A fresh text node after a tick makes screen readers read repeats too.
    setTimeout(() => {
      region.textContent = message;
    }, 30);
  }
}

/** A page heading that takes focus on navigation, so screen readers start there. */
export function pageHeading(text) {
  return h("h1", { tabindex: "-1", id: "page-title" }, text);
}

export function notice(kind, ...content) {
  // role=alert for problems so they are read at once; status for the rest.
  return h("div", { className: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...content);
}

export function loading() {
  return h("p", { className: "loading", role: "status" }, t("loading"));
}

/**
 * A page section shown at once with its heading (and `intro`), its body a loading line
 * until `answer` settles: then `build(value)`, or the failure as a notice in this section
 * only, so one slow or failing call never holds or blanks the rest of the page.
 */
export function pendingSection(id, title, answer, build, intro = null) {
  const body = h("div", { "aria-busy": "true" }, loading());
  (async () => {
    try {
      replace(body, build(await answer));
    } catch (error) {
      replace(body, notice("error", h("p", {}, explainError(error))));
      // A fault of the page itself (not an API answer) still reaches the console.
      if (error?.status === undefined) throw error;
    } finally {
      body.setAttribute("aria-busy", "false");
    }
  })();
  return h("section", { "aria-labelledby": id }, h("h2", { id }, title), intro, body);
}

/** A plain explanation of an API failure in the user's language. */
export function explainError(error) {
  if (!error || error.status === undefined) return t("error.unexpected");
  if (error.status === 0) return t("error.offline");
  if (error.status === 401) return t("error.signedOut");
  if (error.status === 403) return t("error.forbidden");
  if (error.status === 404) return t("error.notFound");
  if (error.status === 409) return t("error.conflict");
  if (error.status >= 500) return t("error.server");
  return t("error.invalid");
}

/** A refusal or failure as a whole page body: a plain message and a way home. */
export function failurePage(error, heading) {
  return [
    pageHeading(heading || t("error.title")),
    notice("error", h("p", {}, explainError(error))),
    h("p", {}, h("a", { href: "#/" }, t("nav.backHome"))),
  ];
}

/**
 * One refused field's problem in the user's language: by its stable `code` (with the
 * `limit` it names) where the texts know it, else the API's English words.
 */
export function problemText(entry) {
  return sharedProblemText({ t, has }, entry);
}
