// The ideas point's view of the survey page, loaded only for ideas points: young
// people propose a statement for next year's survey and vote for up to three approved
// ones. Both go through the page's outbox (kept on the phone, retried, sent once).

import { el, flush, keepPageOnPhone, prefs, queue, setPref, setStatus, state, uuid } from "./survey.js";

const MAX_VOTES = 3;
const TEXT = {
  en: {
    intro:
      "What should next year's survey ask young people here? Write it as a sentence people can agree or disagree with, like “I can be myself here.” Don't write names.",
    idea: "Your idea",
    optional: "optional",
    chars: "characters left: {n}",
    vote: "Vote for up to 3 ideas you want to be asked",
    picked: "{n} of 3 chosen",
    voted: "You've voted on this phone. Thank you!",
    send: "Send",
    nothing: "Write an idea or choose at least one to vote for.",
    short: "Write a bit more: at least 3 characters.",
    sent: "Thank you! A youth worker reads every idea before it can be voted on.",
    votedNow: "Thank you! Your vote was counted.",
    again: "Send another idea",
  },
  sl: {
    intro:
      "Kaj naj anketa prihodnje leto vpraša mlade tukaj? Napiši stavek, s katerim se lahko strinjaš ali ne, na primer »Tukaj sem lahko to, kar sem.« Ne piši imen.",
    idea: "Tvoja ideja",
    optional: "neobvezno",
    chars: "še znakov: {n}",
    vote: "Glasuj za največ 3 ideje, ki bi jih rad_a videl_a v anketi",
    picked: "izbrano: {n} od 3",
    voted: "Na tem telefonu si že glasoval_a. Hvala!",
    send: "Pošlji",
    nothing: "Napiši idejo ali izberi vsaj eno, za katero glasuješ.",
    short: "Napiši malo več: vsaj 3 znake.",
    sent: "Hvala! Mladinski delavec prebere vsako idejo, preden je na voljo za glasovanje.",
    votedNow: "Hvala! Tvoj glas je štet.",
    again: "Pošlji še eno idejo",
  },
  fi: {
    intro:
      "Mitä ensi vuoden kyselyn pitäisi kysyä täällä käyviltä nuorilta? Kirjoita lause, josta voi olla samaa tai eri mieltä, esimerkiksi ”Voin olla täällä oma itseni.” Älä kirjoita nimiä.",
    idea: "Sinun ideasi",
    optional: "vapaaehtoinen",
    chars: "merkkejä jäljellä: {n}",
    vote: "Äänestä enintään kolmea ideaa, joita haluat kysyttävän",
    picked: "{n}/3 valittu",
    voted: "Olet jo äänestänyt tällä puhelimella. Kiitos!",
    send: "Lähetä",
    nothing: "Kirjoita idea tai valitse ainakin yksi, jota äänestät.",
    short: "Kirjoita vähän enemmän: vähintään 3 merkkiä.",
    sent: "Kiitos! Nuorisotyöntekijä lukee jokaisen idean ennen kuin sitä voi äänestää.",
    votedNow: "Kiitos! Äänesi laskettiin.",
    again: "Lähetä toinen idea",
  },
  sv: {
    intro:
      "Vad ska nästa års enkät fråga unga här? Skriv en mening som man kan hålla med om eller inte, till exempel ”Jag kan vara mig själv här.” Skriv inga namn.",
    idea: "Din idé",
    optional: "frivillig",
    chars: "tecken kvar: {n}",
    vote: "Rösta på upp till 3 idéer som du vill att enkäten frågar",
    picked: "{n} av 3 valda",
    voted: "Du har redan röstat på den här mobilen. Tack!",
    send: "Skicka",
    nothing: "Skriv en idé eller välj minst en att rösta på.",
    short: "Skriv lite mer: minst 3 tecken.",
    sent: "Tack! Personalen läser varje idé innan man kan rösta på den.",
    votedNow: "Tack! Din röst räknades.",
    again: "Skicka en idé till",
  },
};
const $ = (id) => document.getElementById(id);
// What the young person typed and chose survives a change of language.
const draft = { text: "", picked: new Set() };

function say(key, values = {}) {
  const text = (TEXT[state.lang] || TEXT.en)[key] || TEXT.en[key];
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

const votedHere = (code) => Boolean(prefs()[`voted.${code}`]);

export function render(collection) {
  const max = collection.max_length || 200;
  $("intro").textContent = collection.prompt || say("intro");
  const area = el("textarea", { id: "idea", maxlength: max, rows: 3, "aria-describedby": "idea-hint" });
  area.value = draft.text;
  const hint = el("p", { id: "idea-hint", class: "hint" });
  const count = () => {
    draft.text = area.value;
    hint.textContent = `${say("optional")} · ${say("chars", { n: max - area.value.length })}`;
  };
  area.addEventListener("input", count);
  count();
  const parts = [
    el("div", { class: "q q-text" }, el("label", { for: "idea", class: "legend", text: say("idea") }), area, hint),
  ];
  const ideas = collection.ideas || [];
  if (ideas.length && votedHere(collection.code)) {
    parts.push(el("p", { class: "q hint", text: say("voted") }));
  } else if (ideas.length) {
    const picked = el("p", { id: "picked", class: "hint", "aria-live": "polite" });
    const group = el("div", { class: "choices votes" });
    const boxes = ideas.map((idea) => {
      const box = el("input", { type: "checkbox", name: "vote", value: idea.id });
      box.checked = draft.picked.has(idea.id);
      group.append(el("label", {}, box, el("span", { class: "box", text: idea.text })));
      return box;
    });
    const limit = () => {
      draft.picked = new Set(boxes.filter((b) => b.checked).map((b) => b.value));
      for (const box of boxes) box.disabled = !box.checked && draft.picked.size >= MAX_VOTES;
      picked.textContent = say("picked", { n: draft.picked.size });
    };
    group.addEventListener("change", limit);
    limit();
    parts.push(
      el(
        "fieldset",
        { class: "q q-vote", "aria-describedby": "picked" },
        el("legend", { text: say("vote") }),
        group,
        picked,
      ),
    );
  }
  $("questions").replaceChildren(...parts);
  $("send").textContent = say("send");
  $("again").textContent = say("again");
}

export async function submit() {
  const collection = state.collection;
  const text = ($("idea").value || "").trim();
  const votes = [...document.querySelectorAll('input[name="vote"]:checked')]
    .map((box) => box.value)
    .slice(0, MAX_VOTES);
  if (!text && !votes.length) {
    setStatus(say("nothing"), { tone: "error" });
    $("idea").focus();
    return;
  }
  if (text && text.length < 3) {
    setStatus(say("short"), { tone: "error" });
    $("idea").focus();
    return;
  }
  const entries = [];
  if (text)
    entries.push({
      kind: "idea",
      path: "/public/ideas",
      body: { collection_code: collection.code, text, lang: state.lang },
    });
  if (votes.length)
    entries.push({ kind: "vote", path: "/public/votes", body: { collection_code: collection.code, idea_ids: votes } });
  for (const entry of entries) {
    entry.id = uuid();
    entry.code = collection.code;
    entry.body.submission_id = entry.id;
    entry.tries = 0;
    queue(entry); // on the phone before the first byte leaves it
  }
  // One vote per phone: kept from the moment it waits in the outbox.
  if (votes.length) setPref(`voted.${collection.code}`, true);
  draft.text = "";
  draft.picked = new Set();
  keepPageOnPhone();
  state.current = entries[entries.length - 1].id;
  state.sent = entries.map((e) => e.kind);
  $("send").disabled = true;
  await flush();
}

// A vote the API refused for good (a proposal was withdrawn meanwhile) does not use up
// this phone's vote.
export function refused(entry) {
  if (entry.kind === "vote") setPref(`voted.${entry.code}`, false);
}

// The last entry of a sending was confirmed: thank the young person for what they sent.
export function done() {
  state.current = null;
  $("form").hidden = true;
  $("done").hidden = false;
  const sent = state.sent || [];
  setStatus(sent.includes("vote") && !sent.includes("idea") ? say("votedNow") : say("sent"), { tone: "ok" });
}
