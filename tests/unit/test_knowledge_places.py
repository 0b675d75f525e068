"""Places in the knowledge answerer: what a shop writes of one country answers for that country,
not for another, and not instead of its general rule."""

from __future__ import annotations

import dataclasses
import re

import pytest

from common.knowledge import DEFAULT_ENTRIES, DEFAULT_KNOWLEDGE, Knowledge, KnowledgeEntry
from common.knowledge.answering import phrases
from common.knowledge.answering.answerer import KnowledgeAnswerer, covering_entries
from common.knowledge.reading.language import Language
from common.knowledge.search.retrieval import knowledge_index
from common.llm import Prompt, TextDelta, Turn
from common.repositories.console import UNANSWERED_PATTERN

_CANADA = "Shipping to Canada costs 19.95 EUR."


def _with_shipping_sentence(sentence: str) -> Knowledge:
    """The default knowledge with one sentence added to its Shipping policy."""
    return Knowledge(
        version=5,
        entries=tuple(
            KnowledgeEntry(
                e.key, e.title, f"{e.content} {sentence}" if e.key == "shipping" else e.content, e.kind
            )
            for e in DEFAULT_KNOWLEDGE.entries
        ),
    )


_NAMES_CANADAS_PRICE = _with_shipping_sentence(_CANADA)


@pytest.mark.parametrize(
    "question",
    [
        "How much is shipping to Austria?",
        "How much does shipping to Switzerland cost?",
        "How much is shipping to Norway?",
        "Versandkosten nach Deutschland?",
        "Is shipping to Austria free?",
    ],
)
def test_a_price_for_one_country_leaves_the_standard_price_to_the_others(question: str) -> None:
    text = KnowledgeAnswerer(_NAMES_CANADAS_PRICE).answer(question).text

    assert "Standard shipping costs 4.95 EUR" in text, text
    assert "19.95" not in text, text


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("Do you ship to Japan?", "Our help pages don't mention “Japan”."),
        ("Do you ship to the USA?", "Our help pages don't mention “USA”."),
        ("How much is shipping to Mexico?", "Our help pages don't mention “Mexico”."),
        ("Liefert ihr nach Australien?", "„Australien“ wird auf unseren Hilfeseiten nicht erwähnt."),
    ],
)
def test_a_country_the_pages_never_name_stays_unnamed_beside_another_far_country(
    question: str, place: str
) -> None:
    text = KnowledgeAnswerer(_NAMES_CANADAS_PRICE).answer(question).text

    assert text.startswith(place), text
    assert "We ship to all addresses in the EU" in text, text
    assert "19.95" not in text, text


def test_how_long_to_a_country_never_named_gets_the_delivery_times_not_another_countrys_price() -> None:
    text = KnowledgeAnswerer(_NAMES_CANADAS_PRICE).answer("¿Cuánto tarda el envío a México?").text

    assert text.startswith("Nuestras páginas de ayuda no mencionan «México»."), text
    assert "3-7 working days" in text, text
    assert "19.95" not in text, text


def test_the_country_named_gets_its_own_price_and_the_others_the_general_one() -> None:
    answerer = KnowledgeAnswerer(_NAMES_CANADAS_PRICE)

    canada = answerer.answer("How much is shipping to Canada?").text
    austria = answerer.answer("How much is shipping to Austria?").text
    anywhere = answerer.answer("How much does shipping cost?").text  # no place: the general rule first

    assert "19.95 EUR" in canada and "mention" not in canada, canada
    assert "4.95 EUR" in austria and "19.95" not in austria, austria
    assert anywhere.index("4.95 EUR") < anywhere.index("19.95 EUR"), anywhere


def test_a_place_still_unnamed_is_no_gap_closed_by_another_places_price() -> None:
    """The console's "Answered now" reads the same: Canada's price answers Canada, not the USA."""
    index = knowledge_index(_NAMES_CANADAS_PRICE)

    assert covering_entries(index, "Do you ship to the USA?") == ()
    assert covering_entries(index, "Do you ship to Japan?", before="") == ()
    assert [e.key for e in covering_entries(index, "Do you ship to Canada?")] == ["shipping"]


def test_a_sentence_that_names_a_place_and_says_elsewhere_answers_for_every_place() -> None:
    """ "Express delivery takes 1-2 working days within Germany and 2-3 working days elsewhere" is
    Austria's express time too; "may be delayed by customs" for the UK, Switzerland and Norway
    is not Austria's."""
    text = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer("How long does delivery to Austria take?").text

    assert "2-3 working days elsewhere" in text, text
    assert "customs" not in text, text


@pytest.mark.parametrize(
    ("question", "follows"),
    [
        ("how much does it cost", True),
        ("Wie lange dauert das?", True),
    ],
)
def test_a_question_naming_its_thing_as_it_follows_up_whatever_its_length(
    question: str, follows: bool
) -> None:
    """The console reads "how much does it cost" with the question before it, as the chat does."""
    from common.knowledge.answering.followups import follows_up

    assert follows_up(question) is follows


def _edited(key: str, content: str) -> Knowledge:
    """The default knowledge with one entry's text replaced, as staff edit it."""
    return Knowledge(
        version=1,
        entries=tuple(
            dataclasses.replace(e, content=content) if e.key == key else e for e in DEFAULT_ENTRIES
        ),
    )


def _answer(knowledge: Knowledge, question: str) -> str:
    events = KnowledgeAnswerer(knowledge).stream(Prompt("", [Turn("user", question)]))
    return "".join(e.text for e in events if isinstance(e, TextDelta))


_EU_FREE = "Returns within the EU are free. Returns from outside the EU cost 6.95 EUR."


@pytest.mark.parametrize(
    "question", ["How much does a return from Austria cost?", "Are returns from France free?"]
)
def test_outside_the_eu_is_no_country_in_it(question: str) -> None:
    text = _answer(_edited("returns", _EU_FREE), question)

    assert "Returns within the EU are free." in text, text
    assert "6.95" not in text, text


def test_outside_the_eu_holds_the_countries_outside_it() -> None:
    text = _answer(_edited("returns", _EU_FREE), "How much does a return from Norway cost?")

    assert "Returns from outside the EU cost 6.95 EUR." in text, text


@pytest.mark.parametrize("question", ["How much is shipping to Japan?", "Do you ship to Japan?"])
def test_the_rest_of_the_world_in_another_topic_names_no_country(question: str) -> None:
    """ "International cards are welcome" says nothing of shipping to Japan."""
    payment = next(e.content for e in DEFAULT_ENTRIES if e.key == "faq-payment-methods")
    text = _answer(_edited("faq-payment-methods", f"{payment} International cards are welcome."), question)

    assert text.startswith("Our help pages don't mention “Japan”."), text


def test_the_rest_of_the_world_in_a_shipping_sentence_names_every_country() -> None:
    shipping = next(e.content for e in DEFAULT_ENTRIES if e.key == "shipping")
    text = _answer(
        _edited("shipping", f"{shipping} We also ship worldwide for 19.95 EUR."),
        "How much is shipping to Japan?",
    )

    assert "mention" not in text and "19.95 EUR" in text, text


_WORLDWIDE = Knowledge(
    version=6,
    entries=tuple(
        dataclasses.replace(
            e,
            content="We ship to the EU and worldwide. Standard shipping within the EU costs 4.95 EUR. "
            "Shipping to the USA costs 24.95 EUR.",
        )
        if e.key == "shipping"
        else e
        for e in DEFAULT_KNOWLEDGE.entries
    ),
)


@pytest.mark.parametrize(
    ("conversation", "opening"),
    [
        (["How much is shipping to Canada?"], "Our help pages don't mention a price for “Canada”."),
        (["Is shipping to Canada free?"], "Our help pages don't mention a price for “Canada”."),
        (["Do you ship to Canada?", "How much?"], "Our help pages don't mention a price for “Canada”."),
        (["What does shipping to Japan cost?"], "Our help pages don't mention a price for “Japan”."),
        (["Was kostet der Versand nach Kanada?"], "Ein Preis für „Kanada“ wird auf unseren Hilfeseiten"),
    ],
)
def test_a_price_to_a_place_the_pages_price_not_is_said_to_be_missing_and_is_a_gap(
    conversation: list[str], opening: str
) -> None:
    """Where the pages ship worldwide but price only the EU and the USA, "We ship to the EU and
    worldwide" alone would read as Canada's answer; the question is a gap in *Unanswered*."""
    question, before = conversation[-1], "\n\n".join(conversation[:-1])
    text = KnowledgeAnswerer(_WORLDWIDE).answer(question, before=before).text

    assert text.startswith(opening), text
    assert "We ship to the EU and worldwide." in text and "support@example-shop.com" in text, text
    assert "4.95" not in text and "24.95" not in text and "6.95" not in text, text
    assert re.search(UNANSWERED_PATTERN, text, re.IGNORECASE), text
    assert covering_entries(knowledge_index(_WORLDWIDE), question, before=before) == ()


@pytest.mark.parametrize(
    ("question", "price"),
    [("How much is shipping to the USA?", "24.95 EUR"), ("How much is shipping to Austria?", "4.95 EUR")],
)
def test_a_price_the_pages_give_a_place_is_still_answered(question: str, price: str) -> None:
    text = KnowledgeAnswerer(_WORLDWIDE).answer(question).text

    assert price in text and "don't mention" not in text, text
    assert [e.key for e in covering_entries(knowledge_index(_WORLDWIDE), question)] == ["shipping"]


@pytest.mark.parametrize(
    "question",
    [
        "Is shipping to Germany free?",
        "Ist der Versand nach Deutschland kostenlos?",
        "La livraison en Allemagne est-elle gratuite ?",
        "¿El envío a Alemania es gratis?",
        "Is verzending naar Duitsland gratis?",
    ],
)
def test_whether_shipping_to_a_region_priced_country_is_free_gets_the_regions_price(question: str) -> None:
    """Not the delivery times, which name Germany but no price."""
    text = KnowledgeAnswerer(_WORLDWIDE).answer(question).text

    assert "Standard shipping within the EU costs 4.95 EUR." in text and "working days" not in text, text


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it", "nl"])
def test_a_missing_price_is_worded_so_the_unanswered_list_holds_it(language: Language) -> None:
    assert re.search(UNANSWERED_PATTERN, phrases.no_price_for(language, "Canada"), re.IGNORECASE)
    assert re.search(UNANSWERED_PATTERN, phrases.no_time_for(language, "Canada"), re.IGNORECASE)


@pytest.mark.parametrize(
    ("conversation", "opening"),
    [
        (["How long to Canada?"], "Our help pages don't mention a delivery time for “Canada”."),
        (["How long does shipping to Canada take?"], "Our help pages don't mention a delivery time for"),
        (["Do you ship to Canada?", "How long does it take?"], "Our help pages don't mention a delivery"),
        (["Wie lange dauert der Versand nach Kanada?"], "Eine Lieferzeit für „Kanada“ wird"),
        (["Combien de temps pour le Canada ?"], "Nos pages d'aide ne mentionnent pas de délai"),
        (["¿Cuánto tarda el envío a Canadá?"], "Nuestras páginas de ayuda no mencionan un plazo"),
        (["Hoe lang duurt verzending naar Canada?"], "Onze hulppagina's noemen geen levertijd"),
    ],
)
def test_a_time_to_a_place_the_pages_time_not_is_said_to_be_missing_and_is_a_gap(
    conversation: list[str], opening: str
) -> None:
    """The EU's delivery times are not Canada's, nor is "we will get back to you on the next working
    day"; that the shop ships worldwide is what the pages say of it."""
    question, before = conversation[-1], "\n\n".join(conversation[:-1])
    text = KnowledgeAnswerer(_WORLDWIDE).answer(question, before=before).text

    assert text.startswith(opening), text
    assert "We ship to the EU and worldwide." in text and "support@example-shop.com" in text, text
    assert "working days" not in text and "customs" not in text, text
    assert re.search(UNANSWERED_PATTERN, text, re.IGNORECASE), text
    assert covering_entries(knowledge_index(_WORLDWIDE), question, before=before) == ()


@pytest.mark.parametrize(
    ("question", "time"),
    [
        ("How long to Austria?", "3-7 working days"),
        ("How long does express to Canada take?", "2-3 working days"),
    ],
)
def test_a_time_the_pages_give_a_place_or_everywhere_else_is_still_answered(question: str, time: str) -> None:
    text = KnowledgeAnswerer(_WORLDWIDE).answer(question).text

    assert time in text and "don't mention" not in text, text
