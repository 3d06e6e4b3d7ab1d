// The one way the pages reach the API: fetch with a deadline for reads, errors in the
// API's {"error","message","errors":[{"field","problem"}]} shape, and the public API's
// client with a per-page cache (/stats/, the annual report and the worker app's
// figures). The worker app adds its token and offline answers on top (app/js/api.js).

import { MAX_COMPARE_CELLS } from "./vocabulary.js";

/** An answer other than 2xx; `status` 0 means the network failed (nothing was sent or heard). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
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

// API Gateway gives up on a request after 29 s, so no answer comes later than this: a
// read still unanswered then ends as "no connection", and the page section waiting on
// it says so instead of loading for ever. Writes get no deadline: their outcome would be
// unknown (the worker app's outbox retries them by key).
export const READ_TIMEOUT_MS = 30_000;

/**
 * fetch(url) with a deadline on reads (GET; `timeout: null` for none); a network failure or a read past its
 * deadline rejects with ApiError status 0. Resolves to the Response, whatever its status.
 */
export async function request(
  url,
  { method = "GET", headers, body, cache, timeout = READ_TIMEOUT_MS, fetcher = globalThis.fetch } = {},
) {
  try {
    return await fetcher(url, {
      method,
      headers,
      body,
      ...(cache ? { cache } : {}),
      // (Browsers before AbortSignal.timeout, e.g. Safari 15, wait as before.)
      ...(method === "GET" && timeout != null && typeof AbortSignal !== "undefined" && AbortSignal.timeout
        ? { signal: AbortSignal.timeout(timeout) }
        : {}),
    });
  } catch (error) {
    throw new ApiError(0, { error: "offline", message: String(error) });
  }
}

/** The path of one statistics answer; with `by` (gender, age_band) its survey groups too. */
export function statsPath(scope, period, by = null) {
  const params = new URLSearchParams({ scope, period });
  if (by) params.set("by", by);
  return `/public/stats?${params}`;
}

/** A small client of the public API with a per-page cache (answers are CDN-cacheable). */
export class PublicApi {
  constructor(baseUrl, fetcher = (...args) => globalThis.fetch(...args)) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.fetcher = fetcher;
    this.cache = new Map();
    this.requests = 0;
  }

  /** The JSON answer of a public path; null for 404 (nothing recorded); rejects with ApiError. */
  get(path) {
    if (!this.cache.has(path)) {
      this.requests += 1;
      const pending = request(`${this.baseUrl}${path}`, {
        headers: { Accept: "application/json" },
        fetcher: this.fetcher,
      }).then(async (answer) => {
        const body = await answer.json().catch(() => null);
        if (answer.status === 404) return null;
        if (!answer.ok) throw new ApiError(answer.status, body);
        return body;
      });
      pending.catch(() => this.cache.delete(path)); // a failure is retried next time
      this.cache.set(path, pending);
    }
    return this.cache.get(path);
  }

  orgs() {
    return this.get("/public/orgs").then((body) => (body ? body.items : []));
  }

  networks() {
    return this.get("/public/networks").then((body) => (body ? body.items : []));
  }

  static statsPath(scope, period, by = null) {
    return statsPath(scope, period, by);
  }

  stats(scope, period, by = null) {
    return this.get(statsPath(scope, period, by));
  }

  /** The annual report of a scope and year; null when the scope is unknown. */
  report(scope, year) {
    return this.get(`/public/report?${new URLSearchParams({ scope, year })}`);
  }

  /**
   * Fetch many cells with /public/compare (scopes × periods, one request per
   * MAX_COMPARE_CELLS) and keep each as if /public/stats had answered it. Returns false
   * when that route cannot help (it failed, or a scope it does not know): the cells are
   * then fetched one by one.
   */
  async prefetch(pairs) {
    const scopes = [...new Set(pairs.map(([scope]) => scope))];
    const periods = [...new Set(pairs.map(([, period]) => period))];
    // Only a full grid is asked for; a sparse one would fetch cells nobody needs.
    if (scopes.length * periods.length > pairs.length * 1.5) return false;
    const perRequest = Math.max(1, Math.floor(MAX_COMPARE_CELLS / periods.length));
    const requests = [];
    for (let start = 0; start < scopes.length; start += perRequest) {
      const query = new URLSearchParams({
        scopes: scopes.slice(start, start + perRequest).join(","),
        periods: periods.join(","),
      });
      requests.push(this.get(`/public/compare?${query}`));
    }
    try {
      const answers = await Promise.all(requests);
      if (answers.some((answer) => !answer || !Array.isArray(answer.items))) return false;
      for (const answer of answers) {
        for (const item of answer.items) this.cache.set(statsPath(item.scope, item.period), Promise.resolve(item));
      }
      return true;
    } catch {
      return false;
    }
  }

  /** Many statistics at once: one compare request if it can, else `parallel` at a time. */
  async many(pairs, parallel = 6) {
    const missing = pairs.filter(([scope, period]) => !this.cache.has(statsPath(scope, period)));
    if (missing.length > 1) await this.prefetch(missing);
    const results = new Array(pairs.length);
    let next = 0;
    const worker = async () => {
      while (next < pairs.length) {
        const index = next++;
        results[index] = await this.stats(pairs[index][0], pairs[index][1]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, pairs.length) }, worker));
    return results;
  }
}
