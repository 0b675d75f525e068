"""Turns of one conversation are answered in order: a turn sent while an earlier answer is
still being written waits for it, and is answered with that question and answer in its prompt."""

from __future__ import annotations

import dataclasses
import logging
import time

from common.chat.generation import AnswerJob
from common.chat.prompt import build_prompt
from common.chat.settings import ChatSettings
from common.chat.turns import HISTORY_WINDOW, TurnStarted
from common.errors import DatabaseUnavailable
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


def after_earlier_answers(
    uow: UnitOfWorkFactory, settings: ChatSettings, turn: TurnStarted, job: AnswerJob
) -> AnswerJob:
    """Wait until no answer before this turn is being written, then rebuild the prompt from
    the history as stored now. Polls Postgres (no connection is held while waiting), so it
    works whichever instance writes the earlier answer; a dead writer's lease runs out."""
    give_up_at = time.monotonic() + settings.deadline_seconds + settings.final_save_window_seconds
    while time.monotonic() < give_up_at:
        try:
            with uow() as tx:
                tx.conversations.expire_leases(conversation_id=turn.conversation_id)
                if not tx.conversations.earlier_answer_streaming(
                    turn.conversation_id, before_position=turn.user_position
                ):
                    break
        except DatabaseUnavailable:
            pass  # keep waiting: the earlier answer cannot be stored either
        time.sleep(settings.checkpoint_interval_seconds)
    else:
        log.warning("an earlier answer is still streaming; answering without waiting longer")
    with uow() as tx:
        conversation = tx.conversations.get(turn.conversation_id)
        assert conversation is not None, "the turn was stored in it"
        history = tx.conversations.history(
            turn.conversation_id,
            after_position=conversation.summary_through_position,
            before_position=turn.user_position,
            limit=HISTORY_WINDOW,
        )
    prompt = build_prompt(
        system_instruction=job.prompt.system_instruction,
        history=history,
        message=turn.question,
        budget=settings.history_token_budget,
        summary=conversation.summary,
        offers_handoff=job.prompt.offers_handoff,
    )
    return dataclasses.replace(job, prompt=prompt)
