"""What the console reads: conversations (filters, full-text search, keyset pages, transcripts,
deletion), live chart series, ratings, unanswered questions, answer previews and retention."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from common.tokens import new_token
from scripts.fake_gemini import Behavior
from tests.conftest import make_client
from tests.support import Env, send

ADMIN = {"Authorization": "Bearer s3cret-admin"}


@pytest.fixture
def console(env: Env) -> FlaskClient:
    """The policies function, signed in as the bootstrap owner."""
    env.set(ADMIN_TOKEN="s3cret-admin")
    return make_client("policies")


def get(client: FlaskClient, path: str, **query: Any) -> Any:
    response = client.get(path, headers=ADMIN, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def rate(history: FlaskClient, meta: dict[str, str], rating: str, comment: str | None = None) -> None:
    body = {
        "conversation_id": meta["conversation_id"],
        "message_id": meta["assistant_message_id"],
        "rating": rating,
    }
    if comment:
        body["comment"] = comment
    response = history.post(
        "/feedback", headers={"X-Conversation-Token": meta["conversation_token"]}, json=body
    )
    assert response.status_code == 204


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("status=", "invalid_status"),
        ("status=done", "invalid_status"),
        ("rating=", "invalid_rating"),
        ("since=", "invalid_since"),
        ("since=yesterday", "invalid_since"),
        ("limit=", "invalid_limit"),
        ("cursor=", "invalid_cursor"),
        # Times Python reads but no UTC timestamp can hold (a 500 before), and a NUL (Postgres
        # stores none).
        ("since=0001-01-01T00:00:00%2B14:00", "invalid_since"),
        ("until=9999-12-31T23:59:59-01:00", "invalid_until"),
        (
            "cursor=MDAwMS0wMS0wMVQwMDowMDowMCsxNDowMHwwYjdjOWE1Mi04ZDFlLTRhNTctOWM1ZS0zZjBmN2Y0YjhhMTE",
            "invalid_cursor",
        ),
        ("q=%00", "invalid_q"),
    ],
)
def test_a_filter_with_an_empty_or_unknown_value_is_a_400_not_ignored(
    console: FlaskClient, query: str, code: str
) -> None:
    """An empty value is no value of the parameter's type (the console leaves unused ones out);
    only the search text ``q`` may be empty (no search)."""
    response = console.get(f"/_conversations?{query}", headers=ADMIN)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_conversations_are_listed_newest_first_in_keyset_pages(
    env: Env, chat: FlaskClient, console: FlaskClient
) -> None:
    ids = [send(chat, f"Question number {n}").meta["conversation_id"] for n in range(5)]

    first = get(console, "/_conversations", limit=2)
    second = get(console, "/_conversations", limit=2, cursor=first["next_cursor"])
    last = get(console, "/_conversations", limit=2, cursor=second["next_cursor"])

    seen = [c["id"] for page in (first, second, last) for c in page["conversations"]]
    assert seen == list(reversed(ids))
    assert last["next_cursor"] is None
    assert first["conversations"][0]["first_question"] == "Question number 4"
    assert first["conversations"][0]["last_status"] == "complete"
    assert console.get("/_conversations?cursor=garbage!", headers=ADMIN).status_code == 400


def test_a_conversation_with_a_new_message_moves_to_the_top_of_the_list(
    env: Env, chat: FlaskClient, history: FlaskClient, console: FlaskClient
) -> None:
    first, second, third = (send(chat, f"Question number {n}").meta for n in range(3))

    send(
        chat,
        "And one more thing",
        conversation_id=first["conversation_id"],
        token=first["conversation_token"],
    )
    after_follow_up = [c["id"] for c in get(console, "/_conversations")["conversations"]]
    handoff = {"conversation_id": second["conversation_id"]}
    asked = history.post(
        "/handoff", headers={"X-Conversation-Token": second["conversation_token"]}, json=handoff
    )
    reply = console.post(f"/_inbox/{second['conversation_id']}/reply", headers=ADMIN, json={"content": "Hi!"})
    after_reply = get(console, "/_conversations", limit=2)
    rest = get(console, "/_conversations", limit=2, cursor=after_reply["next_cursor"])

    assert after_follow_up == [first["conversation_id"], third["conversation_id"], second["conversation_id"]]
    assert (asked.status_code, reply.status_code) == (202, 201)
    paged = [c["id"] for page in (after_reply, rest) for c in page["conversations"]]
    assert paged == [second["conversation_id"], first["conversation_id"], third["conversation_id"]]
    assert after_reply["conversations"][0]["updated_at"] > after_reply["conversations"][0]["created_at"]


def test_conversations_filter_by_source_rating_status_and_search(
    env: Env, chat: FlaskClient, history: FlaskClient, console: FlaskClient
) -> None:
    modelled = send(chat, "Do you ship parcels to Iceland?").meta
    rate(history, modelled, "down")
    env.set(GEMINI_API_KEY=None)  # the next answer comes from the knowledge base
    from_knowledge = send(make_client("chat_stream"), "What are your support hours?").meta

    def ids(**query: Any) -> list[str]:
        return [c["id"] for c in get(console, "/_conversations", **query)["conversations"]]

    assert ids(source="knowledge") == [from_knowledge["conversation_id"]]
    assert ids(source="model") == [modelled["conversation_id"]]
    assert ids(rating="down") == [modelled["conversation_id"]]
    assert ids(rating="up") == []
    assert ids(status="failed") == []
    assert ids(q="iceland") == [modelled["conversation_id"]]
    assert ids(q="shipping parcels") == [modelled["conversation_id"]]  # stemmed: ship ~ shipping
    assert ids(since="2000-01-01", until="2000-01-02") == []
    assert console.get("/_conversations?source=oracle", headers=ADMIN).status_code == 400


def test_conversations_waiting_for_a_person_can_be_listed_alone(
    env: Env, chat: FlaskClient, history: FlaskClient, console: FlaskClient
) -> None:
    waiting = send(chat, "Where is my parcel?").meta
    send(chat, "What are your support hours?")
    asked = history.post(
        "/handoff",
        headers={"X-Conversation-Token": waiting["conversation_token"]},
        json={"conversation_id": waiting["conversation_id"]},
    )
    assert asked.status_code == 202

    listed = get(console, "/_conversations", handoff="waiting_for_human")["conversations"]

    assert [c["id"] for c in listed] == [waiting["conversation_id"]]
    assert get(console, "/_conversations", handoff="with_human")["conversations"] == []
    assert len(get(console, "/_conversations")["conversations"]) == 2
    assert console.get("/_conversations?handoff=maybe", headers=ADMIN).status_code == 400


def test_the_transcript_shows_each_answers_details_and_rating(
    env: Env, chat: FlaskClient, history: FlaskClient, console: FlaskClient
) -> None:
    meta = send(chat, "How long is delivery?").meta
    rate(history, meta, "up", "Quick!")

    transcript = get(console, f"/_conversations/{meta['conversation_id']}")

    question, answer = transcript["messages"]
    assert question["role"] == "user" and question["feedback"] is None
    assert answer["source"] == "model"
    assert answer["model"] and answer["usage"]["output_tokens"] > 0
    assert answer["time_to_first_token_ms"] is not None
    assert answer["knowledge_version"] == 1
    assert "cost_usd" in answer
    assert answer["feedback"]["rating"] == "up" and answer["feedback"]["comment"] == "Quick!"


def test_deleting_a_conversation_erases_its_messages_and_ratings(
    env: Env, chat: FlaskClient, history: FlaskClient, console: FlaskClient
) -> None:
    meta = send(chat, "Please forget me").meta
    rate(history, meta, "down")

    deleted = console.delete(f"/_conversations/{meta['conversation_id']}", headers=ADMIN)

    assert deleted.status_code == 200
    assert env.count("conversations") == env.count("messages") == env.count("feedback") == 0
    assert console.delete(f"/_conversations/{meta['conversation_id']}", headers=ADMIN).status_code == 404
    assert console.get(f"/_conversations/{meta['conversation_id']}", headers=ADMIN).status_code == 404


def test_an_erased_conversation_stays_gone_when_its_page_sends_again(
    env: Env, chat: FlaskClient, history: FlaskClient, console: FlaskClient
) -> None:
    """The shopper's page still holds the id and token it proposed: its next message must not
    create the conversation again under them."""
    cid, token = str(uuid.uuid4()), new_token()
    send(chat, "Please forget me", conversation_id=cid, token=token)
    assert console.delete(f"/_conversations/{cid}", headers=ADMIN).status_code == 200

    again = chat.post(
        "/", json={"message": "Still there?", "conversation_id": cid}, headers={"X-Conversation-Token": token}
    )

    assert again.status_code == 404
    assert again.get_json()["error"]["code"] == "conversation_not_found"
    assert env.count("conversations") == env.count("messages") == 0
    assert history.get(f"/?conversation_id={cid}", headers={"X-Conversation-Token": token}).status_code == 404
    # A new conversation (the page's next proposal) works as ever.
    assert (
        send(chat, "Hello again", conversation_id=str(uuid.uuid4()), token=new_token()).last.event == "done"
    )


def test_the_series_has_one_point_per_bucket_with_the_traffic(
    env: Env, chat: FlaskClient, history: FlaskClient, console: FlaskClient
) -> None:
    rate(history, send(chat, "Returns?").meta, "up", "Great")
    rate(history, send(chat, "Refunds?").meta, "down")

    series = get(console, "/_analytics/series", hours=24)

    assert series["bucket_seconds"] == 1800
    assert len(series["points"]) == 48
    assert sum(p["questions"] for p in series["points"]) == 2
    assert sum(p["conversations"] for p in series["points"]) == 2
    assert sum(p["output_tokens"] for p in series["points"]) > 0
    assert series["points"][-1]["ttft_p50_ms"] is not None
    assert series["satisfaction"] == {"thumbs_up": 1, "thumbs_down": 1, "comments": 1, "share_up": 0.5}
    feedback = get(console, "/_feedback", rating="up")["feedback"]
    assert [(f["question"], f["comment"]) for f in feedback] == [("Returns?", "Great")]


def test_unanswered_questions_are_grouped_by_wording(
    env: Env, chat: FlaskClient, history: FlaskClient, console: FlaskClient
) -> None:
    env.fake.script(Behavior(chunks=["Sorry, that is not covered by our policies."], times=2))
    send(chat, "Do you sell gift cards?")
    send(chat, "do you sell gift cards")
    rate(history, send(chat, "Can I pay with bitcoin?").meta, "down")
    env.set(GEMINI_API_KEY=None)
    send(make_client("chat_stream"), "Do you sell giftcards or gift cards online?")

    groups = get(console, "/_unanswered")["groups"]

    gift = groups[0]
    assert gift["count"] == 3
    assert gift["reasons"] == {"not_answered": 3}
    assert "gift cards" in gift["question"].lower()
    bitcoin = next(g for g in groups if "bitcoin" in g["question"])
    assert bitcoin["count"] == 1 and bitcoin["reasons"] == {"thumbs_down": 1}


def test_questions_the_knowledge_base_could_not_answer_are_listed_in_every_language(
    env: Env, console: FlaskClient
) -> None:
    env.set(GEMINI_API_KEY=None)
    chat = make_client("chat_stream")
    uncovered = [
        "Do you sell gift cards?",
        "Verkauft ihr Geschenkkarten?",
        "Vendez-vous des cartes cadeaux ?",
        "¿Venden tarjetas regalo?",
        "Vendete buoni regalo?",
        "Verkopen jullie cadeaubonnen?",
    ]
    for question in uncovered:
        send(chat, question)
    send(chat, "Where is my parcel?")  # answered with the shop's text, which says "if you cannot find it"
    for no_words in ("🙂", "???"):  # not covered, but no question a new FAQ could answer
        send(chat, no_words)
    send(chat, "كم يستغرق الشحن؟")  # covered, in a language the answerer does not read: no gap

    groups = get(console, "/_unanswered")["groups"]

    assert sorted(g["question"] for g in groups) == sorted(uncovered)
    assert all(g["reasons"] == {"not_answered": 1} for g in groups)


def test_a_question_not_covered_and_rated_down_counts_once_under_both_reasons(
    env: Env, history: FlaskClient, console: FlaskClient
) -> None:
    env.set(GEMINI_API_KEY=None)
    chat = make_client("chat_stream")
    rate(history, send(chat, "Do you sell gift cards?").meta, "down")
    send(chat, "do you sell gift cards")

    (group,) = get(console, "/_unanswered")["groups"]

    assert group["count"] == 2  # two questions asked, not three
    assert group["reasons"] == {"not_answered": 2, "thumbs_down": 1}


def test_a_question_answered_by_a_new_faq_says_so_and_moves_below_the_open_ones(
    env: Env, console: FlaskClient
) -> None:
    env.set(GEMINI_API_KEY=None)
    chat = make_client("chat_stream")
    for _ in range(2):
        send(chat, "Do you sell gift cards?")
    send(chat, "Do you have a loyalty program?")
    before = get(console, "/_unanswered")["groups"]
    faq = {"title": "Gift cards", "content": "Yes, we sell gift cards from 10 EUR.", "kind": "faq"}

    created = console.put("/faq-gift-cards", json=faq, headers=ADMIN)

    assert created.status_code == 201
    after = get(console, "/_unanswered")["groups"]
    assert [(g["question"], g["answered_by"]) for g in before] == [
        ("Do you sell gift cards?", []),
        ("Do you have a loyalty program?", []),
    ]
    assert [(g["question"], g["answered_by"]) for g in after] == [
        ("Do you have a loyalty program?", []),
        ("Do you sell gift cards?", [{"key": "faq-gift-cards", "title": "Gift cards"}]),
    ]
    # And a shopper asking now gets the FAQ's answer.
    assert "10 EUR" in send(chat, "Do you sell gift cards?").text


def test_an_entry_that_was_there_before_the_question_does_not_count_as_its_answer(
    env: Env, console: FlaskClient
) -> None:
    env.fake.script(Behavior(chunks=["Sorry, that is not covered by our policies."]))
    send(make_client("chat_stream"), "How long does shipping take?")  # the model missed the shop's text

    groups = get(console, "/_unanswered")["groups"]

    assert [(g["question"], g["answered_by"]) for g in groups] == [("How long does shipping take?", [])]


def test_a_rated_down_answer_counts_as_answered_once_its_entrys_text_changes_not_its_title(
    env: Env, console: FlaskClient
) -> None:
    env.set(GEMINI_API_KEY=None)
    chat, history = make_client("chat_stream"), make_client("history")
    rate(history, send(chat, "How long does delivery take?").meta, "down")
    delivery = get(console, "/delivery")

    def answered_by() -> list[str]:
        (group,) = get(console, "/_unanswered")["groups"]
        return [entry["key"] for entry in group["answered_by"]]

    retitled = {**{k: delivery[k] for k in ("content", "kind")}, "title": delivery["title"] + " (EU)"}
    assert console.put("/delivery", json=retitled, headers=ADMIN).status_code == 200
    assert answered_by() == []  # a policy's title is not what answers
    rewritten = {**retitled, "content": delivery["content"] + " Tracking comes by email."}
    assert console.put("/delivery", json=rewritten, headers=ADMIN).status_code == 200
    assert answered_by() == ["delivery"]


def test_a_place_the_pages_never_name_is_listed_and_a_short_follow_up_with_its_topic(
    env: Env, console: FlaskClient
) -> None:
    """ "Do you ship to Canada?" got where the shop ships and "Our help pages don't mention
    “Canada”": a gap staff want to see. "How much?" after it is about Canada, not the sofa."""
    env.set(GEMINI_API_KEY=None)
    chat = make_client("chat_stream")

    def conversation(*questions: str) -> None:
        meta = send(chat, questions[0]).meta
        for question in questions[1:]:
            send(chat, question, conversation_id=meta["conversation_id"], token=meta["conversation_token"])

    conversation("Do you ship to Canada?", "How much?")
    conversation("How long does shipping take?", "And to Japan?")
    conversation("Liefert ihr nach Kanada?")
    conversation("How much is the blue sofa?")

    groups = {g["question"]: g for g in get(console, "/_unanswered")["groups"]}

    assert set(groups) == {
        "Do you ship to Canada?",
        "And to Japan?",
        "Liefert ihr nach Kanada?",
        "How much is the blue sofa?",
    }
    assert groups["Do you ship to Canada?"]["examples"] == ["Do you ship to Canada?", "How much?"]
    assert groups["How much is the blue sofa?"]["examples"] == ["How much is the blue sofa?"]
    assert groups["And to Japan?"]["after"] == "How long does shipping take?"
    assert groups["Do you ship to Canada?"]["after"] is None  # a whole question stands alone


def test_a_place_counts_as_answered_only_while_the_pages_name_it(env: Env, console: FlaskClient) -> None:
    env.set(GEMINI_API_KEY=None)
    send(make_client("chat_stream"), "Do you ship to Canada?")
    shipping = get(console, "/shipping")
    body = {k: shipping[k] for k in ("title", "content", "kind")}

    def answered_by() -> list[str]:
        (group,) = get(console, "/_unanswered")["groups"]
        return [entry["key"] for entry in group["answered_by"]]

    named = {**body, "content": shipping["content"] + " We also ship to Canada for 19.95 EUR."}
    assert console.put("/shipping", json=named, headers=ADMIN).status_code == 200
    assert answered_by() == ["shipping"]
    assert console.put("/shipping", json=body, headers=ADMIN).status_code == 200  # taken back
    assert answered_by() == []  # changed after the question, but no longer names Canada


def test_a_place_still_unnamed_is_not_answered_by_another_places_price(
    env: Env, console: FlaskClient
) -> None:
    """Canada's price answers "Do you ship to Canada?", not "Do you ship to the USA?"."""
    env.set(GEMINI_API_KEY=None)
    chat = make_client("chat_stream")
    send(chat, "Do you ship to the USA?")
    send(chat, "Do you ship to Canada?")
    shipping = get(console, "/shipping")
    named = {
        **{k: shipping[k] for k in ("title", "kind")},
        "content": shipping["content"] + " Shipping to Canada costs 19.95 EUR.",
    }

    assert console.put("/shipping", json=named, headers=ADMIN).status_code == 200
    groups = {g["question"]: g for g in get(console, "/_unanswered")["groups"]}

    assert [e["key"] for e in groups["Do you ship to Canada?"]["answered_by"]] == ["shipping"]
    assert groups["Do you ship to the USA?"]["answered_by"] == []


def test_a_follow_up_about_it_is_read_with_its_place_not_answered_by_an_unrelated_price(
    env: Env, console: FlaskClient
) -> None:
    """ "how much does it cost" after "Do you ship to the USA?" asks the USA's price: a gift-wrap
    FAQ's "3 EUR" written later answers neither."""
    env.set(GEMINI_API_KEY=None)
    chat = make_client("chat_stream")
    meta = send(chat, "Do you ship to the USA?").meta
    send(
        chat,
        "how much does it cost",
        conversation_id=meta["conversation_id"],
        token=meta["conversation_token"],
    )
    wrap = {"title": "Do you gift-wrap?", "content": "Yes, for 3 EUR at checkout.", "kind": "faq"}

    assert console.put("/faq-gift-wrap", json=wrap, headers=ADMIN).status_code == 201
    groups = get(console, "/_unanswered")["groups"]

    assert [g["answered_by"] for g in groups] == [[] for _ in groups], groups
    assert any("how much does it cost" in g["examples"] for g in groups), groups


def test_the_unanswered_index_has_the_lists_own_predicate(env: Env) -> None:
    """The planner uses the partial index only when the query repeats its predicate."""
    from common.repositories.console import UNANSWERED_PATTERN

    [(definition,)] = env.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_messages_unanswered'")
    assert UNANSWERED_PATTERN in definition


def test_a_preview_answers_with_the_draft_without_saving_it(env: Env, console: FlaskClient) -> None:
    env.set(GEMINI_API_KEY=None, ADMIN_TOKEN="s3cret-admin")
    client = make_client("policies")
    draft = {
        "key": "faq-gift-cards",
        "title": "Do you sell gift cards?",
        "content": "Yes, from 10 EUR.",
        "kind": "faq",
    }

    response = client.post(
        "/_preview", headers=ADMIN, json={"question": "Do you sell gift cards?", "draft": draft}
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["source"] == "knowledge"
    assert "from 10 EUR" in body["answer"]
    assert client.get("/faq-gift-cards", headers=ADMIN).status_code == 404


def test_a_preview_takes_a_question_as_long_as_a_shoppers_message(env: Env, console: FlaskClient) -> None:
    """Staff paste a shopper's long message (up to 4000 characters) to see how it is answered."""
    env.set(GEMINI_API_KEY=None, ADMIN_TOKEN="s3cret-admin")
    client = make_client("policies")
    long_question = "How long does shipping take? " + "x" * (4000 - 29)

    answered = client.post("/_preview", headers=ADMIN, json={"question": long_question})
    too_long = client.post("/_preview", headers=ADMIN, json={"question": long_question + "x"})

    assert answered.status_code == 200, answered.get_json()
    assert too_long.status_code == 400


def test_a_preview_with_the_model_grounds_it_in_the_draft(env: Env, console: FlaskClient) -> None:
    draft = {
        "key": "returns",
        "title": "Returns",
        "content": "Returns are free for 100 days.",
        "kind": "policy",
    }

    body = console.post("/_preview", headers=ADMIN, json={"question": "Returns?", "draft": draft}).get_json()

    assert body["source"] == "model"
    instruction = env.fake.stream_requests()[-1].system_instruction
    assert "100 days" in instruction and "original packaging within 30 days" not in instruction


@pytest.mark.parametrize(
    ("behavior", "code"),
    [
        (Behavior(kind="error", status=429, times=2), "model_rate_limited"),  # after the retries
        (Behavior(kind="error", status=503, times=2), "model_unavailable"),
        (Behavior(kind="break", chunks=["Returns ", "are ", "free."], break_after=2), "model_stream_broken"),
    ],
)
def test_a_preview_the_model_cannot_answer_is_a_503_naming_why(
    env: Env, console: FlaskClient, behavior: Behavior, code: str
) -> None:
    env.set(GEMINI_RETRY_ATTEMPTS="2")
    env.fake.script(behavior)

    response = console.post("/_preview", headers=ADMIN, json={"question": "Returns?"})

    assert response.status_code == 503, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"].startswith("the model could not answer the preview")


def test_retention_deletes_only_conversations_older_than_the_setting(env: Env, chat: FlaskClient) -> None:
    old = send(chat, "An old question").meta["conversation_id"]
    send(chat, "A new question")
    env.execute("UPDATE conversations SET updated_at = now() - interval '40 days' WHERE id = :id", id=old)
    env.set(ADMIN_TOKEN="s3cret-admin")
    off = make_client("policies").post("/_retention", headers=ADMIN)
    env.set(ADMIN_TOKEN="s3cret-admin", RETENTION_DAYS="30")

    result = make_client("policies").post("/_retention", headers=ADMIN)

    assert off.status_code == 409
    assert result.status_code == 200
    assert result.get_json()["deleted_conversations"] == 1
    assert env.count("conversations") == 1
