"""A shopper asks for a person; staff claim, reply, resolve or hand back from the inbox."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from common.auth import TEAM_SIGNATURE
from common.console.staff import BOOTSTRAP_OWNER
from scripts.fake_gemini import Behavior
from tests.conftest import make_client
from tests.integration.test_staff_access import ADMIN, add_member, bearer
from tests.support import Env, send


@pytest.fixture
def staff(env: Env) -> FlaskClient:
    """The policies function with the bootstrap ADMIN_TOKEN set."""
    env.set(ADMIN_TOKEN="s3cret-admin", SUPPORT_HOURS="mon-sun 00:00-24:00")
    return make_client("policies")


def _handoff(history: FlaskClient, meta: dict[str, Any], **body: Any) -> Any:
    return history.post(
        "/handoff",
        headers={"X-Conversation-Token": meta["conversation_token"]},
        json={"conversation_id": meta["conversation_id"], **body},
    )


def _waiting_for_a_person(
    chat: FlaskClient, history: FlaskClient, question: str = "Broken item"
) -> tuple[dict[str, Any], str]:
    """A conversation whose shopper asked for a person: its meta, and its inbox URL."""
    meta = send(chat, question).meta
    assert _handoff(history, meta).status_code == 202
    return meta, f"/_inbox/{meta['conversation_id']}"


def _history(history: FlaskClient, meta: dict[str, Any]) -> dict[str, Any]:
    response = history.get(
        f"/?conversation_id={meta['conversation_id']}",
        headers={"X-Conversation-Token": meta["conversation_token"]},
    )
    page: dict[str, Any] = response.get_json()
    return page


def test_asking_for_a_person_makes_the_conversation_wait_and_asking_again_changes_nothing(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    meta = send(chat, "My parcel arrived damaged").meta

    first = _handoff(history, meta, email="ana@example.com")
    again = _handoff(history, meta)

    assert first.status_code == again.status_code == 202
    assert first.get_json()["status"] == "waiting_for_human"
    assert "reply here" in first.get_json()["message"]
    assert env.count("handoffs") == 1
    assert env.query("SELECT kind, data->>'status' FROM conversation_events") == [
        ("status", "waiting_for_human")
    ]
    page = _history(history, meta)
    assert page["handoff_status"] == "waiting_for_human"
    # The notice is part of the conversation (once), as when asked for in the chat.
    notices = [m for m in page["messages"] if m["source"] == "handoff"]
    assert [(m["role"], m["content"], m["status"], m["finish_reason"]) for m in notices] == [
        ("assistant", first.get_json()["message"], "complete", "handoff")
    ]
    assert page["messages"][-1] == notices[0]
    items = staff.get("/_inbox", headers=ADMIN).get_json()["items"]
    assert [(i["conversation_id"], i["last_question"], i["email"]) for i in items] == [
        (meta["conversation_id"], "My parcel arrived damaged", "ana@example.com")
    ]


def test_asking_again_adds_an_email_or_note_the_first_request_left_out(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    meta = send(chat, "My parcel arrived damaged").meta

    _handoff(history, meta)
    again = _handoff(history, meta, email="ana@example.com", note="Order 1234, the box was crushed")
    third = _handoff(history, meta)  # says nothing new: keeps both

    assert again.status_code == third.status_code == 202
    assert env.count("handoffs") == 1
    items = staff.get("/_inbox", headers=ADMIN).get_json()["items"]
    assert [(i["email"], i["note"]) for i in items] == [
        ("ana@example.com", "Order 1234, the box was crushed")
    ]


@pytest.mark.parametrize(
    "email",
    ["not-an-email", "a@b", "two@@example.com", "a b@example.com", "a\x00@b.example", "a@b.ex\x7fample"],
)
def test_a_malformed_email_is_a_400(chat: FlaskClient, history: FlaskClient, email: str) -> None:
    meta = send(chat, "Hello there, my order").meta
    response = _handoff(history, meta, email=email)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"
    # Said for people, not as the pattern it failed.
    assert (
        response.get_json()["error"]["message"] == "email: must be an email address, such as name@example.com"
    )


def test_a_malformed_conversation_id_in_a_handoff_is_400_invalid_conversation_id(
    env: Env, chat: FlaskClient, history: FlaskClient
) -> None:
    meta = send(chat, "Hello there, my order").meta

    response = _handoff(history, {**meta, "conversation_id": "not-a-uuid"})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_conversation_id"
    assert env.count("handoffs") == 0


def test_handoff_and_events_with_a_wrong_token_are_404(chat: FlaskClient, history: FlaskClient) -> None:
    meta = send(chat, "Where is my order?").meta
    wrong = {**meta, "conversation_token": "x" * 43}
    assert _handoff(history, wrong).status_code == 404
    events = history.get(
        f"/events?conversation_id={meta['conversation_id']}", headers={"X-Conversation-Token": "x" * 43}
    )
    assert events.status_code == 404
    assert events.get_json()["error"]["code"] == "conversation_not_found"


def test_outside_support_hours_the_shopper_is_told_the_team_replies_when_back(
    env: Env, chat: FlaskClient, history: FlaskClient
) -> None:
    env.set(SUPPORT_HOURS="")  # never open
    meta = send(chat, "Can I get a refund?").meta
    accepted = _handoff(history, meta).get_json()
    assert accepted["support_open"] is False
    assert "when the team is back" in accepted["message"]
    assert "Monday to Friday" in accepted["message"]  # the shop's support-hours entry
    assert "Englisch" not in accepted["message"]  # an English question, an English shop
    # Only when the team is in, on its own line: the entry's "email us" or "leave a message"
    # would contradict "the team replies here".
    notice, hours = accepted["message"].split("\n\n")
    assert notice.endswith("when the team is back.")
    assert hours.startswith("Our support team is open Monday to Friday")
    assert "leave a message" not in hours and "Email" not in hours


def test_outside_support_hours_a_german_shopper_is_told_the_hours_are_the_shops_english_words(
    env: Env, chat: FlaskClient
) -> None:
    env.set(SUPPORT_HOURS="")  # never open
    turn = send(chat, "Kann ich bitte mit einem Menschen sprechen?")
    assert turn.text.startswith("Ich habe das an unser Team weitergegeben.")
    notice, hours = turn.text.split("Unsere Hilfeseiten gibt es nur auf Englisch; dort steht: ")
    assert notice.endswith("sobald das Team zurück ist.\n\n")  # a paragraph of its own
    assert hours.startswith("Our support team")


@pytest.mark.parametrize(
    "message",
    [
        "can I talk to a human?",
        "Kann ich bitte mit einem Menschen sprechen?",
        "Je voudrais parler à un humain",
        "¿Puedo hablar con una persona?",
        "Posso parlare con un operatore?",
        "Kan ik met een medewerker praten?",
    ],
)
def test_saying_so_in_the_chat_hands_the_conversation_over_without_asking_the_model(
    env: Env, chat: FlaskClient, history: FlaskClient, message: str
) -> None:
    turn = send(chat, message)
    assert turn.last.event == "done"
    assert turn.text
    assert env.fake.stream_requests() == []
    assert _history(history, turn.meta)["handoff_status"] == "waiting_for_human"


def test_the_inbox_shows_what_the_shopper_needs_not_their_request_for_a_person(
    env: Env, chat: FlaskClient, staff: FlaskClient
) -> None:
    env.fake.script(Behavior(chunks=["Refunds take 5 working days."]))
    asked = send(chat, "Where is my refund for order 1234?").meta
    convo = {"conversation_id": asked["conversation_id"], "token": asked["conversation_token"]}
    send(chat, "can I talk to a human?", **convo)
    only = send(chat, "I want to speak to a person").meta  # nothing asked before: that is it

    items = staff.get("/_inbox", headers=ADMIN).get_json()["items"]

    assert [(i["conversation_id"], i["last_question"]) for i in items] == [
        (asked["conversation_id"], "Where is my refund for order 1234?"),
        (only["conversation_id"], "I want to speak to a person"),
    ]


@pytest.mark.parametrize(
    ("offered", "yes", "notice"),
    [
        ("Are you a bot?", "yes please", "I've asked a person from our team to join."),
        ("this is useless", "ok", "I've asked a person from our team to join."),
        ("Bist du ein Roboter?", "ja", "Ich habe eine Person aus unserem Team dazugeholt."),
    ],
)
def test_yes_to_the_assistants_offer_of_a_person_hands_the_conversation_over(
    env: Env, chat: FlaskClient, history: FlaskClient, offered: str, yes: str, notice: str
) -> None:
    env.set(GEMINI_API_KEY=None, SUPPORT_HOURS="mon-sun 00:00-24:00")
    chat = make_client("chat_stream")
    first = send(chat, offered)
    meta = first.meta
    assert first.text.endswith(("Just say yes.", "Sagen Sie einfach ja."))

    accepted = send(chat, yes, conversation_id=meta["conversation_id"], token=meta["conversation_token"])

    assert accepted.text.startswith(notice)
    assert _history(history, meta)["handoff_status"] == "waiting_for_human"


def test_yes_after_any_other_answer_is_no_request_for_a_person(
    env: Env, chat: FlaskClient, history: FlaskClient
) -> None:
    env.set(GEMINI_API_KEY=None)
    chat = make_client("chat_stream")
    meta = send(chat, "How long does shipping take?").meta

    said = send(chat, "yes", conversation_id=meta["conversation_id"], token=meta["conversation_token"])

    assert "anything else" in said.text
    assert _history(history, meta)["handoff_status"] is None


def test_while_a_person_has_it_the_assistant_stays_quiet_until_handed_back(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    meta = send(chat, "My parcel arrived damaged").meta
    _handoff(history, meta)
    token = meta["conversation_token"]
    asked_model = len(env.fake.stream_requests())

    held = send(chat, "Hello? Anyone?", conversation_id=meta["conversation_id"], token=token)
    assert held.text == "Thanks, our team has your message and will reply here."
    assert len(env.fake.stream_requests()) == asked_model

    base = f"/_inbox/{meta['conversation_id']}"
    reply = staff.post(f"{base}/reply", headers=ADMIN, json={"content": "Hi, Sam here."})
    assert reply.status_code == 201
    assert reply.get_json()["role"] == "agent"
    assert staff.post(f"{base}/hand-back", headers=ADMIN).get_json()["status"] == "assistant"

    again = send(chat, "Thanks! And returns?", conversation_id=meta["conversation_id"], token=token)
    assert len(env.fake.stream_requests()) == asked_model + 1
    assert again.text != held.text
    page = _history(history, meta)
    agent = [m for m in page["messages"] if m["role"] == "agent"]
    assert [(m["content"], m["author"]) for m in agent] == [("Hi, Sam here.", TEAM_SIGNATURE)]
    assert page["handoff_status"] == "assistant"
    # The page follows /history/events on from what it shows, the hand-back included.
    newest = env.query("SELECT id, data->>'status' FROM conversation_events ORDER BY id DESC LIMIT 1")
    assert newest[0][1] == "assistant"
    assert page["last_event_id"] == newest[0][0]


@pytest.mark.parametrize("claimed_first", [True, False], ids=["claim-then-reply", "reply-claims"])
def test_once_a_person_replied_the_shoppers_messages_get_no_canned_notice(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient, claimed_first: bool
) -> None:
    """A live chat with a person is not interrupted by "our team has your message" each time,
    whether the person clicked Claim first or *Send reply* claimed the conversation."""
    meta, base = _waiting_for_a_person(chat, history)
    conversation, token = meta["conversation_id"], meta["conversation_token"]
    before = send(chat, "Are you there?", conversation_id=conversation, token=token)
    assert before.text == "Thanks, our team has your message and will reply here."
    if claimed_first:
        assert staff.post(f"{base}/claim", headers=ADMIN).status_code == 200
    assert staff.post(f"{base}/reply", headers=ADMIN, json={"content": "Hi, Sam here."}).status_code == 201

    during = send(chat, "It is order 1234", conversation_id=conversation, token=token)

    assert during.last.event == "done"
    assert during.last.data["finish_reason"] == "handoff"
    assert during.text == ""
    messages = _history(history, meta)["messages"]
    assert [m["content"] for m in messages if m["role"] == "user"][-1] == "It is order 1234"
    assert messages[-1]["role"] == "assistant" and messages[-1]["content"] == ""
    assert messages[-1]["status"] == "complete"
    items = staff.get("/_inbox", headers=ADMIN).get_json()["items"]
    assert [i["last_question"] for i in items] == ["It is order 1234"]


def test_after_a_hand_back_the_next_question_is_answered_on_its_own_without_a_model(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    """What the shopper told the person ("Order 12345") is not part of the next question the
    knowledge base answers: the shipping price, not "we can't look up orders"."""
    env.set(GEMINI_API_KEY=None)
    meta, base = _waiting_for_a_person(chat, history, "Can you help?")
    conversation, token = meta["conversation_id"], meta["conversation_token"]
    assert (
        staff.post(f"{base}/reply", headers=ADMIN, json={"content": "Sure, which order?"}).status_code == 201
    )
    told = send(chat, "Thanks! Order 12345.", conversation_id=conversation, token=token)
    assert told.text == ""  # the person has it: no answer of the assistant's
    assert staff.post(f"{base}/hand-back", headers=ADMIN).status_code == 200

    asked = send(chat, "How much is express shipping?", conversation_id=conversation, token=token)

    assert asked.meta["answer_source"] == "knowledge"
    assert "Express shipping costs 12.95 EUR." in asked.text
    assert "look up" not in asked.text


def test_a_conversation_without_events_is_followed_from_the_start(
    chat: FlaskClient, history: FlaskClient
) -> None:
    meta = send(chat, "Where is my parcel?").meta
    assert _history(history, meta)["last_event_id"] == 0


def test_viewers_read_the_inbox_and_only_editors_and_owners_answer(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    _, base = _waiting_for_a_person(chat, history)
    viewer = bearer(add_member(staff, "viewer", name="Vic")["token"])
    editor = bearer(add_member(staff, "editor", name="Eve")["token"])

    assert staff.get("/_inbox", headers=viewer).status_code == 200
    assert staff.post(f"{base}/claim", headers=viewer).status_code == 403
    assert staff.post(f"{base}/reply", headers=viewer, json={"content": "hi"}).status_code == 403
    assert staff.post(f"{base}/claim", headers=editor).get_json()["claimed_by"] == "Eve"
    reply = staff.post(f"{base}/reply", headers=editor, json={"content": "Eve here"})
    assert reply.get_json()["author"] == "Eve"
    # Written at once: complete the moment it is created, never before.
    assert reply.get_json()["completed_at"] == reply.get_json()["created_at"]
    assert staff.post(f"{base}/resolve", headers=editor).get_json()["status"] == "resolved"
    assert staff.post(f"{base}/claim", headers=editor).status_code == 409  # not waiting any more


@pytest.mark.parametrize("action", ["claim", "reply", "resolve", "hand-back"])
def test_inbox_actions_on_a_conversation_nobody_asked_a_person_for_are_409_and_unknown_ones_404(
    chat: FlaskClient, staff: FlaskClient, action: str
) -> None:
    """As after a hand-back: the conversation exists, it is just not waiting for a person."""
    meta = send(chat, "Where is my order?").meta
    body = {"content": "Hello"} if action == "reply" else None

    never = staff.post(f"/_inbox/{meta['conversation_id']}/{action}", headers=ADMIN, json=body)
    unknown = staff.post(f"/_inbox/{uuid.uuid4()}/{action}", headers=ADMIN, json=body)

    assert (never.status_code, never.get_json()["error"]["code"]) == (409, "not_handed_off")
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (404, "conversation_not_found")


def test_of_two_staff_claiming_at_once_one_wins_and_the_other_gets_a_409(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    meta = send(chat, "Broken item").meta
    _handoff(history, meta)
    tokens = [bearer(add_member(staff, "editor", name=f"Editor {n}")["token"]) for n in range(6)]
    barrier = threading.Barrier(len(tokens))
    statuses: list[int] = []

    def claim(headers: dict[str, str]) -> None:
        client = make_client("policies")
        barrier.wait()
        statuses.append(client.post(f"/_inbox/{meta['conversation_id']}/claim", headers=headers).status_code)

    threads = [threading.Thread(target=claim, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409, 409, 409, 409, 409]
    other = staff.post(f"/_inbox/{meta['conversation_id']}/reply", headers=ADMIN, json={"content": "me too"})
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "already_claimed"


def test_a_claim_belongs_to_its_member_not_to_whoever_shares_the_name(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    _, url = _waiting_for_a_person(chat, history)
    first_ed = bearer(add_member(staff, "editor", name="Ed")["token"])
    second_ed = bearer(add_member(staff, "editor", name="Ed")["token"])
    named_admin = bearer(add_member(staff, "owner", name=BOOTSTRAP_OWNER)["token"])
    assert staff.post(f"{url}/claim", headers=first_ed).status_code == 200

    for action, body in (("reply", {"content": "I'm Ed too"}), ("resolve", None), ("hand-back", None)):
        refused = staff.post(f"{url}/{action}", headers=second_ed, json=body)
        assert refused.status_code == 409, (action, refused.get_json())
        assert refused.get_json()["error"]["code"] == "already_claimed"
    assert staff.post(f"{url}/reply", headers=first_ed, json={"content": "On it"}).status_code == 201

    # The bootstrap owner's claim is not a staff member named "admin"'s either.
    _, url = _waiting_for_a_person(chat, history, "Another broken item")
    assert staff.post(f"{url}/claim", headers=ADMIN).status_code == 200
    assert staff.post(f"{url}/resolve", headers=named_admin).status_code == 409
    assert staff.post(f"{url}/resolve", headers=ADMIN).status_code == 200


def test_a_revoked_members_claim_holds_nobody_back(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    meta, url = _waiting_for_a_person(chat, history)
    ed = add_member(staff, "editor", name="Ed")
    ann = bearer(add_member(staff, "editor", name="Ann")["token"])
    assert staff.post(f"{url}/claim", headers=bearer(ed["token"])).status_code == 200
    assert staff.post(f"{url}/claim", headers=ann).status_code == 409

    assert staff.delete(f"/_staff/{ed['staff']['id']}", headers=ADMIN).status_code in (200, 204)

    taken = staff.post(f"{url}/claim", headers=ann)
    assert taken.status_code == 200, taken.get_json()
    assert taken.get_json()["claimed_by"] == "Ann"
    item = next(
        i
        for i in staff.get("/_inbox", headers=ADMIN).get_json()["items"]
        if i["conversation_id"] == meta["conversation_id"]
    )
    assert item["claimed_by"] == "Ann"
    assert staff.post(f"{url}/resolve", headers=ann).status_code == 200
    assert _history(history, meta)["handoff_status"] == "resolved"


def test_an_owner_takes_over_a_claim_and_an_editor_cannot(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    meta, url = _waiting_for_a_person(chat, history)
    # A claim made with ADMIN_TOKEN, which is then retired: only a take-over frees it.
    assert staff.post(f"{url}/claim", headers=ADMIN).status_code == 200
    olga = add_member(staff, "owner", name="Olga")
    ann = bearer(add_member(staff, "editor", name="Ann")["token"])
    assert staff.post(f"{url}/claim", headers=bearer(olga["token"])).status_code == 409

    refused = staff.post(f"{url}/claim", headers=ann, json={"take_over": True})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert _history(history, meta)["handoff_status"] == "with_human"

    taken = staff.post(f"{url}/claim", headers=bearer(olga["token"]), json={"take_over": True})
    assert taken.status_code == 200, taken.get_json()
    assert taken.get_json()["claimed_by"] == "Olga"
    assert taken.get_json()["claimed_by_id"] == olga["staff"]["id"]
    assert staff.get("/_me", headers=ADMIN).get_json()["id"] is None  # ADMIN_TOKEN's claims have none
    assert staff.post(f"{url}/claim", headers=ADMIN).get_json()["error"]["code"] == "already_claimed"
    assert (
        staff.post(f"{url}/reply", headers=bearer(olga["token"]), json={"content": "Olga here"}).status_code
        == 201
    )

    # Without take_over, Olga's claim holds; the shopper's page heard who has it now.
    assert staff.post(f"{url}/claim", headers=ann, json={"take_over": False}).status_code == 409
    statuses = env.query(
        "SELECT data->>'status', data->>'author' FROM conversation_events WHERE kind = 'status' ORDER BY id"
    )
    assert [tuple(row) for row in statuses] == [
        ("waiting_for_human", None),
        ("with_human", TEAM_SIGNATURE),
        ("with_human", "Olga"),
    ]
    assert (
        staff.post(f"{url}/claim", headers=bearer(olga["token"]), json={"take_over": "yes"}).status_code
        == 400
    )


def test_a_take_over_is_from_the_claim_the_owner_saw(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    _, url = _waiting_for_a_person(chat, history)
    seen = staff.post(f"{url}/claim", headers=ADMIN).get_json()["claimed_at"]
    olga = bearer(add_member(staff, "owner", name="Olga")["token"])
    paul = bearer(add_member(staff, "owner", name="Paul")["token"])
    took = staff.post(f"{url}/claim", headers=paul, json={"take_over": True, "claimed_at": seen})
    assert took.status_code == 200

    # Olga saw the ADMIN_TOKEN's claim too, but Paul took it since: she does not take it from him.
    late = staff.post(f"{url}/claim", headers=olga, json={"take_over": True, "claimed_at": seen})
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "already_claimed"
    assert "Paul claimed this conversation meanwhile" in late.get_json()["error"]["message"]
    assert staff.post(f"{url}/reply", headers=paul, json={"content": "Paul here"}).status_code == 201
    naive = {"take_over": True, "claimed_at": "2026-01-01T10:00:00"}  # no zone: says nothing
    assert staff.post(f"{url}/claim", headers=olga, json=naive).status_code == 400


def test_a_claim_takes_an_optional_body_and_take_over_needs_an_open_handoff(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    meta, url = _waiting_for_a_person(chat, history)
    olga = bearer(add_member(staff, "owner", name="Olga")["token"])

    as_text = staff.post(f"{url}/claim", headers=olga, data="take over", content_type="text/plain")
    assert as_text.status_code == 415
    # Nobody has it yet: a take-over is a plain claim; claiming one's own again changes nothing.
    mine = staff.post(f"{url}/claim", headers=olga, json={"take_over": True})
    assert mine.get_json()["claimed_by"] == "Olga"
    assert staff.post(f"{url}/claim", headers=olga, json={"take_over": True}).status_code == 200
    assert staff.post(f"{url}/hand-back", headers=olga).status_code == 200
    gone = staff.post(f"{url}/claim", headers=olga, json={"take_over": True})
    assert gone.status_code == 409
    assert gone.get_json()["error"]["code"] == "not_handed_off"
    assert _history(history, meta)["handoff_status"] == "assistant"


def test_a_claim_made_before_claims_had_staff_ids_still_belongs_to_its_member(
    env: Env, chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    _, url = _waiting_for_a_person(chat, history)
    ed = bearer(add_member(staff, "editor", name="Ed")["token"])
    ann = bearer(add_member(staff, "editor", name="Ann")["token"])
    assert staff.post(f"{url}/claim", headers=ed).status_code == 200
    env.execute("UPDATE handoffs SET claimed_by_staff_id = NULL")  # as migration 0010 leaves them

    assert staff.post(f"{url}/resolve", headers=ann).status_code == 409
    assert staff.post(f"{url}/reply", headers=ed, json={"content": "Still mine"}).status_code == 201
    assert staff.post(f"{url}/resolve", headers=ed).status_code == 200


def test_the_transcript_lists_who_took_the_conversation_and_who_gave_it_back(
    chat: FlaskClient, history: FlaskClient, staff: FlaskClient
) -> None:
    ann = bearer(add_member(staff, "editor", name="Ann")["token"])
    bo = bearer(add_member(staff, "editor", name="Bo")["token"])
    meta, inbox = _waiting_for_a_person(chat, history)
    assert staff.post(f"{inbox}/claim", headers=ann).status_code == 200
    assert staff.post(f"{inbox}/resolve", headers=ann).status_code == 200
    assert _handoff(history, meta).status_code == 202  # asked again
    assert staff.post(f"{inbox}/reply", headers=bo, json={"content": "Bo here."}).status_code == 201
    assert staff.post(f"{inbox}/hand-back", headers=bo).status_code == 200

    transcript = staff.get(f"/_conversations/{meta['conversation_id']}", headers=ADMIN).get_json()

    steps = transcript["handoff_steps"]
    assert [(s["status"], s["author"]) for s in steps] == [
        ("waiting_for_human", None),
        ("with_human", "Ann"),
        ("resolved", "Ann"),
        ("waiting_for_human", None),
        ("with_human", "Bo"),
        ("assistant", "Bo"),
    ]
    assert [s["at"] for s in steps] == sorted(s["at"] for s in steps)
    reply = next(m for m in transcript["messages"] if m["role"] == "agent")
    assert steps[4]["at"] == reply["created_at"]  # the reply claimed it, at the reply's time


@pytest.mark.parametrize("address", ["shop.example/admin/", "https://shop.example/admin/#inbox"])
def test_a_console_address_the_webhook_cannot_link_to_is_refused_at_start(env: Env, address: str) -> None:
    env.set(CONSOLE_URL=address)

    response = make_client("history").get(f"/?conversation_id={uuid.uuid4()}")

    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "not_configured"
    assert "CONSOLE_URL" in response.get_json()["error"]["message"]
