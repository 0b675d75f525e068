"""Browser fixtures: Debian's Chromium driven by Playwright, against the dev server's app.

The dev server (``scripts.devserver.build_app``: the page at ``/`` and every function) runs
in this process on a free port, so tests script the fake Gemini server and read the
database directly. Playwright's own browser download cannot work here; we use
``/usr/bin/chromium`` (``apt-get install chromium``), or ``CHROMIUM_PATH``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from common.config import REPO_ROOT
from tests.support import Env, serve_in_thread

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "test-artifacts"
_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember whether the test itself failed, for ``context`` to keep its pages' pictures."""
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


def _unavailable(reason: str) -> None:
    # In CI a missing browser is a broken setup, not a reason to skip: .ci/run installs it.
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped locally: {reason}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(env: Env) -> Iterator[str]:
    """The dev server's app (page + functions) on a free port; yields its base URL."""
    from scripts.devserver import build_app

    with serve_in_thread(build_app()) as url:
        yield url


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh English profile (empty localStorage) per test; a screenshot of each page when the
    test failed (a picture of every passing test cost each about a tenth of a second)."""
    # The chat page speaks the browser's language unless config.js names one: English here,
    # whatever the machine's locale.
    context = browser.new_context(viewport={"width": 1024, "height": 760}, locale="en-US")
    context.set_default_timeout(10_000)
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context
    if request.node.stash.get(_FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for index, page in enumerate(context.pages):
            suffix = f"-{index}" if index else ""
            page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}-failed.png"), full_page=True)
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


CONSOLE_TOKEN = "console-owner-token"


@pytest.fixture
def console_env(env: Env) -> Env:
    """Staff sign-in on (``CONSOLE_TOKEN``), answers from the knowledge base, a 1-second
    knowledge cache."""
    env.set(
        ADMIN_TOKEN=CONSOLE_TOKEN, GEMINI_API_KEY=None, POLICY_CACHE_TTL_SECONDS="1", RATE_LIMIT_PER_CLIENT=""
    )
    return env


@pytest.fixture
def page(context: Any) -> Any:
    """A page of the fresh profile."""
    return context.new_page()


def screenshot(page: Any, name: str) -> None:
    """Save a screenshot to test-artifacts/ (git-ignored) for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
