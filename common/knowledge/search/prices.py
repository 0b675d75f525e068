"""What a passage says of a price, as a question reads it: "free" asks a price, and a price of
another topic is none of the thing asked about."""

from __future__ import annotations

# A price, or that something is free.
_PRICE = frozenset({"@cost", "@free"})
# Topics a shop prices besides shipping: "returns within the EU are free", "cancelled free of charge".
_PRICED_TOPICS = frozenset({"@return", "@refund", "@cancel"})
# A service priced apart: its price says whether it is free only when it is asked about.
_SERVICES = frozenset({"@express"})


def priced_as_asked(held: frozenset[str], asked: set[str]) -> frozenset[str]:
    """The concepts a passage ``held`` answers a question about ``asked`` with, when the question
    asks a price or whether a thing is free: a price of a topic it does not ask about ("returns
    within the EU are free" for "Is express to Austria free?") is no price at all, and a price of
    what it asks about ("Express shipping costs 12.95 EUR") says whether that is free."""
    if not asked & _PRICE:
        return held
    if held & _PRICED_TOPICS and not asked & _PRICED_TOPICS:
        return held - _PRICE
    if "@cost" in held and not held & _SERVICES - asked:
        return held | {"@free"}
    return held
