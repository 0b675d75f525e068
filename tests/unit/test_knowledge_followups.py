"""Follow-ups that name no topic of their own ("What now?", "Where do I send it?") go on with the
conversation's topic."""

from __future__ import annotations

import pytest

from common.knowledge import DEFAULT_KNOWLEDGE
from common.knowledge.answering.answerer import KnowledgeAnswerer, covering_entries
from common.knowledge.search.retrieval import knowledge_index

_ANSWERER = KnowledgeAnswerer(DEFAULT_KNOWLEDGE)


def _last_answer(*conversation: str) -> str:
    return _ANSWERER.answer(conversation[-1], before="\n\n".join(conversation[:-1])).text


def test_sending_it_after_a_return_and_a_case_is_how_a_return_starts() -> None:
    answer = _last_answer(
        "Can I return an item I bought 6 weeks ago?", "What if it is a gift?", "Where do I send it?"
    )

    assert "Start a return from the link" in answer, answer
    assert "photo of the damage" not in answer, answer


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("I ordered the wrong size", "What do I do?"),
        ("I ordered the wrong size", "What now?"),
        ("The jacket doesn't fit", "And then?"),
        ("Ich habe die falsche Größe bestellt", "Was jetzt?"),
        ("Pedí la talla equivocada", "¿Y ahora qué?"),
        ("Ich möchte etwas zurückschicken", "Wohin schicke ich es?"),
    ],
)
def test_a_follow_up_without_a_topic_goes_on_with_the_question_before(first: str, then: str) -> None:
    answer = _last_answer(first, then)

    assert "30 days" in answer, answer


def test_what_now_goes_on_with_shipping_after_shipping() -> None:
    assert "4.95 EUR" in _last_answer("How much does shipping cost?", "What now?")


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("Mein Paket ist beschädigt angekommen", "Bis wann muss ich mich melden?"),
        ("My parcel arrived damaged", "By when do I have to report it?"),
        ("Mi paquete llegó dañado", "¿Hasta cuándo tengo que avisar?"),
        ("Mon colis est arrivé endommagé", "Jusqu'à quand dois-je le signaler ?"),
        ("Il mio pacco è arrivato danneggiato", "Entro quando devo segnalarlo?"),
        ("Mijn pakket is beschadigd aangekomen", "Tot wanneer moet ik het melden?"),
    ],
)
def test_by_when_to_report_a_damage_asks_the_damaged_item_deadline(first: str, then: str) -> None:
    answer = _last_answer(first, then)

    assert "within 14 days" in answer, answer


@pytest.mark.parametrize(
    "conversation",
    [
        ("Can I cancel my order?", "What if it already shipped?", "Where do I send it?"),
        ("Kann ich stornieren?", "Und wenn sie schon verschickt wurde?", "Wohin schicke ich sie?"),
        ("Can I change my address?", "it was shipped already", "Where do I send it?"),
    ],
)
def test_sending_an_order_that_shipped_before_it_was_cancelled_is_a_return(
    conversation: tuple[str, ...],
) -> None:
    answer = _last_answer(*conversation)

    assert "Start a return from the link" in answer, answer
    assert "working days within Germany" not in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "By when do I have to report it?",
        "How long do I have to report it?",
        "Until when can I report it?",
        "Bis wann muss ich mich melden?",
        "Bis wann kann ich reklamieren?",
        "¿Hasta cuándo tengo que avisar?",
        "Jusqu'à quand dois-je le signaler ?",
        "Entro quando devo segnalarlo?",
        "Hoe lang heb ik om het te melden?",
    ],
)
def test_by_when_to_report_something_as_a_first_message_is_the_damaged_item_deadline(question: str) -> None:
    """Reporting is what one does of a damaged item: not the delivery times, nor the cancel FAQ."""
    answer = _last_answer(question)

    assert "within 14 days" in answer, answer
    assert "working days" not in answer and "cancelled" not in answer, answer


def test_by_when_to_report_it_after_a_parcel_that_never_came_is_no_damage() -> None:
    answer = _last_answer("My parcel never arrived", "By when do I have to report it?")

    assert "has not arrived 10 working days" in answer and "photo of the damage" not in answer, answer


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("How long do I have?", "Which deadline do you mean?"),
        ("By when?", "Which deadline do you mean?"),
        ("What's the deadline?", "Which deadline do you mean?"),
        ("Wie lange habe ich Zeit?", "Welche Frist meinen Sie?"),
        ("¿Cuánto tiempo tengo?", "¿Qué plazo quieres saber?"),
        ("Hoeveel tijd heb ik?", "Welke termijn bedoel je?"),
    ],
)
def test_a_deadline_of_nothing_named_is_asked_back(question: str, asked: str) -> None:
    answer = _last_answer(question)

    assert answer.startswith(asked), answer
    assert "“Returns and refunds”" in answer and "“What if my item arrives damaged?”" in answer, answer
    assert covering_entries(knowledge_index(DEFAULT_KNOWLEDGE), question) == ()


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("Quiero devolver algo", "¿Cuánto tiempo tengo?"),
        ("Voglio fare un reso", "Quanto tempo ho?"),
        ("Je veux retourner un article", "Combien de temps ai-je ?"),
        ("Ik wil iets retourneren", "Hoeveel tijd heb ik?"),
    ],
)
def test_how_long_one_has_after_a_return_is_the_return_window(first: str, then: str) -> None:
    """Having ("tengo", "ho", "ai", "heb"; English and German stopwords hold theirs) is no thing of
    its own that keeps the follow-up from the topic before: not "which deadline?"."""
    answer = _last_answer(first, then)

    assert "within 30 days of delivery" in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "By when will I have it?",
        "By when can I have it?",
        "Bis wann habe ich es?",
        "Bis wann ist es bei mir?",
        "Tot wanneer heb ik het?",
        "Jusqu'à quand je l'aurai ?",
    ],
)
def test_by_when_one_has_it_asks_how_long_delivery_takes(question: str) -> None:
    """Having the thing ("have it", "habe ich es", "bei mir") is no deadline of the shopper's:
    not asked back which one."""
    answer = _last_answer(question)

    assert "Standard delivery takes 2-4 working days" in answer, answer
    assert "deadline" not in answer and "Frist" not in answer, answer


def test_a_deadline_of_a_thing_the_pages_never_name_is_not_asked_back() -> None:
    answer = _last_answer("What's the deadline for the competition?")

    assert answer.startswith("I couldn't find that"), answer


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        ("When are you open?", "Until when on Saturday?", "Saturday, 10:00-14:00"),
        ("When are you open?", "And before Christmas?", "Monday to Friday"),
        ("I want to return something", "Can I do that by Friday?", "within 30 days of delivery"),
        ("I want to return something", "Until Friday?", "within 30 days of delivery"),
        ("Puis-je retourner un article ?", "Avant samedi ?", "within 30 days of delivery"),
        ("How much is express shipping?", "Can I get it by Friday?", "Express delivery takes 1-2"),
    ],
)
def test_a_day_that_names_no_topic_is_about_the_question_before(first: str, then: str, expected: str) -> None:
    """Not the delivery times: the day is by when to do what was asked before (or when the team
    is there on it)."""
    answer = _last_answer(first, then)

    assert expected in answer, answer
    if "delivery" not in expected:
        assert "working days within Germany" not in answer, answer
