"""Whether a service is offered asks for its terms (a place alone does not); a fee the pages never
state is said to be unsaid; gift wrapping is one in every language."""

from __future__ import annotations

import re

import pytest

from common.knowledge import DEFAULT_KNOWLEDGE, Knowledge, KnowledgeEntry
from common.knowledge.answering.answerer import KnowledgeAnswerer, covering_entries
from common.knowledge.search.retrieval import knowledge_index
from common.repositories.console import UNANSWERED_PATTERN

_ANSWERER = KnowledgeAnswerer(DEFAULT_KNOWLEDGE)


def test_whether_express_is_offered_gets_its_price_and_its_time_but_a_place_gets_no_time() -> None:
    express = _ANSWERER.answer("Is express shipping available?").text
    japan = _ANSWERER.answer("Do you ship to Japan?").text

    assert "12.95 EUR" in express and "1-2 working days" in express, express
    assert "working days" not in japan, japan


_DUTIES = KnowledgeEntry(
    "faq-customs",
    "Do I pay customs?",
    "Orders to Switzerland may incur import duties, paid on delivery.",
    "faq",
)


def test_customs_fees_the_pages_never_state_are_said_to_be_unsaid_and_are_a_gap() -> None:
    index = knowledge_index(DEFAULT_KNOWLEDGE)
    answer = _ANSWERER.answer("Do you charge import duties?").text
    held_at_customs = _ANSWERER.answer("Will my parcel be held at customs?").text

    assert answer.startswith("Our help pages don't mention whether customs duties"), answer
    assert "may be delayed by customs" in answer and "support@example-shop.com" in answer, answer
    assert covering_entries(index, "Do I have to pay customs to Switzerland?") == ()
    assert held_at_customs.startswith("Deliveries to the UK, Switzerland and Norway may be delayed"), (
        held_at_customs
    )


def test_customs_fees_the_pages_state_are_answered() -> None:
    answerer = KnowledgeAnswerer(Knowledge(version=2, entries=(*DEFAULT_KNOWLEDGE.entries, _DUTIES)))

    answer = answerer.answer("Do you charge import duties?").text

    assert "import duties, paid on delivery" in answer, answer
    assert "don't mention" not in answer, answer


_GIFT_WRAP = KnowledgeEntry("faq-gift-wrap", "Do you gift-wrap?", "Yes, for 3 EUR at checkout.", "faq")


@pytest.mark.parametrize(
    "question",
    [
        "Wie viel kostet die Geschenkverpackung?",
        "Können Sie es als Geschenk verpacken?",
        "Combien coûte l'emballage cadeau ?",
        "¿Pueden envolverlo para regalo?",
        "Quanto costa la confezione regalo?",
        "Wat kost cadeauverpakking?",
    ],
)
def test_gift_wrapping_in_another_language_meets_the_shops_gift_wrap_faq(question: str) -> None:
    answerer = KnowledgeAnswerer(Knowledge(version=2, entries=(*DEFAULT_KNOWLEDGE.entries, _GIFT_WRAP)))

    answer = answerer.answer(question).text

    assert "3 EUR at checkout" in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "Do you charge import duties?",
        "Muss ich Zoll zahlen?",
        "Dois-je payer des droits de douane ?",
        "¿Tengo que pagar aranceles?",
        "Devo pagare i dazi doganali?",
        "Moet ik invoerrechten betalen?",
    ],
)
def test_customs_fees_the_pages_never_state_reach_the_unanswered_list(question: str) -> None:
    """The console lists an answer as unanswered by its wording (``UNANSWERED_PATTERN``)."""
    answer = _ANSWERER.answer(question).text

    assert "support@example-shop.com" in answer, answer
    assert re.search(UNANSWERED_PATTERN, answer, re.IGNORECASE), answer


@pytest.mark.parametrize(
    "question",
    [
        "What's the cheapest shipping?",
        "Was ist der günstigste Versand?",
        "¿Cuál es el envío más barato?",
        "Quelle est la livraison la moins chère ?",
        "Qual è la spedizione più economica?",
        "Wat is de goedkoopste verzending?",
    ],
)
def test_the_cheapest_shipping_asks_its_price(question: str) -> None:
    """Not where the shop ships, the express price and the tracking link: "cheap" was no price."""
    answer = _ANSWERER.answer(question).text

    assert "Standard shipping costs 4.95 EUR" in answer, answer
    assert "tracking link" not in answer, answer


@pytest.mark.parametrize(
    "question", ["Is there a cheaper option than express?", "Gibt es etwas Günstigeres als Express?"]
)
def test_cheaper_than_express_is_the_standard_price(question: str) -> None:
    """Not express's price alone: the other way is asked for."""
    answer = _ANSWERER.answer(question).text

    assert "Standard shipping costs 4.95 EUR" in answer, answer


@pytest.mark.parametrize(
    "question", ["Why is it so cheap?", "Do you have cheaper products?", "Is there anything cheaper?"]
)
def test_cheap_beside_no_shipping_is_no_shipping_price(question: str) -> None:
    """ "Cheap" is a price of shipping or of a return only beside one: a product's is none."""
    answer = _ANSWERER.answer(question).text

    assert answer.startswith("I couldn't find that"), answer
    assert "4.95 EUR" not in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "Is express to Austria free?",
        "Is express to Norway free?",
        "Ist Express nach Österreich kostenlos?",
        "L'express vers l'Autriche est gratuit ?",
        "¿Es gratis el envío exprés a Austria?",
        "La spedizione espressa in Austria è gratuita?",
        "Is express naar Oostenrijk gratis?",
    ],
)
def test_whether_express_is_free_gets_its_price_not_what_returns_cost(question: str) -> None:
    """A "free" asks a price: express's says it is not; "returns within the EU are free" is another
    topic's, and the delivery times name no price at all."""
    answer = _ANSWERER.answer(question).text

    assert "Express shipping costs 12.95 EUR" in answer, answer
    assert "returns within the EU are free" not in answer and "working days" not in answer, answer
