// The worker app's API client: JSON in and out, the bearer token on every call, and the
// answers a worker needs offline kept per person. The fetch with its deadline and the
// error shape are the pages' shared client (static_site/shared/api.js).

import { ApiError, READ_TIMEOUT_MS, request } from "../../shared/api.js";
import { getToken, tokenEmail } from "./auth.js";

export { ApiError, READ_TIMEOUT_MS };

const config = window.LOGBOOK_CONFIG || {};
export const API_URL = (config.apiUrl || "").replace(/\/$/, "");

// What a worker needs to log an evening without a connection: who they are, the unit,
// its goals, reflection questions and vocabulary (the organisation's own words), its
// last activities (defaults, the list's first page, the ones opened to edit), its
// planned sessions (to log one as done) and the figures seen.
// The last answer of each is kept per person until sign-out or the end of the sign-in,
// and used only when the network gives no answer at all.
const KEPT_FOR_OFFLINE = [
  /^\/me$/,
  /^\/units\/[^/?]+$/,
  /^\/orgs\/[^/?]+\/(units|goals|reflection-questions|vocabulary)$/,
  /^\/units\/[^/?]+\/activities\?limit=(10|25)$/,
  /^\/units\/[^/?]+\/activities\?status=planned&limit=200$/,
  /^\/units\/[^/?]+\/activities\/[^/?]+$/,
  /^\/public\/stats\?scope=unit(:|%3A)[^&]+&period=[^&]+$/,
];
export const OFFLINE_CACHE_PREFIX = "logbook.cache.";

function offlineCacheKey() {
  const email = tokenEmail();
  return email ? `${OFFLINE_CACHE_PREFIX}${email}` : null;
}

function readOfflineCache() {
  const key = offlineCacheKey();
  try {
    return (key && JSON.parse(localStorage.getItem(key) || "{}")) || {};
  } catch {
    return {};
  }
}

function keepForOffline(path, payload) {
  const key = offlineCacheKey();
  if (!key || !KEPT_FOR_OFFLINE.some((pattern) => pattern.test(path))) return;
  const kept = readOfflineCache();
  kept[path] = { at: new Date().toISOString(), body: payload };
  try {
    localStorage.setItem(key, JSON.stringify(kept));
  } catch {
    // Storage full: the app still works online.
  }
}

/** The kept answer for `path` (when the network gave none), or undefined. */
function keptAnswer(path) {
  const hit = readOfflineCache()[path];
  return hit ? hit.body : undefined;
}

/** Forget every kept answer (sign-out, end of the sign-in). */
export function forgetOfflineAnswers() {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(OFFLINE_CACHE_PREFIX)) localStorage.removeItem(key);
  }
}

/** Call the API; resolves to the parsed JSON (null for 204), rejects with ApiError. */
export async function call(
  method,
  path,
  body,
  { auth = true, accept, cache, headers: extra, timeout = READ_TIMEOUT_MS } = {},
) {
  const headers = { ...(extra || {}) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (accept) headers.Accept = accept;
  const token = getToken();
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    // A read unanswered by its deadline ends as "no connection" (or the answer kept).
    response = await request(API_URL + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache,
      timeout,
    });
  } catch (error) {
    if (method === "GET") {
      const kept = keptAnswer(path);
      if (kept !== undefined) return kept;
    }
    throw error;
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  const payload = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent("logbook:unauthorized"));
    throw new ApiError(response.status, payload);
  }
  if (method === "GET") keepForOffline(path, payload);
  return payload;
}

/** Download a file answer (exports) with the token, then hand it to the browser. */
export async function download(path, filename, accept) {
  const token = getToken();
  // A file can take long to make: no read deadline.
  const response = await request(API_URL + path, {
    headers: { Authorization: `Bearer ${token}`, Accept: accept || "*/*" },
    timeout: null,
  });
  if (!response.ok) {
    const payload = await response.json().catch(() => null);
    throw new ApiError(response.status, payload);
  }
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = match ? match[1] : filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/**
 * Download a file the API hands out as a link (`?link=1` → `{url, expires_at}`, e.g. the
 * organisation package at any size): the browser navigates to the link, so a signed S3
 * URL needs neither the CSP's connect-src nor CORS on the bucket. The file answers with
 * `Content-Disposition: attachment`, so the app stays where it is.
 */
export async function downloadViaLink(path) {
  const token = getToken();
  const response = await request(API_URL + path, {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
    timeout: null,
  });
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent("logbook:unauthorized"));
    throw new ApiError(response.status, payload);
  }
  if (!payload || typeof payload.url !== "string" || !/^https?:\/\//.test(payload.url)) {
    throw new ApiError(response.status, { error: "bad_answer", message: "no download link" });
  }
  const link = document.createElement("a");
  link.href = payload.url;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  return payload;
}

/** Every page of a cursor-paged list (e.g. a period's activities for the figures). */
export async function allPages(path, limit = 200, maxPages = 50) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const separator = path.includes("?") ? "&" : "?";
    const url = `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const answer = await call("GET", url);
    items.push(...answer.items);
    if (!answer.next) break;
    cursor = answer.next;
  }
  return items;
}
