"""The SQL of a turn's first transaction, and the one rule for what counts as history.

A turn's first transaction is one round trip: these statements do in one what would
otherwise be a lock, a read, two inserts and an update.
"""

from __future__ import annotations

import sqlalchemy as sa

# What was said in a conversation: the shopper's questions and the answers that completed.
# Failed or cut-off attempts are not part of it. (Alias ``m`` for messages.)
COUNTS_AS_HISTORY = "m.content <> '' AND (m.role = 'user' OR m.status IN ('complete', 'blocked'))"

_TURN_PARAMS = (
    sa.bindparam("cid", type_=sa.Uuid()),
    sa.bindparam("uid", type_=sa.Uuid()),
    sa.bindparam("aid", type_=sa.Uuid()),
    sa.bindparam("hash", type_=sa.LargeBinary()),
    sa.bindparam("now", type_=sa.DateTime(timezone=True)),
)

START_CONVERSATION = sa.text(
    """
    WITH conversation AS (
        INSERT INTO conversations
            (id, token_hash, message_count, summary_through_position, created_at, updated_at)
        VALUES (:cid, :hash, 2, 0, :now, :now)
    )
    INSERT INTO messages (id, conversation_id, position, role, content, status, client_message_id,
                          reply_to_id, created_at, updated_at)
    VALUES (:uid, :cid, 1, 'user', :question, 'complete', :cmid, NULL, :now, :now),
           (:aid, :cid, 2, 'assistant', '', 'streaming', NULL, :uid, :now, :now)
    """
).bindparams(*_TURN_PARAMS)

# One statement reads one snapshot: of two sends racing in one conversation, the second is
# stored after the first, but its history may not yet include the first question.
CONTINUE_CONVERSATION = sa.text(
    f"""
    WITH claimed AS (
        UPDATE conversations SET message_count = message_count + 2, updated_at = :now
        WHERE id = :cid AND token_hash = :hash
        RETURNING message_count, summary, summary_through_position
    ), inserted AS (
        INSERT INTO messages (id, conversation_id, position, role, content, status, client_message_id,
                              reply_to_id, created_at, updated_at)
        SELECT :uid, :cid, message_count - 1, 'user', :question, 'complete', :cmid, NULL, :now, :now
        FROM claimed
        UNION ALL
        SELECT :aid, :cid, message_count, 'assistant', '', 'streaming', NULL, :uid, :now, :now
        FROM claimed
    )
    SELECT claimed.summary, earlier.role, earlier.content
    FROM claimed
    LEFT JOIN LATERAL (
        SELECT m.role, m.content, m.position
        FROM messages m
        WHERE m.conversation_id = :cid
          AND m.position > claimed.summary_through_position
          AND m.position < claimed.message_count - 1
          AND {COUNTS_AS_HISTORY}
        ORDER BY m.position DESC
        LIMIT :window
    ) earlier ON true
    ORDER BY earlier.position DESC
    """  # noqa: S608 (COUNTS_AS_HISTORY is a constant of this module)
).bindparams(*_TURN_PARAMS)

HISTORY_BETWEEN = sa.text(
    f"""
    SELECT m.role, m.content
    FROM messages m
    WHERE m.conversation_id = :cid AND m.position > :after AND m.position < :before
      AND {COUNTS_AS_HISTORY}
    ORDER BY m.position DESC
    LIMIT :window
    """  # noqa: S608 (COUNTS_AS_HISTORY is a constant of this module)
).bindparams(sa.bindparam("cid", type_=sa.Uuid()))
