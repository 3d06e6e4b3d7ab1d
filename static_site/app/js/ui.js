// Shared pieces of the pages: headings, notices, the live region, field errors.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/** Announce a short message to screen readers (and show it in the status bar). */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (region) {
    region.textContent = "";
    // A fresh text node after a tick makes screen readers read repeats too.
    setTimeout(() => { region.textContent = message; }, 30);
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
