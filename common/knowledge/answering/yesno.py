"""A "Yes," or "No," opening an FAQ answer answers the FAQ's yes/no question; to a question that
asks a price or a time ("How much does gift wrapping cost?") it reads as nonsense."""

from __future__ import annotations

import dataclasses
import re

from common.knowledge.reading.language import LEADING_FILLERS, fold, words
from common.knowledge.reading.vocabulary import WHEN, concepts_of, phrase_concepts
from common.knowledge.search.passages import Passage

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
# What a question asks that no yes or no answers: a price, a (length of) time, opening hours.
_PRICE_OR_TIME = frozenset({"cost", "duration", "hours"})
# English "was" before these is no German "was" (what): "Was my order shipped?".
_ENGLISH_WAS = frozenset({"my", "it", "the", "your", "this", "that", "there", "i", "he", "she", "a", "an"})
# "Yes, as long as ...", "Ja, solange ...": the yes says it can be done, the rest only when.
_CONDITION = re.compile(
    r"^(as long as|if|unless|provided|only if|solange|wenn|falls|sofern|nur wenn|tant que|si|pourvu"
    r"|a condition|seulement si|mientras|siempre que|con tal|solo si|finche|purche|se|sempre che"
    r"|solo se|zolang|als|mits|indien|alleen als)\b"
)


def asks_a_price_or_a_time(question: str) -> bool:
    """Whether ``question``, past its fillers ("Great, ..."), starts with a question word and asks
    how much, when, how long or at what time: not how to do something, which a yes may answer."""
    said = [fold(w) for w in words(question)]
    while said and (said[0] in _LEADING or said[0] in LEADING_FILLERS):
        said = said[1:]
    if not said or said[0] not in _ASKING_WORDS or (said[:1] == ["was"] and _ENGLISH_WAS & set(said[1:2])):
        return False
    concepts = {c for w in said for c in concepts_of(w)} | phrase_concepts(said)
    return said[0] in WHEN or bool(concepts & _PRICE_OR_TIME)


def without_yes_or_no(passages: list[Passage], question: str) -> list[Passage]:
    """``passages``, an FAQ answer among them without its opening "Yes," or "No," when
    ``question`` asks a price or a time ("Yes, for 3 EUR at checkout." to "How much does gift
    wrapping cost?" is "For 3 EUR at checkout.")."""
    if not asks_a_price_or_a_time(question):
        return passages
    return [_stripped(p) if p.entry.kind == "faq" and p.position == 0 else p for p in passages]


def _stripped(passage: Passage) -> Passage:
    rest = _YES_OR_NO.sub("", passage.text, count=1)
    if rest == passage.text or not rest or _CONDITION.match(fold(rest)):
        return passage
    return dataclasses.replace(passage, text=rest[0].upper() + rest[1:])
