// What /stats/ offers to take away: the open-data section (CSV and JSON of what is
// shown, the view's address, licence and citation) and the files themselves, made of
// the tidy rows the sections returned (sections.js, compare.js).

import { toCsv } from "../shared/csv.js";
import { h } from "../shared/dom.js";
import { CSV_COLUMNS } from "./figures.js";
import { section } from "./layout.js";
import { fileBase, viewSearch } from "./view.js";

/** The download buttons, the view's address, the licence and how to cite the view. */
export function openDataSection(view, name, periodLabel, tr) {
  const url = new URL(viewSearch(view), location.href).href;
  const citation = tr.t("cite", { view: `${name}, ${periodLabel}`, url, date: tr.date(new Date()) });
  return section("open-data", tr.t("s.open"), [
    h(
      "p",
      { className: "actions" },
      h("button", { type: "button", id: "download-csv", textContent: tr.t("download.csv") }),
      h("button", { type: "button", id: "download-json", textContent: tr.t("download.json") }),
    ),
    h("p", {}, h("a", { href: url, id: "share-link", textContent: tr.t("share") })),
    h("p", { textContent: tr.t("licence") }),
    h("blockquote", { id: "citation", textContent: citation }),
    h("p", {}, h("a", { href: "about.html", textContent: tr.t("nav.about") })),
  ]);
}

/**
 * A scope's name in the downloads: its own name, in no language (a unit's name, a
 * country's ISO code, "All"), so a file reads the same whatever the page's language
 * and equals GET /public/stats.csv of the view (chalicelib/domain/stats_table.py).
 */
export function plainScopeName(scopes, key, fallback) {
  const scope = scopes.get(key);
  if (!scope) return fallback;
  if (scope.kind === "all") return "All";
  if (scope.kind === "country") return scope.country;
  return scope.name ?? fallback;
}

/**
 * Each row with its scope's plain name and its municipality's official code, so
 * analysts can join the downloads with SiStat, Sotkanet or Kolada.
 */
export function withCodes(rows, scopes) {
  return rows.map((item) => ({
    ...item,
    scope_name: plainScopeName(scopes, item.scope, item.scope_name),
    municipality_code: item.municipality_code ?? scopes.get(item.scope)?.org?.municipality_code ?? null,
  }));
}

/** The JSON download: the view, its rows and every API answer they came from. */
export function jsonDocument(shown, scopes, api, now = new Date()) {
  const view = shown.view;
  return {
    title: "Logbook open statistics",
    licence: "CC BY 4.0",
    licence_url: "https://creativecommons.org/licenses/by/4.0/",
    url: new URL(viewSearch(view), location.href).href,
    api,
    generated_at: now.toISOString(),
    view: {
      scope: view.scope,
      period: view.period,
      compare: view.compare,
      metric: view.metric,
      ...(view.by !== "none" ? { by: view.by } : {}),
    },
    rows: withCodes(shown.rows, scopes),
    sources: shown.sources,
  };
}

function save(text, type, filename) {
  const link = h("a", { href: URL.createObjectURL(new Blob([text], { type })), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** Save what is shown (`shown`: {view, rows, sources}) as CSV. */
export function downloadCsv(shown, scopes) {
  save(toCsv(CSV_COLUMNS, withCodes(shown.rows, scopes)), "text/csv;charset=utf-8", `${fileBase(shown.view)}.csv`);
}

/** Save what is shown as JSON; `api` is the address of the API the figures came from. */
export function downloadJson(shown, scopes, api) {
  const text = `${JSON.stringify(jsonDocument(shown, scopes, api), null, 2)}\n`;
  save(text, "application/json", `${fileBase(shown.view)}.json`);
}
