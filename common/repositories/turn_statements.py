"""The SQL of a turn's first transaction, and the one rule for what counts as history.

A turn's first transaction is one round trip: these statements do in one what would
otherwise be a lock, a read, two inserts and an update.
"""

from __future__ import annotations

import sqlalchemy as sa

# What was said in a conversation: the shopper's questions and the answers that completed.
# Failed or cut-off attempts are not part of it. (Alias ``m`` for messages.)
COUNTS_AS_HISTORY = "m.content <> '' AND (m.role = 'user' OR m.status IN ('complete', 'blocked'))"

# A streaming answer whose writer stopped renewing its lease (a row from before leases
# existed counts from its last checkpoint). (Alias ``m`` for messages.)
LEASE_EXPIRED = (
    "(m.lease_expires_at < now()"
    " OR (m.lease_expires_at IS NULL AND m.updated_at < now() - interval '5 minutes'))"
)
# The lease a new placeholder starts with, ``:lease`` seconds from now.
_NEW_LEASE = "now() + make_interval(secs => :lease)"

_TURN_PARAMS = (
    sa.bindparam("cid", type_=sa.Uuid()),
    sa.bindparam("uid", type_=sa.Uuid()),
    sa.bindparam("aid", type_=sa.Uuid()),
    sa.bindparam("hash", type_=sa.LargeBinary()),
    sa.bindparam("now", type_=sa.DateTime(timezone=True)),
    sa.bindparam("lease", type_=sa.Float()),
)

START_CONVERSATION = sa.text(
    f"""
    WITH conversation AS (
        INSERT INTO conversations
            (id, token_hash, message_count, summary_through_position, created_at, updated_at)
        SELECT :cid, :hash, 2, 0, :now, :now
        WHERE NOT EXISTS (SELECT 1 FROM erased_conversations WHERE id = :cid)
    )
    INSERT INTO messages (id, conversation_id, position, role, content, status, client_message_id,
                          reply_to_id, created_at, updated_at, lease_expires_at)
    VALUES (:uid, :cid, 1, 'user', :question, 'complete', :cmid, NULL, :now, :now, NULL),
           (:aid, :cid, 2, 'assistant', '', 'streaming', NULL, :uid, :now, :now, {_NEW_LEASE})
    """  # noqa: S608 (_NEW_LEASE is a constant of this module)
).bindparams(*_TURN_PARAMS)

# One statement reads one snapshot: of two sends racing in one conversation, the second is
# stored after the first, but its history may not yet include the first question. It then
# reports ``earlier_pending``, as it does while an earlier answer is still being written
# (live lease): that turn waits and reads its history again. Expired answers in the
# conversation are resolved on the way.
CONTINUE_CONVERSATION = sa.text(
    f"""
    WITH claimed AS (
        UPDATE conversations SET message_count = message_count + 2, updated_at = :now
        WHERE id = :cid AND token_hash = :hash
        RETURNING message_count, summary, summary_through_position
    ), expired AS (
        UPDATE messages m
        SET status = 'interrupted', error_code = 'answer_lost', finish_reason = 'error',
            updated_at = :now, completed_at = :now
        WHERE m.conversation_id = :cid AND m.status = 'streaming' AND {LEASE_EXPIRED}
          AND EXISTS (SELECT 1 FROM claimed)
        RETURNING m.id
    ), inserted AS (
        INSERT INTO messages (id, conversation_id, position, role, content, status, client_message_id,
                              reply_to_id, created_at, updated_at, lease_expires_at)
        SELECT :uid, :cid, message_count - 1, 'user', :question, 'complete', :cmid, NULL, :now, :now, NULL
        FROM claimed
        UNION ALL
        SELECT :aid, :cid, message_count, 'assistant', '', 'streaming', NULL, :uid, :now, :now, {_NEW_LEASE}
        FROM claimed
    ), pending AS (
        SELECT EXISTS (
                   SELECT 1 FROM messages m
                   WHERE m.conversation_id = :cid AND m.status = 'streaming' AND NOT {LEASE_EXPIRED}
               )
               OR coalesce((SELECT max(m.position) FROM messages m WHERE m.conversation_id = :cid), 0)
                  < (SELECT message_count - 2 FROM claimed) AS earlier_pending
    )
    SELECT claimed.summary, claimed.summary_through_position, claimed.message_count,
           pending.earlier_pending, earlier.role, earlier.content,
           -- a person has the conversation: the assistant does not answer (common/handoff/gate.py)
           EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = :cid
                   AND h.status IN ('waiting_for_human', 'with_human')) AS handoff_open
    FROM claimed
    CROSS JOIN pending
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
    """  # noqa: S608 (the interpolated parts are constants of this module)
).bindparams(*_TURN_PARAMS)

# Resolve the conversation's answers whose writer died (all conversations when :cid is NULL,
# except the ids in :keep, which this instance is still writing).
EXPIRE_LEASES = sa.text(
    f"""
    UPDATE messages m
    SET status = 'interrupted', error_code = 'answer_lost', finish_reason = 'error',
        updated_at = now(), completed_at = now()
    WHERE m.status = 'streaming' AND {LEASE_EXPIRED}
      AND (CAST(:cid AS uuid) IS NULL OR m.conversation_id = :cid)
      AND NOT (m.id = ANY(:keep))
    RETURNING m.id
    """  # noqa: S608 (LEASE_EXPIRED is a constant of this module)
).bindparams(sa.bindparam("cid", type_=sa.Uuid()), sa.bindparam("keep", type_=sa.ARRAY(sa.Uuid())))

# Whether an answer before ``:position`` in the conversation is still being written.
EARLIER_ANSWER_STREAMING = sa.text(
    f"""
    SELECT EXISTS (
        SELECT 1 FROM messages m
        WHERE m.conversation_id = :cid AND m.position < :position
          AND m.role = 'assistant' AND m.status = 'streaming' AND NOT {LEASE_EXPIRED}
    )
    """  # noqa: S608 (LEASE_EXPIRED is a constant of this module)
).bindparams(sa.bindparam("cid", type_=sa.Uuid()))

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
