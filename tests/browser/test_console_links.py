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


def test_the_conversation_search_and_filters_stay_in_the_address_over_a_reload(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, "Do you ship to Zanzibar?")
    chat(page, site, "Is the hedgehog lamp in stock?")
    sign_in(page, site, "conversations")
    rows = page.locator("#conversation-list .row")
    expect(rows).to_have_count(2)
    filters = page.locator("#conversation-filters")

    filters.get_by_label("Search messages").fill("Zanzibar")
    filters.get_by_label("Answer source").select_option("knowledge")
    filters.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(page).to_have_url(f"{site}/admin/#conversations?q=Zanzibar&source=knowledge")
    rows.first.click()
    link = f"{site}/admin/#conversations/{meta['conversation_id']}?q=Zanzibar&source=knowledge"
    expect(page).to_have_url(link)

    page.reload()
    expect(filters.get_by_label("Search messages")).to_have_value("Zanzibar")
    expect(filters.get_by_label("Answer source")).to_have_value("knowledge")
    expect(rows).to_have_count(1)
    expect(page.locator("#transcript")).to_contain_text("Do you ship to Zanzibar?")
    page.get_by_role("tab", name="Knowledge").click()
    page.get_by_role("tab", name="Conversations").click()
    expect(page).to_have_url(link)  # back on the tab: still filtered, still open


def test_a_link_with_filters_shows_the_list_they_filter(page: Any, site: str, console_env: Env) -> None:
    chat(page, site, "Do you ship to Zanzibar?")
    chat(page, site, "Is the hedgehog lamp in stock?")
    sign_in(page, site, "conversations?q=Zanzibar&since=2020-01-01&status=nonsense")  # a colleague's link
    filters = page.locator("#conversation-filters")
    rows = page.locator("#conversation-list .row")

    expect(filters.get_by_label("Search messages")).to_have_value("Zanzibar")
    expect(filters.get_by_label("From")).to_have_value("2020-01-01")
    expect(filters.get_by_label("Answer status")).to_have_value("")  # no such status: any
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zanzibar")
    expect(page).to_have_url(f"{site}/admin/#conversations?q=Zanzibar&since=2020-01-01")

    page.evaluate("window.location.hash = '#conversations?q=hedgehog%20lamp'")  # typed in the address bar
    expect(filters.get_by_label("Search messages")).to_have_value("hedgehog lamp")
    expect(filters.get_by_label("From")).to_have_value("")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Is the hedgehog lamp in stock?")
    expect(page).to_have_url(f"{site}/admin/#conversations?q=hedgehog+lamp")


def test_filters_typed_in_the_address_close_the_open_conversation(
    page: Any, site: str, console_env: Env
) -> None:
    chat(page, site, "Do you ship to Zanzibar?")
    chat(page, site, "Is the hedgehog lamp in stock?")
    sign_in(page, site, "conversations")
    rows = page.locator("#conversation-list .row")
    rows.filter(has_text="Zanzibar").click()
    expect(page.locator("#transcript")).to_contain_text("Zanzibar")

    page.evaluate("window.location.hash = '#conversations?q=hedgehog'")  # typed in the address bar
    expect(rows).to_have_count(1)
    expect(page).to_have_url(f"{site}/admin/#conversations?q=hedgehog")  # as typed, no id added
    expect(page.locator("#transcript")).to_have_text("Pick a conversation.")
