"""A question about one order, by its number: the team's to answer, not the pages'."""

from __future__ import annotations

import re

from common.knowledge.reading.language import fold

# "Where is my order 12345?", "Bestellung #4711": a question about one order.
_ORDER_NUMBER = re.compile(r"(#\s*\d{3,}|\b(order|bestellung|commande|pedido|ordine|bestelling)\b\D*\d{3,})")
# A long number alone is an order's ("Where is 4711234?"), unless it is a postcode or a phone
# number: "My postcode is 10115", "Do you ship to 80331 Munich?", "call me on 0176 5551234".
_BARE_NUMBER = re.compile(r"\b\d{5,}\b")
_OTHER_NUMBER = re.compile(
    r"\b(post ?codes?|postal|zip|plz|postleitzahl|phone|telephone|telefon|mobile|handy|call|tel)\b"
    r"|\b(to|nach|in|naar|a|en)\s+\d{4,5}\b"
)


def about_one_order(question: str) -> bool:
    """Whether ``question`` asks about one order: "Where is my order 12345?", "Bestellung
    #4711", "Where is 4711234?" (not a postcode or a phone number)."""
    text = fold(question)
    return bool(_ORDER_NUMBER.search(text) or (_BARE_NUMBER.search(text) and not _OTHER_NUMBER.search(text)))
