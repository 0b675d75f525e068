"""Turning text into the terms retrieval compares: stems, shop concepts, numbers, typo fixes."""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections.abc import Collection, Iterable

from common.knowledge.reading.context_words import LASTING, NOT_A_THING, WAITING
from common.knowledge.reading.countries import COUNTRY_CONCEPTS
from common.knowledge.reading.in_context import (
    AN_ORDER,
    BOUND_CONCEPTS,
    bound_concepts,
    named_by_a_word,
    when_it_is_open_or_leaves,
)
from common.knowledge.reading.language import (
    LEADING_FILLERS,
    SHORTHAND,
    Language,
    fold,
    is_common_word,
    is_stopword,
    stem,
    words,
)
from common.knowledge.reading.meanings import with_one_meaning
from common.knowledge.reading.vocabulary import (
    HOW_MUCH,
    IN_CONTEXT,
    OTHER,
    THINGS,
    concepts_of,
    known_words,
    phrase_concepts,
)

_NUMBER = re.compile(r"^\d+$")
# The shop's ("your", "euer", "votre"...), and "Where is your ...?", accent-free (``folded``).
_YOUR = r"\b(your|euer|eure|ihr|ihre|votre|vos|su|sus|vostro|vostra|jullie|uw)"
WHERE_IS_YOUR = (
    r"\b(where|wo|ou|donde|dove|waar) (is|are|ist|sind|est|sont|esta|estan|e|sono|zijn|ligt) " + _YOUR
)
_WHERE_IS_YOUR = re.compile(WHERE_IS_YOUR + r"\b")
# "Your address", "votre adresse", "your returns address": the shop's, not a delivery address.
_YOUR_ADDRESS = re.compile(_YOUR + r"( \w+)? (address|adresse|direccion|indirizzo|adres)\b")
# "Ordered by mistake" asks to cancel; a mistake in something else asks to change that.
_MISTAKE = frozenset({"mistake", "mistakes"})
_DIGIT = re.compile(r"\d")
# A typo is corrected only to a word this similar (difflib's ratio), and only in words this long.
_TYPO_CUTOFF = 0.8
_TYPO_MIN_LENGTH = 5


def expand_shorthand(text: str) -> list[str]:
    """The words of ``text`` with chat shorthand and English negations written out ("ur" →
    "your", "hasn't" → "has not")."""
    expanded: list[str] = []
    for word in words(text):
        if word.endswith("n't") and len(word) > 3:
            expanded += [_NEGATED.get(word[:-3], word[:-3]), "not"]
        elif word in _IS_SHORT:
            expanded += [word[:-2], "is"]
        else:
            expanded += SHORTHAND.get(word, word).split()
    return expanded


_NEGATED = {"ca": "can", "wo": "will", "sha": "shall"}  # can't, won't, shan't
_IS_SHORT = frozenset({"where's", "what's", "how's", "who's", "when's"})


def terms(
    text: str,
    languages: Iterable[Language],
    *,
    vocabulary: Collection[str] = (),
) -> list[str]:
    """Retrieval terms of ``text``: stems in each of ``languages`` (the shopper's and the
    shop's), ``@concept`` tokens, and numbers. A word unknown to ``vocabulary`` (accent-free
    words of the knowledge) and to the shop vocabulary is read as its closest known word, unless
    it is a common word of the first language (the shopper's).

    With ``vocabulary`` (a question), ``@other`` marks a question about something the shop never
    writes about whose shop concepts all come from words that need a context (``IN_CONTEXT``):
    "How much is the blue sofa?" asks the sofa's price, not the shipping's, and "Can you call
    me a taxi?" is not about the shop's phone number."""
    languages = tuple(dict.fromkeys(languages))
    every = expand_shorthand(with_one_meaning(text))
    while every and fold(every[0]) in LEADING_FILLERS:
        every = every[1:]  # "Great, but how much?": a question of its own words
    kept = [w for w in every if not any(is_stopword(w, lang) for lang in languages)]
    if vocabulary:
        # Each word once: a long message that repeats odd words pays for each only once.
        corrected = {w: _corrected(w, vocabulary, languages[0]) for w in dict.fromkeys(kept)}
        kept = [corrected[w] for w in kept]
    if LASTING.intersection(fold(w) for w in kept):
        # "How long is the warranty?" asks how long it lasts: no delivery time, the warranty.
        kept = [w for w in kept if concepts_of(fold(w)) != _DURATION]
    found: list[str] = []
    for language in languages:
        found += (s for s in stem(kept, language) if not _NUMBER.match(s) or len(s) > 1)
    by_word = {w: concepts_of(w) for w in (fold(w) for w in kept)}
    whole = [fold(w) for w in every]  # every word, stopwords too, accent-free
    from_phrases = phrase_concepts(whole)
    concepts = _concepts(by_word, from_phrases, " ".join(whole))
    found += sorted(f"@{c}" for c in concepts)
    if (
        vocabulary
        and concepts
        and not from_phrases
        and _about_another_thing(by_word, vocabulary, whole, languages)
    ):
        found.append(OTHER)
    return found


def _concepts(by_word: dict[str, frozenset[str]], from_phrases: set[str], joined: str) -> set[str]:
    """The shop concepts of a question's words (``by_word``: each accent-free word but the
    stopwords, and its concepts) and phrases, as its whole text (``joined``) reads them."""
    concepts = set(from_phrases)
    concepts.update(c for w, found in by_word.items() if w not in HOW_MUCH for c in found)
    if "duration" not in concepts:
        concepts.update(c for w, found in by_word.items() if w in HOW_MUCH for c in found)
    bound_concepts(concepts, joined)  # "Wann bekomme ich meine Bestellung?", not "... eine Rechnung?"
    # "My refund hasn't arrived" names no parcel; "I never got my order" does.
    parcel = named_by_a_word("ship", by_word, but=_ARRIVING) or AN_ORDER.search(joined)
    lost = "missing" in concepts and not parcel
    if "refund" in concepts and ("track" in concepts or lost):
        # "Where is my refund?": when it comes; "...My package never arrived." stays missing.
        concepts -= {"track", "missing", "ship"} if lost else {"track"}
        concepts.add("duration")
    if {"track", "missing"} <= concepts and _DELIVERED.search(joined):
        concepts -= {"track"}  # "The tracking says delivered, but I don't have it": it never came
    if "track" in from_phrases and _WHERE_IS_YOUR.search(joined):
        concepts -= {"track"}  # "Where is your warehouse?": the shop's, not a parcel
    if _YOUR_ADDRESS.search(joined):
        concepts -= {"address"}
    if "change" in concepts and not ("address" in concepts or AN_ORDER.search(joined)):
        concepts -= {"change", "items"}  # "Can I change the size?", "add a note": not an order
    if {"cancel", "address"} <= concepts and not named_by_a_word("cancel", by_word, but=_MISTAKE):
        concepts -= {"cancel"}  # "a mistake in the address": the address to change, not the order
    if {"cancel", "return"} <= concepts and not named_by_a_word("cancel", by_word, but=_MISTAKE):
        concepts -= {"cancel"}  # "bought it by mistake, can I return it?": a return, not cancelling
    if "giftcard" in from_phrases and not named_by_a_word("pay", by_word, but=_CARD):
        concepts -= {"pay"}  # "gift cards": the card is no way to pay, unless the question says so
    when_it_is_open_or_leaves(concepts, by_word, from_phrases, joined)
    if "wrong" in concepts and concepts & {"cancel", "change", "return", "refund", "damage"}:
        # "I ordered the wrong thing (colour), can I cancel (change my order)?": the shopper's own
        # choice, which the cancel, change and returns rules cover; the wrong item alone was the
        # shop's mistake.
        concepts -= {"wrong"}
    if "absent" in concepts and concepts & {"address", "return", "refund", "cancel", "duration", "track"}:
        concepts -= {"absent"}  # "I'm not home, can I change the address?": the address
    return concepts


def asks_the_shops_address(question: str) -> bool:
    """Whether ``question`` asks for the shop's address ("What is your address?")."""
    return bool(_YOUR_ADDRESS.search(folded(question)))


def folded(question: str) -> str:
    """``question``'s words, shorthand written out, accent-free, one space apart."""
    return " ".join(fold(w) for w in expand_shorthand(question.lower()))


def _about_another_thing(
    by_word: dict[str, frozenset[str]],
    vocabulary: Collection[str],
    every: list[str],
    languages: tuple[Language, ...],
) -> bool:
    """Whether every shop concept of the question's words comes from a word that needs a
    context (a price alone, selling, a length of time unless one waits for a parcel,
    ``IN_CONTEXT``), and its other words name a thing the knowledge never mentions at least as
    much as one it does ("the blue sofa", "the warranty", but not "gift wrapping for a large
    box" where the shop writes about gift wrapping). A size is such a thing too; a place one
    goes to ("to Oslo") is none, and "call you" or "email us" is the shop's."""
    topical = {w: found - THINGS - BOUND_CONCEPTS for w, found in by_word.items()}
    named = [w for w, found in topical.items() if found]
    # "How long is the warranty?" is the warranty's; "How long for my jacket?" and "How long
    # will the sofa take?" wait for a parcel.
    waits = WAITING.intersection(every) and not LASTING.intersection(every)
    alone = [_COST, _RANGE] if waits else [_COST, _RANGE, _DURATION]
    if not named or not all(w in IN_CONTEXT or topical[w] in alone or topical[w] <= _PLACES for w in named):
        return False  # a topic word ("shipping", "Lieferzeit"), or none but a size
    following = dict(itertools.pairwise(every))
    if any(following.get(w) in _THE_SHOP for w in named):
        return False
    destinations = {after for before, after in following.items() if before in _TOWARDS}
    things = [
        w
        for w, found in topical.items()
        if not found and w not in NOT_A_THING | _TOWARDS and w not in destinations and not _DIGIT.search(w)
    ]
    unknown = sum(not _named_in(w, vocabulary, languages) for w in things)
    return unknown > 0 and unknown >= len(things) - unknown


def _named_in(word: str, vocabulary: Collection[str], languages: tuple[Language, ...]) -> bool:
    """Whether the knowledge names ``word`` (accent-free), also in another form of it ("gift
    wrap" where the shop writes "gift wrapping")."""
    if word in vocabulary:
        return True
    known = frozenset(vocabulary)
    return any(stem([word], language)[0] in _stems(known, language) for language in languages)


@functools.lru_cache(maxsize=32)
def _stems(vocabulary: frozenset[str], language: Language) -> frozenset[str]:
    return frozenset(stem(sorted(vocabulary), language))


_CARD = frozenset(
    {"card", "cards", "karte", "karten", "carte", "cartes", "tarjeta", "tarjetas", "carta", "kaart"}
)
# What the tracking says when the shopper has nothing: delivered.
_DELIVERED = re.compile(r"\b(delivered|zugestellt|geliefert|livre|entregado|consegnato|bezorgd)\b")
# Coming, not a parcel: "My refund hasn't arrived" is no missing parcel.
_ARRIVING = frozenset(
    {"arrive", "arrived", "arrives", "come", "came", "received", "receive", "ankommen", "angekommen"}
    | {"erhalten", "arrivee", "recu", "recue", "llegado", "llego", "recibido", "recibi", "arrivato"}
    | {"arrivati", "ricevuto", "aangekomen", "ontvangen", "bekommen", "bekomme", "erhalte", "krijg"}
    | {"recevoir", "recevrai", "ricevere", "ricevero"}
)
# Concepts that need a context when a word has no other: a price, a length of time, selling.
_COST, _DURATION, _RANGE = frozenset({"cost"}), frozenset({"duration"}), frozenset({"range"})
# A place alone is where a parcel might go, beside a thing never named the thing's ("What is
# the capital of France?").
_PLACES = frozenset(c.removeprefix("@") for c in COUNTRY_CONCEPTS) | {"country"}
# "Call you", "email us": the shop. "To Oslo", "nach Wien": where a parcel goes.
_THE_SHOP = frozenset({"you", "us", "vous", "nous", "euch", "uns", "ihnen", "os", "vi", "ci", "jullie", "u"})
_TOWARDS = frozenset({"to", "nach", "naar", "vers", "hacia", "verso"})


def _corrected(word: str, vocabulary: Collection[str], language: Language) -> str:
    folded = fold(word)
    if len(folded) < _TYPO_MIN_LENGTH or folded.isdigit() or folded in vocabulary or concepts_of(folded):
        return word
    close = difflib.get_close_matches(folded, [*vocabulary, *_known()], n=3, cutoff=_TYPO_CUTOFF)
    # Two letters shorter is another word ("munich" is no "much"), and so is a known word with
    # an ending ("person" is no Italian "perso").
    fitting = [c for c in close if len(c) >= len(folded) - 1 and not folded.startswith(c)]
    if not fitting or is_common_word(folded, language):
        return word  # "agent" is no typo of the French "argent", nor "customer" of "customs"
    return fitting[0]


_KNOWN: list[str] = []


def _known() -> list[str]:
    if not _KNOWN:
        _KNOWN.extend(known_words())
    return _KNOWN


def vocabulary_of(texts: Iterable[str]) -> frozenset[str]:
    """The accent-free words of ``texts`` (what a typo may be corrected to)."""
    return frozenset(fold(w) for text in texts for w in words(text) if len(w) >= 3)
