"""Greetings, thanks, goodbyes, "are you a bot?" and "this is useless": a friendly reply in the
shopper's language (the last two offer a person from the team, ``offers_a_person``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from common.knowledge.answering.smalltalk_replies import REPLIES, Kind
from common.knowledge.reading.analysis import folded
from common.knowledge.reading.language import Language, detect_language, is_stopword
from common.knowledge.reading.vocabulary import concepts_of

# Accent-free phrases, by kind and language. A shared word ("ciao", "hallo") belongs to one.
_PHRASES: dict[Kind, dict[Language, str]] = {
    "greeting": {
        "en": "hi|hello|hey|hiya|howdy|good morning|good afternoon|good evening|hello there|hi there",
        "de": "hallo|guten tag|guten morgen|guten abend|moin|servus|gruss gott|gruezi",
        "fr": "bonjour|salut|bonsoir|coucou",
        "es": "hola|buenos dias|buenas tardes|buenas noches|buenas",
        "it": "ciao|buongiorno|buonasera|salve",
        "nl": "hoi|goedemorgen|goedemiddag|goedenavond|goedendag|dag",
    },
    "thanks": {
        "en": "thanks|thank you|thanks a lot|many thanks|cheers|thank u|thanks so much|thank you so much"
        "|thanks very much|thank you very much|thanks for your help|thank you for your help"
        "|thanks for the help",
        "de": "danke|dankeschon|danke schon|vielen dank|besten dank",
        "fr": "merci|merci beaucoup",
        "es": "gracias|muchas gracias",
        "it": "grazie|grazie mille",
        "nl": "dank je|dank u|bedankt|dankjewel|dank je wel",
    },
    "goodbye": {
        "en": "bye|goodbye|bye bye|see you|see ya|have a nice day|have a good day",
        "de": "tschuss|auf wiedersehen|bis bald|schonen tag",
        "fr": "au revoir|a bientot|bonne journee|bonne soiree",
        "es": "adios|hasta luego|hasta pronto|buen dia",
        "it": "arrivederci|a presto|buona giornata",
        "nl": "doei|tot ziens|fijne dag|tot later",
    },
    "bot": {
        "en": "bot|robot|chatbot|human|a real person|ai",
        "de": "roboter|mensch|ki",
        "fr": "humain|une vraie personne",
        "es": "humano|una persona real",
        "it": "umano|una persona vera",
        "nl": "mens|een echt persoon",
    },
    # Frustration with the assistant: offered a person (unless it names what went wrong, "the
    # tracking link is useless", which is a question).
    "upset": {
        "en": "useless|this is useless|you are useless|you're useless|not helpful|unhelpful|stupid bot"
        "|dumb bot|that did not help|that does not help|this does not help|wrong answer"
        "|you do not understand|that is not what i asked|not what i asked",
        "de": "nutzlos|du bist nutzlos|bringt nichts|hilft nicht|hilft mir nicht|falsche antwort"
        "|du verstehst mich nicht",
        "fr": "inutile|ca ne m'aide pas|ca n'aide pas|mauvaise reponse|tu ne comprends pas",
        "es": "inutil|no sirve de nada|no me ayuda|no ayuda|respuesta equivocada|no entiendes",
        "it": "non mi aiuta|non aiuta|risposta sbagliata|non capisci",
        "nl": "nutteloos|waardeloos|helpt niet|helpt me niet|slecht antwoord|je begrijpt me niet",
    },
    "wellbeing": {
        "en": "how are you|how are you doing|how is it going",
        "de": "wie geht es dir|wie geht es ihnen|wie gehts",
        "fr": "comment ca va|ca va|comment allez vous",
        "es": "como estas|que tal",
        "it": "come stai|come va",
        "nl": "hoe gaat het|hoe is het",
    },
    "help": {
        "en": "help|what can you do|what can you help with|what do you know|what can i ask",
        "de": "hilfe|was kannst du|was konnen sie|wobei kannst du helfen|was kann ich fragen",
        "fr": "aide|que peux tu faire|que pouvez vous faire|tu peux faire quoi",
        "es": "ayuda|que puedes hacer|que sabes hacer|en que me puedes ayudar",
        "it": "aiuto|cosa puoi fare|cosa sai fare|in cosa puoi aiutarmi",
        "nl": "help mij|wat kun je|wat kan je|waarmee kun je helpen",
    },
    # A word of agreement or a reply alone; a word many languages share belongs to one, and
    # the conversation's language answers it (``small_talk``'s ``before``).
    "ok": {
        "en": "ok|okay|k|yes|yeah|yep|yes please|great|cool|alright|all right|fine|nice|perfect|got it"
        "|i see|understood|sure|good|awesome",
        "de": "ja|alles klar|gut|super|prima|genau|verstanden|achso|ach so",
        "fr": "oui|d'accord|daccord|parfait|compris|entendu|tres bien|bien",
        "es": "si|vale|genial|perfecto|entendido|de acuerdo|bueno|claro",
        "it": "va bene|perfetto|capito|certo|ottimo|bene",
        "nl": "oke|prima|top|goed|begrepen|duidelijk|helder",
    },
    "no": {
        "en": "no|nope|no thanks|no thank you|nothing else|that's all for now",
        "de": "nein|nein danke|nichts weiter",
        "fr": "non|non merci|rien d'autre",
        "es": "no gracias|nada mas",
        "it": "no grazie|nient'altro|niente altro",
        "nl": "nee|nee dank je|nee bedankt|verder niets",
    },
}

# Which kind answers when a message holds several ("hi, are you a bot?": the bot question;
# "thanks, bye": the goodbye, not "anything else?").
_PRIORITY: tuple[Kind, ...] = (
    "upset",
    "bot",
    "wellbeing",
    "goodbye",
    "no",
    "thanks",
    "help",
    "greeting",
    "ok",
)
# Kinds that are the whole message ("ok", "no thanks"), not a word of one.
_ALONE: frozenset[Kind] = frozenset({"ok", "no"})
# A thumbs-up or a smile alone is an "ok"; an angry face or a thumbs-down is no such thing.
_GOOD = re.compile("[\U0001f44d\U0001f44c\U0001f44f\U0001f64f\u2705\u2764\U0001f642\U0001f600-\U0001f60a]")
_BAD = re.compile("[\U0001f44e\U0001f620-\U0001f62f\U0001f61e\U0001f641\u2753\u2754\U0001f92c]")
# An angry face or a thumbs-down alone is frustration; a wave alone, hello.
_ANGRY = re.compile("[\U0001f44e\U0001f620\U0001f621\U0001f624\U0001f92c]")
_WAVE = "\U0001f44b"
# Words beside "help" that ask for nothing else ("Can you help me, please?", "I need help").
_ASKING_FOR_HELP = frozenset(
    {"need", "brauche", "besoin", "necesito", "bisogno", "nodig", "please", "urgent"}
)
# Words beside frustration that name the assistant or its answer ("this bot is useless").
_THE_ASSISTANT = frozenset(
    {
        "bot",
        "chatbot",
        "assistant",
        "chat",
        "answer",
        "answers",
        "reply",
        "so",
        "really",
        "totally",
        "completely",
        "just",
        "honestly",
        "seriously",
        "omg",
        "ugh",
        "wow",
        "sorry",
        "but",
    }
)
# Longer than this, a message is a question that happens to start politely.
_MAX_WORDS = 8


@dataclass(frozen=True)
class SmallTalk:
    kind: Kind
    language: Language

    @property
    def reply(self) -> str:
        return REPLIES[self.kind][self.language]


def _pattern(phrases: str) -> re.Pattern[str]:
    # Longest first: "thank you so much" whole, not "thank you" and a price question's "much".
    return re.compile(rf"\b(?:{'|'.join(sorted(phrases.split('|'), key=len, reverse=True))})\b")


_OFFERS = frozenset(reply for kind in ("bot", "upset") for reply in REPLIES[kind].values())
_PATTERNS = {kind: {lang: _pattern(p) for lang, p in by_lang.items()} for kind, by_lang in _PHRASES.items()}
# "Thanks, that's all" ends the chat like a goodbye; "That's all?" or "That's all you know?"
# doubts the answer: only at the end of a message that asks nothing.
_DONE = {
    lang: re.compile(rf"\b(?:{phrases})$")
    for lang, phrases in {
        "en": "that's all|thats all|that is all|that's it|thats it",
        "de": "das war's|das wars|das war es|das ist alles",
        "fr": "c'est tout",
        "es": "eso es todo",
        "it": "e tutto",
        "nl": "dat was het|dat is alles",
    }.items()
}


def _pictures(message: str, language: Language) -> SmallTalk | None:
    """A message of emoji alone: 👍 is an "ok", 😡 or 👎 frustration, 👋 a hello."""
    if _ANGRY.search(message):
        return SmallTalk("upset", language)
    if _GOOD.search(message) and not _BAD.search(message):
        return SmallTalk("ok", language)
    return SmallTalk("greeting", language) if _WAVE in message else None


def offers_a_person(answer: str) -> bool:
    """Whether ``answer`` is one of the replies that offer a person ("Just say yes.")."""
    return answer.strip() in _OFFERS


def small_talk(message: str, *, before: str = "") -> SmallTalk | None:
    """The small talk ``message`` is, or None when it asks about something (a shop concept
    outside the small-talk phrases) or is too long to be small talk. A word many languages
    share ("ok", "ja", "si", "no") is answered in the language of ``before`` (the shopper's
    earlier messages), if given."""
    text = folded(message)
    if not text:
        return _pictures(message, detect_language(before, default="en") if before else "en")
    if not text or len(text.split()) > _MAX_WORDS:
        return None
    for kind in _PRIORITY:
        done = _DONE.items() if kind == "goodbye" and "?" not in message else ()
        for language, pattern in [*_PATTERNS[kind].items(), *done]:
            if pattern.search(text) is None:
                continue
            rest = pattern.sub(" ", text)
            if any(concepts_of(w) for w in rest.split()):
                return None  # "hi, is shipping free?" is a question
            if kind in _ALONE and rest.strip():
                continue  # "I no longer want my order" is no "no"
            if kind == "help" and not all(
                w in _ASKING_FOR_HELP or is_stopword(w, language) for w in rest.split()
            ):
                return None  # "Help, I can't log in to my account" asks about the account
            if kind == "upset" and not all(
                w in _THE_ASSISTANT or is_stopword(w, language) for w in rest.split()
            ):
                return None  # "The zipper is useless": about a thing, not the assistant
            if len(text.split()) >= 3:  # enough words to tell the language
                language = detect_language(message, default=language)
            elif kind in _ALONE and before:
                language = detect_language(before, default=language)
            return SmallTalk(kind, language)
    return None
