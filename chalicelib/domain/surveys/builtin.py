"""The built-in texts: scale labels, the standard questions, the ``annual`` and ``feedback``
templates, the check-in and ideas titles in the four core languages. Pure."""

from __future__ import annotations

from chalicelib.domain.surveys.templates import (
    CORE_LANGUAGES,
    Option,
    SurveyTemplate,
    TemplateQuestion,
    Texts,
)

# ------------------------------------------------------------------ built-in texts
SCALE_LABELS: dict[str, list[str]] = {
    "en": ["Strongly disagree", "Disagree", "Not sure", "Agree", "Strongly agree"],
    "sl": [
        "Sploh se ne strinjam",
        "Ne strinjam se",
        "Niti niti",
        "Strinjam se",
        "Popolnoma se strinjam",
    ],
    "fi": [
        "Täysin eri mieltä",
        "Jokseenkin eri mieltä",
        "En osaa sanoa",
        "Jokseenkin samaa mieltä",
        "Täysin samaa mieltä",
    ],
    "sv": [
        "Stämmer inte alls",
        "Stämmer ganska dåligt",
        "Varken eller",
        "Stämmer ganska bra",
        "Stämmer helt",
    ],
}


def _t(en: str, sl: str, fi: str, sv: str) -> Texts:
    return {"en": en, "sl": sl, "fi": fi, "sv": sv}


def _scale(question_id: str, indicator: str | None, text: Texts) -> TemplateQuestion:
    return TemplateQuestion(id=question_id, type="scale", indicator=indicator, text=text)


AGE_BAND_QUESTION = TemplateQuestion(
    id="age_band",
    type="choice",
    text=_t("How old are you?", "Koliko let imaš?", "Kuinka vanha olet?", "Hur gammal är du?"),
    options=[
        Option(
            value="under_13",
            text=_t("12 or younger", "12 ali manj", "12 tai nuorempi", "12 eller yngre"),
        ),
        Option(value="13_15", text=_t("13–15", "13–15", "13–15", "13–15")),
        Option(value="16_18", text=_t("16–18", "16–18", "16–18", "16–18")),
        Option(value="19_24", text=_t("19–24", "19–24", "19–24", "19–24")),
        Option(value="25_29", text=_t("25–29", "25–29", "25–29", "25–29")),
        Option(
            value="over_29",
            text=_t("30 or older", "30 ali več", "30 tai vanhempi", "30 eller äldre"),
        ),
    ],
)
GENDER_QUESTION = TemplateQuestion(
    id="gender",
    type="choice",
    text=_t("What is your gender?", "Kakšnega spola si?", "Mikä on sukupuolesi?", "Vilket kön har du?"),
    options=[
        Option(value="girls", text=_t("Girl", "Dekle", "Tyttö", "Tjej")),
        Option(value="boys", text=_t("Boy", "Fant", "Poika", "Kille")),
        Option(value="nonbinary", text=_t("Non-binary or other", "Nebinarno ali drugo", "Muunsukupuolinen tai muu", "Icke-binär eller annat")),
        Option(value="undisclosed", text=_t("I'd rather not say", "Raje ne povem", "En halua kertoa", "Vill inte säga")),
    ],
)  # fmt: skip
# Questions with these ids feed the statistics' breakdowns; their options are fixed.
STANDARD_QUESTIONS: dict[str, TemplateQuestion] = {
    "age_band": AGE_BAND_QUESTION,
    "gender": GENDER_QUESTION,
}

ANNUAL = SurveyTemplate(
    id="annual",
    builtin=True,
    title=_t("Youth survey", "Anketa za mlade", "Nuorisokysely", "Ungdomsenkät"),
    languages=list(CORE_LANGUAGES),
    questions=[
        _scale("safety_1", "safety", _t(
            "I feel safe here.",
            "Tukaj se počutim varno.",
            "Tunnen oloni täällä turvalliseksi.",
            "Jag känner mig trygg här.")),
        _scale("safety_2", "safety", _t(
            "I can be here without worrying about being bullied or laughed at.",
            "Tukaj me ni strah, da bi me kdo zbadal ali se mi posmehoval.",
            "Täällä minun ei tarvitse pelätä, että minua kiusataan tai minulle nauretaan.",
            "Här behöver jag inte vara rädd för att bli mobbad eller utskrattad.")),
        _scale("belonging_1", "belonging", _t(
            "I feel welcome here.",
            "Tukaj me lepo sprejmejo.",
            "Tunnen itseni täällä tervetulleeksi.",
            "Jag känner mig välkommen här.")),
        _scale("belonging_2", "belonging", _t(
            "There are people here I get along with.",
            "Tukaj imam ljudi, s katerimi se dobro razumem.",
            "Täällä on ihmisiä, joiden kanssa tulen hyvin toimeen.",
            "Här finns folk som jag kommer bra överens med.")),
        _scale("identity_1", "identity", _t(
            "I can be myself here.",
            "Tukaj sem lahko to, kar sem.",
            "Voin olla täällä oma itseni.",
            "Jag kan vara mig själv här.")),
        _scale("identity_2", "identity", _t(
            "Coming here helps me figure out what matters to me.",
            "Ko prihajam sem, lažje ugotovim, kaj mi je pomembno.",
            "Täällä käyminen auttaa minua miettimään, mikä on minulle tärkeää.",
            "Att vara här hjälper mig att förstå vad som är viktigt för mig.")),
        _scale("self_expression_1", "self_expression", _t(
            "Here I can show what I'm good at.",
            "Tukaj lahko pokažem, kaj znam.",
            "Täällä voin näyttää, missä olen hyvä.",
            "Här kan jag visa vad jag är bra på.")),
        _scale("self_expression_2", "self_expression", _t(
            "I can share my ideas and opinions here.",
            "Tukaj lahko povem svoje ideje in mnenja.",
            "Voin kertoa täällä omia ideoitani ja mielipiteitäni.",
            "Jag kan säga vad jag tycker och dela mina idéer här.")),
        _scale("future_1", "future", _t(
            "I feel hopeful about my future.",
            "V svojo prihodnost gledam z upanjem.",
            "Suhtaudun tulevaisuuteeni toiveikkaasti.",
            "Jag ser ljust på min framtid.")),
        _scale("future_2", "future", _t(
            "Here I learn things that will help me later in life.",
            "Tukaj se naučim stvari, ki mi bodo koristile v življenju.",
            "Opin täällä asioita, joista on minulle hyötyä myöhemmin elämässä.",
            "Här lär jag mig saker som jag har nytta av senare i livet.")),
        _scale("influence_1", "influence", _t(
            "I can have a say in what happens here.",
            "Lahko soodločam o tem, kaj se tukaj dogaja.",
            "Voin vaikuttaa siihen, mitä täällä tehdään.",
            "Jag kan vara med och bestämma vad som händer här.")),
        _scale("influence_2", "influence", _t(
            "The youth workers listen to my ideas.",
            "Mladinski delavci prisluhnejo mojim idejam.",
            "Nuorisotyöntekijät kuuntelevat ideoitani.",
            "Personalen lyssnar på mina idéer.")),
        _scale("responsibility_1", "responsibility", _t(
            "I get to take on tasks and responsibility here.",
            "Tukaj lahko prevzamem naloge in odgovornost.",
            "Saan täällä tehtäviä ja vastuuta.",
            "Jag får ta ansvar och hjälpa till med saker här.")),
        _scale("responsibility_2", "responsibility", _t(
            "I help make this a good place for others too.",
            "Pomagam, da je tukaj lepo tudi drugim.",
            "Autan tekemään tästä hyvän paikan myös muille.",
            "Jag hjälper till så att det är bra här för andra också.")),
        _scale("fairness_1", "fairness", _t(
            "Everyone is treated fairly here.",
            "Tukaj z vsemi ravnajo pošteno.",
            "Täällä kaikkia kohdellaan reilusti.",
            "Alla blir rättvist behandlade här.")),
        _scale("fairness_2", "fairness", _t(
            "Nobody is left out here because of who they are or where they come from.",
            "Tukaj nihče ni izključen zaradi tega, kdo je ali od kod prihaja.",
            "Täällä ketään ei jätetä ulkopuolelle sen takia, kuka hän on tai mistä hän tulee.",
            "Här blir ingen utfryst för den de är eller var de kommer ifrån.")),
        AGE_BAND_QUESTION,
        GENDER_QUESTION,
        TemplateQuestion(id="comment", type="text", text=_t(
            "Anything else you want to tell us? Please don't write your name.",
            "Nam želiš še kaj sporočiti? Prosimo, ne piši svojega imena.",
            "Haluatko kertoa meille vielä jotain? Älä kirjoita nimeäsi.",
            "Vill du berätta något mer för oss? Skriv inte ditt namn.")),
    ],
)  # fmt: skip

FEEDBACK = SurveyTemplate(
    id="feedback",
    builtin=True,
    title=_t("How was it?", "Kako je bilo?", "Millaista oli?", "Hur var det?"),
    languages=list(CORE_LANGUAGES),
    questions=[
        _scale("safety", "safety", _t(
            "I felt safe during the activity.",
            "Pri tej dejavnosti mi je bilo prijetno in varno.",
            "Tunsin oloni turvalliseksi toiminnan aikana.",
            "Jag kände mig trygg under aktiviteten.")),
        _scale("belonging", "belonging", _t(
            "I felt part of the group.",
            "Skupina me je lepo sprejela.",
            "Tunsin kuuluvani porukkaan.",
            "Jag kände mig som en del av gruppen.")),
        _scale("influence", "influence", _t(
            "I could have a say in how we did things.",
            "Moje mnenje je štelo pri tem, kako smo stvari izpeljali.",
            "Sain vaikuttaa siihen, miten asioita tehtiin.",
            "Jag fick vara med och bestämma hur vi gjorde.")),
        # No indicator: it is asked for the youth workers, not for the statistics.
        _scale("enjoyed", None, _t(
            "I enjoyed it.",
            "Bilo mi je všeč.",
            "Minulla oli kivaa.",
            "Jag tyckte att det var roligt.")),
    ],
)  # fmt: skip

BUILTIN_TEMPLATES: dict[str, SurveyTemplate] = {ANNUAL.id: ANNUAL, FEEDBACK.id: FEEDBACK}

CHECKIN_TITLE = _t("Check in", "Prijava", "Kirjaudu sisään", "Checka in")
# What a check-in asks besides the nickname (which never leaves the phone unhashed).
CHECKIN_QUESTIONS: list[TemplateQuestion] = [AGE_BAND_QUESTION, GENDER_QUESTION]
IDEAS_TITLE = _t(
    "Your ideas for next year's survey",
    "Tvoje ideje za anketo prihodnje leto",
    "Sinun ideasi ensi vuoden kyselyyn",
    "Dina idéer till nästa års enkät",
)
