"""A shop of any country: every country is a place of its own, in its regions, so the one a shop
names apart (its home) is answered from that sentence, and "Europe" is more than the EU."""

from __future__ import annotations

import pytest

from common.knowledge import DEFAULT_KNOWLEDGE, Knowledge, KnowledgeEntry
from common.knowledge.answering.answerer import KnowledgeAnswerer

_DUTCH_SHOP = Knowledge(
    version=7,
    entries=(
        KnowledgeEntry(
            "shipping",
            "Shipping",
            "Within the Netherlands shipping is €3.95, and it's free when your order comes to €30 "
            "or more. To Belgium and Germany we charge €6.95, to all other EU countries €9.95. "
            "The UK and Switzerland are €14.95. Sorry, for now we can't ship outside Europe.",
        ),
        KnowledgeEntry(
            "support-hours",
            "Customer service",
            "We are there Monday to Friday from 10:00 to 17:00. Mail us at help@shop.example.",
        ),
    ),
)


@pytest.mark.parametrize(
    "question",
    ["How much is shipping within the Netherlands?", "Wat kost verzending naar Nederland?"],
)
def test_the_shops_home_country_gets_its_own_price(question: str) -> None:
    text = KnowledgeAnswerer(_DUTCH_SHOP).answer(question).text

    assert "€3.95" in text, text
    assert "6.95" not in text and "9.95" not in text, text


@pytest.mark.parametrize(
    ("question", "price"),
    [
        ("How much is shipping to Belgium?", "€6.95"),
        ("How much is shipping to Austria?", "€9.95"),
        ("How much is shipping to the UK?", "€14.95"),
    ],
)
def test_another_country_gets_the_price_the_shop_gives_it(question: str, price: str) -> None:
    text = KnowledgeAnswerer(_DUTCH_SHOP).answer(question).text

    assert price in text, text
    assert "3.95" not in text.replace(price, ""), text


def test_a_price_in_euro_signs_answers_what_shipping_costs() -> None:
    text = KnowledgeAnswerer(_DUTCH_SHOP).answer("How much is shipping?").text

    assert "€3.95" in text and "€9.95" in text, text


@pytest.mark.parametrize("question", ["How much does shipping to Japan cost?", "Do you ship to the USA?"])
def test_outside_europe_answers_for_far_countries(question: str) -> None:
    text = KnowledgeAnswerer(_DUTCH_SHOP).answer(question).text

    assert "can't ship outside Europe" in text, text
    assert "9.95" not in text and "14.95" not in text, text


@pytest.mark.parametrize("question", ["Do you ship to Norway?", "How much is shipping to Norway?"])
def test_a_european_country_the_pages_never_name_is_said_to_be_unnamed(question: str) -> None:
    text = KnowledgeAnswerer(_DUTCH_SHOP).answer(question).text

    assert "don't mention “Norway”" in text, text
    assert "€" not in text and "outside Europe" not in text, text
    assert "help@shop.example" in text, text


def test_a_region_is_named_where_the_pages_name_places_in_it() -> None:
    text = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer("Do you ship within Europe?").text

    assert "don't mention" not in text, text
    assert "We ship to all addresses in the EU" in text, text
