"""The failure matrix: every way an answer can go wrong has a defined, stored outcome."""

from __future__ import annotations

import time
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from common import runtime
from common.chat.checkpoints import Checkpointer
from common.chat.generation import AnswerJob, AnswerWriter
from common.chat.outcome import SAFETY_REFUSAL
from common.chat.relay import AnswerChannel, RelayRegistry
from common.chat.turns import TurnRequest, TurnStarted, start_turn
from common.llm import Prompt
from common.repositories.progress import ProgressConnection
from common.unit_of_work import UnitOfWork
from scripts.fake_gemini import Behavior
from scripts.local import _admin
from tests.conftest import make_client
from tests.fakes import FakeLLM, FlakyUnitOfWork
from tests.support import Env, send


@pytest.fixture
def strict_chat(env: Env) -> FlaskClient:
    """chat_stream with the knowledge fallback off, so model failures surface as errors."""
    env.set(KNOWLEDGE_FALLBACK="false", GEMINI_RETRY_ATTEMPTS="2")
    return make_client("chat_stream")


def _answer_row(env: Env) -> object:
    rows = env.query(
        "SELECT status, content, error_code, finish_reason, source FROM messages WHERE role = 'assistant'"
    )
    assert len(rows) == 1
    return rows[0]


@pytest.mark.parametrize(
    ("status", "code"), [(429, "model_rate_limited"), (500, "model_unavailable"), (503, "model_unavailable")]
)
def test_errors_before_the_first_token_are_retried_then_reported(
    env: Env, strict_chat: FlaskClient, status: int, code: str
) -> None:
    env.fake.script(Behavior(kind="error", status=status, times=2))

    turn = send(strict_chat, "hi")

    assert len(env.fake.stream_requests()) == 2  # bounded retries, with backoff
    assert turn.last.event == "error"
    assert turn.last.data == {"code": code, "message": turn.last.data["message"], "retryable": True}
    row = _answer_row(env)
    assert (row.status, row.content, row.error_code) == ("failed", "", code)


def test_a_client_error_is_not_retried(env: Env, strict_chat: FlaskClient) -> None:
    env.fake.script(Behavior(kind="error", status=400))

    turn = send(strict_chat, "hi")

    assert len(env.fake.stream_requests()) == 1
    assert turn.last.data["code"] == "model_rejected"
    assert turn.last.data["retryable"] is False


def test_a_stream_broken_halfway_keeps_the_partial_answer(env: Env, strict_chat: FlaskClient) -> None:
    env.fake.script(
        Behavior(kind="break", chunks=["Standard ", "delivery ", "takes ", "2-4 days."], break_after=2)
    )

    turn = send(strict_chat, "How long is delivery?")

    assert turn.text == "Standard delivery "
    assert turn.last.event == "error"
    assert turn.last.data["code"] == "model_stream_broken"
    assert turn.last.data["retryable"] is True
    row = _answer_row(env)
    assert (row.status, row.content) == ("interrupted", "Standard delivery ")
    assert len(env.fake.stream_requests()) == 1  # a broken stream is never silently re-sent


def test_a_model_that_stops_answering_times_out(env: Env) -> None:
    env.set(KNOWLEDGE_FALLBACK="false", GEMINI_RETRY_ATTEMPTS="1", GEMINI_READ_TIMEOUT_SECONDS="0.5")
    chat = make_client("chat_stream")
    env.fake.script(Behavior(kind="hang", hang_seconds=3))

    turn = send(chat, "hi")

    assert turn.last.data["code"] == "model_timeout"
    assert _answer_row(env).status == "failed"


def test_a_model_that_stalls_midway_times_out_and_keeps_the_partial(env: Env) -> None:
    env.set(KNOWLEDGE_FALLBACK="false", GEMINI_RETRY_ATTEMPTS="1", GEMINI_READ_TIMEOUT_SECONDS="0.5")
    chat = make_client("chat_stream")
    env.fake.script(Behavior(chunks=["Part one. ", "Part two."], gap=2.0))

    turn = send(chat, "hi")

    assert turn.text == "Part one. "
    assert turn.last.data["code"] == "model_timeout"
    row = _answer_row(env)
    assert (row.status, row.content) == ("interrupted", "Part one. ")


def test_the_overall_deadline_ends_a_trickling_answer(env: Env) -> None:
    env.set(KNOWLEDGE_FALLBACK="false", ANSWER_DEADLINE_SECONDS="0.5")
    chat = make_client("chat_stream")
    env.fake.script(Behavior(chunks=[f"w{n} " for n in range(20)], gap=0.1))

    turn = send(chat, "hi")

    assert turn.last.data["code"] == "model_timeout"
    assert 0 < len(turn.deltas) < 20
    row = _answer_row(env)
    assert (row.status, row.content) == ("interrupted", turn.text)


@pytest.mark.parametrize(
    ("behavior", "shown_before_refusal"),
    [(Behavior(kind="prompt_blocked"), ""), (Behavior(kind="safety", chunks=["Well, "]), "Well, ")],
)
def test_a_safety_block_gets_a_polite_refusal(
    env: Env, chat: FlaskClient, behavior: Behavior, shown_before_refusal: str
) -> None:
    env.fake.script(behavior)

    turn = send(chat, "something unsafe")

    assert turn.last.event == "done"
    assert turn.last.data["finish_reason"] == "safety"
    assert turn.text.startswith(shown_before_refusal)
    assert SAFETY_REFUSAL in turn.text
    row = _answer_row(env)
    assert (row.status, row.content, row.finish_reason) == ("blocked", turn.text, "safety")


def test_an_empty_answer_is_a_retryable_error(env: Env, strict_chat: FlaskClient) -> None:
    env.fake.script(Behavior(kind="empty"))

    turn = send(strict_chat, "hi")

    assert turn.last.event == "error"
    assert turn.last.data["code"] == "empty_answer"
    assert turn.last.data["retryable"] is True
    row = _answer_row(env)
    assert (row.status, row.finish_reason, row.error_code) == ("failed", "error", "empty_answer")


def test_database_down_before_streaming_is_503_and_writes_nothing(env: Env) -> None:
    dead = make_url(env.database_url).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    env.set(DATABASE_URL=dead)
    chat = make_client("chat_stream")

    response = chat.post("/", json={"message": "hi"})

    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"
    assert env.fake.requests == []
    env.set(DATABASE_URL=env.database_url)
    assert env.count("messages") == 0


@pytest.mark.parametrize("refusal", ["no_such_database", "not_accepting_connections"])
def test_a_database_that_refuses_every_session_is_503_not_500(env: Env, refusal: str) -> None:
    """Postgres ends the session at once (FATAL 3D000 or 55000): an outage or a misconfiguration
    the shopper can only wait out, like a server that is down."""
    name = f"refusing_{uuid.uuid4().hex[:12]}"
    if refusal == "not_accepting_connections":
        _admin(
            env.database_url, f'CREATE DATABASE "{name}"', f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'
        )
    try:
        env.set(
            DATABASE_URL=make_url(env.database_url).set(database=name).render_as_string(hide_password=False)
        )
        token = {"X-Conversation-Token": "t" * 43}
        responses = {
            "send": make_client("chat_stream").post("/", json={"message": "hi"}),
            "resume": make_client("chat_stream").get(f"/?message_id={uuid.uuid4()}", headers=token),
            "history": make_client("history").get(f"/?conversation_id={uuid.uuid4()}", headers=token),
        }
    finally:
        env.set(DATABASE_URL=env.database_url)
        _admin(env.database_url, f'DROP DATABASE IF EXISTS "{name}"')

    for response in responses.values():
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "database_unavailable"
    # (A new conversation's model call may have started while its insert was tried: cancelled.)
    assert env.count("messages") == 0


def _started_turn(env: Env) -> TurnStarted:
    return start_turn(
        uow=runtime.unit_of_work(),
        request=TurnRequest(message="hi"),
        keys=runtime.token_keys(),
        lease_seconds=15,
    )


class _FakeTime:
    """A clock that only moves when somebody sleeps: the final-save window passes instantly."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _writer(uow: object, time_: _FakeTime | None = None) -> AnswerWriter:
    """A writer on ``uow`` whose waits between retries of the final save take no real time."""
    time_ = time_ or _FakeTime()
    return AnswerWriter(
        uow=uow,  # type: ignore[arg-type]
        relays=RelayRegistry(),
        checkpoints=Checkpointer(ProgressConnection(runtime.engine())),
        settings=runtime.chat_settings(),
        clock=time_.clock,
        sleep=time_.sleep,
    )


def _job(turn: TurnStarted, *chunks: str) -> AnswerJob:
    return AnswerJob(FakeLLM(list(chunks)), Prompt("system"), turn.assistant_message_id, knowledge_version=1)


def test_the_final_save_is_retried_when_the_database_fails(env: Env) -> None:
    turn = _started_turn(env)
    flaky = FlakyUnitOfWork(runtime.unit_of_work(), failures=2)

    final = _writer(flaky).write(_job(turn, "Saved ", "despite hiccups."), AnswerChannel())

    assert final.name == "done"
    assert flaky.failed == 2
    row = env.query("SELECT status, content FROM messages WHERE id = :id", id=turn.assistant_message_id)[0]
    assert (row.status, row.content) == ("complete", "Saved despite hiccups.")


def test_the_final_save_keeps_retrying_for_minutes_and_done_is_not_delayed(env: Env) -> None:
    turn = _started_turn(env)
    channel = AnswerChannel()
    # The database is down for four minutes of (fake) time: within the default window.
    time_ = _FakeTime()
    down = FlakyUnitOfWork(runtime.unit_of_work(), failures=10_000)

    def database() -> UnitOfWork:
        return down() if time_.now < 240 else runtime.unit_of_work()()

    final = _writer(database, time_).write(_job(turn, "Kept ", "in memory."), channel)

    assert final.name == "done"  # the shopper was told at once; the save came later
    assert channel.read(0, 0) == (["Kept ", "in memory."], final)
    assert 240 <= time_.now < 250  # saved on the first attempt after it came back
    row = env.query("SELECT status, content FROM messages WHERE id = :id", id=turn.assistant_message_id)[0]
    assert (row.status, row.content) == ("complete", "Kept in memory.")


def test_an_answer_that_cannot_be_saved_within_the_window_is_left_to_its_lease(env: Env) -> None:
    env.set(FINAL_SAVE_WINDOW_SECONDS="30")
    turn = _started_turn(env)
    channel = AnswerChannel()
    time_ = _FakeTime()

    final = _writer(FlakyUnitOfWork(runtime.unit_of_work(), failures=100), time_).write(
        _job(turn, "Lost?"), channel
    )

    assert final.name == "done"
    assert channel.read(0, 0) == (["Lost?"], final)
    assert 25 <= time_.now <= 30  # retried for the whole window, not longer
    # Still streaming: its lease runs out and whoever meets it marks it lost.
    assert (
        env.query("SELECT status FROM messages WHERE id = :id", id=turn.assistant_message_id)[0].status
        == "streaming"
    )


def test_an_answer_orphaned_by_a_dead_instance_is_marked_lost_on_resume(env: Env, chat: FlaskClient) -> None:
    turn = _started_turn(env)
    env.execute(
        "UPDATE messages SET content = 'Half an ans', lease_expires_at = now() - interval '1 second' WHERE id = :id",
        id=turn.assistant_message_id,
    )

    started = time.monotonic()
    response = chat.get(
        f"/?message_id={turn.assistant_message_id}", headers={"X-Conversation-Token": turn.conversation_token}
    )

    body = response.get_data(as_text=True)
    assert time.monotonic() - started < 2  # at once, not after minutes of silence
    assert "Half an ans" in body
    assert "answer_lost" in body
    row = env.query("SELECT status, error_code FROM messages WHERE id = :id", id=turn.assistant_message_id)[0]
    assert (row.status, row.error_code) == ("interrupted", "answer_lost")


def test_unknown_message_resume_is_404(env: Env, chat: FlaskClient) -> None:
    response = chat.get(f"/?message_id={uuid.uuid4()}", headers={"X-Conversation-Token": "x"})

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "message_not_found"


@pytest.mark.parametrize(("durability", "ending"), [("saved", "error"), ("immediate", "done")])
def test_a_crash_while_storing_ends_the_row(env: Env, durability: str, ending: str) -> None:
    """Showing only saved text, the ending waits for the save, so a save that crashes ends the
    stream with an error; streaming immediately, the shopper had ``done`` before it broke."""
    env.set(STREAM_DURABILITY=durability)
    turn = _started_turn(env)
    broken_once = FlakyUnitOfWork(runtime.unit_of_work(), failures=1, error=RuntimeError("a bug in the save"))
    writer = _writer(broken_once)

    channel = writer.launch(_job(turn, "Almost ", "there."))

    assert channel.wait_closed(timeout=10)
    chunks, final = channel.read(0, 0)
    assert "".join(chunks) == "Almost there."
    assert final is not None
    assert final.name == ending
    thread = writer.relays.thread(str(turn.assistant_message_id))
    if thread is not None:
        thread.join(10)
    row = env.query(
        "SELECT status, content, error_code FROM messages WHERE id = :id", id=turn.assistant_message_id
    )[0]
    assert (row.status, row.content, row.error_code) == ("interrupted", "Almost there.", "internal_error")


def test_done_arrives_before_a_slow_summary_which_keeps_the_request_open(env: Env) -> None:
    env.set(HISTORY_TOKEN_BUDGET="100")
    chat = make_client("chat_stream")
    first = send(chat, "hi")  # short: no summary yet
    env.wait_for_answers()
    env.fake.script(Behavior(chunks=["ok"]), Behavior(first_delay=3.0))  # the summary call is slow

    started = time.monotonic()
    response = chat.post(
        "/",
        json={"message": "second " + "y" * 300, "conversation_id": first.meta["conversation_id"]},
        headers={"X-Conversation-Token": first.meta["conversation_token"]},
        buffered=False,
    )
    body, done_at = "", None
    for chunk in response.response:
        body += chunk.decode() if isinstance(chunk, bytes) else chunk
        if done_at is None and "event: done" in body:
            done_at = time.monotonic() - started
    closed_at = time.monotonic() - started
    response.close()

    assert done_at is not None
    assert done_at < 2.0  # the shopper has the whole answer before the summary is written
    assert closed_at >= 2.5  # the request stays open (so the platform keeps CPU) for the summary
    assert [r for r in env.fake.requests if r.method == "generateContent"]
