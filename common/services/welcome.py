"""What the chat page shows before the first question: how answers are made, and questions to
start with (the shop's own FAQ, so its edits show up within the cache TTL)."""

from __future__ import annotations

from common.knowledge.entries import Knowledge
from common.llm import AnswerSource
from common.responses import Suggestion, Suggestions

MAX_SUGGESTIONS = 4


def suggestions(*, knowledge: Knowledge, mode: AnswerSource) -> Suggestions:
    return Suggestions(
        mode=mode,
        suggestions=[Suggestion(key=e.key, question=e.title) for e in knowledge.faq[:MAX_SUGGESTIONS]],
    )
