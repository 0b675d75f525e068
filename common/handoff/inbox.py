"""The staff side of a handoff: the inbox, claiming a conversation, replying, resolving, and
handing it back to the assistant. Claims are serialised on the handoff row: of two staff
claiming at once, one wins and the other gets a 409. A claim belongs to a member of staff (their
id, not their name, which another member may share); a revoked member's claim holds nobody back."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from common.auth import Principal
from common.console.responses import HandoffView, Inbox, InboxItem
from common.console.staff import BOOTSTRAP_OWNER
from common.errors import Conflict, NotFound
from common.handoff import outbox
from common.handoff.requests import HandoffSettings
from common.models import Handoff, HandoffStatus, MessageStatus, Role, StaffRole
from common.responses import MessageView, StatusEventData
from common.services.history import message_view
from common.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

# A page that followed the conversation this recently still shows the reply; otherwise a
# shopper who left an email gets it by email too.
AWAY_AFTER = dt.timedelta(seconds=45)


def inbox(*, uow: UnitOfWorkFactory, now: dt.datetime, limit: int = 100) -> Inbox:
    """Conversations waiting for (or with) a person, oldest request first, each with what its
    shopper asked last (not their request for a person, when they asked something before it)."""
    from common.handoff.phrases import RECENT_QUESTIONS, what_they_asked

    with uow() as tx:
        handoffs = tx.handoffs.open_handoffs(limit=limit)
        recent = tx.handoffs.recent_questions([h.conversation_id for h in handoffs], count=RECENT_QUESTIONS)
    return Inbox(
        items=[
            InboxItem(
                **_view(handoff).model_dump(),
                waiting_seconds=max(0, int((now - handoff.requested_at).total_seconds())),
                last_question=(what_they_asked(recent.get(handoff.conversation_id, [])) or "")[:500],
            )
            for handoff in handoffs
        ]
    )


def claim(
    *,
    uow: UnitOfWorkFactory,
    conversation_id: uuid.UUID,
    who: Principal,
    take_over: bool = False,
    seen_claim: dt.datetime | None = None,
) -> HandoffView:
    """Take the conversation; 409 when someone else has it (claiming it again is fine), unless
    an owner takes it over (a member gone home, or a claim made with a retired ADMIN_TOKEN):
    from the claim made at ``seen_claim`` if given (another claim since is a 409 too)."""
    if take_over:
        who.require(StaffRole.OWNER)
    with uow() as tx:
        handoff = _open_handoff(tx, conversation_id)
        claimed = handoff.status == HandoffStatus.WITH_HUMAN
        if take_over and seen_claim is not None and claimed and handoff.claimed_at != seen_claim:
            raise Conflict(
                f"{handoff.claimed_by} claimed this conversation meanwhile; look again before taking it over",
                code="already_claimed",
            )
        before = handoff.claimed_by if _held_by_another(tx, handoff, who) else None
        _claim(tx, handoff, who, dt.datetime.now(dt.UTC), take_over=take_over)
        view = _view(handoff)
    if before is not None:
        log.info("conversation %s taken over from %s by %s", conversation_id, before, who.name)
    return view


def reply(
    *,
    uow: UnitOfWorkFactory,
    conversation_id: uuid.UUID,
    who: Principal,
    content: str,
    settings: HandoffSettings,
) -> MessageView:
    """Write a staff reply into the shopper's chat (claiming a waiting conversation first)."""
    with uow() as tx:
        conversation = tx.conversations.get(conversation_id, for_update=True)
        if conversation is None:
            raise _not_found()
        now = dt.datetime.now(dt.UTC)  # once the row is ours: the message's place in time
        handoff = _open_handoff(tx, conversation_id)
        _claim(tx, handoff, who, now)  # a claim by this reply is no later than the reply
        message = tx.conversations.add_message(
            conversation,
            role=Role.AGENT,
            content=content,
            status=MessageStatus.COMPLETE,
            author=who.shown_as[:100],
            created_at=now,
            completed_at=now,
        )
        tx.session.flush()
        view = message_view(message)
        tx.handoffs.add_event(conversation_id, "message", view.model_dump(mode="json"))
        away = handoff.shopper_seen_at is None or now - handoff.shopper_seen_at > AWAY_AFTER
        if handoff.email and away:
            outbox.record(
                tx,
                enabled=settings.webhook,
                kind="handoff.email_request",
                conversation_id=conversation_id,
                email=handoff.email,
                reply=view.model_dump(mode="json"),
            )
    settings.kick_outbox()
    return view


def close(
    *, uow: UnitOfWorkFactory, conversation_id: uuid.UUID, who: Principal, status: HandoffStatus
) -> HandoffView:
    """Resolve the conversation or hand it back: either way the assistant answers again."""
    assert status in (HandoffStatus.RESOLVED, HandoffStatus.ASSISTANT)
    with uow() as tx:
        handoff = _open_handoff(tx, conversation_id)
        if _held_by_another(tx, handoff, who):
            raise _claimed_by(handoff)
        handoff.status = status
        event = StatusEventData.model_validate({"status": status.value, "author": who.shown_as[:100]})
        tx.handoffs.add_event(conversation_id, "status", event.model_dump())
        return _view(handoff)


def _open_handoff(tx: UnitOfWork, conversation_id: uuid.UUID) -> Handoff:
    """The conversation's open handoff, locked; a 409 for a conversation that has none (never
    asked for a person, or handed back), a 404 for one that does not exist."""
    handoff = tx.handoffs.get(conversation_id, for_update=True)
    if handoff is None and tx.conversations.get(conversation_id) is None:
        raise _not_found()
    if handoff is None or not handoff.open:
        raise Conflict("this conversation is not waiting for a person", code="not_handed_off")
    return handoff


def _claim(
    tx: UnitOfWork, handoff: Handoff, who: Principal, at: dt.datetime, take_over: bool = False
) -> None:
    if not take_over and _held_by_another(tx, handoff, who):
        raise _claimed_by(handoff)
    if handoff.status == HandoffStatus.WITH_HUMAN and _holder(handoff) == _identity(who):
        return  # claiming it again is fine
    handoff.status = HandoffStatus.WITH_HUMAN
    handoff.claimed_by, handoff.claimed_at = who.name, at
    handoff.claimed_by_staff_id = who.staff_id
    event = StatusEventData(status="with_human", author=who.shown_as[:100])
    tx.handoffs.add_event(handoff.conversation_id, "status", event.model_dump(), at=at)


def _identity(who: Principal) -> tuple[uuid.UUID | None, str | None]:
    """A member of staff by id; the bootstrap ADMIN_TOKEN (no staff row) by its name."""
    return (who.staff_id, None) if who.staff_id is not None else (None, who.name)


def _holder(handoff: Handoff) -> tuple[uuid.UUID | None, str | None]:
    if handoff.claimed_by_staff_id is not None:
        return handoff.claimed_by_staff_id, None
    return None, handoff.claimed_by  # the bootstrap owner (or a claim from before staff ids)


def _held_by_another(tx: UnitOfWork, handoff: Handoff, who: Principal) -> bool:
    """Whether someone else holds the claim: not ``who``, and still on the staff."""
    if handoff.status != HandoffStatus.WITH_HUMAN:
        return False
    holder_id, holder_name = _holder(handoff)
    if holder_id is not None:
        return holder_id != who.staff_id and tx.staff.is_active(holder_id)
    if holder_name == BOOTSTRAP_OWNER:
        return who.staff_id is not None  # the ADMIN_TOKEN's claim, not a member named "admin"
    return holder_name != who.name  # a claim made before 0010: by name, as it was made


def _claimed_by(handoff: Handoff) -> Conflict:
    return Conflict(f"{handoff.claimed_by} has already claimed this conversation", code="already_claimed")


def _not_found() -> NotFound:
    return NotFound("conversation not found", code="conversation_not_found")


def _view(handoff: Handoff) -> HandoffView:
    return HandoffView.model_validate(
        {
            "conversation_id": handoff.conversation_id,
            "status": handoff.status,
            "requested_at": handoff.requested_at,
            "language": handoff.language,
            "email": handoff.email,
            "note": handoff.note,
            "claimed_by": handoff.claimed_by,
            "claimed_by_id": handoff.claimed_by_staff_id,
            "claimed_at": handoff.claimed_at,
        }
    )
