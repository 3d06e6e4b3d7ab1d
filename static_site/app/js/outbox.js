// The outbox: every save (new activity, edit, delete) is written to this device first,
// with its Idempotency-Key made when Save was pressed, then sent in order — now if
// there is a connection, else when it returns (also after the app was closed and
// opened again). The API answers a repeated key once, so each save is applied exactly
// once however often the answer is lost. The rules are in outbox-core.js; this module
// keeps the entries in localStorage (per person) and talks to the API.

import { call } from "./api.js";
import { tokenEmail } from "./auth.js";
import * as core from "./outbox-core.js";

export const OUTBOX_PREFIX = "logbook.outbox.";
const listeners = new Set();
let running = null;
let timer = null;

function storageKey() {
  const email = tokenEmail();
  return email ? `${OUTBOX_PREFIX}${email}` : null;
}

/** The signed-in person's entries, oldest first. */
export function entries() {
  const key = storageKey();
  if (!key) return [];
  try {
    return JSON.parse(localStorage.getItem(key) || "[]");
  } catch {
    return [];
  }
}

function store(list) {
  const key = storageKey();
  if (!key) return;
  const kept = core.pruneSent(list);
  // No try/catch: a save that cannot be kept on the device must say so (the caller shows it).
  localStorage.setItem(key, JSON.stringify(kept));
  for (const listener of listeners) listener(kept);
}

/** Call `listener(entries)` after every change; returns a function that stops it. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Keep a save on the device (before anything is sent); returns its key.
 * save: {kind, unitId, activityId?, title, body?, version?}
 */
export function enqueue(save) {
  const list = entries();
  const entry = core.rebaseOnOwnEdits(list, core.newEntry({ ...save, key: newKey() }, Date.now()));
  store([...list, entry]);
  return entry.key;
}

export function find(key) {
  return entries().find((e) => e.key === key) || null;
}

export function forget(key) {
  store(core.remove(entries(), key));
}

/** Send a conflicting edit again over the colleague's version. */
export function overwrite(key, currentVersion) {
  store(core.overwrite(entries(), key, currentVersion, Date.now()));
  return flush();
}

function send(entry) {
  const base = `/units/${encodeURIComponent(entry.unit_id)}/activities`;
  const headers = { "Idempotency-Key": entry.key };
  if (entry.kind === "create") return call("POST", base, entry.body, { headers });
  const path = `${base}/${encodeURIComponent(entry.activity_id)}`;
  if (entry.kind === "update") return call("PUT", path, { ...entry.body, version: entry.version }, { headers });
  return call("DELETE", path, undefined, { headers });
}

async function drain() {
  for (;;) {
    if (!storageKey()) return;
    const next = core.nextToSend(entries(), Date.now());
    if (!next) return;
    store(core.markSending(entries(), next.key));
    let status = 200;
    let body = null;
    try {
      body = await send(next);
    } catch (error) {
      status = typeof error.status === "number" ? error.status : 0;
      body = error.body || null;
    }
    const after = core.applyAnswer(entries(), next.key, status, body, Date.now());
    store(after);
    if (after.find((e) => e.key === next.key)?.state === "waiting") return; // keep the order
  }
}

function schedule() {
  clearTimeout(timer);
  const wake = core.nextWake(entries());
  if (wake !== null && storageKey()) timer = setTimeout(flush, Math.max(0, wake - Date.now()) + 50);
}

/** Send what may be sent now, in order; resolves when the outbox rests. */
export function flush() {
  if (!running) {
    running = drain().finally(() => {
      running = null;
      schedule();
    });
  }
  return running;
}

/** Send what waits now, without waiting out the back-off (Send now, back online). */
export function flushNow() {
  store(core.wakeAll(entries(), Date.now()));
  return flush();
}

/** Send everything up to `key` now (waiting behind older saves) and return its entry. */
export async function sendNow(key) {
  while (running) await running;
  await flush();
  return find(key);
}

export function counts() {
  return core.summary(entries());
}

/** Saves not yet stored by the server (lost if the device is cleared). */
export function unsentCount() {
  return core.unsent(entries()).length;
}

/** At start and after each sign-in: what was on the wire goes again; send when online. */
export function startOutbox() {
  if (storageKey()) store(core.recover(entries()));
  flush();
}

window.addEventListener("online", () => flushNow());
// Another tab of the app changed the outbox: show it here too.
window.addEventListener("storage", (event) => {
  if (event.key && event.key === storageKey()) for (const listener of listeners) listener(entries());
});
