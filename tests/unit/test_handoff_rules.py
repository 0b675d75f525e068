"""Support hours and recognising a request for a person, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from common.handoff.phrases import accepts_the_offer, asks_for_a_person, pending_notice
from common.handoff.requests import SUPPORT_HOURS_KEY, support_hours_text
from common.handoff.schedule import SupportSchedule
from common.knowledge import Knowledge, KnowledgeEntry
from common.knowledge.answering.smalltalk import small_talk
from common.knowledge.reading.language import detect_language
from common.llm import Turn


def test_the_schedule_is_open_within_its_hours_in_its_time_zone() -> None:
    schedule = SupportSchedule.parse("mon-fri 09:00-18:00; sat 10:00-14:00", "Europe/Berlin")
    monday_9_30_berlin = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)
    saturday_15_berlin = dt.datetime(2026, 11, 28, 14, 0, tzinfo=dt.UTC)
    sunday_noon = dt.datetime(2026, 11, 29, 11, 0, tzinfo=dt.UTC)
    assert schedule.is_open(monday_9_30_berlin)
    assert not schedule.is_open(saturday_15_berlin)
    assert not schedule.is_open(sunday_noon)
    assert SupportSchedule.parse("mon-sun 00:00-24:00").is_open(sunday_noon)
    assert not SupportSchedule.parse("").is_open(sunday_noon)


def test_a_range_of_days_may_run_over_the_weekend() -> None:
    schedule = SupportSchedule.parse("fri-mon 10:00-12:00")
    week = [dt.datetime(2026, 11, 23 + n, 11, 0, tzinfo=dt.UTC) for n in range(7)]  # Monday first

    assert [schedule.is_open(at) for at in week] == [True, False, False, False, True, True, True]


@pytest.mark.parametrize(
    "text", ["weekdays 9-5", "mon-fri 18:00-09:00", "xyz 09:00-10:00", "mon 25:00-26:00"]
)
def test_a_schedule_it_cannot_read_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"cannot read|must end after|not a time"):
        SupportSchedule.parse(text)


@pytest.mark.parametrize(
    ("message", "asks"),
    [
        ("can I talk to a human?", True),
        ("I need a real person please", True),
        ("Ich möchte mit einem Mitarbeiter sprechen", True),
        ("Puis-je parler à un conseiller ?", True),
        ("Quiero hablar con un agente", True),
        ("Vorrei parlare con una persona", True),
        ("Kan ik iemand spreken?", True),
        ("I want to speak to a manager", True),
        ("Can I talk to customer service?", True),
        ("Ich will mit Ihrem Vorgesetzten sprechen", True),
        ("Je veux parler à un responsable", True),
        ("Quiero hablar con el encargado", True),
        ("Does the manager approve refunds?", False),
        # A word for a person somewhere later in the sentence is not asking for one.
        ("Quiero hablar de un libro que he encargado", False),
        ("Je voudrais parler du colis, le transporteur est responsable", False),
        ("Vorrei parlare del pacco: chi è responsabile?", False),
        ("Der Chef sagt, ich soll über den Versand sprechen", False),
        ("Can I chat with support on Sundays?", False),
        ("Can I talk to a personal shopper?", False),
        ("are you a human?", False),
        ("How long does shipping take?", False),
        ("Can I return a person-sized teddy bear?", False),
        # Blunt or one-word requests, as shoppers type them to a bot.
        ("human", True),
        ("agent please", True),
        ("this bot is useless, get me someone from customer service", True),
        ("get me a human", True),
        ("yes please connect me", True),
        ("connect me to support", True),
        ("put me through", True),
        ("Verbinden Sie mich bitte", True),
        ("get me a refund", False),
        ("Can you transfer me my refund?", False),
        ("Is a human reading this?", False),
        ("Human?", False),  # what the assistant is: small talk
        ("I need someone from customer service", True),
        # Someone from the team named in a question is no request for one.
        ("Somebody at support told me returns are free, is that right?", False),
        ("Someone from your team promised me a refund, when will it come?", False),
        ("Did someone from customer service call me?", False),
        ("Can you give me the manager's email address?", False),
    ],
)
def test_a_request_for_a_person_is_recognised_in_every_language(message: str, asks: bool) -> None:
    assert asks_for_a_person(message) is asks


def _answer_to(question: str) -> Turn:
    talk = small_talk(question)
    assert talk is not None
    return Turn("model", talk.reply)


_OFFER = _answer_to("Are you a bot?")  # "... Would you like to talk to someone from our team? Just say yes."
_GERMAN_OFFER = _answer_to("Bist du ein Roboter?")


@pytest.mark.parametrize(
    ("message", "history", "accepts"),
    [
        ("yes", [Turn("user", "Are you a bot?"), _OFFER], True),
        ("Yes please", [_OFFER], True),
        ("ok", [_OFFER], True),
        ("👍", [_OFFER], True),
        ("ja bitte", [_GERMAN_OFFER], True),
        ("d'accord", [_OFFER], True),
        ("va bene", [_OFFER], True),
        ("yes", [], False),  # nothing was offered
        ("yes", [Turn("model", "Standard shipping takes 2-4 working days.")], False),
        ("yes", [_OFFER, Turn("user", "How long does shipping take?")], False),  # not just before
        ("How long does shipping take?", [_OFFER], False),
    ],
)
def test_yes_to_the_offer_of_a_person_just_made_is_asking_for_one(
    message: str, history: list[Turn], accepts: bool
) -> None:
    assert accepts_the_offer(message, history) is accepts


def test_the_notice_says_someone_replies_here_or_when_the_team_is_back() -> None:
    assert "reply here shortly" in pending_notice("en", support_open=True, hours="Mon-Fri")
    closed = pending_notice("de", support_open=False, hours="Mo-Fr 9-18 Uhr.")
    assert "sobald das Team zurück ist" in closed and closed.endswith("Mo-Fr 9-18 Uhr.")


@pytest.mark.parametrize(
    ("written", "quoted"),
    [
        (
            "Wir sind Mo. bis Fr. von 9 bis 18 Uhr erreichbar. Schreiben Sie uns an hilfe@shop.de.",
            "Wir sind Mo. bis Fr. von 9 bis 18 Uhr erreichbar.",
        ),
        (
            "Support is open Mon. - Fri., 9 to 6. Sat. 10 to 2. Outside these hours, leave a message.",
            "Support is open Mon. - Fri., 9 to 6. Sat. 10 to 2.",
        ),
        (
            "Nous sommes là du lundi au vendredi. Appelez le 01.23.45.67.89.",
            "Nous sommes là du lundi au vendredi.",
        ),
        ("Mo. - Fr. 9-18 Uhr. Rufen Sie an: 030 1234567.", "Mo. - Fr. 9-18 Uhr."),
    ],
)
def test_out_of_hours_the_notice_quotes_when_the_team_is_in_not_how_to_write_to_it(
    written: str, quoted: str
) -> None:
    """The notice says the team replies here; the entry's "email us" would contradict it."""
    entry = KnowledgeEntry(SUPPORT_HOURS_KEY, "Support hours", written)
    shop = Knowledge(version=1, entries=(entry,))

    assert support_hours_text(shop, detect_language(written)) == quoted
