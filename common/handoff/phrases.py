"""Recognising "can I talk to a human?" and telling the shopper what happens next, in the
languages the assistant speaks."""

from __future__ import annotations

import re
from collections.abc import Sequence

from common.knowledge.answering.smalltalk import offers_a_person
from common.knowledge.reading.language import Language, detect_language, fold, words
from common.llm import Turn

# Accent-free patterns over the folded message: asking for a person, not asking whether the
# assistant is one ("are you human?" is small talk).
_REQUESTS: dict[Language, str] = {
    "en": r"\b(talk|speak|chat|connect|transfer|put) (me )?(to|with) (a |an |the |some |your )?"
    r"(real |live )?(human|person|agent|someone|somebody|representative|operator|staff|team|employee"
    r"|manager|supervisor|customer service|customer support)\b"
    r"|\b(a |an )?(real |live )?(human|person|agent|representative|operator) (please|pls)\b"
    r"|\b(want|need|like) (a |an |to talk to a |to speak to a )?(real |live )?(human|person|agent)\b"
    r"|\b(get|give|find) me (a |an |the |some )?(real |live )?(human|person|agent|someone|somebody"
    r"|representative|operator|manager|supervisor)\b(?!')"  # not "give me the manager's email"
    r"|\b(connect|transfer) me( now| please| pls| through)*$|\bput me through\b"
    r"|\b(connect|transfer|put) me (through )?to (your |the )?support\b"
    r"|\b(want|need) (to talk to |to speak to |to speak with |to talk with )?(someone|somebody) (from|in|at)"
    r" (your |the )?(customer service|customer support|support|team)\b",
    "de": r"\b(mit )?(einem |einer )?(menschen|mensch|mitarbeiter|mitarbeiterin|person|kundenservice)\b.*"
    r"\b(sprechen|reden|chatten|verbinden)\b|\bmensch bitte\b|\bverbinden sie mich\b|\bverbinde mich\b"
    r"|\bmit (ihrem |dem |einem )?(vorgesetzten|chef|manager)\b.*\b(sprechen|reden)\b",
    "fr": r"\b(parler|discuter)\b.*\b(humain|personne|conseiller|conseillere|agent|quelqu'un)\b"
    r"|\b(parler|discuter) (a|au|avec) (un |une |le |la |votre )?(responsable|service client)\b"
    r"|\bun humain\b",
    "es": r"\b(hablar|chatear)\b.*\b(humano|persona|agente|alguien|operador)\b"
    r"|\b(hablar|chatear) con (el |la |un |una |su )?(encargado|encargada|gerente|supervisor)\b"
    r"|\bun humano\b",
    "it": r"\b(parlare|chattare)\b.*\b(umano|persona|operatore|operatrice|qualcuno)\b"
    r"|\b(parlare|chattare) con (il |la |un |una |un' )?responsabile\b|\bun operatore\b",
    "nl": r"\b(spreken|praten|chatten)\b.*\b(mens|persoon|medewerker|iemand|manager|leidinggevende)\b"
    r"|\b(mens|medewerker|iemand|manager|leidinggevende)\b.*\b(spreken|praten)\b",
}
_PATTERNS = {language: re.compile(pattern) for language, pattern in _REQUESTS.items()}
# A word for a person alone, as shoppers type it to a bot.
_ONE_WORD = re.compile(
    r"^(a |an )?(real |live )?(human|person|agent|operator|representative)( please| pls| now)?$"
)
# Saying yes to "Would you like to talk to someone from our team? Just say yes." (accent-free).
_YES = re.compile(
    r"^(yes|yeah|yep|yup|sure|of course|ok|okay|please|please do|go ahead|yes please|ja|gerne|bitte|oui"
    r"|d'accord|si|claro|claro que si|vale|certo|va bene|graag|jawel)"
    r"( (please|pls|bitte|gerne|graag|por favor|per favore|s'il vous plait|s'il te plait|merci|thanks"
    r"|thank you|danke|gracias|grazie|dank je))*$"
)

_PENDING: dict[Language, tuple[str, str]] = {
    "en": (
        "I've asked a person from our team to join. Someone will reply here shortly.",
        "I've passed this to our team. They're away right now and will reply here when the team is back.",
    ),
    "de": (
        "Ich habe eine Person aus unserem Team dazugeholt. Jemand antwortet gleich hier.",
        "Ich habe das an unser Team weitergegeben. Gerade ist niemand erreichbar; wir antworten "
        "hier, sobald das Team zurück ist.",
    ),
    "fr": (
        "J'ai demandé à une personne de notre équipe de vous rejoindre. Quelqu'un vous répondra ici.",
        "J'ai transmis votre demande à notre équipe. Elle est absente pour le moment et vous "
        "répondra ici dès son retour.",
    ),
    "es": (
        "He pedido a una persona de nuestro equipo que se una. Alguien responderá aquí en breve.",
        "He pasado tu consulta a nuestro equipo. Ahora no está disponible y responderá aquí cuando vuelva.",
    ),
    "it": (
        "Ho chiesto a una persona del nostro team di unirsi. Qualcuno risponderà qui a breve.",
        "Ho passato la richiesta al nostro team. Ora non è disponibile e risponderà qui appena torna.",
    ),
    "nl": (
        "Ik heb iemand van ons team gevraagd mee te lezen. Er wordt hier snel gereageerd.",
        "Ik heb dit aan ons team doorgegeven. Ze zijn er nu niet en reageren hier zodra ze terug zijn.",
    ),
}

_HELD: dict[Language, str] = {
    "en": "Thanks, our team has your message and will reply here.",
    "de": "Danke, unser Team hat Ihre Nachricht und antwortet hier.",
    "fr": "Merci, notre équipe a bien reçu votre message et vous répondra ici.",
    "es": "Gracias, nuestro equipo tiene tu mensaje y responderá aquí.",
    "it": "Grazie, il nostro team ha il tuo messaggio e risponderà qui.",
    "nl": "Bedankt, ons team heeft je bericht en reageert hier.",
}


def asks_for_a_person(message: str) -> bool:
    """Whether ``message`` asks to talk to a person (not whether the assistant is one)."""
    text = " ".join(fold(w) for w in words(message))
    if _ONE_WORD.match(text) and "?" not in message:
        return True  # "human", "agent please"; "Human?" asks what the assistant is
    return any(pattern.search(text) for pattern in _PATTERNS.values())


def what_they_asked(recent: Sequence[str]) -> str | None:
    """What a waiting shopper needs, from their last messages (newest first): the newest that
    does more than ask for a person ("Where is my refund?" before "Can I talk to a human?"),
    else the newest."""
    return next((m for m in recent if not asks_for_a_person(m)), recent[0] if recent else None)


# How many of a shopper's last messages ``what_they_asked`` looks through.
RECENT_QUESTIONS = 4


def accepts_the_offer(message: str, history: list[Turn]) -> bool:
    """Whether ``message`` says yes to the assistant's offer of a person, made in the answer
    just before it ("Would you like to talk to someone from our team? Just say yes.")."""
    last = history[-1] if history else None
    if last is None or last.role != "model" or not offers_a_person(last.text):
        return False
    text = " ".join(fold(w) for w in words(message))
    return bool(_YES.match(text)) or message.strip() in ("\U0001f44d", "\U0001f44c")  # 👍 👌


def language_of(message: str) -> Language:
    return detect_language(message, default="en")


def pending_notice(language: str, *, support_open: bool, hours: str) -> str:
    """What happens next: someone replies here (open), or when the team is back (closed)."""
    during, outside = _PENDING[_language(language)]
    if support_open:
        return during
    return f"{outside}\n\n{hours.strip()}" if hours.strip() else outside


def held_notice(language: str) -> str:
    """The answer to a shopper's message while a person has the conversation."""
    return _HELD[_language(language)]


def _language(code: str) -> Language:
    return next((language for language in _HELD if language == code), "en")
