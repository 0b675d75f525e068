"""The transaction boundary: one short transaction and the repositories that work in it."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from types import TracebackType

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from common.errors import DatabaseUnavailable
from common.repositories import (
    AnalyticsRepository,
    ConsoleRepository,
    ConversationRepository,
    FeedbackRepository,
    HandoffRepository,
    KnowledgeRepository,
    OutboxRepository,
    RevisionRepository,
    StaffRepository,
)


class UnitOfWork:
    """``with uow() as tx:`` commits when the block ends normally and rolls back on any error.

    Database outages surface as ``DatabaseUnavailable``, never as a driver error.
    """

    session: Session
    conversations: ConversationRepository
    knowledge: KnowledgeRepository
    analytics: AnalyticsRepository
    staff: StaffRepository
    revisions: RevisionRepository
    feedback: FeedbackRepository
    console: ConsoleRepository
    handoffs: HandoffRepository
    outbox: OutboxRepository

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._transaction: contextlib.AbstractContextManager[Session] | None = None

    def __enter__(self) -> UnitOfWork:
        self._transaction = _transaction(self._sessions)
        self.session = self._transaction.__enter__()
        self.conversations = ConversationRepository(self.session)
        self.knowledge = KnowledgeRepository(self.session)
        self.analytics = AnalyticsRepository(self.session)
        self.staff = StaffRepository(self.session)
        self.revisions = RevisionRepository(self.session)
        self.feedback = FeedbackRepository(self.session)
        self.console = ConsoleRepository(self.session)
        self.handoffs = HandoffRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        assert self._transaction is not None, "a unit of work is entered before it is left"
        return self._transaction.__exit__(kind, error, tb)


UnitOfWorkFactory = Callable[[], UnitOfWork]


def make_unit_of_work(engine: Engine) -> UnitOfWorkFactory:
    """A factory of units of work on ``engine``."""
    return functools.partial(UnitOfWork, sessionmaker(engine, expire_on_commit=False))


@contextlib.contextmanager
def _transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    try:
        with sessions.begin() as session:
            yield session
    except sa_exc.TimeoutError as exc:
        raise DatabaseUnavailable("the database is busy right now (no free connection)") from exc
    except sa_exc.DBAPIError as exc:
        if database_outage(exc):
            raise DatabaseUnavailable("the database is not reachable right now") from exc
        raise


def database_outage(error: BaseException) -> bool:
    """Whether ``error`` (SQLAlchemy's or pg8000's) means the database cannot be reached now,
    as opposed to a bug in a statement."""
    import pg8000.exceptions  # type: ignore[import-untyped]

    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        return error.connection_invalidated or _server_unavailable(error.orig)
    if isinstance(error, pg8000.exceptions.InterfaceError | OSError):
        return True
    return isinstance(error, pg8000.exceptions.DatabaseError) and _server_unavailable(error)


# SQLSTATE classes of a server that is going away, not back yet or full: connection exceptions
# (08), insufficient resources (53: "too many clients already") and operator intervention (57:
# shutting down, "the database system is starting up").
_UNAVAILABLE_CLASSES = ("08", "53", "57")
# A database that refuses every session for now: not accepting connections (55000, ALTER DATABASE
# ... ALLOW_CONNECTIONS false) or gone (3D000: dropped, or renamed during maintenance). Only as
# the FATAL that ends a session; a refused login (class 28) stays a 500 that logs its traceback.
_REFUSING_DATABASE = ("55000", "3D000")


def _server_unavailable(error: BaseException | None) -> bool:
    """pg8000 reports some of these as ProgrammingError; they are an outage, not a bug."""
    details = error.args[0] if error is not None and error.args else None
    if not isinstance(details, dict):
        return False
    code, severity = details.get("C", ""), details.get("V", details.get("S", ""))
    if not isinstance(code, str):
        return False
    return code.startswith(_UNAVAILABLE_CLASSES) or (severity == "FATAL" and code in _REFUSING_DATABASE)
