"""Shared fixtures: a real Postgres, the fake Gemini server, and the functions' apps."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import functions_framework
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from common import runtime
from common.config import REPO_ROOT
from common.db import create_db_engine, start_embedded_postgres
from common.migrate import upgrade_to_head
from tests.fake_gemini import FakeGemini
from tests.support import Env


def _server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or start_embedded_postgres(REPO_ROOT / ".data" / "test")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh database with every migration applied, dropped at the end of the run."""
    server_url = _server_url()
    name = f"support_chat_test_{os.getpid()}"
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(url)
    yield url
    runtime.reset()
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(server_url: str, *statements: str) -> None:
    engine = create_db_engine(server_url, pool_size=1)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def fake_gemini() -> Iterator[FakeGemini]:
    """The fake Gemini server, shared by the run; reset for each test by ``env``."""
    server = FakeGemini().start()
    yield server
    server.stop()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, fake_gemini: FakeGemini) -> Iterator[Env]:
    """A fresh 'instance': empty tables, default settings pointing at the fake Gemini server."""
    fake_gemini.reset()
    for name in list(os.environ):
        if name.startswith(
            (
                "GEMINI_",
                "POLICY_",
                "ADMIN_",
                "ALLOWED_",
                "HISTORY_",
                "MAX_",
                "ANSWER_",
                "HEARTBEAT_",
                "CHECKPOINT_",
                "CONVERSATION_",
                "RATE_",
                "REDIS_",
                "FAQ_",
            )
        ):
            monkeypatch.delenv(name)
    environment = Env(monkeypatch, database_url, fake_gemini)
    environment.set(
        DATABASE_URL=database_url,
        GEMINI_API_KEY="test-key",
        GEMINI_BASE_URL=fake_gemini.url,
        GEMINI_READ_TIMEOUT_SECONDS="5",
        CONVERSATION_TOKEN_SECRET="test-secret",
    )
    environment.truncate()
    yield environment
    environment.wait_for_answers()
    runtime.reset()


def make_client(target: str) -> FlaskClient:
    app = functions_framework.create_app(target, str(REPO_ROOT / "functions" / target / "main.py"))
    return app.test_client()


@pytest.fixture
def chat(env: Env) -> FlaskClient:
    """The chat_stream function, served by functions-framework's own Flask app."""
    return make_client("chat_stream")


@pytest.fixture
def history(env: Env) -> FlaskClient:
    """The history function."""
    return make_client("history")


def pytest_report_header(config: Any) -> str:
    return f"database: {'TEST_DATABASE_URL' if os.environ.get('TEST_DATABASE_URL') else 'embedded pgserver'}"
