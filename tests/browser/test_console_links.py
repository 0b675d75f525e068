"""The conversation open in the console is in its address: a webhook's link opens it, a reload
keeps it, and it can be sent to a colleague."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from tests.browser.test_console import chat, sign_in
from tests.support import Env

try:
    expect = importlib.import_module("playwright.sync_api").expect
except ImportError:  # pragma: no cover - the browser fixture skips first
    expect = pytest.importorskip("playwright.sync_api").expect


def test_a_webhooks_link_opens_the_waiting_shopper_in_the_inbox_after_signing_in(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, "I would like to talk to a person please")
    conversation = meta["conversation_id"]

    sign_in(page, site, f"inbox/{conversation}")  # signed out: the form first, then the link

    expect(page.locator("#view-inbox")).to_be_visible()
    expect(page.locator("#inbox-messages")).to_contain_text("talk to a person")
    expect(page.locator("#inbox-heading")).to_be_focused()
    assert page.url.endswith(f"#inbox/{conversation}")

    page.reload()
    expect(page.locator("#inbox-messages")).to_contain_text("talk to a person")
    expect(page.locator("#inbox-list .row[aria-current=true]")).to_have_count(1)


def test_a_link_to_a_shopper_nobody_waits_for_any_more_opens_the_conversation(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, "How long does shipping take?")
    conversation = meta["conversation_id"]

    sign_in(page, site, f"inbox/{conversation}")

    expect(page.locator("#view-conversations")).to_be_visible()
    expect(page.locator("#transcript")).to_contain_text("How long does shipping take?")
    expect(page).to_have_url(f"{site}/admin/#conversations/{conversation}")


def test_a_conversation_opened_from_its_row_stays_open_on_reload_until_deleted(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, "Do you ship to Norway?")
    sign_in(page, site, "conversations")

    page.locator("#conversation-list .row").first.click()
    expect(page.locator("#transcript")).to_contain_text("Do you ship to Norway?")
    expect(page).to_have_url(f"{site}/admin/#conversations/{meta['conversation_id']}")

    page.reload()
    expect(page.locator("#transcript")).to_contain_text("Do you ship to Norway?")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete conversation").click()
    expect(page.locator("#transcript")).to_contain_text("Deleted.")
    expect(page).to_have_url(f"{site}/admin/#conversations")


def test_back_on_the_tab_the_open_conversation_is_still_in_the_address(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, "Do you ship to Norway?")
    conversation = meta["conversation_id"]
    sign_in(page, site, f"conversations/{conversation.upper()}")  # typed by hand, say
    expect(page.locator("#transcript")).to_contain_text("Do you ship to Norway?")
    expect(page).to_have_url(f"{site}/admin/#conversations/{conversation}")

    page.get_by_role("tab", name="Knowledge").click()
    expect(page).to_have_url(f"{site}/admin/#knowledge")
    page.get_by_role("tab", name="Conversations").click()
    expect(page).to_have_url(f"{site}/admin/#conversations/{conversation}")


def test_a_link_to_a_conversation_that_is_gone_says_so_and_leaves_the_address(
    page: Any, site: str, console_env: Env
) -> None:
    sign_in(page, site, "conversations/00000000-0000-4000-8000-000000000000")

    expect(page.locator("#toast")).to_contain_text("conversation not found")
    expect(page).to_have_url(f"{site}/admin/#conversations")
