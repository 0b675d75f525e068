"""The terminal side of the console: `make staff-token`, `make retention`, and the seeding script."""

from __future__ import annotations

import sys

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

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

    printed = capsys.readouterr().out
    token = printed.split("store it now): ")[1].splitlines()[0].strip()
    # Where it signs in: the database the token was stored in (no password shown).
    assert printed.splitlines()[-1] == f"database: {make_url(env.database_url).render_as_string(True)}"
    me = make_client("policies").get("/_me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["name"] == "Dana" and me.get_json()["role"] == "viewer"


@pytest.mark.parametrize(
    ("name", "role", "said"),
    [("Dana", "", "ROLE must be one of viewer, editor, owner"), ("  ", "editor", "NAME must not be empty")],
)
def test_make_staff_token_without_name_or_role_says_what_to_give(
    env: Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    role: str,
    said: str,
) -> None:
    monkeypatch.setattr(sys, "argv", ["staff_token", "--name", name, "--role", role])

    with pytest.raises(SystemExit):
        staff_token.main()

    assert said in capsys.readouterr().err
    assert env.count("staff") == 0


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--name", "x" * 101], "NAME must be at most 100 characters"),
        (["--email", "not-an-email"], "EMAIL must be an email address"),
    ],
)
def test_make_staff_token_checks_what_the_console_checks(
    env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], extra: list[str], said: str
) -> None:
    monkeypatch.setattr(sys, "argv", ["staff_token", "--name", "Dana", "--role", "viewer", *extra])

    with pytest.raises(SystemExit):
        staff_token.main()

    assert said in capsys.readouterr().err
    assert env.count("staff") == 0


def test_make_staff_token_for_an_email_on_the_list_says_so_in_one_line(
    env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["staff_token", "--name", "Dana", "--role", "viewer", "--email", "dana@shop.example"]
    monkeypatch.setattr(sys, "argv", argv)
    staff_token.main()

    with pytest.raises(SystemExit) as stopped:
        staff_token.main()

    assert stopped.value.code == "No token made: dana@shop.example is already on the staff list"
    assert env.count("staff") == 1


def test_make_migrate_names_the_database_and_why_it_could_not(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    from common.migrate import main as migrate

    migrate()
    assert "the schema is at the newest migration" in capsys.readouterr().out

    env.set(DATABASE_URL=make_url(env.database_url).set(database="no_such_db").render_as_string(False))
    with pytest.raises(
        SystemExit, match=r'Not migrated: .*no_such_db.*: database "no_such_db" does not exist'
    ):
        migrate()


@pytest.mark.parametrize("url", ["not a url", "postgresql://postgres:secret@localhost:port/db"])
def test_make_migrate_says_in_one_line_that_database_url_is_not_a_url(env: Env, url: str) -> None:
    from common.migrate import main as migrate

    env.set(DATABASE_URL=url)
    with pytest.raises(SystemExit, match=r"^Not migrated: DATABASE_URL is not a database URL") as said:
        migrate()
    assert "secret" not in str(said.value)


@pytest.mark.parametrize("url", ["mysql://root@localhost/shop", "sqlite:///shop.db"])
def test_make_migrate_says_in_one_line_that_the_database_must_be_postgres(env: Env, url: str) -> None:
    from common.migrate import main as migrate

    env.set(DATABASE_URL=url)
    with pytest.raises(SystemExit, match=r": DATABASE_URL must be a PostgreSQL URL"):
        migrate()


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
    # Nothing has happened later than now: the console would say "just now" of the future.
    future = """SELECT (SELECT count(*) FROM messages WHERE created_at > now() OR completed_at > now())
                     + (SELECT count(*) FROM feedback WHERE created_at > now())
                     + (SELECT count(*) FROM conversations WHERE updated_at > now())"""
    assert env.query(future)[0][0] == 0
    env.execute("TRUNCATE conversations CASCADE")
    seed(env.database_url, messages=4000, days=1)  # a busy day: dozens of conversations end near now
    assert env.query(future)[0][0] == 0
