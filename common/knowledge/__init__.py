"""The shop's knowledge: entries and grounding, the per-instance cache, retrieval, and the
answerer that speaks for the shop without a model."""

from common.knowledge.entries import DEFAULT_ENTRIES, DEFAULT_KNOWLEDGE, Kind, Knowledge, KnowledgeEntry

__all__ = ["DEFAULT_ENTRIES", "DEFAULT_KNOWLEDGE", "Kind", "Knowledge", "KnowledgeEntry"]
