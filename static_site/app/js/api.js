// The API client: JSON in and out, the bearer token on every call, and errors that
// keep the API's {"error","message","errors":[{"field","problem"}]} shape.

import { getToken } from "./auth.js";

const config = window.LOGBOOK_CONFIG || {};
export const API_URL = (config.apiUrl || "").replace(/\/$/, "");

/** An answer other than 2xx; `status` 0 means the network failed (nothing was sent or heard). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
  get errors() {
    return Array.isArray(this.body.errors) ? this.body.errors : [];
  }
  get offline() {
    return this.status === 0;
  }
}

/** Call the API; resolves to the parsed JSON (null for 204), rejects with ApiError. */
export async function call(method, path, body, { auth = true, accept, cache } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (accept) headers.Accept = accept;
  const token = getToken();
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(API_URL + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      ...(cache ? { cache } : {}),
    });
  } catch (error) {
    throw new ApiError(0, { error: "offline", message: String(error) });
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  const payload = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent("logbook:unauthorized"));
    throw new ApiError(response.status, payload);
  }
  return payload;
}

/** Download a file answer (exports) with the token, then hand it to the browser. */
export async function download(path, filename, accept) {
  const token = getToken();
  let response;
  try {
    response = await fetch(API_URL + path, {
      headers: { Authorization: `Bearer ${token}`, Accept: accept || "*/*" },
    });
  } catch (error) {
    throw new ApiError(0, { error: "offline", message: String(error) });
  }
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
