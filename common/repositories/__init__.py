"""Every query, one repository per aggregate. Repositories never commit."""

from common.repositories.analytics import AnalyticsRepository
from common.repositories.console import ConsoleRepository, ConversationFilter
from common.repositories.conversations import ContinuedTurn, ConversationRepository
from common.repositories.feedback import FeedbackRepository
from common.repositories.handoffs import HandoffRepository, OutboxRepository
from common.repositories.knowledge import KnowledgeRepository
from common.repositories.revisions import RevisionRepository
from common.repositories.staff import StaffRepository

__all__ = [
    "AnalyticsRepository",
    "ConsoleRepository",
    "ContinuedTurn",
    "ConversationFilter",
    "ConversationRepository",
    "FeedbackRepository",
    "HandoffRepository",
    "KnowledgeRepository",
    "OutboxRepository",
    "RevisionRepository",
    "StaffRepository",
]
