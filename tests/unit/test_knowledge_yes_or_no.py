"""An FAQ answer's opening "Yes," or "No," answers its own yes/no question, not "how much?"."""

from __future__ import annotations

import pytest

from common.knowledge import DEFAULT_KNOWLEDGE, Knowledge, KnowledgeEntry
from common.knowledge.answering.answerer import KnowledgeAnswerer
from common.knowledge.answering.yesno import without_yes_or_no
from common.knowledge.search.passages import Passage

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
        # Past a filler ("Great, ..."), the question is its own words.
        ("Great, how much is it?", "Yes, for 3 EUR at checkout.", "For 3 EUR at checkout."),
        ("Super, wie viel kostet das?", "Ja, für 3 EUR.", "Für 3 EUR."),
        ("When do you gift-wrap?", "Yes, every day until 14:00.", "Every day until 14:00."),
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


@pytest.mark.parametrize(
    "question",
    [
        "How do I change my delivery address?",
        "How can I change my order?",
        "What if I need to change my address?",
        "When can I change my address?",  # a time asked, but the answer is a condition
    ],
)
def test_the_change_of_address_faq_keeps_its_yes_to_a_question_of_how(question: str) -> None:
    reply = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert reply.startswith("Yes, as long as the order has not shipped yet."), reply


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        # Neither a price nor a time: how to do it, or English "was" (no German "what").
        ("Was my order shipped already?", "Yes, the same day."),
        ("Come posso restituire un articolo?", "Sì, entro 30 giorni."),
        ("Wie kann ich die Adresse ändern?", "Ja, per E-Mail."),
        # A time asked, but the answer is a yes and its condition.
        ("Wann kann ich die Adresse ändern?", "Ja, solange die Bestellung nicht versandt ist."),
        ("Quand puis-je changer l'adresse ?", "Oui, tant que la commande n'est pas expédiée."),
        ("¿Cuándo puedo cambiar la dirección?", "Sí, mientras el pedido no haya salido."),
        ("Quando posso cambiare l'indirizzo?", "Sì, finché l'ordine non è spedito."),
        ("Wanneer kan ik het adres wijzigen?", "Ja, zolang de bestelling niet verzonden is."),
        ("How long can I change my address?", "Yes, if the order has not shipped yet."),
    ],
)
def test_an_faqs_yes_or_no_stays_unless_a_price_or_a_time_is_asked(question: str, answer: str) -> None:
    entry = KnowledgeEntry("faq-change", "Can I change it?", answer, "faq")

    (passage,) = without_yes_or_no([Passage(entry, 0, answer)], question)

    assert passage.text == answer
