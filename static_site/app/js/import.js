// Imports: a unit's activities from a spreadsheet, and a whole organisation package
// (admins). Both are one flow (`uploadFlow`): choose a file, see the check (a dry run
// that stores nothing, every problem named), confirm. The upload shows its progress
// (XMLHttpRequest reports it; fetch does not), so a large file is visibly on its way.

import { h, replace } from "../../shared/dom.js";
import { MAX_UPLOAD_BYTES } from "../../shared/vocabulary.js";
import { API_URL, call } from "./api.js";
import { getToken } from "./auth.js";
import { formatNumber, t } from "./i18n.js";
import { announce, explainError, failurePage, loading, notice, pageHeading, problemText } from "./ui.js";
import { openUnit, unitHeader } from "./unit-context.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

function mediaTypeOf(file) {
  return /\.xlsx$/i.test(file.name) || file.type === XLSX ? XLSX : "text/csv";
}

/** POST the file; resolves {status, body}; `onProgress(share)` while it uploads. */
function upload(path, file, { dryRun, key, mediaType, onProgress }) {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${API_URL}${path}${dryRun ? "?dry_run=1" : ""}`);
    request.setRequestHeader("Content-Type", mediaType);
    request.setRequestHeader("Authorization", `Bearer ${getToken()}`);
    if (key) request.setRequestHeader("Idempotency-Key", key);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status === 401) window.dispatchEvent(new CustomEvent("logbook:unauthorized"));
      resolve({ status: request.status, body });
    };
    request.onerror = () => resolve({ status: 0, body: null });
    request.send(file);
  });
}

function problemTable(errors) {
  return h(
    "table",
    { className: "import-problems" },
    h(
      "thead",
      {},
      h("tr", {}, h("th", { scope: "col" }, t("import.where")), h("th", { scope: "col" }, t("import.problem"))),
    ),
    h(
      "tbody",
      {},
      errors.map((error) => h("tr", {}, h("th", { scope: "row" }, error.field), h("td", {}, problemText(error)))),
    ),
  );
}

/**
 * The import flow's elements: a file input, check and confirm buttons, the upload's
 * progress and the answer. `describe(body, dryRun)` turns a 200/201 answer into
 * `{ message, confirm, extra }` (confirm: the confirm button's label, or null when there
 * is nothing to import). A 202 (an import that ran out of time) is sent again until
 * done, as docs/data.md says.
 */
function uploadFlow({ path, id, label, accept, mediaType, describe, keyed }) {
  const input = h("input", { type: "file", id, accept });
  const progress = h("progress", { max: "1", value: "0", hidden: true, "aria-label": t("import.uploading") });
  const status = h("div", { "aria-live": "polite" });
  const result = h("div");
  const confirm = h("button", { type: "button", hidden: true, onclick: () => send(false) });
  const check = h("button", { type: "button", onclick: () => send(true) }, t("import.check"));
  let busy = false;

  async function send(dryRun) {
    const file = input.files?.[0];
    if (!file) {
      replace(result, notice("error", h("p", {}, t("import.noFile"))));
      return;
    }
    if (file.size > MAX_UPLOAD_BYTES) {
      replace(result, notice("error", h("p", {}, t("import.tooLarge"))));
      return;
    }
    if (busy) return;
    busy = true;
    check.disabled = confirm.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    replace(status, h("p", { role: "status" }, t("import.uploading")));
    let answer;
    let rounds = 0; // each round stores more; the bound only stops a runaway loop
    do {
      answer = await upload(path, file, {
        dryRun,
        mediaType: mediaType(file),
        key: keyed && !dryRun ? crypto.randomUUID() : null,
        onProgress: (share) => {
          progress.value = share;
          if (share >= 1) replace(status, h("p", { role: "status" }, t("import.checking")));
        },
      });
    } while (answer.status === 202 && !dryRun && ++rounds < 100);
    busy = false;
    progress.hidden = true;
    check.disabled = confirm.disabled = false;
    replace(status);
    const body = answer.body || {};
    if (answer.status === 200 || answer.status === 201) {
      const { message, confirm: confirmLabel, extra } = describe(body, dryRun);
      replace(result, notice("success", h("p", {}, message), ...(extra || [])));
      confirm.hidden = !dryRun || !confirmLabel;
      if (confirmLabel) confirm.textContent = confirmLabel;
      announce(message);
      return;
    }
    confirm.hidden = true;
    const errors = Array.isArray(body.errors) ? body.errors : [];
    if (answer.status === 400 && errors.length) {
      replace(
        result,
        notice("error", h("p", {}, t("import.problems", { n: formatNumber(errors.length) }))),
        problemTable(errors),
      );
      announce(t("import.problems", { n: errors.length }));
    } else if (answer.status === 413) {
      replace(result, notice("error", h("p", {}, t("import.tooLarge"))));
    } else {
      replace(result, notice("error", h("p", {}, explainError({ status: answer.status, body }))));
    }
  }

  input.addEventListener("change", () => {
    confirm.hidden = true;
    replace(result);
  });
  return [
    h("p", {}, h("label", { htmlFor: id }, label), h("br"), input),
    h("div", { className: "button-row" }, check, confirm),
    progress,
    status,
    result,
  ];
}

export async function importPage(main, unitId) {
  replace(main, loading());
  const ctx = await openUnit(main, unitId);
  if (!ctx) return;
  const flow = uploadFlow({
    path: `/units/${encodeURIComponent(unitId)}/activities/import`,
    id: "import-file",
    label: t("import.file"),
    accept: `.csv,.xlsx,text/csv,${XLSX}`,
    mediaType: mediaTypeOf,
    keyed: true,
    describe: (body, dryRun) => {
      const numbers = { created: formatNumber(body.created), unchanged: formatNumber(body.unchanged) };
      if (dryRun) {
        return {
          message: body.created ? t("import.checked", numbers) : t("import.nothingNew"),
          confirm: body.created ? t("import.confirm", { n: formatNumber(body.created) }) : null,
        };
      }
      return {
        message: t("import.done", numbers),
        extra: [h("p", {}, h("a", { href: `#/units/${encodeURIComponent(unitId)}/activities` }, t("import.toList")))],
      };
    },
  });
  replace(
    main,
    ...unitHeader(ctx, t("import.title", { unit: ctx.unit.name }), "activities"),
    h("p", {}, t("import.intro")),
    h(
      "p",
      {},
      h(
        "a",
        { href: `${API_URL}/activity-import-template.csv`, download: "logbook-activities-template.csv" },
        t("import.template"),
      ),
      " ",
      t("import.columns"),
    ),
    ...flow,
  );
}

const sum = (counts) => Object.values(counts || {}).reduce((total, n) => total + (Number(n) || 0), 0);

/** What the package holds, table by table: new here, and already here. */
function countsTable(body) {
  const names = Object.keys(body.created || {}).filter(
    (name) => (body.created[name] || 0) + (body.unchanged?.[name] || 0) > 0,
  );
  return h(
    "table",
    { className: "import-counts" },
    h("caption", {}, t("orgImport.counts")),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t("orgImport.table")),
        h("th", { scope: "col" }, t("orgImport.new")),
        h("th", { scope: "col" }, t("orgImport.there")),
      ),
    ),
    h(
      "tbody",
      {},
      names.map((name) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, name),
          h("td", {}, formatNumber(body.created[name] || 0)),
          h("td", {}, formatNumber(body.unchanged?.[name] || 0)),
        ),
      ),
    ),
  );
}

/** An organisation package (`#/orgs/{org}/import`, organisation admins). */
export async function orgImportPage(main, orgId) {
  replace(main, loading());
  let org;
  try {
    org = await call("GET", `/orgs/${encodeURIComponent(orgId)}`);
  } catch (error) {
    replace(main, ...failurePage(error));
    return;
  }
  const adminHref = `#/orgs/${encodeURIComponent(orgId)}`;
  const flow = uploadFlow({
    path: `/orgs/${encodeURIComponent(orgId)}/import`,
    id: "org-import-file",
    label: t("orgImport.file"),
    accept: ".zip,application/zip",
    mediaType: () => "application/zip",
    keyed: false,
    describe: (body, dryRun) => {
      const numbers = { created: formatNumber(sum(body.created)), unchanged: formatNumber(sum(body.unchanged)) };
      const created = sum(body.created);
      if (dryRun) {
        return {
          message: created ? t("orgImport.checked", numbers) : t("orgImport.nothingNew"),
          confirm: created ? t("orgImport.confirm", { n: numbers.created }) : null,
          extra: [countsTable(body)],
        };
      }
      return {
        message: t("orgImport.done", numbers),
        extra: [countsTable(body), h("p", {}, h("a", { href: adminHref }, t("orgImport.toAdmin")))],
      };
    },
  });
  replace(
    main,
    h(
      "p",
      { className: "crumbs" },
      h("a", { href: "#/" }, t("nav.home")),
      " › ",
      h("a", { href: adminHref }, org.name),
    ),
    pageHeading(t("orgImport.title", { org: org.name })),
    h("p", {}, t("orgImport.intro")),
    ...flow,
  );
}
