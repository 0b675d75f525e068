"""Fill a database with realistic console data: ``python -m scripts.seed_console --messages 100000``.

Conversations of 1-4 turns spread over the last 30 days (more recent days busier), answers from
the model, the knowledge base and the fallback with tokens, cost and timings, some failures,
some "not covered" answers and shoppers' ratings. Inserted in bulk; about 20 s for 100,000
messages on a laptop. Uses DATABASE_URL (migrated first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import uuid
from typing import Any

import sqlalchemy as sa

from common.db import create_db_engine
from common.migrate import upgrade_to_head
from common.models import Conversation, Feedback, Message

QUESTIONS = [
    "How long does shipping to {place} take?",
    "Do you ship to {place}?",
    "How much is express shipping to {place}?",
    "Can I return a {item} I bought on sale?",
    "How do I get a refund for my {item}?",
    "My {item} arrived damaged, what now?",
    "When is your support team open on {day}?",
    "Can I change the delivery address of my {item} order?",
    "Do you sell gift cards for {item}s?",
    "Can I pay for a {item} with bitcoin?",
    "Is there a student discount on {item}s?",
    "Where is my {item}? It has not arrived after 10 days.",
]
PLACES = ["Germany", "Austria", "France", "Norway", "the UK", "Switzerland", "Italy", "Spain", "Poland"]
ITEMS = ["jacket", "lamp", "backpack", "mug", "sweater", "kettle", "notebook", "scarf"]
DAYS = ["Saturday", "Sunday", "Monday", "a public holiday", "Friday evening"]
NOT_COVERED = "I couldn't find an answer to that in our help pages, so I don't want to guess."


def _question(rng: random.Random) -> str:
    return rng.choice(QUESTIONS).format(
        place=rng.choice(PLACES), item=rng.choice(ITEMS), day=rng.choice(DAYS)
    )


def _answer(rng: random.Random, question: str, at: dt.datetime) -> dict[str, Any]:
    roll = rng.random()
    source = "model" if roll < 0.8 else ("knowledge" if roll < 0.93 else "fallback")
    status = "complete" if rng.random() > 0.03 else rng.choice(["failed", "interrupted"])
    not_covered = "bitcoin" in question or "gift card" in question or "discount" in question
    text = (
        NOT_COVERED
        if not_covered
        else f"Thanks for asking about that! {question} Here is what our policy says."
    )
    model = {"model": "gemini-2.5-flash", "knowledge": "knowledge-base", "fallback": "knowledge-base"}[source]
    tokens_in, tokens_out = (rng.randint(600, 2400), rng.randint(40, 400)) if source == "model" else (0, 0)
    ttft = int(rng.lognormvariate(5.8, 0.35)) if source == "model" else rng.randint(2, 15)
    return {
        "content": text if status == "complete" else text[: rng.randint(0, 30)],
        "status": status,
        "source": source,
        "model": model,
        "input_tokens": tokens_in,
        "output_tokens": tokens_out,
        "cost_usd": (tokens_in * 0.30 + tokens_out * 2.50) / 1e6,
        "time_to_first_token_ms": ttft,
        "duration_ms": ttft + rng.randint(200, 3000),
        "finish_reason": "stop" if status == "complete" else None,
        "error_code": None if status == "complete" else "model_unavailable",
        "knowledge_version": 1,
        "completed_at": at + dt.timedelta(seconds=2),
    }


def seed(url: str, *, messages: int, days: int = 30, seed: int = 1) -> int:
    """Insert about ``messages`` messages; returns how many were inserted."""
    rng = random.Random(seed)
    engine = create_db_engine(url)
    now = dt.datetime.now(dt.UTC)
    conversations: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    while len(rows) < messages:
        # Skewed towards recent days, as a growing shop's traffic is; over (a rating a minute after
        # the last answer included) before now, so nothing is dated in the future.
        cid, turns = uuid.uuid4(), rng.randint(1, 4)
        gaps = [dt.timedelta(seconds=rng.randint(20, 300)) for _ in range(turns)]
        span = sum(gaps[:-1], dt.timedelta(minutes=1, seconds=1))
        started = now - span - dt.timedelta(seconds=days * 86400 * rng.random() ** 1.5)
        at = started
        for turn, gap in enumerate(gaps):
            question = _question(rng)
            qid, aid = uuid.uuid4(), uuid.uuid4()
            base = {"conversation_id": cid, "client_message_id": None, "updated_at": at}
            question_row = {"id": qid, "position": 2 * turn + 1, "role": "user", "content": question}
            rows.append({**base, **question_row, "status": "complete", "reply_to_id": None, "created_at": at})
            answer = _answer(rng, question, at)
            rows.append({**base, "id": aid, "position": 2 * turn + 2, "role": "assistant", "reply_to_id": qid,
                         "created_at": at + dt.timedelta(milliseconds=5), **answer})  # fmt: skip
            if answer["status"] == "complete" and rng.random() < 0.06:
                down = answer["content"] == NOT_COVERED or rng.random() < 0.25
                ratings.append({"message_id": aid, "conversation_id": cid, "rating": "down" if down else "up",
                                "comment": "Not helpful" if down and rng.random() < 0.3 else None,
                                "created_at": at + dt.timedelta(minutes=1), "updated_at": at})  # fmt: skip
            last, at = at, at + gap
        conversation = {"id": cid, "token_hash": secrets.token_bytes(32), "message_count": 2 * turns}
        conversations.append(
            {**conversation, "summary_through_position": 0, "created_at": started, "updated_at": last}
        )
    # executemany takes its columns from the first row: give every message the same keys.
    columns = set().union(*(row.keys() for row in rows[:2]))
    rows = [dict.fromkeys(columns) | row for row in rows]
    with engine.begin() as conn:
        for table, batch in ((Conversation, conversations), (Message, rows), (Feedback, ratings)):
            for start in range(0, len(batch), 5000):
                conn.execute(sa.insert(table), batch[start : start + 5000])
        conn.execute(sa.text("ANALYZE conversations; ANALYZE messages; ANALYZE feedback"))
    engine.dispose()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    options = parser.parse_args()
    if not options.database_url:
        parser.error("set DATABASE_URL (or --database-url)")
    upgrade_to_head(options.database_url)
    print(f"inserted {seed(options.database_url, messages=options.messages)} messages")


if __name__ == "__main__":
    main()
