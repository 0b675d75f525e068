"""A "Yes," or "No," opening an FAQ answer answers the FAQ's yes/no question; to a question that
asks how much, when or where ("How much does gift wrapping cost?") it reads as nonsense."""

from __future__ import annotations

import dataclasses
import re

from common.knowledge.language import fold, words
from common.knowledge.passages import Passage

# Question words, accent-free, in every language we speak: a question starting with one is no
# yes/no question ("Wie viel kostet ...?", "¿Cuánto cuesta ...?", "Hoe lang ...?").
_ASKING_WORDS = frozenset(
    {"how", "what", "when", "where", "which", "who", "why", "what's", "how's", "where's", "qu'est"}
    | {"wie", "was", "wann", "wo", "welche", "welcher", "welches", "warum", "wieso", "weshalb", "wieviel"}
    | {"woher", "wohin", "comment", "combien", "quand", "ou", "quel", "quelle", "quels", "quelles"}
    | {"pourquoi", "como", "cuanto", "cuanta", "cuantos", "cuantas", "cuando", "donde", "que", "cual"}
    | {"cuales", "quien", "come", "quanto", "quanta", "quanti", "quante", "quando", "dove", "quale"}
    | {"quali", "perche", "chi", "cosa", "hoe", "wat", "wanneer", "waar", "welk", "welke", "waarom"}
    | {"hoeveel"}
)
# Words before the question word: "And how much ...?", "Und wann ...?", "So what ...?".
_LEADING = frozenset(
    {"and", "but", "so", "ok", "okay", "und", "aber", "et", "mais", "y", "pero", "e", "ma", "en", "maar"}
)
# "Yes," "Nein." "Oui !" "Sí," "Sì:" "Nee,": a yes or no word and its punctuation.
_YES_OR_NO = re.compile(
    r"^(yes|no|yep|nope|sure|of course|ja|nein|jawohl|klar|oui|non|bien sur|si|sí|sì|claro|certo"
    r"|nee|jazeker|zeker|natuurlijk)\s*[,.!:;]+\s*",
    re.IGNORECASE,
)


def asks_a_yes_or_no(question: str) -> bool:
    """Whether ``question`` may be answered "yes" or "no": it starts with no question word."""
    said = [fold(w) for w in words(question)]
    first = next((w for w in said if w not in _LEADING), "")
    return first not in _ASKING_WORDS


def without_yes_or_no(passages: list[Passage], question: str) -> list[Passage]:
    """``passages``, an FAQ answer among them without its opening "Yes," or "No," when
    ``question`` is no yes/no question ("Yes, for 3 EUR at checkout." to "How much does gift
    wrapping cost?" is "For 3 EUR at checkout.")."""
    if asks_a_yes_or_no(question):
        return passages
    return [_stripped(p) if p.entry.kind == "faq" and p.position == 0 else p for p in passages]


def _stripped(passage: Passage) -> Passage:
    rest = _YES_OR_NO.sub("", passage.text, count=1)
    if rest == passage.text or not rest:
        return passage
    return dataclasses.replace(passage, text=rest[0].upper() + rest[1:])
