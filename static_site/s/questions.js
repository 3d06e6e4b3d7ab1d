// The view of a survey or check-in point (survey.js loads it for those only).

import {
  $,
  el,
  flush,
  keepPageOnPhone,
  prefs,
  queue,
  setPref,
  setStatus,
  showDone,
  state,
  text,
  uuid,
} from "./survey.js";

const TEXT = {
  en: {
    intro: "Anonymous: we never ask your name. Answer what you want, skip what you don't.",
    checkinIntro: "Check in when you come. Your nickname stays on this phone: we only get a scrambled code of it.",
    send: "Send answers",
    checkin: "Check in",
    sending: "Sending…",
    again: "Answer again (someone else on this phone)",
    checkinAgain: "Check in again",
    pickOne: "Answer at least one question before sending.",
    nickname: "Your nickname",
    nicknameHint: "Pick one only you know, and use the same one every time.",
    needNickname: "Write your nickname first.",
    remember: "Remember me on this phone",
    rememberHint: "Only on your own phone: the next person would see a button to check in as you.",
    remembered: "This phone remembers someone who checked in before.",
    itsMe: "It's me: check in",
    someoneElse: "I'm someone else",
    optional: "optional",
    chars: "characters left: {n}",
  },
  sl: {
    intro: "Anonimno: nikoli te ne vprašamo za ime. Odgovori, na kar želiš, ostalo preskoči.",
    checkinIntro: "Prijavi se, ko prideš. Tvoj vzdevek ostane na tem telefonu: mi dobimo samo njegovo šifro.",
    send: "Pošlji odgovore",
    checkin: "Prijavi me",
    sending: "Pošiljam …",
    again: "Odgovori znova (nekdo drug na tem telefonu)",
    checkinAgain: "Prijavi se znova",
    pickOne: "Preden pošlješ, odgovori vsaj na eno vprašanje.",
    nickname: "Tvoj vzdevek",
    nicknameHint: "Izberi takega, ki ga poznaš samo ti, in uporabi vedno istega.",
    needNickname: "Najprej napiši svoj vzdevek.",
    remember: "Zapomni si me na tem telefonu",
    rememberHint: "Samo na svojem telefonu: naslednji bi videl gumb, s katerim bi se prijavil kot ti.",
    remembered: "Ta telefon si zapomni nekoga, ki se je že prijavil.",
    itsMe: "To sem jaz: prijavi me",
    someoneElse: "Sem nekdo drug",
    optional: "neobvezno",
    chars: "še znakov: {n}",
  },
  fi: {
    intro: "Nimetön: emme koskaan kysy nimeäsi. Vastaa mihin haluat, ohita loput.",
    checkinIntro:
      "Kirjaudu sisään, kun tulet. Nimimerkkisi pysyy tässä puhelimessa: me saamme siitä vain salatun koodin.",
    send: "Lähetä vastaukset",
    checkin: "Kirjaudu sisään",
    sending: "Lähetetään…",
    again: "Vastaa uudelleen (joku toinen tällä puhelimella)",
    checkinAgain: "Kirjaudu uudelleen",
    pickOne: "Vastaa ainakin yhteen kysymykseen ennen lähettämistä.",
    nickname: "Nimimerkkisi",
    nicknameHint: "Valitse sellainen, jonka vain sinä tiedät, ja käytä aina samaa.",
    needNickname: "Kirjoita ensin nimimerkkisi.",
    remember: "Muista minut tässä puhelimessa",
    rememberHint: "Vain omassa puhelimessasi: seuraava käyttäjä näkisi napin, jolla kirjautua sinuna.",
    remembered: "Tämä puhelin muistaa jonkun, joka on kirjautunut aiemmin.",
    itsMe: "Minä tässä: kirjaudu",
    someoneElse: "Olen joku muu",
    optional: "vapaaehtoinen",
    chars: "merkkejä jäljellä: {n}",
  },
  sv: {
    intro: "Anonymt: vi frågar aldrig efter ditt namn. Svara på det du vill, hoppa över resten.",
    checkinIntro:
      "Checka in när du kommer. Ditt smeknamn stannar i den här mobilen: vi får bara en krypterad kod av det.",
    send: "Skicka svaren",
    checkin: "Checka in",
    sending: "Skickar…",
    again: "Svara igen (någon annan på den här mobilen)",
    checkinAgain: "Checka in igen",
    pickOne: "Svara på minst en fråga innan du skickar.",
    nickname: "Ditt smeknamn",
    nicknameHint: "Välj ett som bara du känner till, och använd samma varje gång.",
    needNickname: "Skriv ditt smeknamn först.",
    remember: "Kom ihåg mig i den här mobilen",
    rememberHint: "Bara i din egen mobil: nästa person skulle se en knapp för att checka in som du.",
    remembered: "Den här mobilen minns någon som checkat in förut.",
    itsMe: "Det är jag: checka in",
    someoneElse: "Jag är någon annan",
    optional: "frivillig",
    chars: "tecken kvar: {n}",
  },
};

const say = (key, values) => text(TEXT, key, values);

// Only someone who ticks "Remember me" is kept, as the hash the API gets (never the
// nickname), and offered as a button that shows none of it.
const rememberedFor = (collection) => {
  const me = prefs().me;
  return me && me.salt === collection.salt ? me : null;
};

async function sha256Hex(value) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, "0")).join("");
}

export function currentAnswers() {
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
      (hint.textContent = `${say("optional")} · ${say("chars", { n: (q.max_length || 1000) - area.value.length })}`);
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

export function render(collection, kept = {}) {
  const checkin = collection.kind === "checkin";
  $("intro").textContent = checkin ? say("checkinIntro") : say("intro");
  const container = $("questions");
  container.replaceChildren();
  const wasShown = Boolean($("remembered") && !$("remembered").hidden);
  $("remembered")?.remove();
  const me = checkin ? rememberedFor(collection) : null;
  if (me) {
    const itsMe = el("button", { id: "its-me", type: "button", class: "primary", text: say("itsMe") });
    const other = el("button", { id: "someone-else", type: "button", class: "secondary", text: say("someoneElse") });
    itsMe.addEventListener("click", () => sendCheckin(me.visitor, { age_band: me.age_band, gender: me.gender }));
    other.addEventListener("click", () => {
      $("remembered").hidden = true;
      $("form").hidden = false;
      $("nickname").focus();
    });
    $("form").before(
      el(
        "div",
        { id: "remembered", class: "q", hidden: !wasShown },
        el("p", { text: say("remembered") }),
        itsMe,
        other,
      ),
    );
  }
  if (checkin) {
    container.append(
      el(
        "div",
        { class: "q q-text" },
        el("label", { for: "nickname", class: "legend", text: say("nickname") }),
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
        el("p", { id: "nickname-hint", class: "hint", text: say("nicknameHint") }),
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
          ` ${say("remember")}`,
        ),
        el("p", { id: "remember-hint", class: "hint", text: say("rememberHint") }),
      ),
    );
  }
  $("send").textContent = checkin ? say("checkin") : say("send");
  $("again").textContent = checkin ? say("checkinAgain") : say("again");
}

export async function submit() {
  const collection = state.collection;
  const answers = currentAnswers();
  if (collection.kind === "checkin") {
    const nickname = ($("nickname").value || "").trim();
    if (!nickname) {
      setStatus(say("needNickname"), { tone: "error" });
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
    setStatus(say("pickOne"), { tone: "error" });
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
  setStatus(say("sending"));
  await flush();
}

async function sendCheckin(visitor, answers) {
  if (state.current) return;
  const body = { collection_code: state.collection.code, visitor, lang: state.lang };
  for (const name of ["age_band", "gender"]) if (answers[name]) body[name] = answers[name];
  await send({ kind: "checkin", body });
}

export function done(entry) {
  showDone(entry.kind === "checkin" ? "checkedIn" : "sent");
}
