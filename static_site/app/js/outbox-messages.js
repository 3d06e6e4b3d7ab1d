// The outbox's texts in English, Slovenian, Finnish and Swedish, merged into the
// app's messages when the outbox loads (after sign-in): the sign-in page, the first
// visit, does not download them.

import { MESSAGES } from "./messages.js";

const OUTBOX_MESSAGES = {
  en: {
    "outbox.keptToSend": "Kept on this device – will be sent",
    "outbox.savedOnDevice":
      "No connection: “{title}” ({date}) is saved on this device and will be sent as soon as the connection returns. You can log the next one.",
    "outbox.changesOnDevice":
      "No connection: your changes to “{title}” are kept on this device and will be sent as soon as the connection returns.",
    "outbox.see": "See what is waiting to be sent",
    "outbox.deleteKept": "The deletion will be sent when the connection returns.",
    "outbox.deleteKeptTitle": "No connection: deleting “{title}” will be sent as soon as the connection returns.",
    "outbox.title": "Saves on this device",
    "outbox.hint":
      "Every save is kept on this device until Logbook has stored it, and sent in order when there is a connection – also after you close the app. Each is stored once, however often it is sent.",
    "outbox.sendNow": "Send now",
    "outbox.problems": "Needs your attention ({n})",
    "outbox.waiting": "Waiting to be sent ({n})",
    "outbox.sent": "Sent",
    "outbox.nothingWaiting": "Nothing is waiting: everything is stored in Logbook.",
    "outbox.nothingSent": "Nothing sent from this device yet.",
    "outbox.offline": "This device is offline. The saves go out by themselves when the connection returns.",
    "outbox.kind.create": "New activity “{title}”",
    "outbox.kind.update": "Changes to “{title}”",
    "outbox.kind.delete": "Deleting “{title}”",
    "outbox.savedAt": "saved {when}",
    "outbox.sentAt": "stored {when}",
    "outbox.attempts": "tried {n} time(s)",
    "outbox.conflict":
      "A colleague changed this activity after you opened it. Your version is kept here: compare it with theirs, send yours over theirs, or discard yours.",
    "outbox.refused": "Logbook did not accept this save.",
    "outbox.fix": "Fix it in the form",
    "outbox.compare": "Open and compare",
    "outbox.sendMine": "Send mine over theirs",
    "outbox.discard": "Discard",
    "outbox.confirmDiscard": "Discard “{title}” from this device? It has not been stored in Logbook.",
    "outbox.open": "Open",
    "outbox.offlineShort": "Offline",
    "outbox.waitingShort": "{n} waiting to be sent",
    "outbox.problemsShort": "{n} need(s) attention",
    "outbox.signOutUnsent":
      "{n} save(s) on this device have not been sent yet and will be lost if you sign out. Sign out anyway?",
  },
  sl: {
    "outbox.keptToSend": "Shranjeno v tej napravi – bo poslano",
    "outbox.savedOnDevice":
      "Ni povezave: »{title}« ({date}) je shranjeno v tej napravi in bo poslano takoj, ko bo povezava spet na voljo. Lahko vpišete naslednjo.",
    "outbox.changesOnDevice":
      "Ni povezave: vaše spremembe »{title}« so shranjene v tej napravi in bodo poslane takoj, ko bo povezava spet na voljo.",
    "outbox.see": "Poglejte, kaj čaka na pošiljanje",
    "outbox.deleteKept": "Brisanje bo poslano, ko bo povezava spet na voljo.",
    "outbox.deleteKeptTitle": "Ni povezave: brisanje »{title}« bo poslano takoj, ko bo povezava spet na voljo.",
    "outbox.title": "Shranjeno v tej napravi",
    "outbox.hint":
      "Vsak vnos ostane v tej napravi, dokler ga Logbook ne shrani, in se pošlje po vrsti, ko je povezava na voljo – tudi po tem, ko aplikacijo zaprete. Vsak se shrani enkrat, ne glede na to, kolikokrat je poslan.",
    "outbox.sendNow": "Pošlji zdaj",
    "outbox.problems": "Potrebuje vašo pozornost ({n})",
    "outbox.waiting": "Čaka na pošiljanje ({n})",
    "outbox.sent": "Poslano",
    "outbox.nothingWaiting": "Nič ne čaka: vse je shranjeno v Logbooku.",
    "outbox.nothingSent": "Iz te naprave še ni bilo nič poslano.",
    "outbox.offline": "Naprava nima povezave. Vnosi bodo poslani sami, ko bo povezava spet na voljo.",
    "outbox.kind.create": "Nova aktivnost »{title}«",
    "outbox.kind.update": "Spremembe »{title}«",
    "outbox.kind.delete": "Brisanje »{title}«",
    "outbox.savedAt": "shranjeno {when}",
    "outbox.sentAt": "shranjeno v Logbooku {when}",
    "outbox.attempts": "poskusov: {n}",
    "outbox.conflict":
      "Sodelavec je aktivnost spremenil, ko ste jo že odprli. Vaša različica je shranjena tukaj: primerjajte jo z njegovo, pošljite svojo čez njegovo ali jo zavrzite.",
    "outbox.refused": "Logbook tega vnosa ni sprejel.",
    "outbox.fix": "Popravite v obrazcu",
    "outbox.compare": "Odpri in primerjaj",
    "outbox.sendMine": "Pošlji mojo čez njegovo",
    "outbox.discard": "Zavrzi",
    "outbox.confirmDiscard": "Zavržem »{title}« iz te naprave? V Logbooku še ni shranjeno.",
    "outbox.open": "Odpri",
    "outbox.offlineShort": "Brez povezave",
    "outbox.waitingShort": "Čaka na pošiljanje: {n}",
    "outbox.problemsShort": "Potrebuje pozornost: {n}",
    "outbox.signOutUnsent":
      "Vnosov v tej napravi, ki še niso poslani: {n}. Če se odjavite, bodo izgubljeni. Se vseeno odjavim?",
  },
  fi: {
    "outbox.keptToSend": "Tallessa tällä laitteella – lähetetään",
    "outbox.savedOnDevice":
      "Ei yhteyttä: ”{title}” ({date}) on tallessa tällä laitteella ja lähetetään heti, kun yhteys palaa. Voit kirjata seuraavan.",
    "outbox.changesOnDevice":
      "Ei yhteyttä: muutoksesi kohteeseen ”{title}” ovat tallessa tällä laitteella ja lähetetään heti, kun yhteys palaa.",
    "outbox.see": "Katso, mikä odottaa lähetystä",
    "outbox.deleteKept": "Poisto lähetetään, kun yhteys palaa.",
    "outbox.deleteKeptTitle": "Ei yhteyttä: kohteen ”{title}” poisto lähetetään heti, kun yhteys palaa.",
    "outbox.title": "Tallennukset tällä laitteella",
    "outbox.hint":
      "Jokainen tallennus pysyy tällä laitteella, kunnes Logbook on tallentanut sen, ja lähetetään järjestyksessä, kun yhteys toimii – myös sovelluksen sulkemisen jälkeen. Jokainen tallentuu kerran, vaikka se lähetettäisiin monta kertaa.",
    "outbox.sendNow": "Lähetä nyt",
    "outbox.problems": "Vaatii huomiotasi ({n})",
    "outbox.waiting": "Odottaa lähetystä ({n})",
    "outbox.sent": "Lähetetyt",
    "outbox.nothingWaiting": "Mikään ei odota: kaikki on tallessa Logbookissa.",
    "outbox.nothingSent": "Tältä laitteelta ei ole vielä lähetetty mitään.",
    "outbox.offline": "Laite on ilman yhteyttä. Tallennukset lähtevät itsestään, kun yhteys palaa.",
    "outbox.kind.create": "Uusi toiminta ”{title}”",
    "outbox.kind.update": "Muutokset: ”{title}”",
    "outbox.kind.delete": "Poisto: ”{title}”",
    "outbox.savedAt": "tallennettu {when}",
    "outbox.sentAt": "tallessa Logbookissa {when}",
    "outbox.attempts": "yrityksiä {n}",
    "outbox.conflict":
      "Työkaveri muutti tätä toimintaa sen jälkeen, kun avasit sen. Versiosi on tallessa tässä: vertaa sitä hänen versioonsa, lähetä omasi hänen versionsa päälle tai hylkää omasi.",
    "outbox.refused": "Logbook ei hyväksynyt tätä tallennusta.",
    "outbox.fix": "Korjaa lomakkeessa",
    "outbox.compare": "Avaa ja vertaa",
    "outbox.sendMine": "Lähetä omani hänen päälleen",
    "outbox.discard": "Hylkää",
    "outbox.confirmDiscard": "Hylätäänkö ”{title}” tältä laitteelta? Sitä ei ole tallennettu Logbookiin.",
    "outbox.open": "Avaa",
    "outbox.offlineShort": "Ei yhteyttä",
    "outbox.waitingShort": "Odottaa lähetystä: {n}",
    "outbox.problemsShort": "Vaatii huomiota: {n}",
    "outbox.signOutUnsent":
      "Tällä laitteella on {n} lähettämätöntä tallennusta, jotka katoavat, jos kirjaudut ulos. Kirjaudutaanko silti ulos?",
  },
  sv: {
    "outbox.keptToSend": "Sparat på den här enheten – skickas",
    "outbox.savedOnDevice":
      "Ingen anslutning: ”{title}” ({date}) är sparat på den här enheten och skickas så snart anslutningen är tillbaka. Du kan logga nästa.",
    "outbox.changesOnDevice":
      "Ingen anslutning: dina ändringar av ”{title}” finns kvar på den här enheten och skickas så snart anslutningen är tillbaka.",
    "outbox.see": "Se vad som väntar på att skickas",
    "outbox.deleteKept": "Borttagningen skickas när anslutningen är tillbaka.",
    "outbox.deleteKeptTitle": "Ingen anslutning: borttagningen av ”{title}” skickas så snart anslutningen är tillbaka.",
    "outbox.title": "Sparat på den här enheten",
    "outbox.hint":
      "Varje sparning finns kvar på enheten tills Logbook har lagrat den och skickas i tur och ordning när det finns anslutning – även efter att du stängt appen. Var och en lagras en gång, hur många gånger den än skickas.",
    "outbox.sendNow": "Skicka nu",
    "outbox.problems": "Behöver din uppmärksamhet ({n})",
    "outbox.waiting": "Väntar på att skickas ({n})",
    "outbox.sent": "Skickat",
    "outbox.nothingWaiting": "Inget väntar: allt är lagrat i Logbook.",
    "outbox.nothingSent": "Inget har skickats från den här enheten ännu.",
    "outbox.offline": "Enheten är offline. Sparningarna skickas av sig själva när anslutningen är tillbaka.",
    "outbox.kind.create": "Ny aktivitet ”{title}”",
    "outbox.kind.update": "Ändringar av ”{title}”",
    "outbox.kind.delete": "Borttagning av ”{title}”",
    "outbox.savedAt": "sparat {when}",
    "outbox.sentAt": "lagrat {when}",
    "outbox.attempts": "försökt {n} gång(er)",
    "outbox.conflict":
      "En kollega ändrade aktiviteten efter att du öppnade den. Din version finns kvar här: jämför den med kollegans, skicka din över kollegans eller kasta din.",
    "outbox.refused": "Logbook tog inte emot den här sparningen.",
    "outbox.fix": "Rätta i formuläret",
    "outbox.compare": "Öppna och jämför",
    "outbox.sendMine": "Skicka min över kollegans",
    "outbox.discard": "Kasta",
    "outbox.confirmDiscard": "Kasta ”{title}” från enheten? Den är inte lagrad i Logbook.",
    "outbox.open": "Öppna",
    "outbox.offlineShort": "Offline",
    "outbox.waitingShort": "{n} väntar på att skickas",
    "outbox.problemsShort": "{n} behöver åtgärd",
    "outbox.signOutUnsent":
      "{n} sparning(ar) på enheten har inte skickats ännu och går förlorade om du loggar ut. Logga ut ändå?",
  },
};

for (const [language, texts] of Object.entries(OUTBOX_MESSAGES)) Object.assign(MESSAGES[language], texts);
