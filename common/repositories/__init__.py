"""Every query, one repository per aggregate. Repositories never commit."""

from common.repositories.analytics import AnalyticsRepository
from common.repositories.conversations import ContinuedTurn, ConversationRepository
from common.repositories.knowledge import KnowledgeRepository

__all__ = ["AnalyticsRepository", "ContinuedTurn", "ConversationRepository", "KnowledgeRepository"]
