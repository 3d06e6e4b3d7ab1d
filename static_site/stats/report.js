// The annual report (/stats/report.html?scope=&year=): one GET /public/report, drawn
// as a printable document (report-sections.js) — the year against last year, against
// the peers' average and against the targets, young people's assessments with their
// intervals, who took part, and the team's published analysis. Every chart has a
// table with the same numbers beside it. Print (or Save as PDF) gives the A4 document
// (report.css). One-way flow: an event changes the state kept in `start`, then
// `render` draws it.

import { PublicApi } from "../shared/api.js";
import { $, h } from "../shared/dom.js";
import {
  failureText,
  initialLanguage,
  LANGUAGE_NAMES as LANGUAGES,
  loadTranslator,
  rememberLanguage,
} from "../shared/i18n.js";
import { directory } from "./figures.js";
import { names } from "./names.js";
import {
  aboutSection,
  activitiesSection,
  analysisSection,
  glanceSection,
  indicatorsSection,
  participationSection,
  readReportView,
  targetsSection,
} from "./report-sections.js";

const YEARS_BACK = 9;

function applyStaticTexts(tr) {
  document.documentElement.lang = tr.lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = tr.t(node.dataset.i18n);
  $("#lang").replaceChildren(
    ...Object.entries(LANGUAGES).map(([code, name]) =>
      h("option", { value: code, lang: code, textContent: name, selected: code === tr.lang }),
    ),
  );
}

function syncForm(view, pageNames) {
  const { tr, scopes } = pageNames;
  const options = [h("option", { value: "all", textContent: tr.t("scope.all"), selected: view.scope === "all" })];
  for (const org of [...scopes.values()].filter((scope) => scope.kind === "org")) {
    const group = h("optgroup", { label: org.name });
    group.append(h("option", { value: org.key, textContent: org.name, selected: org.key === view.scope }));
    for (const unit of org.org.units) {
      const key = `unit:${unit.id}`;
      group.append(
        h("option", { value: key, textContent: `${org.name} › ${unit.name}`, selected: key === view.scope }),
      );
    }
    options.push(group);
  }
  $("#scope").replaceChildren(...options);
  const thisYear = new Date().getFullYear();
  $("#year").replaceChildren(
    ...Array.from({ length: YEARS_BACK + 1 }, (_, i) => String(thisYear - i)).map((year) =>
      h("option", { value: year, textContent: year, selected: year === view.year }),
    ),
  );
}

/** The report's cover: its title, the scope, and when and where it was made. */
function cover(report, name, tr) {
  const address = new URL(
    `report.html?${new URLSearchParams({ scope: report.scope, year: report.year })}`,
    location.href,
  );
  return h(
    "header",
    { className: "report-cover" },
    h("p", { className: "report-kicker", textContent: "Logbook" }),
    h("h1", { id: "report-title", textContent: tr.t("r.title", { year: report.year }) }),
    h("p", { className: "report-subtitle", textContent: tr.t("r.subtitle", { scope: name }) }),
    h("p", { className: "note", textContent: tr.t("r.generated", { date: tr.date(new Date()), url: address.href }) }),
  );
}

/** Every part of a loaded report, in the order it is printed. */
function reportParts(report, context, name) {
  const { tr } = context.names;
  const parts = [cover(report, name, tr)];
  if (!report.has_data)
    parts.push(
      h("p", { className: "notice", id: "no-data", textContent: tr.t("r.nodata", { scope: name, year: report.year }) }),
    );
  parts.push(
    ...[
      glanceSection,
      targetsSection,
      indicatorsSection,
      participationSection,
      activitiesSection,
      analysisSection,
      aboutSection,
    ].map((build) => build(report, context)),
  );
  return parts.filter(Boolean);
}

// The page's texts: the shared words and the statistics pages' own (shared/i18n/).
const TEXTS = ["common", "stats"];

async function start() {
  const config = window.LOGBOOK_CONFIG || {};
  const api = new PublicApi(config.publicApiUrl || config.apiUrl || "");
  const state = {
    tr: await loadTranslator(initialLanguage(), TEXTS),
    scopes: new Map([["all", { key: "all", kind: "all", population: null }]]),
    report: null,
    failure: null,
  };
  const pageNames = () => names(state.tr, state.scopes);

  function render() {
    const view = readReportView(location.search);
    const { tr } = state;
    $("#alert").textContent = state.failure || "";
    const context = {
      names: pageNames(),
      // The report's column, at most 640 px.
      width: Math.min(640, Math.max(320, $("#main").clientWidth - 32)),
    };
    const name = context.names.scopeName(view.scope);
    document.title = tr.t("r.page.title", { year: view.year, scope: name });
    if (!state.report) {
      $("#report").replaceChildren(h("h1", { id: "report-title", textContent: tr.t("r.title", { year: view.year }) }));
      return;
    }
    $("#report").replaceChildren(...reportParts(state.report, context, name));
  }

  async function load() {
    const view = readReportView(location.search);
    Object.assign(state, { report: null, failure: null });
    $("#status").textContent = state.tr.t("r.loading");
    try {
      state.report = await api.report(view.scope, view.year);
      if (!state.report) state.failure = state.tr.t("r.unknownScope");
    } catch (error) {
      state.failure = state.tr.t("r.error", { message: failureText(state.tr, error) });
    }
    $("#status").textContent = "";
    render();
  }

  async function begin() {
    applyStaticTexts(state.tr);
    try {
      state.scopes = directory(await api.orgs());
    } catch {
      // Names are a nicety: the report itself still loads.
    }
    syncForm(readReportView(location.search), pageNames());
    await load();
    $("#report-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const query = new URLSearchParams({ scope: $("#scope").value, year: $("#year").value });
      if (new URLSearchParams(location.search).get("lang")) query.set("lang", state.tr.lang);
      history.pushState(null, "", `?${query}`);
      load();
    });
    $("#print").addEventListener("click", () => window.print());
    $("#lang").addEventListener("change", async () => {
      state.tr = await loadTranslator($("#lang").value, TEXTS);
      rememberLanguage(state.tr.lang);
      applyStaticTexts(state.tr);
      syncForm(readReportView(location.search), pageNames());
      render();
    });
    window.addEventListener("popstate", () => {
      syncForm(readReportView(location.search), pageNames());
      load();
    });
  }

  begin();
}

start();
