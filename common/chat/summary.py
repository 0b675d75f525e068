"""Summaries of long conversations, so the prompt stays within its token budget."""

from __future__ import annotations

import logging
import uuid

from common.chat.prompt import estimate_tokens, trim_to_budget
from common.errors import AppError, ModelError
from common.llm import LLMClient, Prompt, Turn
from common.models import Role
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

SUMMARY_INSTRUCTION = (
    "You summarise a customer-support chat between a shopper and a shop's assistant. Write at "
    "most 150 words in the third person: what the shopper asked or wanted, what they were told, "
    "and anything still open. Keep facts (countries, products, dates) exactly; add nothing."
)
# Most messages read to write one summary; older ones are covered by the previous summary.
SUMMARY_WINDOW = 400
# Most characters of transcript sent to the summariser.
TRANSCRIPT_CHARS = 24_000


def summarise_if_needed(
    *, uow: UnitOfWorkFactory, llm: LLMClient, conversation_id: uuid.UUID, budget: int
) -> bool:
    """When the unsummarised turns exceed ``budget`` tokens, fold the older ones into the summary.

    Keeps the newest turns worth half the budget verbatim. Returns whether a summary was written.
    Failures are logged and leave the conversation as it was (trimming still bounds the prompt).
    """
    try:
        with uow() as tx:
            conversation = tx.conversations.get(conversation_id)
            if conversation is None:
                return False
            through = conversation.summary_through_position
            previous = conversation.summary
            messages = tx.conversations.messages_after(
                conversation_id, after_position=through, limit=SUMMARY_WINDOW
            )
        turns = [Turn.from_stored(m.role, m.content) for m in messages]
        if sum(estimate_tokens(t.text) for t in turns) <= budget:
            return False
        keep = len(trim_to_budget(turns, budget // 2))
        older = messages[: len(messages) - keep]
        if not older:
            return False
        transcript = "\n".join(
            f"{'Shopper' if m.role == Role.USER else 'Assistant'}: {m.content}" for m in older if m.content
        )[-TRANSCRIPT_CHARS:]
        request = f"Earlier summary:\n{previous}\n\nConversation:\n{transcript}" if previous else transcript
        summary = llm.complete(Prompt(system_instruction=SUMMARY_INSTRUCTION, turns=[Turn("user", request)]))
        if not summary.strip():
            return False
        with uow() as tx:
            return tx.conversations.set_summary(
                conversation_id,
                summary.strip(),
                through_position=older[-1].position,
                expected_through=through,
            )
    except (ModelError, AppError) as exc:
        log.warning("summary skipped: %s", exc)
        return False
    except Exception as exc:
        # Never let background work die silently; trimming still bounds the prompt.
        log.error("summary failed: %s", type(exc).__name__)
        return False
