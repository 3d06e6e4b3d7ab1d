// The open statistics page: reads the view from the address (view.js), fetches its
// figures from the public API, and shows every figure as a chart and as a table with
// the same numbers (sections.js, compare.js). What is shown is also what the CSV and
// JSON downloads contain: the sections return their tidy rows with their DOM
// (downloads.js). One-way flow: an event changes the page's state, then `render`
// draws the state; the state lives in `start`, not in module variables.

import { PublicApi } from "../shared/api.js";
import { $, h } from "../shared/dom.js";
import { failureText, initialLanguage, loadTranslator, rememberLanguage } from "../shared/i18n.js";
import { comparisonAveragesOf, comparisonPlan, comparisonSection } from "./compare.js";
import { downloadCsv, downloadJson, openDataSection } from "./downloads.js";
import { directory } from "./figures.js";
import { names } from "./names.js";
import { averagesPath, peerGroup } from "./peers.js";
import { scopeSections } from "./sections.js";
import { applyStaticTexts, readView, syncForm, viewFromForm, viewSearch, wireForm } from "./view.js";

/**
 * Everything a view shows, read from the API: the scope's statistics (`main`), the
 * comparison's cells and reference (`plan`, with their `stats` and `average`), the
 * peers' averages and, when asked, the survey groups.
 */
async function loadFigures(api, scopes, view) {
  const plan = comparisonPlan(view, scopes);
  const pairs = [[view.scope, view.period]];
  if (plan) {
    for (const item of plan.rows) pairs.push([item.scope, item.period]);
    if (plan.reference) pairs.push([plan.reference.scope, plan.reference.period]);
  }
  const peers = peerGroup(scopes.get(view.scope));
  const averages = comparisonAveragesOf(view, plan, scopes);
  const [answers, peerAverages, rowsAverage, grouped] = await Promise.all([
    api.many(pairs),
    // The averages are a nicety: without them the figures still show.
    peers ? api.get(averagesPath(peers.group, peers.level, view.period)).catch(() => null) : null,
    averages ? api.get(averagesPath(averages[0], averages[1], view.period)).catch(() => null) : null,
    // The groups come with the scope's own document: one more read, only when asked.
    // (networks and countries publish no groups: their documents are made from members')
    view.by !== "none" && !/^(network|country):/.test(view.scope) ? api.stats(view.scope, view.period, view.by) : null,
  ]);
  let index = 1;
  if (plan) {
    for (const item of plan.rows) item.stats = answers[index++];
    if (plan.reference) plan.reference.stats = answers[index++];
    plan.average = rowsAverage;
  }
  return { view, main: answers[0], plan, peers: peerAverages, groups: grouped ? grouped.groups : null };
}

/** Widths of a chart across the results and of one in a pair of figures (see stats.css). */
function chartWidths() {
  const full = $("#results").clientWidth || 640;
  const gap = 24;
  return { wide: full, pair: full >= 2 * 480 + gap ? (full - gap) / 2 : full };
}

/** The sections of loaded figures, and what the downloads contain: {nodes, shown: {view, rows, sources}}. */
function viewSections(data, pageNames) {
  const { main, plan, view } = data;
  const { tr } = pageNames;
  const name = pageNames.scopeName(view.scope);
  const periodLabel = tr.period(view.period);
  const context = { names: pageNames, view, name, peers: data.peers, groups: data.groups, widths: chartWidths() };
  const built = [];
  const nodes = [h("h2", { id: "view-title", textContent: `${name} · ${periodLabel}` })];
  const sources = [];
  if (main) {
    sources.push({ scope: view.scope, period: view.period, stats: main });
    const when = main.updated_at ? new Date(main.updated_at) : null;
    if (when && !Number.isNaN(when.getTime()))
      nodes.push(h("p", { className: "updated", textContent: tr.t("updated", { date: tr.dateTime(when) }) }));
    built.push(...scopeSections(main, context, plan ? [comparisonSection(plan, context)] : []));
  } else {
    nodes.push(h("p", { className: "notice", textContent: tr.t("nodata", { scope: name, period: periodLabel }) }));
    if (plan) built.push(comparisonSection(plan, context));
  }
  nodes.push(...built.map((part) => part.node), openDataSection(view, name, periodLabel, tr));
  // Each API answer once, however many tables it feeds.
  for (const source of built.flatMap((part) => part.sources || [])) {
    if (!sources.some((item) => item.scope === source.scope && item.period === source.period)) sources.push(source);
  }
  return { nodes, shown: { view, rows: built.flatMap((part) => part.rows), sources }, name, periodLabel };
}

// The page's texts: the shared words and the statistics pages' own (shared/i18n/).
const TEXTS = ["common", "stats"];

async function start() {
  const config = window.LOGBOOK_CONFIG || {};
  // Public reads go through the CDN (publicApiUrl, written by deploy) where there is one.
  const apiBase = config.publicApiUrl || config.apiUrl || "";
  const api = new PublicApi(apiBase);
  const state = {
    tr: await loadTranslator(initialLanguage(), TEXTS),
    scopes: new Map([["all", { key: "all", kind: "all", population: null }]]),
    view: null,
    data: null, // the loaded figures of the current view
    failure: null,
    loading: 0, // the number of the latest load: an older one's answer is dropped
    shown: null, // what the downloads contain
  };
  const pageNames = () => names(state.tr, state.scopes);

  function render() {
    const { tr } = state;
    if (state.failure) {
      $("#results").replaceChildren();
      $("#status").textContent = "";
      $("#alert").textContent = tr.t("error", { message: failureText(tr, state.failure) });
      return;
    }
    if (!state.data) return;
    $("#alert").textContent = state.data.view.notices.map((notice) => tr.t(notice.key, notice.values)).join(" ");
    const { nodes, shown, name, periodLabel } = viewSections(state.data, pageNames());
    state.shown = shown;
    $("#results").replaceChildren(...nodes);
    $("#status").textContent = tr.t("loaded", { scope: name, period: periodLabel });
  }

  async function load() {
    const number = ++state.loading;
    $("#status").textContent = state.tr.t("loading");
    $("#results").setAttribute("aria-busy", "true");
    try {
      const data = await loadFigures(api, state.scopes, state.view);
      if (number !== state.loading) return; // a newer view was asked for meanwhile
      Object.assign(state, { data, failure: null });
    } catch (error) {
      if (number !== state.loading) return;
      Object.assign(state, { data: null, failure: error });
    } finally {
      if (number === state.loading) $("#results").removeAttribute("aria-busy");
    }
    render();
  }

  function show(view) {
    state.view = view;
    syncForm(view, pageNames());
    return load();
  }

  async function begin() {
    applyStaticTexts(state.tr, apiBase);
    try {
      // An API without networks (404, or a failure) still shows every organisation.
      const [orgs, networks] = await Promise.all([api.orgs(), api.networks().catch(() => [])]);
      state.scopes = directory(orgs, networks);
    } catch (error) {
      $("#alert").textContent = state.tr.t("error", { message: failureText(state.tr, error) });
    }
    await show(readView(location.search, state.scopes));

    $("#view-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const view = viewFromForm();
      history.pushState(null, "", viewSearch(view));
      show(view);
    });
    wireForm(() => state.tr);
    $("#lang").addEventListener("change", async () => {
      state.tr = await loadTranslator($("#lang").value, TEXTS);
      rememberLanguage(state.tr.lang);
      applyStaticTexts(state.tr, apiBase);
      syncForm(state.view, pageNames());
      render();
    });
    // Redraw when the width the charts are drawn for changes (a phone turned, a window resized).
    let drawnFor = chartWidths().pair;
    let pending = 0;
    window.addEventListener("resize", () => {
      clearTimeout(pending);
      pending = setTimeout(() => {
        const now = chartWidths().pair;
        if (Math.abs(now - drawnFor) > 16) {
          drawnFor = now;
          render();
        }
      }, 200);
    });
    window.addEventListener("popstate", () => show(readView(location.search, state.scopes)));
    $("#results").addEventListener("click", (event) => {
      if (!state.shown) return;
      if (event.target.id === "download-csv") downloadCsv(state.shown, state.scopes);
      if (event.target.id === "download-json") downloadJson(state.shown, state.scopes, apiBase || location.origin);
    });
  }

  begin();
}

start();
