"""Support hours and recognising a request for a person, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from common.handoff.phrases import asks_for_a_person, pending_notice
from common.handoff.schedule import SupportSchedule


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
    ],
)
def test_a_request_for_a_person_is_recognised_in_every_language(message: str, asks: bool) -> None:
    assert asks_for_a_person(message) is asks


def test_the_notice_says_someone_replies_here_or_when_the_team_is_back() -> None:
    assert "reply here shortly" in pending_notice("en", support_open=True, hours="Mon-Fri")
    closed = pending_notice("de", support_open=False, hours="Mo-Fr 9-18 Uhr.")
    assert "sobald es zurück ist" in closed and closed.endswith("Mo-Fr 9-18 Uhr.")
