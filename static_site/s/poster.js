// A printable A4 poster for a collection: the centre's name, the QR code, one line in
// each language, and the address written out for anyone who cannot scan.
// ?c=CODE is one poster; ?c=CODE1,CODE2,... (a campaign's QR points) is one page each,
// printed as one document.

// Reads only: through the CDN (publicApiUrl, written by deploy) where there is one.
const CONFIG = window.LOGBOOK_CONFIG || {};
const API = (CONFIG.publicApiUrl || CONFIG.apiUrl || "").replace(/\/$/, "");
const MAX_POSTERS = 100;
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
const codes = [
  ...new Set(
    (new URLSearchParams(location.search).get("c") || "")
      .split(",")
      .map((code) => code.trim().toLowerCase())
      .filter(Boolean),
  ),
].slice(0, MAX_POSTERS);
const first = document.querySelector("[data-part=poster]");
const part = (poster, name) => poster.querySelector(`[data-part=${name}]`);

/** A copy of the first poster for another code: same parts, no ids (ids stay unique). */
function anotherPoster() {
  const copy = first.cloneNode(true);
  for (const element of copy.querySelectorAll("[id]")) element.removeAttribute("id");
  part(copy, "qr").hidden = true;
  // One heading level for the document: the first poster's name is its h1.
  const heading = part(copy, "unit");
  const h2 = document.createElement("h2");
  h2.dataset.part = "unit";
  h2.className = "h1-size";
  heading.replaceWith(h2);
  first.parentNode.insertBefore(copy, document.querySelector(".no-print"));
  return copy;
}

async function fill(poster, code) {
  const status = part(poster, "status");
  let response;
  try {
    response = await fetch(`${API}/public/collections/${encodeURIComponent(code)}?lang=en`, { credentials: "omit" });
  } catch {
    status.textContent = "No connection: the poster could not be loaded.";
    return null;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    status.textContent = body.message || `The collection could not be loaded (${response.status}).`;
    return null;
  }
  const address = `${location.origin}/s/?c=${code}`;
  part(poster, "unit").textContent = body.unit_name;
  // An ideas point's own question, when the worker gave one, says more than the title.
  part(poster, "title").textContent = body.prompt || body.title;
  const qr = part(poster, "qr");
  qr.src = `${API}/public/collections/${encodeURIComponent(code)}/qr.svg`;
  qr.alt = `QR code for ${address}`;
  qr.hidden = false;
  for (const [lang, text] of LINES[body.kind] || LINES.survey) {
    const item = document.createElement("li");
    item.lang = lang;
    item.textContent = text;
    part(poster, "lines").append(item);
  }
  part(poster, "url").textContent = address;
  return body;
}

async function show() {
  document.getElementById("print").addEventListener("click", () => window.print());
  if (!codes.length) {
    part(first, "status").textContent = "This address has no collection code (?c=...).";
    return;
  }
  const posters = [first, ...codes.slice(1).map(anotherPoster)];
  const filled = await Promise.all(codes.map((code, index) => fill(posters[index], code)));
  const shown = filled.filter(Boolean);
  if (codes.length === 1 && shown.length) document.title = `${shown[0].unit_name} – ${shown[0].title}`;
  else if (shown.length) document.title = `${shown[0].title} – ${shown.length} posters`;
}

show().catch(() => {
  part(first, "status").textContent = "No connection: the poster could not be loaded.";
});
