"""An FAQ answer's opening "Yes," or "No," answers its own yes/no question, not "how much?"."""

from __future__ import annotations

import pytest

from common.knowledge import DEFAULT_KNOWLEDGE, Knowledge, KnowledgeEntry
from common.knowledge.answerer import KnowledgeAnswerer
from common.knowledge.passages import Passage
from common.knowledge.yesno import without_yes_or_no

_GIFT_WRAP = KnowledgeEntry("faq-gift-wrap", "Do you gift-wrap?", "Yes, for 3 EUR at checkout.", "faq")


def test_how_much_a_gift_wrap_costs_is_answered_without_the_faqs_yes() -> None:
    answerer = KnowledgeAnswerer(Knowledge(version=2, entries=(*DEFAULT_KNOWLEDGE.entries, _GIFT_WRAP)))

    asked_how_much = answerer.answer("How much does gift wrapping cost?").text
    asked_whether = answerer.answer("Do you gift-wrap?").text

    assert asked_how_much.startswith("For 3 EUR at checkout."), asked_how_much
    assert asked_whether.startswith("Yes, for 3 EUR at checkout."), asked_whether


@pytest.mark.parametrize(
    ("question", "answer", "said"),
    [
        ("What's the price of gift wrapping?", "Yes, for 3 EUR at checkout.", "For 3 EUR at checkout."),
        ("Wie viel kostet die Geschenkverpackung?", "Ja, für 3 EUR an der Kasse.", "Für 3 EUR an der Kasse."),
        ("Combien coûte l'emballage cadeau ?", "Oui ! 3 EUR à la caisse.", "3 EUR à la caisse."),
        ("¿Cuánto cuesta el envoltorio?", "Sí, 3 EUR al pagar.", "3 EUR al pagar."),
        ("Quanto costa la confezione regalo?", "Sì, 3 EUR alla cassa.", "3 EUR alla cassa."),
        ("En hoeveel kost inpakken?", "Nee, we pakken niet in.", "We pakken niet in."),
        # A yes/no question keeps its answer's yes or no.
        ("Kann ich es als Geschenk verpacken lassen?", "Ja, für 3 EUR.", "Ja, für 3 EUR."),
    ],
)
def test_a_question_word_in_any_language_drops_the_faqs_yes_or_no(
    question: str, answer: str, said: str
) -> None:
    entry = KnowledgeEntry("faq-wrap", "Gift wrap?", answer, "faq")

    (passage,) = without_yes_or_no([Passage(entry, 0, answer)], question)

    assert passage.text == said
