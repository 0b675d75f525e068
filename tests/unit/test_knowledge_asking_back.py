"""A price asked of nothing named, where an FAQ prices a thing of its own beside the shipping
costs, is asked back: which thing?"""

from __future__ import annotations

import pytest

from common.knowledge import DEFAULT_KNOWLEDGE, Knowledge, KnowledgeEntry
from common.knowledge.answering.answerer import KnowledgeAnswerer

_GIFT_WRAP = KnowledgeEntry("faq-gift-wrap", "Do you gift-wrap?", "Yes, for 3 EUR at checkout.", "faq")
_ANSWERER = KnowledgeAnswerer(Knowledge(version=2, entries=(*DEFAULT_KNOWLEDGE.entries, _GIFT_WRAP)))


@pytest.mark.parametrize(
    ("conversation", "asked"),
    [
        (["how much does it cost?"], "What would you like to know the price of?"),
        (["How much is it?"], "What would you like to know the price of?"),
        (["hi", "how much?"], "What would you like to know the price of?"),
        (["Was kostet das?"], "Wofür möchten Sie den Preis wissen?"),
    ],
)
def test_a_price_of_nothing_named_is_asked_back(conversation: list[str], asked: str) -> None:
    answer = _ANSWERER.answer(conversation[-1], before="\n\n".join(conversation[:-1])).text

    assert answer.startswith(asked), answer
    assert "“Do you gift-wrap?”" in answer and "“Shipping”" in answer, answer
    assert "3 EUR at checkout" not in answer and "4.95 EUR" not in answer, answer
