// The app's service worker: the app shell (its HTML, CSS, modules, icons, the
// modules and language files it uses from /shared/, and /config.js) opens without a
// connection. Only this site's own files are kept — never an API answer: those go to
// the network untouched (the app keeps the few it needs offline per person, and
// forgets them at sign-out).
// Network first, so a new version is used as soon as there is a connection; after
// NETWORK_WAIT_MS on a bad connection the kept copy answers instead.

const VERSION = "logbook-app-v1";
const NETWORK_WAIT_MS = 4000;
const SHELL = [
  "./",
  "app.css",
  "manifest.webmanifest",
  "/config.js",
  "../shared/api.js",
  "../shared/charts.js",
  "../shared/dom.js",
  "../shared/periods.js",
  "../shared/vocabulary.js",
  "../shared/i18n.js",
  "../shared/i18n/common.en.json",
  "../shared/i18n/common.sl.json",
  "../shared/i18n/common.fi.json",
  "../shared/i18n/common.sv.json",
  "../shared/i18n/app.en.json",
  "../shared/i18n/app.sl.json",
  "../shared/i18n/app.fi.json",
  "../shared/i18n/app.sv.json",
  "js/main.js",
  "js/activity-rules.js",
  "js/admin.js",
  "js/admin-lists.js",
  "js/admin-structure.js",
  "js/api.js",
  "js/auth.js",
  "js/campaigns.js",
  "js/context.js",
  "js/drafts.js",
  "js/evaluation.js",
  "js/evaluation-pages.js",
  "js/form.js",
  "js/form-controls.js",
  "js/form-problems.js",
  "js/form-values.js",
  "js/forms.js",
  "js/home.js",
  "js/i18n.js",
  "js/ideas.js",
  "js/ideas-adopt.js",
  "js/ideas-template.js",
  "js/import.js",
  "js/network-forms.js",
  "js/networks.js",
  "js/outbox.js",
  "js/outbox-core.js",
  "js/outbox-page.js",
  "js/targets.js",
  "js/targets-values.js",
  "js/times.js",
  "js/ui.js",
  "js/unit.js",
  "js/unit-context.js",
  "js/unit-figures.js",
  "js/unit-surveys.js",
  "js/figures-view.js",
];
const SCOPE_PATH = new URL("./", self.location).pathname;

self.addEventListener("install", (event) => {
  // "force-cache": the page has just loaded these files, so the browser's HTTP cache
  // answers and the first visit downloads nothing twice.
  event.waitUntil(
    caches
      .open(VERSION)
      .then((cache) =>
        Promise.all(
          SHELL.map((path) => {
            const request = new Request(new URL(path, self.location).href, {
              cache: path === "/config.js" ? "no-store" : "force-cache",
            });
            return fetch(request).then((response) =>
              response.ok ? cache.put(new URL(path, self.location).href, response) : undefined,
            );
          }),
        ),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("logbook-app-") && name !== VERSION)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

function isShell(url) {
  return (
    url.origin === self.location.origin &&
    (url.pathname.startsWith(SCOPE_PATH) ||
      url.pathname === "/config.js" ||
      url.pathname.startsWith("/assets/") ||
      url.pathname.startsWith("/shared/"))
  );
}

function kept(request) {
  // /app/?code=… (the sign-in's way back) is the same page.
  return caches.match(request, { ignoreSearch: true, cacheName: VERSION });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || !isShell(url) || request.headers.has("Authorization")) return;
  event.respondWith(
    (async () => {
      const network = fetch(request).then(async (response) => {
        if (response.ok && response.type === "basic") {
          const cache = await caches.open(VERSION);
          await cache.put(url.origin + url.pathname, response.clone());
        }
        return response;
      });
      const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS));
      try {
        const first = await Promise.race([network, timeout]);
        if (first) return first;
        return (await kept(request)) || (await network);
      } catch {
        return (await kept(request)) || Response.error();
      }
    })(),
  );
});
