// The outbox's rules, pure: no storage, no network, no DOM (node --test imports it).
//
// An entry is one save the worker pressed: {key, kind: "create"|"update"|"delete",
// unit_id, activity_id?, title, body?, version?, state, attempts, next_at, queued_at,
// error?, result?}. `key` is the Idempotency-Key, made when Save was pressed, so a
// resend after a lost answer is answered once by the API.
//   waiting  → not sent yet, or sent without an answer we could trust (resend)
//   sending  → on the wire now (after a crash or a closed app: waiting again)
//   sent     → the server stored it (result: {id, version})
//   refused  → the server said no for a reason that resending will not change
//   conflict → a colleague changed the activity first (409 with current_version)
// Order: entries go in the order the worker saved them. A waiting entry that must wait
// (back-off) holds back everything after it; a refused or conflicting entry holds
// back only later entries on the same activity, until the worker settles it.

export const MAX_BACKOFF_MS = 60_000;
export const KEEP_SENT = 20;

/** How long to wait before attempt number `attempts` + 1 (1 s, 2 s, 4 s … one minute). */
export function backoff(attempts) {
  if (attempts <= 0) return 0;
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempts - 1));
}

/** A new waiting entry (the caller gives the key: crypto.randomUUID() in the app). */
export function newEntry({ key, kind, unitId, activityId = null, title = "", body = null, version = null }, now) {
  if (!key) throw new Error("an entry needs its Idempotency-Key");
  if (!["create", "update", "delete"].includes(kind)) throw new Error(`unknown kind ${kind}`);
  if (kind !== "create" && !activityId) throw new Error(`${kind} needs the activity's id`);
  return {
    key,
    kind,
    unit_id: unitId,
    activity_id: activityId,
    title,
    body,
    version,
    state: "waiting",
    attempts: 0,
    next_at: now,
    queued_at: now,
    error: null,
    result: null,
  };
}

/** What the activity an entry touches is called while it has no server id yet. */
export function target(entry) {
  return entry.activity_id || `new:${entry.key}`;
}

/**
 * An edit made from a form opened before the worker's own earlier edit was stored
 * starts from that edit's version: it continues the worker's edit, not a colleague's.
 */
export function rebaseOnOwnEdits(entries, entry) {
  if (entry.kind !== "update") return entry;
  let version = entry.version;
  for (const earlier of entries) {
    if (
      earlier.kind === "update" &&
      earlier.state === "sent" &&
      earlier.activity_id === entry.activity_id &&
      earlier.version === version &&
      earlier.result?.version
    ) {
      version = earlier.result.version;
    }
  }
  return { ...entry, version };
}

/** After the app was closed or crashed mid-send: what was on the wire is waiting again. */
export function recover(entries) {
  return entries.map((e) => (e.state === "sending" ? { ...e, state: "waiting" } : e));
}

/** The entry to send now, or null: strict order, blocked targets skipped. */
export function nextToSend(entries, now) {
  const blocked = new Set();
  for (const entry of entries) {
    if (entry.state === "refused" || entry.state === "conflict") blocked.add(target(entry));
    if (entry.state === "sending") return null; // one at a time
    if (entry.state !== "waiting") continue;
    if (blocked.has(target(entry))) continue;
    return entry.next_at <= now ? entry : null;
  }
  return null;
}

/** When the next waiting entry may go (ms since epoch), or null when none waits. */
export function nextWake(entries) {
  const times = entries.filter((e) => e.state === "waiting").map((e) => e.next_at);
  return times.length ? Math.min(...times) : null;
}

/**
 * How to take an answer: "sent", "retry" (resend later with the same key),
 * "signin" (resend after signing in again), "conflict" or "refused".
 * `status` 0 means no answer at all (offline, timeout, connection reset).
 */
export function classify(kind, status, body) {
  if (status >= 200 && status < 300) return "sent";
  // A delete whose first answer was lost finds the activity gone: that is done.
  if (kind === "delete" && (status === 404 || status === 410)) return "sent";
  if (status === 0 || status === 408 || status === 429 || status >= 500) return "retry";
  if (status === 401) return "signin";
  if (status === 409) {
    // The same key still running elsewhere (another tab, a slow first try): wait.
    if (body && body.error === "in_progress") return "retry";
    return kind === "update" ? "conflict" : "refused";
  }
  return "refused";
}

/** The entries after the answer (`status`, `body`) to sending entry `key`. */
export function applyAnswer(entries, key, status, body, now) {
  const answered = entries.find((e) => e.key === key);
  const stored = answered && answered.kind === "update" && classify("update", status, body) === "sent" && body?.version;
  return entries.map((entry) => {
    // The worker's next edit of the same activity, made before this one was stored,
    // started from the same version: it builds on this edit, not on a colleague's.
    if (
      stored &&
      entry.key !== key &&
      entry.kind === "update" &&
      entry.state === "waiting" &&
      entry.activity_id === answered.activity_id &&
      entry.version === answered.version
    ) {
      return { ...entry, version: body.version };
    }
    if (entry.key !== key) return entry;
    const outcome = classify(entry.kind, status, body);
    if (outcome === "sent") {
      const result = body?.id ? { id: body.id, version: body.version } : null;
      return {
        ...entry,
        state: "sent",
        sent_at: now,
        error: null,
        result,
        activity_id: entry.activity_id || (result ? result.id : null),
      };
    }
    if (outcome === "retry" || outcome === "signin") {
      const attempts = entry.attempts + 1;
      return {
        ...entry,
        state: "waiting",
        attempts,
        next_at: outcome === "signin" ? now : now + backoff(attempts),
        error: { status, ...(body || {}) },
      };
    }
    return { ...entry, state: outcome, error: { status, ...(body || {}) } };
  });
}

/** The worker asked to send now, or the connection just returned: no more waiting. */
export function wakeAll(entries, now) {
  return entries.map((e) => (e.state === "waiting" && e.next_at > now ? { ...e, next_at: now } : e));
}

/** Mark `key` as on the wire. */
export function markSending(entries, key) {
  return entries.map((e) => (e.key === key ? { ...e, state: "sending" } : e));
}

/** Settle a refused or conflicting entry: the worker sends theirs over the colleague's. */
export function overwrite(entries, key, currentVersion, now) {
  return entries.map((e) =>
    e.key === key && e.state === "conflict"
      ? { ...e, state: "waiting", version: currentVersion, attempts: 0, next_at: now, error: null }
      : e,
  );
}

/** Forget an entry (the worker took its text back into the form, or gave it up). */
export function remove(entries, key) {
  return entries.filter((e) => e.key !== key);
}

/**
 * Keep the newest `keep` sent entries as a receipt, without their text (the diary
 * need not stay on the device once the server has it); keep everything unsent.
 */
export function pruneSent(entries, keep = KEEP_SENT) {
  const sent = entries.filter((e) => e.state === "sent");
  const dropped = new Set(sent.slice(0, Math.max(0, sent.length - keep)).map((e) => e.key));
  return entries
    .filter((e) => !dropped.has(e.key))
    .map((e) => (e.state === "sent" && e.body ? { ...e, body: null } : e));
}

/** Counts for the bar: waiting (incl. sending), refused (incl. conflicts), sent. */
export function summary(entries) {
  const count = (states) => entries.filter((e) => states.includes(e.state)).length;
  return { waiting: count(["waiting", "sending"]), problems: count(["refused", "conflict"]), sent: count(["sent"]) };
}

/** Entries that would be lost by clearing the device (everything not yet stored). */
export function unsent(entries) {
  return entries.filter((e) => e.state !== "sent");
}
