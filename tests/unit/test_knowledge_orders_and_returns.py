"""Questions about orders, returns and delivery as shoppers write them, in one message."""

from __future__ import annotations

import dataclasses

import pytest

from common.knowledge import DEFAULT_KNOWLEDGE, Knowledge, KnowledgeEntry
from common.knowledge.answering import phrases
from common.knowledge.answering.answerer import KnowledgeAnswerer
from common.knowledge.reading.language import detect_language
from common.llm import Prompt, Turn

_MISSING_RULE = "If a parcel has not arrived 10 working days after shipping"


@pytest.mark.parametrize(
    "question",
    [
        "Where is my parcel? It shipped 12 days ago.",
        "Wo ist mein Paket? Es wurde vor 12 Tagen verschickt.",
        "¿Dónde está mi paquete? Lo enviaron hace 12 días.",
        "Où est mon colis ? Il a été expédié il y a 12 jours.",
        "Where is my order? I've been waiting for two weeks.",
    ],
)
def test_a_parcel_on_its_way_for_days_gets_the_missing_parcel_rule(question: str) -> None:
    """Said in the same message as "where is it", a wait is a parcel that has not come; the
    number of days is no word of any rule ("12" must not find "12.95 EUR")."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert _MISSING_RULE in answer
    assert "tracking link" not in answer


@pytest.mark.parametrize(
    "question",
    [
        "How do I return an item?",
        "The jacket is the wrong size, I need to return it. How do I do that?",
        "Die Hose ist zu klein, ich möchte sie zurückschicken. Wie geht das?",
        "Me llegó una talla equivocada. ¿Cómo lo devuelvo?",
        "Comment retourner un article ?",
        "How do I return sale items?",
    ],
)
def test_how_to_return_a_thing_says_how_a_return_starts(question: str) -> None:
    """ "How do I return it?" asks how, not only whether: the returns rule with its first step."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "Start a return from the link in your shipping email" in answer


def test_how_long_to_return_is_still_the_returns_window() -> None:
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer("How long do I have to return an item?").text

    assert "within 30 days of delivery" in answer


_CANADA = "We also ship to Canada: standard delivery there takes 7-12 working days and costs 19.95 EUR."


def _with_canada() -> Knowledge:
    entries = tuple(
        dataclasses.replace(e, content=f"{e.content.rstrip()} {_CANADA}") if e.title == "Shipping" else e
        for e in DEFAULT_KNOWLEDGE.entries
    )
    return Knowledge(1, entries)


def test_a_place_with_terms_of_its_own_is_answered_with_them_alone() -> None:
    """Shipping edited to give Canada its own price: what Canada costs is that sentence, not the
    general prices before it (which would read as Canada's too)."""
    knowledge = _with_canada()
    turns: list[Turn] = []
    for question in ["Do you ship to Canada?", "How long does it take?", "And how much does it cost?"]:
        turns.append(Turn("user", question))
        events = list(KnowledgeAnswerer(knowledge).stream(Prompt("", list(turns))))
        answer = "".join(getattr(e, "text", "") for e in events)
        turns.append(Turn("model", answer))
        assert answer.startswith(_CANADA), question
        assert "4.95 EUR" not in answer
    assert "19.95 EUR" in KnowledgeAnswerer(knowledge).answer("How much is shipping to Canada?").text
    germany = KnowledgeAnswerer(knowledge).answer("How much is shipping to Germany?").text
    assert "4.95 EUR" in germany
    assert "Canada" not in germany


@pytest.mark.parametrize(
    "question",
    [
        "My jacket arrived with a hole. Can I get a new one?",
        "The shirt is torn",
        "Meine Jacke hat ein Loch",
        "Mi camiseta llegó con un agujero",
    ],
)
def test_a_torn_item_or_one_with_a_hole_is_a_damaged_item(question: str) -> None:
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "Send a photo of the damage" in answer


@pytest.mark.parametrize(
    "question",
    [
        "When will my order ship?",
        "When will my order arrive?",
        "Wann wird meine Bestellung verschickt?",
        "¿Cuándo llega mi pedido?",
        "Quand ma commande sera-t-elle expédiée ?",
        "Wanneer wordt mijn bestelling verzonden?",
    ],
)
def test_when_an_order_ships_or_arrives_gets_when_it_leaves_and_how_long_delivery_takes(
    question: str,
) -> None:
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "before 14:00 (CET)" in answer and "Standard delivery takes 2-4 working days" in answer, answer
    assert "4.95 EUR" not in answer and "Express delivery" not in answer, answer
    assert "has not arrived 10 working days" not in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "When will my order arrive in the UK?",
        "When will my order ship to Switzerland?",
        "When will my parcel arrive in Norway?",
        "Wann kommt mein Paket in der Schweiz an?",
        "Quand ma commande arrivera-t-elle en Suisse ?",
        "My order shipped yesterday, when will it arrive in Norway?",
    ],
)
def test_when_an_order_arrives_in_a_place_keeps_what_the_pages_say_of_it(question: str) -> None:
    """The customs delay the pages give for the UK, Switzerland and Norway, with the delivery time."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "Standard delivery takes 2-4 working days" in answer, answer
    assert "may be delayed by customs" in answer, answer


def test_when_an_order_arrives_in_the_eu_gets_no_other_places_delay() -> None:
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer("When will my order to Austria arrive?").text

    assert "before 14:00 (CET)" in answer and "Standard delivery takes 2-4 working days" in answer, answer
    assert "customs" not in answer and "We ship to" not in answer, answer


def test_when_an_express_order_arrives_gets_the_express_delivery_time() -> None:
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer("When will my express order arrive?").text

    assert "before 14:00 (CET)" in answer and "Express delivery takes 1-2 working days" in answer, answer
    assert "Standard delivery" not in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "When will I get my order?",
        "Wann bekomme ich meine Bestellung?",
        "Wann erhalte ich meine Bestellung?",
        "Quand vais-je recevoir ma commande ?",
        "Je vais recevoir ma commande quand ?",
        "Quando riceverò il mio ordine?",
        "Wanneer krijg ik mijn bestelling?",
    ],
)
def test_getting_or_receiving_an_order_is_its_delivery(question: str) -> None:
    """Not "I couldn't find that", nor the change-of-address FAQ ("get" was no word of the shop's)."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "before 14:00 (CET)" in answer and "Standard delivery takes 2-4 working days" in answer, answer


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Bekomme ich eine Rechnung?", "de"),
        ("Krijg ik een factuur?", "nl"),
        ("Vais-je recevoir une facture ?", "fr"),
        ("Posso ricevere una fattura?", "it"),
        ("Kann ich einen Rabatt bekommen?", "de"),
        ("Krijg ik korting?", "nl"),
    ],
)
def test_getting_something_else_than_an_order_is_no_delivery(question: str, language: str) -> None:
    """ "bekommen", "krijgen", "recevoir", "ricevere" beside no order name no shipping: the pages
    cover neither invoices nor discounts, which the sale-items condition does not answer."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert phrases.not_covered(language) in answer, answer
    assert "We ship to" not in answer and "Sale items" not in answer, answer


def test_a_parcel_not_gotten_in_dutch_is_a_missing_parcel() -> None:
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer("Ik heb mijn pakket niet gekregen").text

    assert _MISSING_RULE in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "I need it by Friday, is that possible?",
        "Can I get it by Friday?",
        "Will my order arrive before Christmas?",
        "Kommt es bis Freitag an?",
        "Lo necesito para el viernes",
        "Je le veux avant samedi",
        "Ik heb het nodig voor zaterdag",
    ],
)
def test_a_day_to_have_it_by_asks_how_long_delivery_takes(question: str) -> None:
    """Not when support is open (a weekday was only opening hours), nor "I couldn't find that"."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "Standard delivery takes 2-4 working days" in answer, answer
    assert "Monday to Friday" not in answer and "4.95 EUR" not in answer, answer


@pytest.mark.parametrize("question", ["Are you open until Saturday?", "Can I call you before Friday?"])
def test_a_day_to_reach_the_team_by_is_still_its_hours(question: str) -> None:
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "Monday to Friday" in answer and "working days within Germany" not in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "Widerrufsrecht",
        "Wie lange ist die Widerrufsfrist?",
        "Délai de rétractation",
        "¿Cuál es el plazo de desistimiento?",
        "Diritto di recesso",
        "Hoe lang is de herroepingstermijn?",
        "What is the right of withdrawal?",
    ],
)
def test_the_right_of_withdrawal_is_the_return_window(question: str) -> None:
    """The legal word for sending a purchase back, not "I couldn't find that"."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "within 30 days of delivery" in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "Can I return it before Friday?",
        "Kann ich es bis Freitag zurückschicken?",
        "Puis-je le retourner avant samedi ?",
        "¿Puedo devolverlo antes del viernes?",
        "Posso restituirlo entro venerdì?",
        "Kan ik het voor vrijdag retourneren?",
    ],
)
def test_a_day_to_return_it_by_is_the_return_window_not_supports_hours(question: str) -> None:
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "within 30 days of delivery" in answer, answer
    assert "Monday to Friday" not in answer, answer


def test_a_day_to_email_the_team_by_is_still_its_hours() -> None:
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer("Can I email you before Friday?").text

    assert "Monday to Friday" in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "My order shipped yesterday, when will it arrive?",
        "It shipped yesterday. When will I get it?",
        "My parcel is on its way, when will it arrive?",
        "Meine Bestellung wurde gestern verschickt, wann kommt sie an?",
        "Ma commande a été expédiée hier, quand va-t-elle arriver ?",
        "Mi pedido se envió ayer, ¿cuándo llegará?",
        "Il mio ordine è stato spedito ieri, quando arriverà?",
        "Mijn bestelling is gisteren verzonden, wanneer komt hij aan?",
    ],
)
def test_when_an_order_that_has_left_arrives_is_the_delivery_time_alone(question: str) -> None:
    """Not when orders leave the warehouse: it has left ("when" opens a later clause too)."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "Standard delivery takes 2-4 working days" in answer, answer
    assert "14:00" not in answer and _MISSING_RULE not in answer, answer
    assert "We ship to" not in answer and "tracking link" not in answer, answer


@pytest.mark.parametrize("question", ["When will it be shipped?", "I ordered 3 days ago, when will it ship?"])
def test_when_an_order_not_yet_left_ships_is_still_both_halves(question: str) -> None:
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "14:00" in answer and "2-4 working days" in answer, answer


_ADDING_AN_ITEM = [
    "Can I add an item to my order?",
    "Can I remove an item from my order?",
    "Kann ich noch einen Artikel zu meiner Bestellung hinzufügen?",
    "Puis-je ajouter un article à ma commande ?",
    "¿Puedo añadir un artículo a mi pedido?",
    "Kan ik een artikel aan mijn bestelling toevoegen?",
]


@pytest.mark.parametrize("question", _ADDING_AN_ITEM)
def test_adding_an_item_the_pages_never_cover_is_said_honestly(question: str) -> None:
    """Not the cancel and damage FAQs (which share "order" and "item"), nor the FAQ about changing
    the delivery address ("Yes, ... and the new address")."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert answer.startswith(phrases.not_covered(detect_language(question))), answer
    assert "support@example-shop.com" in answer and "new address" not in answer, answer


@pytest.mark.parametrize("question", _ADDING_AN_ITEM)
def test_adding_an_item_gets_the_faq_about_changing_an_order(question: str) -> None:
    change = KnowledgeEntry(
        "faq-change-order", "Can I change my order?", "Yes, until it ships: tell support.", "faq"
    )
    knowledge = Knowledge(version=3, entries=(*DEFAULT_KNOWLEDGE.entries, change))

    answer = KnowledgeAnswerer(knowledge).answer(question).text

    assert "Yes, until it ships: tell support." in answer and "new address" not in answer, answer


@pytest.mark.parametrize(
    "question",
    [
        "Quels sont vos horaires pour samedi ?",
        "¿Cuál es vuestro horario para el sábado?",
        "Wat zijn de openingstijden voor zaterdag?",
        "Welche Öffnungszeiten habt ihr vor Weihnachten?",
        "Wie sind die Servicezeiten vor Weihnachten?",
        "Seid ihr Montag bis Freitag da?",
        "Do you work from Monday till Friday?",
    ],
)
def test_a_day_beside_the_hours_asked_in_other_words_is_still_the_hours(question: str) -> None:
    """A day after "pour", "para", "voor", "vor", "bis", "till" is no day to have it by where
    another word asks when the team is there ("horaires", "Öffnungszeiten", "Montag")."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert "Monday to Friday" in answer and "working days within Germany" not in answer, answer


def test_being_away_until_a_day_is_no_delivery_time() -> None:
    """Being on holiday ("Ich bin bis Freitag im Urlaub") is away, which the pages don't cover."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer("Ich bin bis Freitag im Urlaub").text

    assert phrases.not_covered("de") in answer and "working days within Germany" not in answer, answer
