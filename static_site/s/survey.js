// The survey page: anonymous answers (or a check-in) from a young person's phone.
// Self-contained for its page-weight budget (nothing from /shared/). Nothing is lost:
// a submission waits in localStorage until the API confirms it, retried with backoff.
// Nothing is doubled: each carries a submission id, stored once by the API.

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
    intro: "Anonymous: we never ask your name. Answer what you want, skip what you don't.",
    checkinIntro: "Check in when you come. Your nickname stays on this phone: we only get a scrambled code of it.",
    send: "Send answers",
    checkin: "Check in",
    sending: "Sending…",
    sent: "Thank you! Your answers were sent.",
    checkedIn: "You're checked in. Welcome!",
    waiting:
      "Your answers are saved on this phone but not sent yet. We'll keep trying, even if you close the page and open it again later.",
    nextTry: "Next try in {s} s.",
    tryNow: "Try now",
    again: "Answer again (someone else on this phone)",
    checkinAgain: "Check in again",
    already: "You've already answered on this phone. Thank you!",
    pickOne: "Answer at least one question before sending.",
    nickname: "Your nickname",
    nicknameHint: "Pick one only you know, and use the same one every time.",
    needNickname: "Write your nickname first.",
    remember: "Remember me on this phone",
    rememberHint: "Only on your own phone: the next person would see a button to check in as you.",
    remembered: "This phone remembers someone who checked in before.",
    itsMe: "It's me: check in",
    someoneElse: "I'm someone else",
    noCode: "This link has no survey code. Scan the QR code again.",
    notFound: "We couldn't find this survey. Check the QR code, or ask a youth worker.",
    closed: "This survey is closed. Thanks for stopping by!",
    scheduled: "This survey isn't open yet.",
    offline: "No connection right now. We'll load the survey as soon as you're online.",
    rejected: "Your answers weren't accepted: {m}",
    closedBeforeSent: "The survey closed before your answers reached us. Sorry!",
    scale: "1 = {low} · 5 = {high}",
    optional: "optional",
    chars: "characters left: {n}",
  },
  sl: {
    loading: "Nalagam …",
    intro: "Anonimno: nikoli te ne vprašamo za ime. Odgovori, na kar želiš, ostalo preskoči.",
    checkinIntro: "Prijavi se, ko prideš. Tvoj vzdevek ostane na tem telefonu: mi dobimo samo njegovo šifro.",
    send: "Pošlji odgovore",
    checkin: "Prijavi me",
    sending: "Pošiljam …",
    sent: "Hvala! Tvoji odgovori so poslani.",
    checkedIn: "Prijava je uspela. Lepo, da si tu!",
    waiting:
      "Tvoji odgovori so shranjeni na tem telefonu, a še niso poslani. Poskušali bomo znova, tudi če stran zapreš in jo kasneje spet odpreš.",
    nextTry: "Naslednji poskus čez {s} s.",
    tryNow: "Poskusi zdaj",
    again: "Odgovori znova (nekdo drug na tem telefonu)",
    checkinAgain: "Prijavi se znova",
    already: "Na tem telefonu je anketa že izpolnjena. Hvala!",
    pickOne: "Preden pošlješ, odgovori vsaj na eno vprašanje.",
    nickname: "Tvoj vzdevek",
    nicknameHint: "Izberi takega, ki ga poznaš samo ti, in uporabi vedno istega.",
    needNickname: "Najprej napiši svoj vzdevek.",
    remember: "Zapomni si me na tem telefonu",
    rememberHint: "Samo na svojem telefonu: naslednji bi videl gumb, s katerim bi se prijavil kot ti.",
    remembered: "Ta telefon si zapomni nekoga, ki se je že prijavil.",
    itsMe: "To sem jaz: prijavi me",
    someoneElse: "Sem nekdo drug",
    noCode: "V tej povezavi ni kode ankete. Ponovno skeniraj QR kodo.",
    notFound: "Te ankete nismo našli. Preveri QR kodo ali vprašaj mladinskega delavca.",
    closed: "Ta anketa je zaprta. Hvala za obisk!",
    scheduled: "Ta anketa še ni odprta.",
    offline: "Trenutno ni povezave. Anketo naložimo takoj, ko boš spet na spletu.",
    rejected: "Odgovorov nismo mogli sprejeti: {m}",
    closedBeforeSent: "Anketa se je zaprla, preden so tvoji odgovori prišli do nas. Žal nam je!",
    scale: "1 = {low} · 5 = {high}",
    optional: "neobvezno",
    chars: "še znakov: {n}",
  },
  fi: {
    loading: "Ladataan…",
    intro: "Nimetön: emme koskaan kysy nimeäsi. Vastaa mihin haluat, ohita loput.",
    checkinIntro:
      "Kirjaudu sisään, kun tulet. Nimimerkkisi pysyy tässä puhelimessa: me saamme siitä vain salatun koodin.",
    send: "Lähetä vastaukset",
    checkin: "Kirjaudu sisään",
    sending: "Lähetetään…",
    sent: "Kiitos! Vastauksesi lähetettiin.",
    checkedIn: "Olet kirjautunut sisään. Tervetuloa!",
    waiting:
      "Vastauksesi on tallessa tässä puhelimessa, mutta niitä ei ole vielä lähetetty. Yritämme uudelleen, vaikka sulkisit sivun ja avaisit sen myöhemmin.",
    nextTry: "Seuraava yritys {s} s päästä.",
    tryNow: "Yritä nyt",
    again: "Vastaa uudelleen (joku toinen tällä puhelimella)",
    checkinAgain: "Kirjaudu uudelleen",
    already: "Olet jo vastannut tällä puhelimella. Kiitos!",
    pickOne: "Vastaa ainakin yhteen kysymykseen ennen lähettämistä.",
    nickname: "Nimimerkkisi",
    nicknameHint: "Valitse sellainen, jonka vain sinä tiedät, ja käytä aina samaa.",
    needNickname: "Kirjoita ensin nimimerkkisi.",
    remember: "Muista minut tässä puhelimessa",
    rememberHint: "Vain omassa puhelimessasi: seuraava käyttäjä näkisi napin, jolla kirjautua sinuna.",
    remembered: "Tämä puhelin muistaa jonkun, joka on kirjautunut aiemmin.",
    itsMe: "Minä tässä: kirjaudu",
    someoneElse: "Olen joku muu",
    noCode: "Tästä linkistä puuttuu kyselyn koodi. Skannaa QR-koodi uudelleen.",
    notFound: "Emme löytäneet tätä kyselyä. Tarkista QR-koodi tai kysy nuorisotyöntekijältä.",
    closed: "Tämä kysely on suljettu. Kiitos, että kävit!",
    scheduled: "Tämä kysely ei ole vielä auki.",
    offline: "Ei yhteyttä juuri nyt. Lataamme kyselyn heti, kun olet taas verkossa.",
    rejected: "Vastauksiasi ei hyväksytty: {m}",
    closedBeforeSent: "Kysely sulkeutui ennen kuin vastauksesi ehtivät perille. Harmi!",
    scale: "1 = {low} · 5 = {high}",
    optional: "vapaaehtoinen",
    chars: "merkkejä jäljellä: {n}",
  },
  sv: {
    loading: "Laddar…",
    intro: "Anonymt: vi frågar aldrig efter ditt namn. Svara på det du vill, hoppa över resten.",
    checkinIntro:
      "Checka in när du kommer. Ditt smeknamn stannar i den här mobilen: vi får bara en krypterad kod av det.",
    send: "Skicka svaren",
    checkin: "Checka in",
    sending: "Skickar…",
    sent: "Tack! Dina svar har skickats.",
    checkedIn: "Du är incheckad. Välkommen!",
    waiting:
      "Dina svar är sparade i den här mobilen men inte skickade än. Vi fortsätter försöka, även om du stänger sidan och öppnar den igen senare.",
    nextTry: "Nästa försök om {s} s.",
    tryNow: "Försök nu",
    again: "Svara igen (någon annan på den här mobilen)",
    checkinAgain: "Checka in igen",
    already: "Du har redan svarat på den här mobilen. Tack!",
    pickOne: "Svara på minst en fråga innan du skickar.",
    nickname: "Ditt smeknamn",
    nicknameHint: "Välj ett som bara du känner till, och använd samma varje gång.",
    needNickname: "Skriv ditt smeknamn först.",
    remember: "Kom ihåg mig i den här mobilen",
    rememberHint: "Bara i din egen mobil: nästa person skulle se en knapp för att checka in som du.",
    remembered: "Den här mobilen minns någon som checkat in förut.",
    itsMe: "Det är jag: checka in",
    someoneElse: "Jag är någon annan",
    noCode: "Länken saknar enkätens kod. Skanna QR-koden igen.",
    notFound: "Vi hittade inte den här enkäten. Kolla QR-koden eller fråga personalen.",
    closed: "Den här enkäten är stängd. Tack för att du tittade in!",
    scheduled: "Den här enkäten har inte öppnat än.",
    offline: "Ingen uppkoppling just nu. Vi laddar enkäten så fort du är online igen.",
    rejected: "Dina svar godtogs inte: {m}",
    closedBeforeSent: "Enkäten stängde innan dina svar kom fram. Tyvärr!",
    scale: "1 = {low} · 5 = {high}",
    optional: "frivillig",
    chars: "tecken kvar: {n}",
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
// person's check-in is shown to the next. Only someone who ticks "Remember me" is kept,
// as the hash the API gets (never the nickname) with their answers, and offered as a
// button that shows none of it. Earlier versions kept the nickname itself: forget it.
function forgetOldCheckinPrefs() {
  const current = prefs();
  if (!("nickname" in current || "age_band" in current || "gender" in current)) return;
  const { nickname, age_band, gender, ...rest } = current;
  save(PREFS_KEY, rest);
}
const rememberedFor = (collection) => {
  const me = prefs().me;
  return me && me.salt === collection.salt ? me : null;
};

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, "0")).join("");
}

// ------------------------------------------------------------ text
function t(key, values = {}) {
  const text = (UI[state.lang] || UI.en)[key] || UI.en[key];
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

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
          else showDone(entry.kind === "checkin" ? "checkedIn" : "sent");
        }
      } else if (answer.status >= 400 && answer.status < 500 && answer.status !== 429 && answer.status !== 408) {
        // Refused for good: retrying cannot help, so say so instead of waiting forever.
        unqueue(entry.id);
        if (state.view) state.view.refused(entry);
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

function currentAnswers() {
  const answers = {};
  for (const field of $("form").elements) {
    if (!field.name || field.name === "nickname" || field.name === "remember") continue;
    if (field.type === "radio") {
      if (field.checked) answers[field.name] = field.dataset.int ? Number(field.value) : field.value;
    } else if (field.tagName === "TEXTAREA" && field.value.trim()) {
      answers[field.name] = field.value;
    }
  }
  return answers;
}

function renderQuestion(q, index, kept) {
  if (q.type === "text") {
    const id = `q-${q.id}`;
    const area = el("textarea", {
      id,
      name: q.id,
      maxlength: q.max_length || 1000,
      rows: 4,
      "aria-describedby": `${id}-hint`,
    });
    area.value = kept[q.id] || "";
    const hint = el("p", { id: `${id}-hint`, class: "hint" });
    const count = () =>
      (hint.textContent = `${t("optional")} · ${t("chars", { n: (q.max_length || 1000) - area.value.length })}`);
    area.addEventListener("input", count);
    count();
    return el("div", { class: "q q-text" }, el("label", { for: id, class: "legend" }, q.text), area, hint);
  }
  const scale = q.type === "scale";
  const options = q.options || [];
  const legend = el("legend", {}, el("span", { class: "num", "aria-hidden": "true", text: `${index}.` }), ` ${q.text}`);
  const group = el("div", { class: scale ? "scale" : "choices" });
  for (const option of options) {
    const input = el("input", { type: "radio", name: q.id, value: option.value, "data-int": scale ? "1" : false });
    input.checked = kept[q.id] !== undefined && String(kept[q.id]) === String(option.value);
    const face = scale
      ? el(
          "span",
          { class: "box" },
          el("span", { class: "n", "aria-hidden": "true", text: option.value }),
          el("span", { class: "sr", text: `${option.value} – ${option.text}` }),
        )
      : el("span", { class: "box", text: option.text });
    group.append(el("label", {}, input, face));
  }
  const fieldset = el("fieldset", { class: `q q-${q.type}` }, legend, group);
  if (scale && options.length) {
    fieldset.append(
      el(
        "p",
        { class: "ends", "aria-hidden": "true" },
        el("span", { text: `1 ${options[0].text}` }),
        el("span", { text: `${options[options.length - 1].text} ${options.length}` }),
      ),
    );
  }
  return fieldset;
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
  const checkin = collection.kind === "checkin";
  $("intro").textContent = checkin ? t("checkinIntro") : t("intro");
  $("intro").hidden = false;
  const container = $("questions");
  container.replaceChildren();
  const wasShown = Boolean($("remembered") && !$("remembered").hidden);
  $("remembered")?.remove();
  const me = checkin ? rememberedFor(collection) : null;
  if (me) {
    const itsMe = el("button", { id: "its-me", type: "button", class: "primary", text: t("itsMe") });
    const other = el("button", { id: "someone-else", type: "button", class: "secondary", text: t("someoneElse") });
    itsMe.addEventListener("click", () => sendCheckin(me.visitor, { age_band: me.age_band, gender: me.gender }));
    other.addEventListener("click", () => {
      $("remembered").hidden = true;
      $("form").hidden = false;
      $("nickname").focus();
    });
    $("form").before(
      el("div", { id: "remembered", class: "q", hidden: !wasShown }, el("p", { text: t("remembered") }), itsMe, other),
    );
  }
  if (checkin) {
    container.append(
      el(
        "div",
        { class: "q q-text" },
        el("label", { for: "nickname", class: "legend", text: t("nickname") }),
        el("input", {
          id: "nickname",
          name: "nickname",
          type: "text",
          autocomplete: "off",
          autocapitalize: "none",
          spellcheck: "false",
          maxlength: "40",
          "aria-describedby": "nickname-hint",
        }),
        el("p", { id: "nickname-hint", class: "hint", text: t("nicknameHint") }),
      ),
    );
  }
  collection.questions.forEach((q, i) => {
    container.append(renderQuestion(q, i + 1, kept));
  });
  if (checkin) {
    container.append(
      el(
        "div",
        { class: "q q-remember" },
        el(
          "label",
          {},
          el("input", { id: "remember", name: "remember", type: "checkbox", "aria-describedby": "remember-hint" }),
          ` ${t("remember")}`,
        ),
        el("p", { id: "remember-hint", class: "hint", text: t("rememberHint") }),
      ),
    );
  }
  $("send").textContent = checkin ? t("checkin") : t("send");
  $("send").disabled = false;
  $("retry").textContent = t("tryNow");
  $("again").textContent = checkin ? t("checkinAgain") : t("again");
  if (state.view) state.view.render(collection); // an ideas point (ideas.js)
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
async function submit(event) {
  event.preventDefault();
  if (state.current) return; // a tap while sending must not make a second submission
  if (state.view) return state.view.submit();
  const collection = state.collection;
  const answers = currentAnswers();
  if (collection.kind === "checkin") {
    const nickname = ($("nickname").value || "").trim();
    if (!nickname) {
      setStatus(t("needNickname"), { tone: "error" });
      $("nickname").focus();
      return;
    }
    // The same nickname, however it is typed, gives the same hash.
    const visitor = await sha256Hex(collection.salt + nickname.normalize("NFC").toLowerCase());
    if ($("remember").checked) setPref("me", { salt: collection.salt, visitor, ...answers });
    await sendCheckin(visitor, answers);
    return;
  }
  if (!Object.keys(answers).length) {
    setStatus(t("pickOne"), { tone: "error" });
    const first = $("questions").querySelector("input, textarea");
    if (first) first.focus();
    return;
  }
  await send({ kind: "response", body: { collection_code: collection.code, lang: state.lang, answers } });
}

async function send(entry) {
  entry.id = uuid();
  entry.code = state.collection.code;
  entry.body.submission_id = entry.id;
  entry.tries = 0;
  queue(entry); // stored on the phone before the first byte leaves it
  keepPageOnPhone();
  state.current = entry.id;
  $("send").disabled = true;
  setStatus(t("sending"));
  await flush();
}

async function sendCheckin(visitor, answers) {
  if (state.current) return;
  const body = { collection_code: state.collection.code, visitor, lang: state.lang };
  for (const name of ["age_band", "gender"]) if (answers[name]) body[name] = answers[name];
  await send({ kind: "checkin", body });
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
  const kept = currentAnswers();
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
    // Ideas points have their own small module: the survey page does not carry it.
    if (answer.json.kind === "ideas" && !state.view) {
      try {
        state.view = await import(`./ideas.js${state.viewTries ? `?try=${state.viewTries}` : ""}`);
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

// For ideas.js, which shares this page's outbox, storage and text helpers.
export { el, flush, keepPageOnPhone, prefs, queue, setPref, setStatus, state, uuid };
