// Keeps the survey page itself on the phone, so that it opens again without a
// connection and can send the answers still waiting in its outbox. Registered only
// after a first submission: a first visit costs no extra requests.
// Network first (a new version is used as soon as there is a connection); the API is
// never touched: only this site's own GET requests are cached.

const CACHE = "logbook-survey-v3";
const PAGE = ["./", "./survey.js", "./questions.js", "./ideas.js", "./survey.css", "/config.js"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PAGE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      // Only the survey's own old caches: the worker app keeps its own on this origin.
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("logbook-survey-") && name !== CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      // /s/?c=CODE is the same page for every code.
      .catch(() => caches.match(request, { ignoreSearch: true }).then((hit) => hit || Response.error())),
  );
});
