"""The shop's contact details: a question about its phone or email, and the end of a reply that
can't answer, get the sentence that holds the number or address, not one that names them."""

from __future__ import annotations

import pytest

from common.knowledge import Knowledge, KnowledgeEntry
from common.knowledge.answering.answerer import KnowledgeAnswerer

_DETAILS = "Mail us at help@shop.example or ring +31 20 123 4567."
_SHOP = Knowledge(
    version=3,
    entries=(
        KnowledgeEntry("shipping", "Shipping", "Shipping costs 3.95 EUR and takes 1-2 working days."),
        KnowledgeEntry("returns", "Returns", "You can return unread books within 14 days."),
        KnowledgeEntry("payment", "Payment", "You can pay with iDEAL, credit card or PayPal."),
        KnowledgeEntry(
            "support-hours",
            "Customer service",
            f"Our team is there Monday to Friday from 10:00 to 17:00. {_DETAILS} "
            "Mails that come in over the weekend are answered on Monday.",
        ),
        KnowledgeEntry(
            "faq-change-address",
            "I entered the wrong address, can you change it?",
            "Let us know as fast as possible by phone or email. Once it has shipped we can't change it.",
            "faq",
        ),
    ),
)


@pytest.mark.parametrize("question", ["What's your phone number?", "Can I call you?", "What's your email?"])
def test_a_question_about_contact_details_gets_the_details(question: str) -> None:
    text = KnowledgeAnswerer(_SHOP).answer(question).text

    assert _DETAILS in text, text
    assert "as fast as possible" not in text, text


def test_the_team_is_reached_by_its_details_when_the_pages_do_not_answer() -> None:
    text = KnowledgeAnswerer(_SHOP).answer("Do you sell DVDs?").text

    assert "couldn't find" in text and _DETAILS in text, text
    assert "as fast as possible" not in text, text


def test_the_details_come_with_the_hours_where_their_sentence_gives_none() -> None:
    text = KnowledgeAnswerer(_SHOP).answer("What's your phone number?").text

    assert "Monday to Friday from 10:00 to 17:00" in text, text
    assert text.index("Monday") < text.index(_DETAILS), text
