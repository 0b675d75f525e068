"""With a model, a clear request for a person is recognised in the answer's own call (Gemini
function calling) and the turn becomes a handoff, as if the shopper had typed the phrase."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from common import runtime
from common.chat.checkpoints import Checkpointer
from common.chat.generation import AnswerJob, AnswerWriter
from common.chat.relay import AnswerChannel, RelayRegistry
from common.chat.turns import TurnRequest, TurnStarted, start_turn
from common.gemini import HANDOFF_FUNCTION
from common.handoff.phrases import asks_for_a_person
from common.llm import Prompt
from common.repositories.progress import ProgressConnection
from scripts.fake_gemini import Behavior
from tests.conftest import make_client
from tests.fakes import FakeLLM, FlakyUnitOfWork
from tests.support import Env, send, serve_in_thread

# Phrases the detector does not recognise: only the model can tell these ask for a person.
ASKS_IN_OTHER_WORDS = "is there anyone real I could chat with about my order?"
ASKS_IN_GERMAN = (
    "Gibt es bei euch auch echte Leute, an die ich mich wenden kann? Es geht um meine Bestellung."
)
PENDING_DURING_HOURS = "I've asked a person from our team to join. Someone will reply here shortly."
HELD = "Thanks, our team has your message and will reply here."


def _accept_everything(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """A webhook receiver that takes every delivery (the outbox table is what is checked)."""
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("204 No Content", [])
    return [b""]


@pytest.fixture
def open_hours(env: Env) -> Iterator[None]:
    """Support is always open, and new handoffs go to a webhook."""
    with serve_in_thread(_accept_everything) as url:
        env.set(SUPPORT_HOURS="mon-sun 00:00-24:00", HANDOFF_WEBHOOK_URL=f"{url}/hook")
        yield


def _handoff_status(history: FlaskClient, meta: dict[str, Any]) -> str | None:
    response = history.get(
        f"/?conversation_id={meta['conversation_id']}",
        headers={"X-Conversation-Token": meta["conversation_token"]},
    )
    status: str | None = response.get_json()["handoff_status"]
    return status


def _stored_answer(env: Env, message_id: str) -> Any:
    return env.query(
        "SELECT status, source, finish_reason, content, model, input_tokens FROM messages WHERE id = :id",
        id=message_id,
    )[0]


def test_a_request_the_phrases_miss_is_handed_over_when_the_model_calls_for_a_person(
    env: Env, open_hours: None, history: FlaskClient
) -> None:
    assert not asks_for_a_person(ASKS_IN_OTHER_WORDS)
    env.fake.script(Behavior(kind="hand_over"))
    chat = make_client("chat_stream")

    turn = send(chat, ASKS_IN_OTHER_WORDS)

    assert turn.text == PENDING_DURING_HOURS
    assert (turn.last.event, turn.last.data["finish_reason"]) == ("done", "handoff")
    (request,) = env.fake.stream_requests()
    assert request.declared_functions == [HANDOFF_FUNCTION]
    answer = _stored_answer(env, turn.meta["assistant_message_id"])
    assert (answer.status, answer.source, answer.finish_reason) == ("complete", "handoff", "handoff")
    assert answer.content == PENDING_DURING_HOURS
    assert answer.model == "gemini-2.5-flash" and answer.input_tokens  # the call is accounted for
    assert _handoff_status(history, turn.meta) == "waiting_for_human"
    assert env.query("SELECT kind, data->>'status' FROM conversation_events") == [
        ("status", "waiting_for_human")
    ]
    assert env.query("SELECT kind FROM outbox") == [("handoff.requested",)]

    held = send(
        chat,
        "Hello? Anyone?",
        conversation_id=turn.meta["conversation_id"],
        token=turn.meta["conversation_token"],
    )

    assert held.text == HELD
    assert len(env.fake.stream_requests()) == 1  # held for the person: the model was not asked


def test_what_the_model_wrote_before_calling_for_a_person_is_kept(env: Env, open_hours: None) -> None:
    env.fake.script(Behavior(kind="hand_over", chunks=["Of course, ", "one moment please."]))

    turn = send(make_client("chat_stream"), ASKS_IN_OTHER_WORDS)

    expected = f"Of course, one moment please.\n\n{PENDING_DURING_HOURS}"
    assert turn.text == expected
    assert turn.last.data["finish_reason"] == "handoff"
    assert _stored_answer(env, turn.meta["assistant_message_id"]).content == expected


def test_outside_support_hours_the_shopper_is_told_in_their_language_the_team_replies_when_back(
    env: Env, history: FlaskClient
) -> None:
    env.set(SUPPORT_HOURS="")  # never open
    env.fake.script(Behavior(kind="hand_over"))

    turn = send(make_client("chat_stream"), ASKS_IN_GERMAN)

    assert turn.text.startswith("Ich habe das an unser Team weitergegeben.")
    assert "sobald das Team zurück ist" in turn.text
    assert _handoff_status(history, turn.meta) == "waiting_for_human"
    assert env.query("SELECT language FROM handoffs") == [("de",)]


def test_an_answer_without_the_call_is_the_models_as_before_though_the_handoff_was_offered(
    env: Env, open_hours: None, history: FlaskClient
) -> None:
    env.fake.script(Behavior(chunks=["Your order ", "ships tomorrow."]))

    turn = send(make_client("chat_stream"), "When does my order ship?")

    assert turn.text == "Your order ships tomorrow."
    assert turn.last.data["finish_reason"] == "stop"
    assert env.fake.stream_requests()[0].declared_functions == [HANDOFF_FUNCTION]
    answer = _stored_answer(env, turn.meta["assistant_message_id"])
    assert (answer.status, answer.source, answer.finish_reason) == ("complete", "model", "stop")
    assert _handoff_status(history, turn.meta) is None
    assert env.count("handoffs") == env.count("outbox") == 0


def test_without_a_model_only_the_phrases_hand_over(env: Env, history: FlaskClient) -> None:
    env.set(GEMINI_API_KEY=None)  # the knowledge base answers

    turn = send(make_client("chat_stream"), ASKS_IN_OTHER_WORDS)

    assert turn.last.data["finish_reason"] == "stop"
    assert turn.meta["answer_source"] == "knowledge"
    assert env.fake.requests == []
    assert _handoff_status(history, turn.meta) is None


def test_a_turn_handed_over_by_the_model_is_not_summarised(env: Env, open_hours: None) -> None:
    env.set(HISTORY_TOKEN_BUDGET="100")  # a long second turn would be summarised
    chat = make_client("chat_stream")
    first = send(chat, "hi")
    env.fake.script(Behavior(kind="hand_over"))

    send(
        chat,
        f"{ASKS_IN_OTHER_WORDS} {'y' * 300}",
        conversation_id=first.meta["conversation_id"],
        token=first.meta["conversation_token"],
    )
    env.wait_for_answers()

    assert [r.method for r in env.fake.requests] == ["streamGenerateContent"] * 2  # no generateContent


# -- the writer, given a model that does or does not call for a person ---------------------


class _HandOver:
    """Records what the writer handed over, and answers with a fixed notice."""

    def __init__(self, fails: bool = False) -> None:
        self.fails = fails
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, said: str, figures: Any) -> str:
        self.calls.append((said, dict(figures)))
        if self.fails:
            raise RuntimeError("the handoff could not be stored")
        return "\n\nA person will reply here."


def _started_turn() -> TurnStarted:
    return start_turn(
        uow=runtime.unit_of_work(),
        request=TurnRequest(message="hi"),
        keys=runtime.token_keys(),
        lease_seconds=15,
    )


def _writer(uow: object) -> AnswerWriter:
    return AnswerWriter(
        uow=uow,  # type: ignore[arg-type]
        relays=RelayRegistry(),
        checkpoints=Checkpointer(ProgressConnection(runtime.engine())),
        settings=runtime.chat_settings(),
    )


def _job(turn: TurnStarted, llm: FakeLLM, hand_over: _HandOver) -> AnswerJob:
    prompt = Prompt("system", offers_handoff=True)
    return AnswerJob(
        llm, prompt, turn.assistant_message_id, knowledge_version=1, on_person_requested=hand_over
    )


def test_the_writer_stores_the_answer_as_before_when_the_model_does_not_call_for_a_person(env: Env) -> None:
    turn = _started_turn()
    hand_over = _HandOver()
    channel = AnswerChannel()

    final = _writer(runtime.unit_of_work()).write(
        _job(turn, FakeLLM(["Just ", "an answer."]), hand_over), channel
    )

    assert hand_over.calls == []
    assert (final.name, json.loads(final.data.model_dump_json())["finish_reason"]) == ("done", "stop")
    assert channel.read(0, 0) == (["Just ", "an answer."], final)
    answer = _stored_answer(env, str(turn.assistant_message_id))
    assert (answer.status, answer.source, answer.content) == ("complete", "model", "Just an answer.")


def test_the_writer_hands_over_instead_of_storing_when_the_model_calls_for_a_person(env: Env) -> None:
    turn = _started_turn()
    hand_over = _HandOver()
    channel = AnswerChannel()
    # The handoff stores the answer itself: any transaction of the writer's would fail the test.
    no_saves = FlakyUnitOfWork(runtime.unit_of_work(), failures=1000, error=AssertionError("saved"))
    llm = FakeLLM(["Sure."], asks_for_a_person=True)

    final = _writer(no_saves).write(_job(turn, llm, hand_over), channel)

    ((said, figures),) = hand_over.calls
    assert said == "Sure."
    assert (figures["model"], figures["input_tokens"], figures["output_tokens"]) == ("fake-model", 10, 1)
    assert channel.read(0, 0) == (["Sure.", "\n\nA person will reply here."], final)
    assert (final.name, json.loads(final.data.model_dump_json())["finish_reason"]) == ("done", "handoff")
    assert no_saves.failed == 0


def test_a_handoff_that_cannot_be_stored_ends_the_answer_as_a_crash(env: Env) -> None:
    turn = _started_turn()
    writer = _writer(runtime.unit_of_work())
    llm = FakeLLM(["Sure."], asks_for_a_person=True)

    channel = writer.launch(_job(turn, llm, _HandOver(fails=True)))

    assert channel.wait_closed(timeout=10)
    chunks, final = channel.read(0, 0)
    assert chunks == ["Sure."]
    assert final is not None and final.name == "error"
    thread = writer.relays.thread(str(turn.assistant_message_id))
    if thread is not None:
        thread.join(10)
    row = env.query("SELECT status, error_code FROM messages WHERE id = :id", id=turn.assistant_message_id)[0]
    assert (row.status, row.error_code) == ("interrupted", "internal_error")


def test_an_instance_that_is_replaced_stops_its_webhook_relay(env: Env, open_hours: None) -> None:
    """Its thread would go on reading the outbox of a database that may be gone."""
    relay = runtime.webhook_relay()
    assert relay is not None
    relay.kick()
    assert [t for t in threading.enumerate() if t.name == "webhook-relay"]

    runtime.reset()

    assert not [t for t in threading.enumerate() if t.name == "webhook-relay" and t.is_alive()]
    relay.kick()  # a late commit of the old instance starts nothing
    assert not [t for t in threading.enumerate() if t.name == "webhook-relay" and t.is_alive()]
