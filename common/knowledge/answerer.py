"""Answers from the shop's knowledge base without a model, streamed like a model's.

Used when no model is configured, as the fallback when the model fails before its first
token, and (optionally) to answer a confident FAQ match without a model call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from common.knowledge.entries import Knowledge, KnowledgeEntry
from common.knowledge.retrieval import KnowledgeIndex, knowledge_index
from common.llm import AnswerSource, Prompt, StreamEnd, StreamEvent, TextDelta

# The model name recorded with answers taken from the knowledge base.
KNOWLEDGE_MODEL = "knowledge-base"


def knowledge_answer(index: KnowledgeIndex, question: str, entry: KnowledgeEntry | None = None) -> str:
    """The text answering ``question`` from the knowledge base, clearly marked as such."""
    if entry is None:
        match = index.best(question)
        entry = match.entry if match else None
    if entry is None:
        contact = next((e for e in index.knowledge.entries if e.key == "support-hours"), None)
        text = (
            "I couldn't find an answer to that in our help pages, so I don't want to guess. "
            "Our support team can help you personally."
        )
        if contact is not None:
            text += f"\n\n**{contact.title}**: {contact.content}"
        return text
    if entry.kind == "faq":
        return f"From our help pages, **{entry.title}**\n\n{entry.content}"
    return f"From our help pages, **{entry.title}**:\n\n{entry.content}"


class KnowledgeAnswerer:
    """An ``LLMClient`` that answers from the knowledge base, streamed a few words at a time."""

    model = KNOWLEDGE_MODEL
    source: AnswerSource = "knowledge"

    def __init__(
        self, knowledge: Knowledge, *, entry: KnowledgeEntry | None = None, words_per_chunk: int = 3
    ) -> None:
        # The index is built on first use (and then cached per version), so a fallback that
        # is never needed costs nothing.
        self._knowledge = knowledge
        self._entry = entry
        self._words_per_chunk = words_per_chunk

    def stream(self, prompt: Prompt) -> Iterator[StreamEvent]:
        question = next((t.text for t in reversed(prompt.turns) if t.role == "user"), "")
        words = re.split(
            r"(?<=\s)", knowledge_answer(knowledge_index(self._knowledge), question, self._entry)
        )
        for start in range(0, len(words), self._words_per_chunk):
            yield TextDelta("".join(words[start : start + self._words_per_chunk]))
        yield StreamEnd("stop", 0, 0)

    def complete(self, prompt: Prompt) -> str:
        return ""
