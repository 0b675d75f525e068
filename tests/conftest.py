"""Shared fixtures: a real Postgres, the fake Gemini server, and the functions' apps."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import functions_framework
import pytest
from flask.testing import FlaskClient

from common import runtime
from common.config import REPO_ROOT
from common.db import start_embedded_postgres
from scripts.fake_gemini import FakeGemini
from scripts.local import throwaway_database
from tests.support import Env, check_every_table_is_emptied, clear_settings_env


def _server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or start_embedded_postgres(REPO_ROOT / ".data" / "test")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh database with every migration applied, dropped at the end of the run."""
    with throwaway_database(_server_url(), f"support_chat_test_{os.getpid()}") as url:
        check_every_table_is_emptied(url)
        yield url
        runtime.reset()


@pytest.fixture(scope="session", autouse=True)
def _no_embedded_postgres_for_the_functions() -> Iterator[None]:
    """The functions in this process never start ``make dev``'s embedded Postgres. A browser
    page's late request, served between two tests (``DATABASE_URL`` unset until the next test
    sets it), would otherwise start one, and its engine, cached while the next test runs, would
    send that test's requests to an empty database."""

    def refuse(*_: object, **__: object) -> str:
        raise RuntimeError("DATABASE_URL is unset: a request served outside a test")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runtime, "start_embedded_postgres", refuse)
        yield


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
    clear_settings_env(monkeypatch)
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
