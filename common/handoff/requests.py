"""A shopper asks for a person: by ``POST /history/handoff`` or by saying so in the chat."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from common.handoff import outbox
from common.handoff.phrases import pending_notice
from common.handoff.schedule import SupportSchedule
from common.knowledge.entries import Knowledge
from common.knowledge.reading.language import Language
from common.knowledge.search.passages import sentences
from common.models import Handoff, HandoffStatus, MessageStatus, Role, utcnow
from common.responses import HandoffAccepted, StatusEventData
from common.schemas import HandoffBody
from common.tokens import TokenKeys
from common.unit_of_work import UnitOfWork, UnitOfWorkFactory

SUPPORT_HOURS_KEY = "support-hours"


@dataclass(frozen=True, kw_only=True)
class HandoffSettings:
    """How handoffs behave on this instance (built once, from the settings)."""

    schedule: SupportSchedule
    # Whether HANDOFF_WEBHOOK_URL is set: only then are notifications written to the outbox.
    webhook: bool
    # Wakes this instance's webhook relay after a commit that wrote to the outbox.
    kick_outbox: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class Opened:
    status: HandoffStatus
    # False when the conversation was already waiting for (or with) a person.
    changed: bool


# Stored with a handoff's notice, so it is told apart from the assistant's answers.
HANDOFF_SOURCE = "handoff"


def support_hours_text(knowledge: Knowledge, language: Language = "en") -> str:
    """The shop's own words about its support hours (the ``support-hours`` entry), if any,
    introduced as the shop's words when the shopper writes in ``language`` and the shop in
    another (as the knowledge base's answers are)."""
    from common.knowledge.answering.phrases import written_in
    from common.knowledge.search.retrieval import shop_language

    entry = next((e for e in knowledge.entries if e.key == SUPPORT_HOURS_KEY), None)
    if entry is None:
        return ""
    shop = shop_language(knowledge)  # not the whole retrieval index: no BM25 for a notice
    hours = _when_open(entry.content)
    return hours if language == shop else f"{written_in(language, shop)} {hours}"


# A sentence that says when: a time ("9:00", "9 am", "18 Uhr"; not a phone number's "01.23")
# or a weekday, in the languages the assistant speaks.
_SAYS_WHEN = re.compile(
    r"(?<![\d.])\d{1,2}[:.]\d{2}(?![\d.])|\b\d{1,2} ?(am|pm|uhr|h)\b"
    r"|\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day)?\b|\bwednesday\b|\bthursday\b|\bsaturday\b"
    r"|\b(mo|di|mi|do|fr|sa|so)\.? ?[-\u2013] ?(mo|di|mi|do|fr|sa|so)\b"
    r"|\b(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|mi[eé]rcoles|jueves|viernes"
    r"|s[aá]bado|domingo|luned[iì]|marted[iì]|mercoled[iì]|gioved[iì]|venerd[iì]|sabato|domenica"
    r"|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)\b",
    re.IGNORECASE,
)
# A sentence that says how to get in touch instead: an address, a number, "email", "call",
# "leave a message".
_SAYS_HOW_TO_REACH = re.compile(
    r"@|\+?\d[\d ()/.-]{6,}\d|\b(e-?mail|call|phone|ring|write|leave a message|contact|schreib|ruf|anruf"
    r"|nachricht|appel|ecriv|écriv|message|llam|escrib|mensaje|chiam|scriv|messaggio|bel|bericht)",
    re.IGNORECASE,
)


def _when_open(content: str) -> str:
    """The support-hours entry without its sentences on how to get in touch: the notice has
    already said the team replies here, so "email us" or "leave a message" would contradict it.
    A sentence that also says when stays."""
    kept = [s for s in sentences(content) if _SAYS_WHEN.search(s) or not _SAYS_HOW_TO_REACH.search(s)]
    return " ".join(kept) or content


def pending_notice_now(
    settings: HandoffSettings, knowledge: Knowledge, language: Language
) -> tuple[bool, str]:
    """Whether the team is in now, and the notice that says what happens next, in ``language``:
    someone replies here, or (out of hours, with the shop's support hours) when they are back."""
    support_open = settings.schedule.is_open(dt.datetime.now(dt.UTC))
    return support_open, pending_notice(
        language, support_open=support_open, hours=support_hours_text(knowledge, language)
    )


def open_handoff(
    tx: UnitOfWork,
    conversation_id: uuid.UUID,
    *,
    request: HandoffBody,
    language: str,
    settings: HandoffSettings,
) -> Opened:
    """Make the conversation wait for a person, in the caller's transaction; idempotent while open."""
    now = dt.datetime.now(dt.UTC)
    handoff = tx.handoffs.get(conversation_id, for_update=True)
    if handoff is not None and handoff.open:
        # Asking again changes nothing but what the shopper adds: an email or a note.
        handoff.email = request.email or handoff.email
        handoff.note = request.note or handoff.note
        return Opened(HandoffStatus(handoff.status), changed=False)
    if handoff is None:
        handoff = tx.handoffs.add(Handoff(conversation_id=conversation_id, status=HandoffStatus.WAITING))
    handoff.status = HandoffStatus.WAITING
    handoff.email, handoff.note, handoff.language = request.email, request.note, language
    handoff.requested_at, handoff.claimed_by, handoff.claimed_at = now, None, None
    handoff.claimed_by_staff_id = None
    tx.handoffs.add_event(conversation_id, "status", StatusEventData(status="waiting_for_human").model_dump())
    outbox.record(
        tx,
        enabled=settings.webhook,
        kind="handoff.requested",
        conversation_id=conversation_id,
        language=language,
        email=request.email,
        note=request.note,
        support_open=settings.schedule.is_open(now),
    )
    return Opened(HandoffStatus.WAITING, changed=True)


def request_handoff(
    *,
    uow: UnitOfWorkFactory,
    keys: TokenKeys,
    conversation_token: str | None,
    body: HandoffBody,
    settings: HandoffSettings,
    knowledge: Knowledge,
) -> HandoffAccepted:
    """``POST /history/handoff``: the conversation waits for a person (again asking changes nothing)."""
    from common.handoff.phrases import RECENT_QUESTIONS, language_of, what_they_asked

    with uow() as tx:
        # Locked: the notice takes the conversation's next position.
        conversation = keys.require(
            tx.conversations.get(body.conversation_id, for_update=True), conversation_token
        )
        recent = tx.handoffs.recent_questions([body.conversation_id], count=RECENT_QUESTIONS)
        question = what_they_asked(recent.get(body.conversation_id, []))
        language = language_of(question) if question else "en"
        opened = open_handoff(tx, body.conversation_id, request=body, language=language, settings=settings)
        support_open, notice = pending_notice_now(settings, knowledge, language)
        if opened.changed:
            # Part of the conversation, as when the shopper asks for a person in the chat: the
            # page shows it again after a reload, and the console in the transcript.
            tx.conversations.add_message(
                conversation,
                role=Role.ASSISTANT,
                content=notice,
                status=MessageStatus.COMPLETE,
                source=HANDOFF_SOURCE,
                finish_reason="handoff",
                completed_at=utcnow(),
            )
    if opened.changed:
        settings.kick_outbox()
    return HandoffAccepted(
        conversation_id=body.conversation_id,
        status=opened.status.value,
        support_open=support_open,
        message=notice,
    )
