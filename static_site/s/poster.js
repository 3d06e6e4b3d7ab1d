// A printable A4 poster for a collection: the centre's name, the QR code, one line in
// each language, and the address written out for anyone who cannot scan.

// Reads only: through the CDN (publicApiUrl, written by deploy) where there is one.
const CONFIG = window.LOGBOOK_CONFIG || {};
const API = (CONFIG.publicApiUrl || CONFIG.apiUrl || "").replace(/\/$/, "");
const LINES = {
  survey: [
    ["en", "Scan the code and tell us what you think. It's anonymous."],
    ["sl", "Skeniraj kodo in nam povej, kaj misliš. Anonimno je."],
    ["fi", "Skannaa koodi ja kerro mielipiteesi. Vastaat nimettömästi."],
    ["sv", "Skanna koden och säg vad du tycker. Det är anonymt."],
  ],
  checkin: [
    ["en", "Scan the code to check in."],
    ["sl", "Skeniraj kodo in se prijavi."],
    ["fi", "Skannaa koodi ja kirjaudu sisään."],
    ["sv", "Skanna koden för att checka in."],
  ],
  ideas: [
    ["en", "Scan the code: tell us what next year's survey should ask, and vote for the best ideas."],
    ["sl", "Skeniraj kodo: povej, kaj naj vpraša anketa prihodnje leto, in glasuj za najboljše ideje."],
    ["fi", "Skannaa koodi: kerro, mitä ensi vuoden kyselyn pitäisi kysyä, ja äänestä parhaita ideoita."],
    ["sv", "Skanna koden: säg vad nästa års enkät ska fråga, och rösta på de bästa idéerna."],
  ],
};
const $ = (id) => document.getElementById(id);
const code = (new URLSearchParams(location.search).get("c") || "").trim().toLowerCase();

async function show() {
  $("print").addEventListener("click", () => window.print());
  if (!code) {
    $("status").textContent = "This address has no collection code (?c=...).";
    return;
  }
  const response = await fetch(`${API}/public/collections/${encodeURIComponent(code)}?lang=en`, { credentials: "omit" });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    $("status").textContent = body.message || `The collection could not be loaded (${response.status}).`;
    return;
  }
  const address = `${location.origin}/s/?c=${code}`;
  document.title = `${body.unit_name} – ${body.title}`;
  $("unit").textContent = body.unit_name;
  // An ideas point's own question, when the worker gave one, says more than the title.
  $("title").textContent = body.prompt || body.title;
  const qr = $("qr");
  qr.src = `${API}/public/collections/${encodeURIComponent(code)}/qr.svg`;
  qr.alt = `QR code for ${address}`;
  qr.hidden = false;
  for (const [lang, text] of LINES[body.kind] || LINES.survey) {
    const item = document.createElement("li");
    item.lang = lang;
    item.textContent = text;
    $("lines").append(item);
  }
  $("url").textContent = address;
}

show().catch(() => {
  $("status").textContent = "No connection: the poster could not be loaded.";
});
