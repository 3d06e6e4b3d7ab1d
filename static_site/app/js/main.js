// The youth worker's app: sign-in, then hash routes (static hosting needs no rewrites).
//   #/                                 start: my units and organisations
//   #/units/{unit}                     log an activity
//   #/units/{unit}/activities          the unit's activities
//   #/units/{unit}/activities/{id}     edit one (?complete=1: log a plan as done)
//   #/units/{unit}/import              activities from a spreadsheet (check, then import)
//   #/orgs/{org}/import                an organisation package (admins: check, then import)
//   #/units/{unit}/figures?period=     the unit's own figures
//   #/units/{unit}/surveys             the unit's QR points (surveys, check-ins, ideas)
//   #/units/{unit}/ideas/{code}        an ideas point's proposals: moderate, rank, adopt
//   #/orgs/{org}                       manage the organisation (admins)
//   #/orgs/{org}/figures?period=       all units side by side (admins)
//   #/orgs/{org}/campaigns[/{id}]      survey campaigns and their live progress
//   #/orgs/{org}/targets?year=         the year's targets and analysis (admins)
//   #/outbox                           saves on this device: waiting, refused, sent
//   #/networks[/{id}]                  networks: admins edit, coordinators see theirs

import { h, replace } from "../../shared/dom.js";
import { forgetOfflineAnswers } from "./api.js";
import { completeCognitoSignIn, getToken, signOut, tokenEmail } from "./auth.js";
import { clearContext } from "./context.js";
import { homePage, signInPage } from "./home.js";
import { LANGUAGES, lang, setLang, t } from "./i18n.js";
import { notice, pageHeading } from "./ui.js";

const main = document.getElementById("main");
const header = document.getElementById("account");
let signInReason = null;

function renderChrome() {
  const select = h(
    "select",
    {
      id: "lang",
      onchange: async (event) => {
        await setLang(event.target.value);
        renderChrome();
        route();
      },
    },
    Object.entries(LANGUAGES).map(([code, name]) =>
      h("option", { value: code, selected: code === lang(), lang: code }, name),
    ),
  );
  const email = getToken() ? tokenEmail() : null;
  replace(
    header,
    h("label", { htmlFor: "lang", className: "visually-hidden" }, t("chrome.language")),
    select,
    email ? outboxStatus : null,
    email ? h("span", { className: "who" }, email) : null,
    email ? h("button", { type: "button", onclick: signOutAndClear }, t("chrome.signOut")) : null,
  );
  renderOutboxStatus();
  document.querySelector(".skip-link").textContent = t("chrome.skip");
  document.title = t("chrome.title");
}

// The header says plainly when saves wait on this device, or need the worker.
const outboxStatus = h("a", { href: "#/outbox", className: "outbox-status", hidden: true });

// The outbox loads once someone is signed in: the first visit (sign-in) does without it.
let outbox = null;
async function loadOutbox() {
  if (!outbox) {
    outbox = await import("./outbox.js");
    outbox.onChange(renderOutboxStatus);
  }
  return outbox;
}

async function startOutbox() {
  if (!getToken()) return;
  (await loadOutbox()).startOutbox();
  renderOutboxStatus();
}

function renderOutboxStatus() {
  if (!getToken() || !outbox) return;
  const { waiting, problems } = outbox.counts();
  const parts = [];
  if (!navigator.onLine) parts.push(t("outbox.offlineShort"));
  if (waiting) parts.push(t("outbox.waitingShort", { n: waiting }));
  if (problems) parts.push(t("outbox.problemsShort", { n: problems }));
  outboxStatus.hidden = !parts.length;
  outboxStatus.textContent = parts.join(" · ");
  outboxStatus.classList.toggle("has-problems", problems > 0);
}
window.addEventListener("online", renderOutboxStatus);
window.addEventListener("offline", renderOutboxStatus);

const PERSONAL_PREFIXES = ["logbook.token", "logbook.draft.", "logbook.outbox.", "logbook.cache.", "logbook.pkce"];

/** Signing out leaves nothing personal on the device: token, drafts, outbox, kept answers. */
async function signOutAndClear() {
  const unsent = (await loadOutbox()).unsentCount();
  if (unsent && !window.confirm(t("outbox.signOutUnsent", { n: unsent }))) return;
  for (const key of Object.keys(localStorage)) {
    if (PERSONAL_PREFIXES.some((prefix) => key.startsWith(prefix))) localStorage.removeItem(key);
  }
  sessionStorage.clear();
  clearContext();
  signOut();
  renderChrome();
  route();
}

function parse(hash) {
  const [path, queryText] = (hash.replace(/^#/, "") || "/").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { parts, query: new URLSearchParams(queryText || "") };
}

async function route() {
  // Each navigation renders into its own element: a slower, older page that
  // finishes late writes into a detached element instead of over the new page.
  const view = h("div", { className: "view" });
  replace(main, view);
  if (!getToken()) {
    signInPage(view, {
      reason: signInReason,
      onSignedIn: () => {
        signInReason = null;
        clearContext();
        renderChrome();
        startOutbox();
        route();
      },
    });
    focusHeading();
    return;
  }
  // Each page's module loads when it is first opened (the service worker keeps them all
  // for offline use): the sign-in page loads only what it shows.
  const { parts, query } = parse(window.location.hash);
  const period = query.get("period");
  try {
    if (parts.length === 0) await homePage(view);
    else if (parts[0] === "outbox" && parts.length === 1) (await import("./outbox-page.js")).outboxPage(view);
    else if (parts[0] === "units" && parts.length === 2) await (await import("./unit.js")).logPage(view, parts[1]);
    else if (parts[0] === "units" && parts[2] === "activities" && parts.length === 3)
      await (await import("./unit.js")).listPage(view, parts[1]);
    else if (parts[0] === "units" && parts[2] === "activities" && parts.length === 4)
      await (await import("./unit.js")).editPage(view, parts[1], parts[3], { complete: query.get("complete") === "1" });
    else if (parts[0] === "units" && parts[2] === "import" && parts.length === 3)
      await (await import("./import.js")).importPage(view, parts[1]);
    else if (parts[0] === "orgs" && parts[2] === "import" && parts.length === 3)
      await (await import("./import.js")).orgImportPage(view, parts[1]);
    else if (parts[0] === "units" && parts[2] === "figures")
      await (await import("./unit-figures.js")).figuresPage(view, parts[1], period);
    else if (parts[0] === "units" && parts[2] === "surveys")
      await (await import("./unit-surveys.js")).surveysPage(view, parts[1]);
    else if (parts[0] === "units" && parts[2] === "ideas" && parts.length === 4)
      await (await import("./ideas.js")).ideasPage(view, parts[1], parts[3]);
    else if (parts[0] === "orgs" && parts.length === 2) await (await import("./admin.js")).orgPage(view, parts[1]);
    else if (parts[0] === "orgs" && parts[2] === "figures")
      await (await import("./admin.js")).orgFiguresPage(view, parts[1], period);
    else if (parts[0] === "orgs" && parts[2] === "campaigns" && parts.length === 3)
      await (await import("./evaluation.js")).campaignsPage(view, parts[1]);
    else if (parts[0] === "orgs" && parts[2] === "campaigns" && parts.length === 4)
      await (await import("./evaluation.js")).campaignPage(view, parts[1], parts[3]);
    else if (parts[0] === "networks" && parts.length === 1) await (await import("./networks.js")).networksPage(view);
    else if (parts[0] === "networks" && parts.length === 2)
      await (await import("./networks.js")).networkPage(view, parts[1], period);
    else if (parts[0] === "orgs" && parts[2] === "targets" && parts.length === 3)
      await (await import("./evaluation.js")).targetsPage(view, parts[1], query.get("year"));
    else
      replace(
        view,
        pageHeading(t("error.notFoundTitle")),
        notice("error", h("p", {}, t("error.notFound"))),
        h("p", {}, h("a", { href: "#/" }, t("nav.backHome"))),
      );
  } catch (error) {
    replace(view, pageHeading(t("error.title")), notice("error", h("p", {}, t("error.unexpected"))));
    throw error;
  }
  if (view.isConnected) focusHeading();
}

function focusHeading() {
  // Move focus to the new page's heading so screen readers announce the page.
  const heading = document.getElementById("page-title");
  if (heading && document.activeElement !== heading && !main.contains(document.activeElement)) heading.focus();
}

window.addEventListener("hashchange", route);
// The skip link must not change the hash: routes live there.
document.querySelector(".skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener("logbook:unauthorized", () => {
  // The token expired or was revoked: drafts stay in localStorage; sign in again.
  signOutLocally();
});

function signOutLocally() {
  // Drafts and the outbox stay (they go out after the next sign-in); kept answers do not.
  forgetOfflineAnswers();
  localStorage.removeItem("logbook.token");
  clearContext();
  signInReason = t("signin.expired");
  renderChrome();
  route();
}

(async () => {
  try {
    await completeCognitoSignIn();
  } catch (error) {
    signInReason = error.message;
  }
  renderChrome();
  startOutbox();
  route();
})();

// Installable and usable offline: the service worker keeps the app's own files (never
// API answers). Registered after the page has loaded, from files the browser already has.
if (navigator.serviceWorker) {
  const register = () => navigator.serviceWorker.register("sw.js").catch(() => {});
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}
