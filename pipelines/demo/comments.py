"""Free-text comments (C01) in German, English and Turkish, some carrying personal data.

A comment is a few sentences matching the visitor's mood, sometimes a remark on
a planted dip, and in about 30 % of comments personal data of every kind the
spec lists. The text deliberately contains `;`, `,`, double quotes and line
breaks, because those are what break naive CSV handling.
"""

from __future__ import annotations

import random

from pipelines.demo import personal_data
from pipelines.demo.personal_data import Names

MAX_LENGTH = 2000
PII_SHARE = 0.3  # of comments
NEWLINE_SHARE = 0.12  # comments written over several lines
LONG_SHARE = 0.01  # rants close to the 2,000-character limit

MOOD_TEXT = {
    "de": {
        "positive": (
            "Sehr freundliches Personal, vielen Dank!",
            "Alles schnell und unkompliziert erledigt.",
            "Super Service, ich war nach zehn Minuten wieder draußen.",
            "Die Mitarbeiterin war sehr geduldig und hat mir alles erklärt.",
            "Termin pünktlich, Ausweis beantragt, fertig – so muss das sein.",
            "Ich bin rundum zufrieden; weiter so!",
            "Freundlich, kompetent, zügig. Besser geht's nicht.",
            'Endlich mal ein Amt, das "einfach funktioniert".',
            "Die Online-Terminvergabe hat gut geklappt.",
            "Sauber, ruhig, gut ausgeschildert.",
        ),
        "mixed": (
            "Das Personal war nett, aber die Wartezeit war lang.",
            "Bitte mehr Termine am Samstag anbieten.",
            "Kartenzahlung sollte überall möglich sein, nicht nur bar.",
            "Die Toiletten waren leider geschlossen.",
            "WLAN im Wartebereich wäre schön.",
            "Ging so. Beim nächsten Mal bringe ich mehr Geduld mit.",
            "Die Gebühr von 37,00 € für den Ausweis finde ich hoch; ansonsten okay.",
            "Mein Anliegen wurde erledigt, aber ich musste zweimal kommen.",
        ),
        "negative": (
            "Die Wartezeit war viel zu lang, über eine Stunde trotz Termin.",
            "Online-Termine sind kaum zu bekommen; man wartet wochenlang.",
            "Die Beschilderung ist verwirrend, ich habe den Eingang nicht gefunden.",
            "Es gibt zu wenig Sitzplätze im Wartebereich.",
            "Der Aufzug war defekt, mit Rollstuhl kommt man so nicht hinein.",
            "Das Personal wirkte gestresst und unfreundlich.",
            'Man sagte mir, ich solle "einfach nochmal wiederkommen" – das ist keine Lösung.',
            "Unterlagen wurden verlangt, die auf der Website nirgends stehen.",
            "Für eine Meldebescheinigung fast zwei Stunden, unmöglich.",
            "Ich musste 3 × anrufen, bevor überhaupt jemand abnahm.",
        ),
    },
    "en": {
        "positive": (
            "Very friendly staff, thank you!",
            "Quick and easy, I was out in ten minutes.",
            "The clerk explained everything patiently, even in English.",
            "Great service; much better than I expected.",
            'Honestly the most "efficient" office I have visited in Germany.',
            "Booking the appointment online worked well.",
        ),
        "mixed": (
            "Staff were nice, but the waiting time was long.",
            "Please offer more appointments on Saturdays.",
            "Card payment should be possible everywhere, not just cash.",
            "It would help to have the forms in English, too.",
            "Done in the end, but I had to come twice.",
        ),
        "negative": (
            "Waited more than an hour despite having an appointment.",
            "Impossible to get an appointment online; weeks of waiting.",
            "The signs are confusing, I could not find the entrance.",
            "Nobody spoke English and nobody tried to help.",
            'I was told to "just come back another day" - not a solution.',
            "The lift was broken, no way in with a pram.",
        ),
    },
    "tr": {
        "positive": (
            "Personel çok güler yüzlüydü, teşekkürler!",
            "Her şey hızlı ve sorunsuz halledildi.",
            "Çok memnun kaldım; emeği geçenlere teşekkür ederim.",
            "Görevli hanım bana her şeyi sabırla açıkladı.",
            "Online randevu almak kolaydı.",
            'Gerçekten "hızlı" bir hizmetti.',
        ),
        "mixed": (
            "Personel iyiydi, ama çok bekledim.",
            "Cumartesi günleri daha fazla randevu olmalı.",
            "Kartla ödeme her yerde mümkün olmalı.",
            "Formlar Türkçe de olsa iyi olur.",
            "İşim halloldu ama iki kere gelmem gerekti.",
        ),
        "negative": (
            "Randevuma rağmen bir saatten fazla bekledim.",
            "Online randevu bulmak çok zor; haftalarca bekliyorsunuz.",
            "Bekleme salonunda yeterli oturacak yer yok.",
            "Tabelalar kafa karıştırıcı, girişi bulamadım.",
            "Personel çok stresli ve ilgisizdi.",
            "Asansör bozuktu, bebek arabasıyla girmek imkânsızdı.",
        ),
    },
}

# What visitors write about the planted dips (keyed by the dip's cause).
DIP_TEXT = {
    "staff shortage": {
        "de": (
            "Nur zwei Schalter waren besetzt, der Rest stand leer.",
            "Man merkt, dass Personal fehlt; alles dauert ewig.",
        ),
        "en": ("Only two counters were open, everything took ages.",),
        "tr": ("Sadece iki gişe açıktı, personel eksik.",),
    },
    "waiting-number display broken": {
        "de": (
            "Die Anzeige der Wartenummern war kaputt, niemand wusste, wann er dran ist.",
            "Der Bildschirm mit den Nummern ging nicht, es wurde gerufen – sehr chaotisch.",
        ),
        "en": ("The number display was broken, nobody knew when it was their turn.",),
        "tr": ("Sıra numarası ekranı bozuktu, kimse sırasını bilmiyordu.",),
    },
}

STAFF_TITLES = {"de": ("Frau", "Herr", "Hr.", "Fr."), "en": ("Mr.", "Mrs.", "Ms."), "tr": ("Bay", "Bayan")}

# Sentences carrying personal data, by kind and language; {v} is the planted value.
PII_TEXT = {
    "staff_praise": {
        "de": ("{v} war sehr nett und hat mir super geholfen.", "Ein großes Dankeschön an {v}!"),
        "en": ("{v} was extremely helpful, thank you!", "Many thanks to {v} for the patience."),
        "tr": ("{v} çok yardımcı oldu, teşekkürler.", "{v}'a çok teşekkür ederim."),
    },
    "staff_complaint": {
        "de": ("{v} war leider sehr unfreundlich.", 'Bei {v} fühlte ich mich "abgefertigt".'),
        "en": ("{v} was rude and impatient.", "{v} refused to help me; not acceptable."),
        "tr": ("{v} çok kaba davrandı.", "{v} bana hiç yardım etmedi."),
    },
    "own_name": {
        "de": ("Mein Name ist {v}.", "Mit freundlichen Grüßen, {v}"),
        "en": ("My name is {v}.", "Kind regards, {v}"),
        "tr": ("Adım {v}.", "Saygılarımla, {v}"),
    },
    "phone": {
        "de": (
            "Bitte rufen Sie mich zurück: {v}",
            "Für Rückfragen: Tel. {v}",
            "Erreichbar unter {v} (ab 17 Uhr).",
        ),
        "en": ("Please call me back on {v}.", "You can reach me at {v}."),
        "tr": ("Lütfen beni arayın: {v}", "Telefon numaram {v}."),
    },
    "email": {
        "de": ("Antwort bitte an {v}.", "Meine E-Mail-Adresse: {v}"),
        "en": ("Please reply to {v}", "My e-mail is {v}."),
        "tr": ("E-posta adresim: {v}",),
    },
    "address": {
        "de": ("Mein neuer Wohnsitz: {v}.", "Der Bescheid ging an die alte Adresse statt an {v}."),
        "en": ("My address is {v}.", "Letters still go to my old address instead of {v}."),
        "tr": ("Adresim: {v}.",),
    },
    "iban": {
        "de": ("Bitte erstatten Sie die doppelt gezahlte Gebühr auf IBAN {v}.", "Meine Bankverbindung: {v}"),
        "en": ("Please refund the fee to IBAN {v}.",),
        "tr": ("Ücreti lütfen IBAN {v} hesabıma iade edin.",),
    },
    "birth_date": {
        "de": (
            "Mein Geburtsdatum ist falsch eingetragen, richtig ist geb. {v}.",
            "geboren am {v}; bitte korrigieren.",
        ),
        "en": ("My date of birth is wrong on the certificate (born {v}).",),
        "tr": ("doğum tarihim {v}, sistemde yanlış yazılmış.",),
    },
    "case_number": {
        "de": ("Aktenzeichen {v}, bitte um Rückmeldung.", "Vorgangsnummer {v} ist immer noch offen."),
        "en": ("My case number is {v}.", "Reference {v} - still no answer."),
        "tr": ("dosya numarası {v}, hâlâ cevap yok.",),
    },
    "licence_plate": {
        "de": ("Während ich gewartet habe, gab es ein Knöllchen für mein Auto {v}.",),
        "en": ("Got a parking ticket on my car {v} while waiting.",),
        "tr": ("Beklerken arabama ({v}) park cezası yazıldı.",),
    },
    "id_card": {
        "de": (
            "Meine Ausweisnummer ist {v}.",
            "Der neue Personalausweis ({v}) ist immer noch nicht abholbereit.",
        ),
        "en": ("My ID card number is {v}.",),
        "tr": ("Kimlik numaram {v}.",),
    },
    "passport": {
        "de": ("Reisepass Nr. {v} bitte schnell bearbeiten, ich fliege am Montag.",),
        "en": ("Passport no. {v} - I need it urgently for travel.",),
        "tr": ("Pasaport numaram {v}, acil lazım.",),
    },
}
PII_KINDS = (
    "staff",
    "own_name",
    "phone",
    "email",
    "address",
    "iban",
    "birth_date",
    "case_number",
    "licence_plate",
    "id_card",
    "passport",
)


class CommentWriter:
    def __init__(self, names: Names):
        self.names = names

    def _value(self, rnd: random.Random, kind: str, language: str) -> str:
        first, last = rnd.choice(self.names.first), rnd.choice(self.names.last)
        match kind:
            case "staff":
                return f"{rnd.choice(STAFF_TITLES[language])} {last}"
            case "own_name":
                return f"{first} {last}"
            case "email":
                return personal_data.email(rnd, first, last)
            case "iban":
                return personal_data.iban(rnd, grouped=rnd.random() < 0.7)
            case "birth_date":
                return personal_data.birth_date(rnd, language)
        return getattr(personal_data, kind)(rnd)

    def write(
        self,
        rnd: random.Random,
        language: str,
        mood: str,
        *,
        with_pii: bool,
        dip_cause: str | None = None,
        newline: str = "\n",
    ) -> tuple[str, list[str]]:
        """A comment and the personal-data strings planted in it (as written)."""
        pool = MOOD_TEXT[language][mood]
        sentences = rnd.sample(pool, k=min(len(pool), rnd.choice((1, 1, 2, 2, 3))))
        if dip_cause and mood != "positive" and rnd.random() < 0.6:
            sentences.insert(0, rnd.choice(DIP_TEXT[dip_cause][language]))
        planted: list[str] = []
        if with_pii:
            for kind in rnd.sample(PII_KINDS, k=rnd.choice((1, 1, 1, 2, 2, 3))):
                value = self._value(rnd, kind, language)
                if kind == "staff":
                    good = mood == "positive" or (mood == "mixed" and rnd.random() < 0.5)
                    kind = "staff_praise" if good else "staff_complaint"
                sentence = rnd.choice(PII_TEXT[kind][language]).format(v=value)
                if kind == "own_name" and sentence.endswith(value):
                    sentences.append(sentence)  # a signature goes last
                else:
                    sentences.insert(rnd.randint(0, len(sentences)), sentence)
                planted.append(value)
        if rnd.random() < LONG_SHARE:
            rant = MOOD_TEXT[language]["negative"]
            # Stops short of the limit: the longest sentence and the joiners still fit.
            while sum(len(s) + 2 for s in sentences) < MAX_LENGTH - 250:
                sentences.insert(len(sentences) - 1, rnd.choice(rant))
        joiner = newline if rnd.random() < NEWLINE_SHARE else " "
        return joiner.join(sentences), planted


# Firmware < 2.0 writes Windows-1252: its keyboard has no Turkish ş, ğ, ı and no emoji.
_CP1252_FALLBACK = str.maketrans({"ş": "s", "Ş": "S", "ğ": "g", "Ğ": "G", "ı": "i", "İ": "I"})


def for_cp1252(text: str) -> str:
    text = text.translate(_CP1252_FALLBACK)
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        return "".join(ch for ch in text if ch.encode("cp1252", "ignore"))
