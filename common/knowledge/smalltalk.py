"""Greetings, thanks, goodbyes and "are you a bot?": a friendly reply in the shopper's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from common.knowledge.language import Language, detect_language, fold, words
from common.knowledge.vocabulary import concepts_of

Kind = Literal["greeting", "thanks", "goodbye", "bot", "wellbeing"]

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
}
# Which kind answers when a message holds several ("hi, are you a bot?": the bot question;
# "thanks, bye": the goodbye, not "anything else?").
_PRIORITY: tuple[Kind, ...] = ("bot", "wellbeing", "goodbye", "thanks", "greeting")
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


def small_talk(message: str) -> SmallTalk | None:
    """The small talk ``message`` is, or None when it asks about something (a shop concept
    outside the small-talk phrases) or is too long to be small talk."""
    text = " ".join(fold(w) for w in words(message))
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
            if len(text.split()) >= 3:  # enough words to tell the language
                language = detect_language(message, default=language)
            return SmallTalk(kind, language)
    return None
