// #/outbox — what is on this device: waiting to be sent, refused (with the reason and
// the text kept to fix it), a conflict with a colleague's edit, and what was sent.

import { h, replace } from "../../shared/dom.js";
import { writeDraftFor } from "./form.js";
import { formatDate, t } from "./i18n.js";
import * as outbox from "./outbox.js";
import { explainError, notice, pageHeading, problemText } from "./ui.js";

function when(iso) {
  const date = new Date(iso);
  return `${formatDate(date.toISOString().slice(0, 10))} ${date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
}

function what(entry) {
  return t(`outbox.kind.${entry.kind}`, { title: entry.title || "–" });
}

function activityHref(entry) {
  const unit = `#/units/${encodeURIComponent(entry.unit_id)}`;
  return entry.activity_id ? `${unit}/activities/${encodeURIComponent(entry.activity_id)}` : unit;
}

/** Put the entry's text back into the form as a draft, take it out of the outbox, open the form. */
function fix(entry) {
  if (entry.body) writeDraftFor(entry.unit_id, entry.kind === "update" ? entry.activity_id : null, entry.body);
  outbox.forget(entry.key);
  window.location.hash = activityHref({ ...entry, activity_id: entry.kind === "update" ? entry.activity_id : null });
}

function problemItem(entry) {
  const error = entry.error || {};
  const fields = Array.isArray(error.errors) ? error.errors : [];
  const conflict = entry.state === "conflict";
  return h(
    "li",
    { className: "outbox-entry outbox-problem" },
    h("h3", {}, what(entry)),
    h("p", { className: "meta" }, t("outbox.savedAt", { when: when(entry.queued_at) })),
    conflict
      ? h("p", {}, t("outbox.conflict"))
      : [
          h("p", {}, t("outbox.refused"), " ", explainError({ status: error.status })),
          fields.length
            ? h(
                "ul",
                {},
                fields.map((f) => h("li", {}, `${f.field}: ${problemText(f)}`)),
              )
            : null,
          error.message && !fields.length ? h("p", { className: "hint" }, error.message) : null,
        ],
    h(
      "div",
      { className: "button-row" },
      entry.body
        ? h(
            "button",
            { type: "button", className: "primary", onclick: () => fix(entry) },
            conflict ? t("outbox.compare") : t("outbox.fix"),
          )
        : null,
      conflict
        ? h(
            "button",
            { type: "button", onclick: () => outbox.overwrite(entry.key, error.current_version) },
            t("outbox.sendMine"),
          )
        : null,
      h(
        "button",
        {
          type: "button",
          className: "danger",
          onclick: () => {
            if (window.confirm(t("outbox.confirmDiscard", { title: entry.title || "–" }))) outbox.forget(entry.key);
          },
        },
        t("outbox.discard"),
      ),
    ),
  );
}

function waitingItem(entry) {
  const error = entry.error;
  return h(
    "li",
    { className: "outbox-entry" },
    h("h3", {}, what(entry)),
    h(
      "p",
      { className: "meta" },
      t("outbox.savedAt", { when: when(entry.queued_at) }),
      entry.attempts ? ` · ${t("outbox.attempts", { n: entry.attempts })}` : "",
      error ? ` · ${explainError({ status: error.status })}` : "",
    ),
  );
}

function sentItem(entry) {
  return h(
    "li",
    { className: "outbox-entry" },
    h("span", {}, what(entry)),
    " · ",
    h("span", { className: "meta" }, t("outbox.sentAt", { when: when(entry.sent_at || entry.queued_at) })),
    entry.kind !== "delete" && entry.activity_id
      ? [" · ", h("a", { href: activityHref(entry) }, t("outbox.open"))]
      : null,
  );
}

export function outboxPage(main) {
  const body = h("div", { "aria-live": "polite" });
  const sendButton = h("button", { type: "button", onclick: () => outbox.flushNow() }, t("outbox.sendNow"));
  replace(
    main,
    pageHeading(t("outbox.title")),
    h("p", { className: "hint" }, t("outbox.hint")),
    h("div", { className: "button-row" }, sendButton),
    body,
  );
  function render(list) {
    const waiting = list.filter((e) => e.state === "waiting" || e.state === "sending");
    const problems = list.filter((e) => e.state === "refused" || e.state === "conflict");
    const sent = list.filter((e) => e.state === "sent").reverse();
    replace(
      body,
      problems.length
        ? h(
            "section",
            { "aria-labelledby": "outbox-problems" },
            h("h2", { id: "outbox-problems" }, t("outbox.problems", { n: problems.length })),
            h("ul", { className: "admin-list" }, problems.map(problemItem)),
          )
        : null,
      h(
        "section",
        { "aria-labelledby": "outbox-waiting" },
        h("h2", { id: "outbox-waiting" }, t("outbox.waiting", { n: waiting.length })),
        waiting.length
          ? [
              navigator.onLine ? null : notice("info", h("p", {}, t("outbox.offline"))),
              h("ol", { className: "admin-list" }, waiting.map(waitingItem)),
            ]
          : h("p", {}, t("outbox.nothingWaiting")),
      ),
      h(
        "section",
        { "aria-labelledby": "outbox-sent" },
        h("h2", { id: "outbox-sent" }, t("outbox.sent")),
        sent.length ? h("ul", { className: "admin-list" }, sent.map(sentItem)) : h("p", {}, t("outbox.nothingSent")),
      ),
    );
    sendButton.disabled = !waiting.length;
  }
  render(outbox.entries());
  const stop = outbox.onChange((list) => {
    if (!body.isConnected) {
      stop();
      return;
    }
    render(list);
  });
}
