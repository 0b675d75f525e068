"""The chat's side of a handoff: while a person has the conversation the assistant does not
answer (the message is stored and acknowledged), and "can I talk to a human?" hands it over,
whether the phrase is recognised here or the model recognises the request (``hand_over``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from common.chat.events import done_event
from common.chat.following import AnswerReader, StoredAnswer
from common.chat.turns import TurnStarted
from common.handoff import outbox
from common.handoff.phrases import accepts_the_offer, asks_for_a_person, held_notice, language_of
from common.handoff.requests import HANDOFF_SOURCE, HandoffSettings, open_handoff, pending_notice_now
from common.knowledge.entries import Knowledge
from common.models import Handoff, HandoffStatus, MessageStatus, utcnow
from common.schemas import HandoffBody
from common.unit_of_work import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, kw_only=True)
class HandoffGate:
    """``ChatService`` asks this before answering a turn; None means "answer as usual"."""

    uow: UnitOfWorkFactory
    settings: HandoffSettings
    knowledge: Callable[[], Knowledge]

    def __call__(self, turn: TurnStarted) -> AnswerReader | None:
        asked = asks_for_a_person(turn.question)
        # "Yes" to the assistant's offer of a person just before: in the offer's language.
        accepted = not asked and accepts_the_offer(turn.question, turn.history)
        asked = asked or accepted
        if turn.handoff_open is False and not asked:
            return None  # the turn's own statement saw no handoff: no transaction needed
        with self.uow() as tx:
            handoff = tx.handoffs.get(turn.conversation_id)
            if handoff is not None and handoff.open:
                text = self._held(tx, turn, handoff)
            elif asked:
                text = self._hand_over(tx, turn, turn.history[-1].text if accepted else turn.question)
            else:
                return None
            _store_answer(tx, turn, text)
        self.settings.kick_outbox()
        return StoredAnswer(text, done_event(turn.assistant_message_id, "handoff", 0, 0))

    def asked_for(self, question: str) -> bool:
        return asks_for_a_person(question)

    def hand_over(self, turn: TurnStarted, said: str, figures: Mapping[str, Any]) -> str:
        """The model recognised a clear request for a person: hand over as if the shopper had
        typed the phrase, opening the handoff and storing the answer in one transaction.

        The answer keeps what the model wrote first (``said``) and its ``figures`` (model,
        tokens, cost), so the call is accounted for. Returns the text that follows ``said``.
        """
        with self.uow() as tx:
            notice = self._hand_over(tx, turn, turn.question)
            added = f"\n\n{notice}" if said.strip() else notice
            _store_answer(tx, turn, said + added, **figures)
        self.settings.kick_outbox()
        return added

    def _held(self, tx: UnitOfWork, turn: TurnStarted, handoff: Handoff) -> str:
        """The message is the team's to answer: acknowledged, unless a person is chatting
        (has replied since claiming it), whom a notice after every message would interrupt."""
        outbox.record(
            tx,
            enabled=self.settings.webhook,
            kind="handoff.message",
            conversation_id=turn.conversation_id,
            message_id=str(turn.user_message_id),
            content=turn.question,
        )
        if handoff.status == HandoffStatus.WITH_HUMAN and tx.handoffs.replied_since(
            turn.conversation_id, handoff.claimed_at or handoff.requested_at
        ):
            return ""
        return held_notice(handoff.language or language_of(turn.question))

    def _hand_over(self, tx: UnitOfWork, turn: TurnStarted, said: str) -> str:
        """Open the handoff, in the language of what the shopper ``said`` (or agreed to)."""
        language = language_of(said)
        request = HandoffBody(conversation_id=turn.conversation_id)
        open_handoff(tx, turn.conversation_id, request=request, language=language, settings=self.settings)
        return pending_notice_now(self.settings, self.knowledge(), language)[1]


def _store_answer(tx: UnitOfWork, turn: TurnStarted, text: str, **figures: Any) -> None:
    """The turn's answer is the handoff's notice, told apart from the assistant's answers, and
    dated when it was written: after the handoff it tells of (the console lists both by time)."""
    tx.conversations.finish_message(
        turn.assistant_message_id,
        content=text,
        status=MessageStatus.COMPLETE,
        source=HANDOFF_SOURCE,
        finish_reason="handoff",
        created_at=utcnow(),
        **figures,
    )
