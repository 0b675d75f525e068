"""Whether a service is offered asks for its terms; a place alone does not."""

from __future__ import annotations

from common.knowledge import DEFAULT_KNOWLEDGE
from common.knowledge.answerer import KnowledgeAnswerer

_ANSWERER = KnowledgeAnswerer(DEFAULT_KNOWLEDGE)


def test_whether_express_is_offered_gets_its_price_and_its_time_but_a_place_gets_no_time() -> None:
    express = _ANSWERER.answer("Is express shipping available?").text
    japan = _ANSWERER.answer("Do you ship to Japan?").text

    assert "12.95 EUR" in express and "1-2 working days" in express, express
    assert "working days" not in japan, japan
