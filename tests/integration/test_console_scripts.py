"""The terminal side of the console: `make staff-token`, `make retention`, and the seeding script."""

from __future__ import annotations

import sys

import pytest
from flask.testing import FlaskClient

from scripts import retention, staff_token
from scripts.seed_console import seed
from tests.conftest import make_client
from tests.support import Env, send


def test_make_staff_token_prints_a_token_that_signs_in(
    env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.set(ADMIN_TOKEN="s3cret-admin")
    monkeypatch.setattr(sys, "argv", ["staff_token", "--name", "Dana", "--role", "viewer"])

    staff_token.main()

    token = capsys.readouterr().out.split("store it now): ")[1].strip()
    me = make_client("policies").get("/_me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["name"] == "Dana" and me.get_json()["role"] == "viewer"


def test_make_retention_deletes_old_conversations(
    env: Env, chat: FlaskClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = send(chat, "Old question").meta["conversation_id"]
    env.execute("UPDATE conversations SET updated_at = now() - interval '10 days' WHERE id = :id", id=old)
    env.set(RETENTION_DAYS="7")

    retention.main()

    assert "deleted 1 conversations" in capsys.readouterr().out
    assert env.count("conversations") == 0


def test_the_seed_fills_conversations_answers_and_ratings(env: Env) -> None:
    inserted = seed(env.database_url, messages=400)

    assert inserted >= 400
    assert env.count("messages") == inserted
    assert env.count("feedback") > 0
    assert env.query("SELECT count(DISTINCT source) FROM messages WHERE role = 'assistant'")[0][0] == 3
