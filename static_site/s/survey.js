// The survey page: anonymous answers (or a check-in) from a young person's phone.
// Self-contained for its page-weight budget (nothing from /shared/ or outside s/). Nothing
// is lost: a submission waits in localStorage until the API confirms it, retried with
// backoff. Nothing is doubled: each carries a submission id, stored once by the API.
// This is the core; the point's view is loaded by kind: questions.js or ideas.js.

const CONFIG = window.LOGBOOK_CONFIG || {};
const API = (CONFIG.apiUrl || "").replace(/\/$/, "");
// GETs through the CDN (publicApiUrl, written by deploy) where there is one; answers go to the API.
const PUBLIC_API = (CONFIG.publicApiUrl || CONFIG.apiUrl || "").replace(/\/$/, "");
const OUTBOX_KEY = "logbook.outbox.v1";
const PREFS_KEY = "logbook.prefs.v1";
const REQUEST_TIMEOUT_MS = 20000;
const MAX_DELAY_S = 60;

const UI = {
  en: {
    loading: "Loading…",
    sent: "Thank you! Your answers were sent.",
    checkedIn: "You're checked in. Welcome!",
    waiting:
      "Your answers are saved on this phone but not sent yet. We'll keep trying, even if you close the page and open it again later.",
    nextTry: "Next try in {s} s.",
    tryNow: "Try now",
    already: "You've already answered on this phone. Thank you!",
    noCode: "This link has no survey code. Scan the QR code again.",
    notFound: "We couldn't find this survey. Check the QR code, or ask a youth worker.",
    closed: "This survey is closed. Thanks for stopping by!",
    scheduled: "This survey isn't open yet.",
    offline: "No connection right now. We'll load the survey as soon as you're online.",
    rejected: "Your answers weren't accepted: {m}",
    closedBeforeSent: "The survey closed before your answers reached us. Sorry!",
  },
  sl: {
    loading: "Nalagam …",
    sent: "Hvala! Tvoji odgovori so poslani.",
    checkedIn: "Prijava je uspela. Lepo, da si tu!",
    waiting:
      "Tvoji odgovori so shranjeni na tem telefonu, a še niso poslani. Poskušali bomo znova, tudi če stran zapreš in jo kasneje spet odpreš.",
    nextTry: "Naslednji poskus čez {s} s.",
    tryNow: "Poskusi zdaj",
    already: "Na tem telefonu je anketa že izpolnjena. Hvala!",
    noCode: "V tej povezavi ni kode ankete. Ponovno skeniraj QR kodo.",
    notFound: "Te ankete nismo našli. Preveri QR kodo ali vprašaj mladinskega delavca.",
    closed: "Ta anketa je zaprta. Hvala za obisk!",
    scheduled: "Ta anketa še ni odprta.",
    offline: "Trenutno ni povezave. Anketo naložimo takoj, ko boš spet na spletu.",
    rejected: "Odgovorov nismo mogli sprejeti: {m}",
    closedBeforeSent: "Anketa se je zaprla, preden so tvoji odgovori prišli do nas. Žal nam je!",
  },
  fi: {
    loading: "Ladataan…",
    sent: "Kiitos! Vastauksesi lähetettiin.",
    checkedIn: "Olet kirjautunut sisään. Tervetuloa!",
    waiting:
      "Vastauksesi on tallessa tässä puhelimessa, mutta niitä ei ole vielä lähetetty. Yritämme uudelleen, vaikka sulkisit sivun ja avaisit sen myöhemmin.",
    nextTry: "Seuraava yritys {s} s päästä.",
    tryNow: "Yritä nyt",
    already: "Olet jo vastannut tällä puhelimella. Kiitos!",
    noCode: "Tästä linkistä puuttuu kyselyn koodi. Skannaa QR-koodi uudelleen.",
    notFound: "Emme löytäneet tätä kyselyä. Tarkista QR-koodi tai kysy nuorisotyöntekijältä.",
    closed: "Tämä kysely on suljettu. Kiitos, että kävit!",
    scheduled: "Tämä kysely ei ole vielä auki.",
    offline: "Ei yhteyttä juuri nyt. Lataamme kyselyn heti, kun olet taas verkossa.",
    rejected: "Vastauksiasi ei hyväksytty: {m}",
    closedBeforeSent: "Kysely sulkeutui ennen kuin vastauksesi ehtivät perille. Harmi!",
  },
  sv: {
    loading: "Laddar…",
    sent: "Tack! Dina svar har skickats.",
    checkedIn: "Du är incheckad. Välkommen!",
    waiting:
      "Dina svar är sparade i den här mobilen men inte skickade än. Vi fortsätter försöka, även om du stänger sidan och öppnar den igen senare.",
    nextTry: "Nästa försök om {s} s.",
    tryNow: "Försök nu",
    already: "Du har redan svarat på den här mobilen. Tack!",
    noCode: "Länken saknar enkätens kod. Skanna QR-koden igen.",
    notFound: "Vi hittade inte den här enkäten. Kolla QR-koden eller fråga personalen.",
    closed: "Den här enkäten är stängd. Tack för att du tittade in!",
    scheduled: "Den här enkäten har inte öppnat än.",
    offline: "Ingen uppkoppling just nu. Vi laddar enkäten så fort du är online igen.",
    rejected: "Dina svar godtogs inte: {m}",
    closedBeforeSent: "Enkäten stängde innan dina svar kom fram. Tyvärr!",
  },
};
const LANGUAGE_NAMES = { en: "English", sl: "Slovenščina", fi: "Suomi", sv: "Svenska" };

const $ = (id) => document.getElementById(id);
const code = (new URLSearchParams(location.search).get("c") || "").trim().toLowerCase();
const state = { lang: "en", collection: null, current: null, timer: 0, flushing: false, tries: 0 };

// ------------------------------------------------------------ storage (never fatal)
const memory = {};
function load(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return key in memory ? memory[key] : fallback;
  }
}
function save(key, value) {
  memory[key] = value;
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or a full disk: this page still works, without surviving a reload.
  }
}
const outbox = () => load(OUTBOX_KEY, []);
const prefs = () => load(PREFS_KEY, {});
const setPref = (name, value) => save(PREFS_KEY, { ...prefs(), [name]: value });

// A phone may be shared (a youth centre's tablet, a friend's phone): nothing of one
// person's check-in is shown to the next. Earlier versions kept the nickname: forget it.
function forgetOldCheckinPrefs() {
  const current = prefs();
  if (!("nickname" in current || "age_band" in current || "gender" in current)) return;
  const { nickname, age_band, gender, ...rest } = current;
  save(PREFS_KEY, rest);
}
function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ------------------------------------------------------------ text
function text(table, key, values = {}) {
  const found = (table[state.lang] || table.en)[key] || table.en[key];
  return found.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}
const t = (key, values) => text(UI, key, values);

function pickLanguage(available) {
  const wanted = [
    new URLSearchParams(location.search).get("lang"),
    prefs().lang,
    ...(navigator.languages || [navigator.language]),
  ];
  for (const tag of wanted) {
    const base = (tag || "").toLowerCase().split("-")[0];
    if (available.includes(base)) return base;
  }
  return available.includes("en") ? "en" : available[0];
}

// One message area for everything the young person must know; its tone is also
// said in words, never by colour alone.
function setStatus(text, { retry = false, tone = "" } = {}) {
  const status = $("status");
  status.textContent = text;
  status.className = `status${tone ? ` ${tone}` : ""}`;
  $("retry").hidden = !retry;
}

// ------------------------------------------------------------ network
async function request(method, path, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch((method === "GET" ? PUBLIC_API : API) + path, {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: controller.signal,
      credentials: "omit",
      referrerPolicy: "no-referrer",
    });
    let json = null;
    try {
      json = await response.json();
    } catch {
      json = null;
    }
    return { status: response.status, json };
  } finally {
    clearTimeout(timer);
  }
}

// ------------------------------------------------------------ the outbox
// An entry: {id, kind: "response"|"checkin"|"idea"|"vote", path?, code, body, tries}. It leaves the outbox
// only when the API confirmed it (201 or 200) or refused it for good (4xx but 429).
function queue(entry) {
  save(OUTBOX_KEY, [...outbox().filter((e) => e.id !== entry.id), entry]);
}
function unqueue(id) {
  save(
    OUTBOX_KEY,
    outbox().filter((e) => e.id !== id),
  );
}

async function flush() {
  if (state.flushing) return;
  state.flushing = true;
  clearTimeout(state.timer);
  let wait = 0;
  const tried = new Set();
  try {
    for (const entry of outbox()) {
      tried.add(entry.id);
      const path = entry.path || (entry.kind === "checkin" ? "/public/checkins" : "/public/responses");
      let answer;
      try {
        answer = await request("POST", path, entry.body);
      } catch {
        answer = { status: 0, json: null };
      }
      if (answer.status === 200 || answer.status === 201) {
        unqueue(entry.id);
        if (entry.kind === "response") setPref(`done.${entry.code}`, true);
        if (entry.id === state.current) {
          if (state.view) state.view.done(entry);
          else showDone(entry.kind === "checkin" ? "checkedIn" : "sent"); // the view is still loading
        }
      } else if (answer.status >= 400 && answer.status < 500 && answer.status !== 429 && answer.status !== 408) {
        // Refused for good: retrying cannot help, so say so instead of waiting forever.
        unqueue(entry.id);
        state.view?.refused?.(entry);
        if (entry.id === state.current) {
          state.current = null;
          const message =
            answer.status === 410 ? t("closedBeforeSent") : t("rejected", { m: answer.json?.message || answer.status });
          setStatus(message, { tone: "error" });
          $("send").disabled = false;
        }
      } else {
        entry.tries = (entry.tries || 0) + 1;
        queue(entry);
        const hinted = answer.json && Number(answer.json.retry_after);
        const backoff = Math.min(MAX_DELAY_S, 2 ** entry.tries) * (0.5 + Math.random());
        wait = Math.max(wait, hinted > 0 ? Math.min(hinted, 3600) : backoff);
      }
    }
  } finally {
    state.flushing = false;
  }
  const left = outbox();
  if (left.some((e) => !tried.has(e.id))) {
    setTimeout(flush, 0); // queued while this pass ran: its first try is now, not later
  } else if (left.length) {
    scheduleRetry(wait || 2);
  }
}

function scheduleRetry(seconds) {
  clearTimeout(state.timer);
  const mine = outbox().some((e) => e.code === code);
  if (mine) {
    $("form").hidden = true;
    if ($("remembered")) $("remembered").hidden = true;
    $("done").hidden = true;
    setStatus(`${t("waiting")} ${t("nextTry", { s: Math.round(seconds) })}`, { retry: true, tone: "wait" });
  }
  state.timer = setTimeout(flush, seconds * 1000);
}

// ------------------------------------------------------------ rendering
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}

function renderLanguages(languages) {
  const nav = $("langs");
  nav.replaceChildren();
  if (languages.length < 2) return; // an empty nav keeps its space, unseen
  for (const lang of languages) {
    const button = el("button", {
      type: "button",
      lang,
      "aria-pressed": String(lang === state.lang),
      text: LANGUAGE_NAMES[lang] || lang.toUpperCase(),
    });
    button.addEventListener("click", () => switchLanguage(lang));
    nav.append(button);
  }
}

function render(collection, kept = {}) {
  state.collection = collection;
  document.documentElement.lang = collection.lang;
  document.title = collection.title;
  $("title").textContent = collection.title;
  $("unit").textContent = collection.unit_name || "";
  renderLanguages(collection.languages || [collection.lang]);
  $("intro").hidden = false;
  $("send").disabled = false;
  $("retry").textContent = t("tryNow");
  state.view.render(collection, kept);
}

function showForm() {
  $("done").hidden = true;
  // Someone remembered on this phone gets one tap; everyone else the empty form.
  const remembered = $("remembered");
  if (remembered) remembered.hidden = false;
  $("form").hidden = Boolean(remembered);
  setStatus("");
}

function showDone(key) {
  state.current = null;
  $("form").hidden = true;
  $("form").reset();
  $("remembered")?.remove();
  $("done").hidden = false;
  setStatus(t(key), { tone: "ok" });
}

// ------------------------------------------------------------ actions
function submit(event) {
  event.preventDefault();
  if (state.current) return; // a tap while sending must not make a second submission
  return state.view.submit();
}

// After a first submission the page is worth keeping: a service worker caches it so it
// opens again without a connection (and sends what waits). Never on a first visit.
function keepPageOnPhone() {
  if (state.keeping || !("serviceWorker" in navigator)) return;
  state.keeping = true;
  navigator.serviceWorker.register("sw.js").catch(() => {});
}

async function fetchCollection(lang) {
  const cacheKey = `logbook.collection.${code}.${lang}`;
  let answer;
  try {
    answer = await request("GET", `/public/collections/${encodeURIComponent(code)}?lang=${lang}`);
  } catch {
    answer = { status: 0, json: null };
  }
  if (answer.status === 200) save(cacheKey, answer.json);
  else if (answer.status === 0 || answer.status >= 500) {
    const cached = load(cacheKey, null);
    if (cached) return { status: 200, json: cached };
  }
  return answer;
}

async function switchLanguage(lang) {
  const kept = state.view.currentAnswers ? state.view.currentAnswers() : {};
  state.lang = lang;
  setPref("lang", lang);
  const answer = await fetchCollection(lang);
  if (answer.status === 200) {
    render(answer.json, kept);
    const pressed = $("langs").querySelector(`[lang="${lang}"]`);
    if (pressed) pressed.focus();
  }
}

async function start() {
  clearTimeout(state.timer);
  if (!code) {
    setStatus(t("noCode"), { tone: "error" });
    return;
  }
  setStatus(t("loading"));
  const pending = outbox().filter((e) => e.code === code);
  if (pending.length) state.current = pending[pending.length - 1].id;
  const answer = await fetchCollection(state.lang);
  if (answer.status === 200) {
    // A page carries only the view it shows.
    if (!state.view) {
      const view = answer.json.kind === "ideas" ? "./ideas.js" : "./questions.js";
      try {
        state.view = await import(`${view}${state.viewTries ? `?try=${state.viewTries}` : ""}`);
      } catch {
        state.viewTries = (state.viewTries || 0) + 1; // a failed module load is not fetched again under the same URL
        setStatus(t("offline"), { retry: true, tone: "wait" });
        state.timer = setTimeout(start, 10000);
        return;
      }
    }
    state.lang = pickLanguage(answer.json.languages || [answer.json.lang]);
    const final = state.lang === answer.json.lang ? answer : await fetchCollection(state.lang);
    render(final.status === 200 ? final.json : answer.json);
    if (pending.length) {
      $("form").hidden = true;
      if ($("remembered")) $("remembered").hidden = true;
      setStatus(t("waiting"), { retry: true, tone: "wait" });
    } else if (prefs()[`done.${code}`] && answer.json.kind !== "checkin") showDone("already");
    else showForm();
  } else if (answer.status === 404) setStatus(t("notFound"), { tone: "error" });
  else if (answer.status === 410)
    setStatus(answer.json && answer.json.status === "scheduled" ? t("scheduled") : t("closed"), { tone: "error" });
  else {
    setStatus(t("offline"), { retry: true, tone: "wait" });
    state.timer = setTimeout(start, 10000);
  }
  if (outbox().length) flush();
}

forgetOldCheckinPrefs();
state.lang = pickLanguage(Object.keys(UI));
$("form").addEventListener("submit", submit);
$("retry").addEventListener("click", () => (state.collection ? flush() : start()));
$("again").addEventListener("click", () => {
  setPref(`done.${code}`, false);
  render(state.collection);
  showForm();
  $("questions").querySelector("input, textarea")?.focus();
});
// Back online, or back to the page: send what is waiting without delay.
window.addEventListener("online", () => (state.collection ? flush() : start()));
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && outbox().length) flush();
});
start();

// For the views, which share this page's outbox, storage and text helpers.
export { $, el, flush, keepPageOnPhone, prefs, queue, setPref, setStatus, showDone, state, text, uuid };
