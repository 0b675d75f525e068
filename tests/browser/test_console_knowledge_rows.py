"""The Knowledge list from the keyboard: its rows are buttons, as in Conversations and the Inbox,
and opening one puts the focus in the entry (its title, or a deleted entry's heading), after
asking about unsaved changes."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.test_console import AUTH, expect, sign_in
from tests.support import Env


def test_an_entry_row_is_a_button_opened_with_space_or_enter(page: Any, site: str, console_env: Env) -> None:
    sign_in(page, site, "knowledge")
    entries = page.locator("#knowledge-list")
    returns = entries.get_by_role("button", name=re.compile("Returns and refunds"))
    shipping = entries.get_by_role("button", name=re.compile("Shipping")).first
    title = page.locator("#entry-form input[name=title]")

    returns.focus()
    page.keyboard.press(" ")
    expect(title).to_have_value("Returns and refunds")
    expect(title).to_be_focused()  # the keyboard goes on in the entry, not at the next row
    expect(returns).to_have_attribute("aria-current", "true")

    shipping.focus()
    page.keyboard.press("Enter")
    expect(title).to_have_value(re.compile("Shipping"))
    expect(title).to_be_focused()
    expect(shipping).to_have_attribute("aria-current", "true")
    expect(returns).not_to_have_attribute("aria-current", "true")


def test_a_changed_entry_asks_before_a_row_opened_with_the_keyboard_replaces_it(
    page: Any, site: str, console_env: Env
) -> None:
    answers = ["dismiss"]
    page.on("dialog", lambda dialog: getattr(dialog, answers.pop(0))())
    sign_in(page, site, "knowledge")
    entries = page.locator("#knowledge-list")
    title = page.locator("#entry-form input[name=title]")
    entries.get_by_role("button", name=re.compile("Returns and refunds")).focus()
    page.keyboard.press("Enter")
    expect(title).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(" (old)")
    shipping = entries.get_by_role("button", name=re.compile("Shipping")).first

    shipping.focus()
    page.keyboard.press("Enter")  # cancelled: the change stays, and the focus on the row
    expect(title).to_have_value("Returns and refunds (old)")
    expect(shipping).to_be_focused()

    answers.append("accept")
    page.keyboard.press("Enter")
    expect(title).to_have_value(re.compile("Shipping"))
    expect(title).to_be_focused()
    assert answers == []


def test_on_a_phone_a_deleted_entry_opened_from_its_row_shows_its_history_in_view(
    browser: Any, site: str, console_env: Env
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        assert page.request.delete(f"{site}/policies/returns", headers=AUTH).ok
        sign_in(page, site, "knowledge")
        page.get_by_text("Deleted entries (1)").click()
        row = page.locator("#deleted-list").get_by_role("button", name=re.compile("Returns and refunds"))

        row.focus()
        page.keyboard.press("Enter")

        heading = page.locator("#editor h3")
        expect(heading).to_have_text("Returns and refunds")
        expect(heading).to_be_focused()
        expect(heading).to_be_in_viewport()
        expect(page.locator("#history").get_by_role("button", name="Restore").first).to_be_visible()
    finally:
        context.close()
