"""The shop's knowledge: entries and their revisions, the store and the per-instance cache, the
grounding a model gets; ``reading`` (questions and pages read into terms), ``search`` (what
answers a question) and ``answering`` (speaking for the shop without a model)."""

from common.knowledge.entries import DEFAULT_ENTRIES, DEFAULT_KNOWLEDGE, Kind, Knowledge, KnowledgeEntry

__all__ = ["DEFAULT_ENTRIES", "DEFAULT_KNOWLEDGE", "Kind", "Knowledge", "KnowledgeEntry"]
