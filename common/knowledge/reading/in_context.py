"""Concepts as the whole question reads them, not its words one by one: support's hours only
with the shop or its team as the subject, a parcel's day or an order's time of day when it comes
or leaves; getting an order is its delivery and the cheapest shipping its price, though "get"
and "cheap" alone name neither ("Bekomme ich eine Rechnung?", "Why is it so cheap?")."""

from __future__ import annotations

import re

# An order, accent-free: "order", "Bestellung", "commande", "pedido", "ordine", "bestelling".
AN_ORDER = re.compile(r"\b(order|bestell|command|pedi|ordin|bestel)")
# Words that name a concept only beside others (``bound_concepts``), written as the vocabulary's
# patterns are: accent-free, ``*`` ends a prefix, ``-`` joins the words of a phrase.
BOUND: dict[str, str] = {
    # Getting or receiving: an order's delivery ("Wann bekomme ich meine Bestellung?").
    "getting": "erhalte bekomm* recev* recoi* ricev* krijg*",
    # Cheap: the price of shipping or of a return ("What's the cheapest shipping?").
    "cheap": "cheap cheaper cheapest inexpensive gunstig* billig* moins-cher moins-chere pas-cher "
    "barato barata economico economica economici economiche goedkoop*",
}
BOUND_CONCEPTS = frozenset(BOUND)
_PRICED = frozenset({"ship", "express", "return"})
# Cheaper than express: the other way, standard shipping ("Is there a cheaper option than express?").
_THAN_EXPRESS = re.compile(r"\b(than|als|que|di|dan)( the| l'| el| de| het)? (express\w*|espress\w*)\b")
# An order or a parcel today asks when an order must be in to leave today: the cut-off.
_TODAY = re.compile(r"\b(today|heute|aujourd'hui|hoy|oggi|vandaag)\b")
# So does a time of day ("after 2pm", "at 14:00", "nach 14 Uhr", "après 14h"; words, so "14 00").
_CLOCK = re.compile(r"\b([01]?\d|2[0-3])(( [0-5]\d)? ?(am|pm|uhr|h|heures?|horas?|uur)| [0-5]\d)\b")
_WHEN_IT_SHIPS = frozenset({"ship", "duration", "express", "hours", "cutoff"})
# "Can you close my ticket?": closing something, not the shop closing.
_CLOSE_SOMETHING = re.compile(r"\bclose (my|the|this|that|our|a|an|it|them)\b")
_AVAILABLE = frozenset({"available"})
_REACHING = frozenset({"contact", "phone", "email"})


def bound_concepts(concepts: set[str], joined: str) -> None:
    """Words that name a concept only beside others, as the question's whole text (``joined``)
    reads them (``concepts`` changed in place): getting is delivery beside an order, cheap a
    price beside shipping, express or a return ("Why is it so cheap?" asks none)."""
    if "getting" in concepts:
        concepts.discard("getting")
        if AN_ORDER.search(joined):
            concepts.add("ship")  # "Wann bekomme ich meine Bestellung?"
    if "cheap" in concepts:
        concepts.discard("cheap")
        if concepts & _PRICED:
            concepts.add("cost")
        if "express" in concepts and _THAN_EXPRESS.search(joined):
            concepts -= {"express"}
            concepts.add("ship")


def named_by_a_word(
    concept: str, by_word: dict[str, frozenset[str]], but: frozenset[str] = frozenset()
) -> bool:
    """Whether a word of the question, other than those in ``but``, stands for ``concept``."""
    return any(concept in found for w, found in by_word.items() if w not in but)


def when_it_is_open_or_leaves(
    concepts: set[str], by_word: dict[str, frozenset[str]], from_phrases: set[str], joined: str
) -> None:
    """Opening hours or an order's dispatch, as the question reads (``concepts`` changed in place):
    support's hours only with the shop or its team as the subject, a parcel's day or an order's
    time of day is when it comes or leaves."""
    if "hours" in from_phrases and _CLOSE_SOMETHING.search(joined) and not named_by_a_word("hours", by_word):
        concepts -= {"hours"}
    only_available = "hours" not in from_phrases and not named_by_a_word("hours", by_word, but=_AVAILABLE)
    if "hours" in concepts and only_available and concepts - {"hours", "contact"}:
        concepts -= {"hours"}  # "Is express available to the UK?": offered, not open
    if {"ship", "hours"} <= concepts and not concepts & _REACHING:
        # "Do you deliver on Saturdays?": on which days parcels come, not when support is open.
        concepts -= {"hours"}
        concepts.add("duration")
    if "hours" in concepts and AN_ORDER.search(joined) and not concepts & _REACHING:
        # "What if I order on Friday evening?": when an order leaves, not when support is open.
        concepts -= {"hours"}
        concepts.add("cutoff")
    if (
        (_TODAY.search(joined) or _CLOCK.search(joined))
        and ("ship" in concepts or AN_ORDER.search(joined))
        and concepts <= _WHEN_IT_SHIPS
    ):
        concepts.add("cutoff")  # not "I ordered today, can I change the address?"
