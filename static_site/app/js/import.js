// A unit's activities from a spreadsheet: choose a file, see the check (a dry run that
// stores nothing), confirm. The upload shows its progress (XMLHttpRequest reports it;
// fetch does not), so a large file on a slow connection is visibly on its way.

import "./import-messages.js";
import { API_URL } from "./api.js";
import { getToken } from "./auth.js";
import { h, replace } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { announce, explainError, loading, notice } from "./ui.js";
import { openUnit, unitHeader } from "./unit.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const MAX_BYTES = 4_400_000;

function mediaTypeOf(file) {
  return /\.xlsx$/i.test(file.name) || file.type === XLSX ? XLSX : "text/csv";
}

/** POST the file; resolves {status, body}; `onProgress(share)` while it uploads. */
function upload(path, file, { dryRun, key, onProgress }) {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${API_URL}${path}${dryRun ? "?dry_run=1" : ""}`);
    request.setRequestHeader("Content-Type", mediaTypeOf(file));
    request.setRequestHeader("Authorization", `Bearer ${getToken()}`);
    if (key) request.setRequestHeader("Idempotency-Key", key);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body = null;
      try { body = JSON.parse(request.responseText); } catch { body = null; }
      if (request.status === 401) window.dispatchEvent(new CustomEvent("logbook:unauthorized"));
      resolve({ status: request.status, body });
    };
    request.onerror = () => resolve({ status: 0, body: null });
    request.send(file);
  });
}

function problemTable(errors) {
  return h("table", { className: "import-problems" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("import.where")), h("th", { scope: "col" }, t("import.problem")))),
    h("tbody", {}, errors.map((error) => h("tr", {}, h("th", { scope: "row" }, error.field), h("td", {}, error.problem)))));
}

export async function importPage(main, unitId) {
  replace(main, loading());
  const ctx = await openUnit(main, unitId);
  if (!ctx) return;
  const path = `/units/${encodeURIComponent(unitId)}/activities/import`;
  const input = h("input", { type: "file", id: "import-file", accept: ".csv,.xlsx,text/csv," + XLSX });
  const progress = h("progress", { max: "1", value: "0", hidden: true, "aria-label": t("import.uploading") });
  const status = h("div", { "aria-live": "polite" });
  const result = h("div");
  const confirm = h("button", { type: "button", hidden: true, onclick: () => send(false) });
  const check = h("button", { type: "button", onclick: () => send(true) }, t("import.check"));
  let busy = false;

  async function send(dryRun) {
    const file = input.files && input.files[0];
    if (!file) { replace(result, notice("error", h("p", {}, t("import.noFile")))); return; }
    if (file.size > MAX_BYTES) { replace(result, notice("error", h("p", {}, t("import.tooLarge")))); return; }
    if (busy) return;
    busy = true;
    check.disabled = confirm.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    replace(status, h("p", { role: "status" }, t("import.uploading")));
    const answer = await upload(path, file, {
      dryRun,
      key: dryRun ? null : crypto.randomUUID(),
      onProgress: (share) => {
        progress.value = share;
        if (share >= 1) replace(status, h("p", { role: "status" }, t("import.checking")));
      },
    });
    busy = false;
    progress.hidden = true;
    check.disabled = confirm.disabled = false;
    replace(status);
    const body = answer.body || {};
    if (answer.status === 200 || answer.status === 201) {
      const numbers = { created: formatNumber(body.created), unchanged: formatNumber(body.unchanged) };
      if (dryRun) {
        const message = body.created ? t("import.checked", numbers) : t("import.nothingNew");
        replace(result, notice("success", h("p", {}, message)));
        confirm.hidden = !body.created;
        confirm.textContent = t("import.confirm", { n: formatNumber(body.created) });
        announce(message);
      } else {
        confirm.hidden = true;
        const message = t("import.done", numbers);
        replace(result, notice("success", h("p", {}, message),
          h("p", {}, h("a", { href: `#/units/${encodeURIComponent(unitId)}/activities` }, t("import.toList")))));
        announce(message);
      }
      return;
    }
    confirm.hidden = true;
    const errors = Array.isArray(body.errors) ? body.errors : [];
    if (answer.status === 400 && errors.length) {
      replace(result, notice("error", h("p", {}, t("import.problems", { n: formatNumber(errors.length) }))), problemTable(errors));
      announce(t("import.problems", { n: errors.length }));
    } else if (answer.status === 413) {
      replace(result, notice("error", h("p", {}, t("import.tooLarge"))));
    } else {
      replace(result, notice("error", h("p", {}, explainError({ status: answer.status }))));
    }
  }

  input.addEventListener("change", () => { confirm.hidden = true; replace(result); });
  replace(main, ...unitHeader(ctx, t("import.title", { unit: ctx.unit.name }), "activities"),
    h("p", {}, t("import.intro")),
    h("p", {}, h("a", { href: `${API_URL}/activity-import-template.csv`, download: "logbook-activities-template.csv" }, t("import.template")),
      " ", t("import.columns")),
    h("p", {}, h("label", { htmlFor: "import-file" }, t("import.file")), h("br"), input),
    h("div", { className: "button-row" }, check, confirm),
    progress, status, result);
}
