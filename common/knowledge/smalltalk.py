"""Greetings, thanks, goodbyes and "are you a bot?": a friendly reply in the shopper's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from common.knowledge.analysis import folded
from common.knowledge.language import Language, detect_language, is_stopword
from common.knowledge.vocabulary import concepts_of

Kind = Literal["greeting", "thanks", "goodbye", "bot", "wellbeing", "help", "ok", "no"]

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

_REPLIES: dict[Kind, dict[Language, str]] = {
    "greeting": {
        "en": "Hi! I'm the shop's virtual assistant. How can I help you? Ask me about shipping, "
        "delivery times, returns or our support hours.",
        "de": "Hallo! Ich bin der virtuelle Assistent des Shops. Wie kann ich helfen? Fragen Sie mich "
        "zu Versand, Lieferzeiten, Rückgabe oder unseren Servicezeiten.",
        "fr": "Bonjour ! Je suis l'assistant virtuel de la boutique. Comment puis-je vous aider ? "
        "Posez-moi vos questions sur la livraison, les retours ou nos horaires.",
        "es": "¡Hola! Soy el asistente virtual de la tienda. ¿En qué puedo ayudarte? Pregúntame por "
        "envíos, plazos de entrega, devoluciones o nuestro horario.",
        "it": "Ciao! Sono l'assistente virtuale del negozio. Come posso aiutarti? Chiedimi di "
        "spedizioni, tempi di consegna, resi o dei nostri orari.",
        "nl": "Hallo! Ik ben de virtuele assistent van de winkel. Waarmee kan ik helpen? Vraag me "
        "naar verzending, levertijden, retouren of onze openingstijden.",
    },
    "thanks": {
        "en": "You're welcome! Is there anything else I can help with?",
        "de": "Gern geschehen! Kann ich sonst noch helfen?",
        "fr": "Avec plaisir ! Puis-je vous aider pour autre chose ?",
        "es": "¡De nada! ¿Puedo ayudarte en algo más?",
        "it": "Prego! Posso aiutarti con qualcos'altro?",
        "nl": "Graag gedaan! Kan ik nog ergens mee helpen?",
    },
    "goodbye": {
        "en": "Goodbye, and thanks for stopping by!",
        "de": "Auf Wiedersehen und danke für Ihren Besuch!",
        "fr": "Au revoir et merci de votre visite !",
        "es": "¡Adiós y gracias por tu visita!",
        "it": "Arrivederci e grazie della visita!",
        "nl": "Tot ziens en bedankt voor je bezoek!",
    },
    "bot": {
        "en": "I'm the shop's automated assistant, not a person: I answer from the shop's help pages. "
        "If you'd rather talk to someone, our support team is happy to help.",
        "de": "Ich bin der automatische Assistent des Shops, kein Mensch, und antworte aus unseren "
        "Hilfeseiten. Wenn Sie lieber mit einem Menschen sprechen, hilft Ihnen unser Support-Team gern.",
        "fr": "Je suis l'assistant automatique de la boutique, pas une personne : je réponds à partir "
        "de nos pages d'aide. Si vous préférez parler à quelqu'un, notre équipe est là pour vous.",
        "es": "Soy el asistente automático de la tienda, no una persona: respondo con nuestras páginas "
        "de ayuda. Si prefieres hablar con alguien, nuestro equipo te ayudará con gusto.",
        "it": "Sono l'assistente automatico del negozio, non una persona: rispondo in base alle nostre "
        "pagine di aiuto. Se preferisci parlare con qualcuno, il nostro team ti aiuterà volentieri.",
        "nl": "Ik ben de automatische assistent van de winkel, geen mens: ik antwoord vanuit onze "
        "hulppagina's. Praat je liever met een mens, dan helpt ons team je graag.",
    },
    "wellbeing": {
        "en": "I'm doing well, thanks for asking! How can I help you today?",
        "de": "Mir geht es gut, danke der Nachfrage! Wie kann ich helfen?",
        "fr": "Très bien, merci ! Comment puis-je vous aider ?",
        "es": "¡Muy bien, gracias! ¿En qué puedo ayudarte?",
        "it": "Benissimo, grazie! Come posso aiutarti?",
        "nl": "Goed, dank je! Waarmee kan ik helpen?",
    },
    "help": {
        "en": "I'm the shop's virtual assistant. I can answer questions about shipping, delivery "
        "times, returns and refunds, payment and our support hours, and put you in touch with our team.",
        "de": "Ich bin der virtuelle Assistent des Shops. Ich beantworte Fragen zu Versand, "
        "Lieferzeiten, Rückgabe und Erstattung, Zahlung und unseren Servicezeiten und verbinde Sie "
        "mit unserem Team.",
        "fr": "Je suis l'assistant virtuel de la boutique. Je réponds à vos questions sur la "
        "livraison, les délais, les retours et remboursements, le paiement et nos horaires, et je "
        "peux vous mettre en contact avec notre équipe.",
        "es": "Soy el asistente virtual de la tienda. Respondo preguntas sobre envíos, plazos de "
        "entrega, devoluciones y reembolsos, pagos y nuestro horario, y te pongo en contacto con "
        "nuestro equipo.",
        "it": "Sono l'assistente virtuale del negozio. Rispondo a domande su spedizioni, tempi di "
        "consegna, resi e rimborsi, pagamenti e i nostri orari, e posso metterti in contatto con il "
        "nostro team.",
        "nl": "Ik ben de virtuele assistent van de winkel. Ik beantwoord vragen over verzending, "
        "levertijden, retouren en terugbetalingen, betalen en onze openingstijden, en breng je in "
        "contact met ons team.",
    },
    "ok": {
        "en": "Is there anything else I can help with? Ask me about shipping, delivery times, "
        "returns or our support hours.",
        "de": "Kann ich sonst noch helfen? Fragen Sie mich zu Versand, Lieferzeiten, Rückgabe oder "
        "unseren Servicezeiten.",
        "fr": "Puis-je vous aider pour autre chose ? Posez-moi vos questions sur la livraison, les "
        "retours ou nos horaires.",
        "es": "¿Puedo ayudarte en algo más? Pregúntame por envíos, plazos de entrega, devoluciones "
        "o nuestro horario.",
        "it": "Posso aiutarti con qualcos'altro? Chiedimi di spedizioni, tempi di consegna, resi o "
        "dei nostri orari.",
        "nl": "Kan ik nog ergens mee helpen? Vraag me naar verzending, levertijden, retouren of "
        "onze openingstijden.",
    },
    "no": {
        "en": "All right. If anything else comes up, just ask here. Have a nice day!",
        "de": "Alles klar. Wenn noch etwas ist, fragen Sie einfach hier. Einen schönen Tag!",
        "fr": "Très bien. Si vous avez une autre question, posez-la ici. Bonne journée !",
        "es": "De acuerdo. Si surge algo más, pregunta aquí. ¡Que tengas un buen día!",
        "it": "Va bene. Se ti serve altro, chiedi pure qui. Buona giornata!",
        "nl": "Prima. Als er nog iets is, vraag het gewoon hier. Fijne dag!",
    },
}
# Which kind answers when a message holds several ("hi, are you a bot?": the bot question;
# "thanks, bye": the goodbye, not "anything else?").
_PRIORITY: tuple[Kind, ...] = ("bot", "wellbeing", "goodbye", "no", "thanks", "help", "greeting", "ok")
# Kinds that are the whole message ("ok", "no thanks"), not a word of one.
_ALONE: frozenset[Kind] = frozenset({"ok", "no"})
# A thumbs-up or a smile alone is an "ok"; an angry face or a thumbs-down is no such thing.
_GOOD = re.compile("[\U0001f44d\U0001f44c\U0001f44f\U0001f64f\u2705\u2764\U0001f642\U0001f600-\U0001f60a]")
_BAD = re.compile("[\U0001f44e\U0001f620-\U0001f62f\U0001f61e\U0001f641\u2753\u2754]")
# Words beside "help" that ask for nothing else ("Can you help me, please?", "I need help").
_ASKING_FOR_HELP = frozenset(
    {"need", "brauche", "besoin", "necesito", "bisogno", "nodig", "please", "urgent"}
)
# Longer than this, a message is a question that happens to start politely.
_MAX_WORDS = 8


@dataclass(frozen=True)
class SmallTalk:
    kind: Kind
    language: Language

    @property
    def reply(self) -> str:
        return _REPLIES[self.kind][self.language]


def _pattern(phrases: str) -> re.Pattern[str]:
    # Longest first: "thank you so much" whole, not "thank you" and a price question's "much".
    return re.compile(rf"\b(?:{'|'.join(sorted(phrases.split('|'), key=len, reverse=True))})\b")


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


def small_talk(message: str, *, before: str = "") -> SmallTalk | None:
    """The small talk ``message`` is, or None when it asks about something (a shop concept
    outside the small-talk phrases) or is too long to be small talk. A word many languages
    share ("ok", "ja", "si", "no") is answered in the language of ``before`` (the shopper's
    earlier messages), if given."""
    text = folded(message)
    if not text and _GOOD.search(message) and not _BAD.search(message):
        return SmallTalk("ok", detect_language(before, default="en") if before else "en")  # "👍"
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
            if len(text.split()) >= 3:  # enough words to tell the language
                language = detect_language(message, default=language)
            elif kind in _ALONE and before:
                language = detect_language(before, default=language)
            return SmallTalk(kind, language)
    return None
