"""Starting a turn: store the shopper's question and a placeholder for the answer, or find the
earlier turn that a repeated send (same ``client_message_id``) refers to."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from dataclasses import dataclass, field

from common.errors import (
    Conflict,
    ConversationErased,
    ConversationTaken,
    RepeatedSend,
    conversation_not_found,
)
from common.llm import AnswerSource, Turn
from common.models import MessageStatus
from common.repositories import ConversationRepository
from common.responses import MetaData
from common.tokens import TokenKeys, new_token
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

# A repeated send whose answer ended like this is answered anew; any other answer is
# replayed as stored (or followed while it is still being written).
RETRY_GENERATES = frozenset({MessageStatus.FAILED, MessageStatus.INTERRUPTED})
# How many earlier messages are read to build a prompt; the token budget trims further.
HISTORY_WINDOW = 60


@dataclass(frozen=True)
class TurnRequest:
    message: str
    conversation_id: uuid.UUID | None = None
    conversation_token: str | None = None
    client_message_id: str | None = None


@dataclass(frozen=True)
class TurnStarted:
    conversation_id: uuid.UUID
    conversation_token: str
    user_message_id: uuid.UUID
    assistant_message_id: uuid.UUID
    question: str
    history: list[Turn] = field(default_factory=list)
    summary: str | None = None
    # True when this request repeats an earlier one: nothing new was stored and the
    # existing answer is replayed instead of generated again.
    replay: bool = False
    # For a replay: where the stored answer came from (None while it is still being written).
    replay_source: str | None = None
    # Where the question sits in the conversation, and whether an answer before it is still
    # being written: then this answer waits for it, and reads its history again.
    user_position: int = 1
    earlier_pending: bool = False
    # Whether a person has the conversation, as the turn's statement saw it; None: not read.
    handoff_open: bool | None = False

    def meta(self, answer_source: AnswerSource) -> MetaData:
        return MetaData(
            answer_source=answer_source,
            conversation_id=self.conversation_id,
            conversation_token=self.conversation_token,
            user_message_id=self.user_message_id,
            assistant_message_id=self.assistant_message_id,
        )


def planned_turn(request: TurnRequest) -> TurnStarted | None:
    """The turn that the first message of a new conversation will be, its ids and token made
    now (so its answer can be started before the turn is stored); None for any other message
    (it might repeat an earlier send, and its prompt needs the stored history)."""
    if request.conversation_id is not None:
        return None
    return TurnStarted(uuid.uuid4(), new_token(), uuid.uuid4(), uuid.uuid4(), question=request.message)


def start_turn(
    *,
    uow: UnitOfWorkFactory,
    request: TurnRequest,
    keys: TokenKeys,
    lease_seconds: float,
    planned: TurnStarted | None = None,
) -> TurnStarted:
    """Store the shopper's message and a ``streaming`` placeholder for the answer, atomically.

    A ``conversation_id`` that does not exist is the client proposing a new conversation: it
    is created under that id and token. Raises ``NotFound`` for an id that exists under
    another token, or that staff erased. A repeated ``client_message_id`` replays or
    re-answers the earlier turn instead of storing the message twice (see
    ``RETRY_GENERATES``). The placeholder's lease lasts ``lease_seconds``; its writer renews
    it. ``planned`` (from ``planned_turn``) is the new conversation's turn as it is stored.
    """
    if planned is not None:
        with uow() as tx:
            tx.conversations.start_conversation(
                token_hash=keys.hash(planned.conversation_token),
                question=planned.question,
                client_message_id=request.client_message_id,
                lease_seconds=lease_seconds,
                conversation_id=planned.conversation_id,
                message_ids=(planned.user_message_id, planned.assistant_message_id),
            )
        return planned
    try:
        try:
            with uow() as tx:
                return _new_turn(tx.conversations, request, keys, lease_seconds)
        except ConversationErased:
            raise conversation_not_found() from None  # staff erased it: it stays gone
        except ConversationTaken:
            # Proposed meanwhile by a twin of this request, or in use under another token.
            with uow() as tx:
                return _new_turn(tx.conversations, request, keys, lease_seconds, may_create=False)
    except RepeatedSend:
        # Its transaction is gone; look at the earlier turn in a new one.
        log.info("repeated client_message_id: replaying or answering the earlier turn")
    with uow() as tx:
        return _repeated_turn(tx.conversations, request, keys, lease_seconds)


def _new_turn(
    repo: ConversationRepository,
    request: TurnRequest,
    keys: TokenKeys,
    lease_seconds: float,
    *,
    may_create: bool = True,
) -> TurnStarted:
    """The common case, in one statement (two for a conversation the client proposes)."""
    proposed = request.conversation_id
    if proposed is None:
        token = new_token()
        conversation_id, user_id, assistant_id = repo.start_conversation(
            token_hash=keys.hash(token),
            question=request.message,
            client_message_id=request.client_message_id,
            lease_seconds=lease_seconds,
        )
        return TurnStarted(conversation_id, token, user_id, assistant_id, question=request.message)
    token = request.conversation_token or ""
    # The stored value is a keyed hash of a 256-bit random token, so comparing it in SQL
    # reveals nothing useful through timing.
    continued = repo.continue_conversation(
        proposed,
        token_hash=keys.hash(token),
        question=request.message,
        client_message_id=request.client_message_id,
        history_limit=HISTORY_WINDOW,
        lease_seconds=lease_seconds,
    )
    if continued is None:
        if not may_create:
            raise conversation_not_found()
        return _proposed_turn(repo, request, keys.hash(token), lease_seconds)
    return TurnStarted(
        proposed,
        token,
        continued.user_message_id,
        continued.assistant_message_id,
        question=request.message,
        history=continued.history,
        summary=continued.summary,
        user_position=continued.user_position,
        earlier_pending=continued.earlier_pending,
        handoff_open=continued.handoff_open,
    )


def replays(*, uow: UnitOfWorkFactory, request: TurnRequest, keys: TokenKeys) -> bool:
    """Whether sending ``request`` would only replay a stored answer: the same message under a
    ``client_message_id`` already stored in the conversation its token opens, with an answer that
    is not answered anew (``RETRY_GENERATES``). Stores nothing of the request."""
    if request.conversation_id is None or request.client_message_id is None:
        return False
    with uow() as tx:
        repo = tx.conversations
        conversation = repo.get(request.conversation_id)
        if conversation is None or not keys.matches(request.conversation_token, conversation.token_hash):
            return False
        # As on every path that meets one: an answer whose writer died is resolved first, and
        # then counts as interrupted (answered anew), as ``_repeated_turn`` would find it.
        repo.expire_leases(conversation_id=conversation.id)
        earlier = repo.find_by_client_message_id(conversation.id, request.client_message_id)
        if earlier is None or earlier.content != request.message:
            return False
        reply = repo.latest_reply(earlier.id)
        return reply is not None and reply.status not in RETRY_GENERATES


def _proposed_turn(
    repo: ConversationRepository, request: TurnRequest, token_hash: bytes, lease_seconds: float
) -> TurnStarted:
    """A conversation the client proposed: created under its id (``ConversationTaken`` if it exists)."""
    assert request.conversation_id is not None
    _, user_id, assistant_id = repo.start_conversation(
        token_hash=token_hash,
        question=request.message,
        client_message_id=request.client_message_id,
        lease_seconds=lease_seconds,
        conversation_id=request.conversation_id,
    )
    token = request.conversation_token or ""
    return TurnStarted(request.conversation_id, token, user_id, assistant_id, question=request.message)


def _repeated_turn(
    repo: ConversationRepository, request: TurnRequest, keys: TokenKeys, lease_seconds: float
) -> TurnStarted:
    """A send whose client_message_id is already stored: replay its answer, or answer it again."""
    assert request.conversation_id is not None
    assert request.client_message_id is not None
    token = request.conversation_token or ""
    conversation = keys.require(repo.get(request.conversation_id, for_update=True), token)
    # An answer whose writer died is resolved first: it then counts as interrupted, and is answered anew.
    repo.expire_leases(conversation_id=conversation.id)
    earlier = repo.find_by_client_message_id(conversation.id, request.client_message_id)
    assert earlier is not None, "the unique constraint clashed on this id"
    if earlier.content != request.message:
        raise Conflict(
            "this client_message_id was already used for a different message", code="client_message_id_reused"
        )
    reply = repo.latest_reply(earlier.id)
    assert reply is not None, "a user message is always stored with its reply"
    started = TurnStarted(conversation.id, token, earlier.id, reply.id, question=earlier.content)
    if reply.status not in RETRY_GENERATES:
        return dataclasses.replace(started, replay=True, replay_source=reply.source)
    # The earlier answer failed: answer the same stored question again.
    assistant = repo.add_placeholder(conversation, reply_to_id=earlier.id, lease_seconds=lease_seconds)
    history = repo.history(
        conversation.id,
        after_position=conversation.summary_through_position,
        before_position=earlier.position,
        limit=HISTORY_WINDOW,
    )
    return TurnStarted(
        conversation.id,
        token,
        earlier.id,
        assistant.id,
        question=earlier.content,
        history=history,
        summary=conversation.summary,
        user_position=earlier.position,
        earlier_pending=repo.earlier_answer_streaming(conversation.id, before_position=earlier.position),
        handoff_open=None,
    )
