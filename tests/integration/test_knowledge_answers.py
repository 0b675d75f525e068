"""Answers from the knowledge base through chat_stream, and hybrid grounding with a model key."""

from __future__ import annotations

from flask.testing import FlaskClient

from common import runtime
from common.knowledge.store import backfill_embeddings
from tests.conftest import make_client
from tests.support import Env, send

ADMIN = {"Authorization": "Bearer s3cret-admin"}


def _knowledge_chat(env: Env) -> FlaskClient:
    env.set(GEMINI_API_KEY=None)
    return make_client("chat_stream")


def test_a_knowledge_answer_names_its_sources_in_done_history_and_replays(env: Env) -> None:
    chat = _knowledge_chat(env)
    history = make_client("history")

    turn = send(chat, "Wie lange dauert der Versand nach Spanien?", client_message_id="m-1")
    cid, token = turn.meta["conversation_id"], turn.meta["conversation_token"]
    replay = send(
        chat,
        "Wie lange dauert der Versand nach Spanien?",
        conversation_id=cid,
        token=token,
        client_message_id="m-1",
    )
    page = history.get(f"/?conversation_id={cid}", headers={"X-Conversation-Token": token}).get_json()

    sources = [{"key": "delivery", "title": "Delivery times"}]
    assert turn.text.startswith("Unsere Hilfeseiten gibt es nur auf Englisch")
    assert "3-7 working days" in turn.text
    assert turn.last.event == "done"
    assert turn.last.data["sources"] == sources
    assert replay.last.data["sources"] == sources
    assert replay.text == turn.text
    assert page["messages"][0]["sources"] == []
    assert page["messages"][1]["sources"] == sources
    assert env.fake.requests == []


def test_a_follow_up_without_a_model_is_answered_about_the_conversations_topic(env: Env) -> None:
    chat = _knowledge_chat(env)

    first = send(chat, "How long does shipping take?")
    cid, token = first.meta["conversation_id"], first.meta["conversation_token"]
    follow_up = send(chat, "How much is it to Norway?", conversation_id=cid, token=token)

    assert "3-7 working days" in first.text
    assert "Standard shipping costs 4.95 EUR" in follow_up.text
    assert follow_up.last.data["sources"] == [{"key": "shipping", "title": "Shipping"}]


def test_small_talk_gets_a_friendly_reply_without_sources(env: Env) -> None:
    chat = _knowledge_chat(env)

    turn = send(chat, "hi")

    assert turn.text.startswith("Hi! How can I help you?")  # the page's brand names the assistant
    assert turn.last.data["sources"] == []
    assert len(turn.deltas) > 3


def test_a_model_answer_has_no_sources(env: Env, chat: FlaskClient) -> None:
    turn = send(chat, "Is shipping free?")

    assert turn.meta["answer_source"] == "model"
    assert turn.last.data["sources"] == []
    assert env.query("SELECT sources FROM messages WHERE role = 'assistant'")[0].sources is None


def test_a_saved_entry_is_embedded_and_a_failing_embed_call_keeps_the_edit(env: Env) -> None:
    env.set(ADMIN_TOKEN="s3cret-admin")
    admin = make_client("policies")
    body = {"title": "Do you gift-wrap?", "content": "Yes, for 3 EUR at checkout.", "kind": "faq"}

    first = admin.put("/faq-gift-wrap", json=body, headers=ADMIN)
    env.fake.embed_failures = 10
    second = admin.put("/faq-gift-wool", json=body, headers=ADMIN)

    rows = env.query(
        "SELECT key, length(embedding) AS size, embedding_model FROM knowledge_entries"
        " WHERE key LIKE 'faq-gift-%' ORDER BY key"
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert [(r.key, r.size, r.embedding_model) for r in rows] == [
        ("faq-gift-wool", None, None),
        ("faq-gift-wrap", 768 * 4, "gemini-embedding-001"),
    ]
    env.fake.embed_failures = 0
    stored = backfill_embeddings(uow=runtime.unit_of_work(), embedder=runtime.embedder(), limit=100)  # type: ignore[arg-type]
    assert stored == 10  # the one that failed and the nine seeded entries
    assert env.count("knowledge_entries WHERE embedding IS NULL") == 0


def test_knowledge_over_the_budget_grounds_each_question_with_its_top_entries(env: Env) -> None:
    env.set(KNOWLEDGE_TOKEN_BUDGET="500", KNOWLEDGE_TOP_ENTRIES="2")
    backfill_embeddings(uow=runtime.unit_of_work(), embedder=runtime.embedder(), limit=100)  # type: ignore[arg-type]
    chat = make_client("chat_stream")

    send(chat, "Which payment methods do you accept?")

    instruction = env.fake.stream_requests()[0].system_instruction
    assert "Q: Which payment methods do you accept?" in instruction
    assert "only the parts most relevant" in instruction
    assert instruction.count("## ") + instruction.count("Q: ") == 2
    embedded = [r.body["requests"][0] for r in env.fake.embed_requests()]
    assert embedded[-1]["taskType"] == "RETRIEVAL_QUERY"


def test_knowledge_within_the_budget_is_sent_whole_without_embedding_calls(
    env: Env, chat: FlaskClient
) -> None:
    send(chat, "Which payment methods do you accept?")

    instruction = env.fake.stream_requests()[0].system_instruction
    assert "## Delivery times" in instruction
    assert "Q: Can I cancel my order?" in instruction
    assert env.fake.embed_requests() == []
