"""How a question would be answered with a draft of an entry, before it is published."""

from __future__ import annotations

import dataclasses

from common.chat.prompt import build_prompt
from common.console.responses import PreviewAnswer
from common.errors import ModelError, ServiceUnavailable
from common.knowledge.answering.answerer import KnowledgeAnswerer
from common.knowledge.entries import Kind, Knowledge, KnowledgeEntry
from common.knowledge.grounding import build_system_instruction
from common.llm import LLMClient, Prompt, TextDelta, Turn

# A preview is one question, no history: a small budget is plenty.
_PREVIEW_TOKEN_BUDGET = 2000


@dataclasses.dataclass(frozen=True)
class Draft:
    """An entry as the editor has it now (not saved); ``key`` replaces the stored entry."""

    key: str
    title: str
    content: str
    kind: Kind


def with_draft(knowledge: Knowledge, draft: Draft | None, *, removed: str | None = None) -> Knowledge:
    """The knowledge as it would be after publishing ``draft`` (or deleting ``removed``)."""
    kept = tuple(e for e in knowledge.entries if e.key not in {removed, draft.key if draft else None})
    added = (KnowledgeEntry(draft.key, draft.title, draft.content, draft.kind),) if draft else ()
    return Knowledge(version=knowledge.version, entries=kept + added)


def preview_answer(*, knowledge: Knowledge, question: str, model: LLMClient | None) -> PreviewAnswer:
    """Answer ``question`` from ``knowledge`` the way the chat would: by the model when one is
    configured, otherwise by the knowledge answerer. Nothing is stored."""
    client: LLMClient = model if model is not None else KnowledgeAnswerer(knowledge)
    if model is None:
        prompt = Prompt(system_instruction="", turns=[Turn("user", question)])
    else:
        prompt = build_prompt(
            system_instruction=build_system_instruction(knowledge),
            history=[],
            message=question,
            budget=_PREVIEW_TOKEN_BUDGET,
        )
    try:
        text = "".join(event.text for event in client.stream(prompt) if isinstance(event, TextDelta))
    except ModelError as exc:
        # The chat would answer from the knowledge base instead; a preview says why it cannot.
        message = f"the model could not answer the preview: {exc.message}"
        raise ServiceUnavailable(message, code=exc.code) from exc
    return PreviewAnswer(answer=text, source=client.source, model=client.model)
