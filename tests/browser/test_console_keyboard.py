"""The staff console from the keyboard and the address bar: the focus stays where the work goes
on after each action, the reply box sends with Ctrl+Enter, and the tabs follow the address."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_console import chat, expect, open_tab, rate_down, sign_in
from tests.support import Env

PERSON = "I would like to talk to a person please"


def open_returns(page: Any, site: str) -> None:
    """Signed in, the Returns entry opened from the list with the keyboard."""
    sign_in(page, site, "knowledge")
    page.locator("#knowledge-list .row", has_text="Returns and refunds").focus()
    page.keyboard.press("Enter")


def test_an_entry_opened_with_enter_puts_the_focus_in_its_editor(
    page: Any, site: str, console_env: Env
) -> None:
    open_returns(page, site)

    title = page.locator("#entry-form input[name=title]")
    expect(title).to_have_value("Returns and refunds")
    expect(title).to_be_focused()  # not left on the page's body


def test_an_entry_deleted_from_the_keyboard_leaves_the_focus_by_its_history(
    page: Any, site: str, console_env: Env
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    open_returns(page, site)
    page.get_by_role("button", name="Delete").focus()

    page.keyboard.press("Enter")

    expect(page.locator("#history").get_by_role("button", name="Restore").first).to_be_visible()
    expect(page.get_by_text("Deleted. Restore it from its history:")).to_be_focused()
    page.keyboard.press("Tab")  # on to the history, not back at the page's top
    assert page.evaluate("document.activeElement.closest('#editor') !== null")


def test_a_new_entry_starts_in_its_title_which_fills_in_the_key(
    page: Any, site: str, console_env: Env
) -> None:
    sign_in(page, site, "knowledge")
    page.get_by_role("button", name="New entry").focus()

    page.keyboard.press("Enter")
    page.keyboard.type("Gift Wrap")

    form = page.locator("#entry-form")
    expect(form.get_by_label("Title")).to_have_value("Gift Wrap")  # not typed into the key
    expect(form.locator("input[name=key]")).to_have_value("gift-wrap")


def test_saving_with_enter_in_the_title_keeps_the_focus_on_the_title(
    page: Any, site: str, console_env: Env
) -> None:
    open_returns(page, site)
    title = page.locator("#entry-form input[name=title]")
    expect(title).to_be_focused()

    page.keyboard.press("End")
    page.keyboard.type(" (2024)")
    page.keyboard.press("Enter")
    expect(page.locator("#editor")).to_contain_text("revision 2")
    expect(title).to_have_value("Returns and refunds (2024)")
    expect(title).to_be_focused()

    # The Save button too keeps the focus: saving again from it leaves it on it.
    page.keyboard.press("Tab")  # Content
    page.keyboard.press("End")
    page.keyboard.type(" Ask us.")
    save = page.get_by_role("button", name="Save", exact=True)
    save.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#editor")).to_contain_text("revision 3")
    expect(save).to_be_focused()


def test_the_inbox_is_answered_resolved_and_handed_back_with_the_keyboard_alone(
    page: Any, site: str, console_env: Env
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # hand back while the shopper waits: asked first
    chat(page, site, PERSON)
    sign_in(page, site, "inbox")
    rows = page.locator("#inbox-list .row")
    rows.first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Claim").focus()
    page.keyboard.press("Enter")

    reply = page.get_by_label("Reply to the shopper")
    expect(page.locator("#inbox-transcript")).to_contain_text("claimed by admin")
    expect(reply).to_be_focused()  # what comes after a claim: the answer
    page.keyboard.type("Hi, Sam here. How can I help?")
    page.get_by_role("button", name="Send reply").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#inbox-transcript .msg.agent")).to_contain_text("How can I help?")
    expect(reply).to_be_focused()  # ready for the next one
    expect(reply).to_have_value("")

    page.get_by_role("button", name="Resolve").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#inbox-transcript")).to_contain_text("Resolved")
    expect(page.locator("#inbox-list")).to_be_focused()  # the conversation left the list: the list

    chat(page, site, PERSON)
    expect(rows).to_have_count(1, timeout=8_000)
    rows.first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Hand back to the assistant").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#inbox-transcript")).to_contain_text("Handed back to the assistant")
    expect(page.locator("#inbox-list")).to_be_focused()


def test_an_inbox_row_keeps_the_focus_while_the_list_is_polled(
    page: Any, site: str, console_env: Env
) -> None:
    chat(page, site, PERSON)
    sign_in(page, site, "inbox")
    row = page.locator("#inbox-list .row").first
    row.focus()
    chat(page, site, PERSON)  # a second shopper: the next poll draws the list again
    expect(page.locator("#inbox-list .row")).to_have_count(2, timeout=8_000)
    expect(row).to_be_focused()


def test_ctrl_enter_sends_a_reply_and_enter_starts_a_new_line(page: Any, site: str, console_env: Env) -> None:
    chat(page, site, PERSON)
    sign_in(page, site, "inbox")
    page.locator("#inbox-list .row").first.click()
    reply = page.get_by_label("Reply to the shopper")
    expect(page.locator("#inbox-transcript")).to_contain_text("Ctrl+Enter sends")  # said where it is used

    reply.press_sequentially("Hello,")
    reply.press("Enter")
    reply.press_sequentially("Sam here.")
    expect(reply).to_have_value("Hello,\nSam here.")  # a new line, nothing sent
    expect(page.locator("#inbox-transcript .msg.agent")).to_have_count(0)

    reply.press("Control+Enter")
    expect(page.locator("#inbox-transcript .msg.agent")).to_contain_text("Sam here.")
    expect(reply).to_have_value("")
    expect(reply).to_be_focused()

    reply.press_sequentially("And on a Mac?")
    reply.press("Meta+Enter")  # Cmd+Enter
    expect(page.locator("#inbox-transcript .msg.agent")).to_have_count(2)
    expect(page.locator("#inbox-transcript .msg.agent").last).to_contain_text("And on a Mac?")


def selected_tab(page: Any) -> Any:
    return page.locator(".tabs [role=tab][aria-selected=true]")


def test_the_tabs_follow_the_address_bar_and_back_and_forward(page: Any, site: str, console_env: Env) -> None:
    sign_in(page, site, "knowledge")
    expect(selected_tab(page)).to_have_text("Knowledge")

    page.evaluate("window.location.hash = '#conversations'")  # typed in the address bar
    expect(selected_tab(page)).to_have_text("Conversations")
    expect(page.locator("#view-conversations")).to_be_visible()
    expect(page.locator("#view-knowledge")).to_be_hidden()

    open_tab(page, "Unanswered")
    expect(page).to_have_url(f"{site}/admin/#unanswered")
    page.go_back()
    expect(selected_tab(page)).to_have_text("Conversations")
    expect(page.locator("#view-conversations")).to_be_visible()
    page.go_back()
    expect(selected_tab(page)).to_have_text("Knowledge")
    page.go_forward()
    expect(selected_tab(page)).to_have_text("Conversations")
    expect(page).to_have_url(f"{site}/admin/#conversations")

    page.evaluate("window.location.hash = '#nonsense'")  # no such tab: the open one stays
    expect(selected_tab(page)).to_have_text("Conversations")
    expect(page).to_have_url(f"{site}/admin/#conversations")  # and the address says so again


def test_back_after_create_faq_returns_to_the_unanswered_questions(
    page: Any, site: str, console_env: Env
) -> None:
    rate_down(page, site, chat(page, site, "Can I pay with bitcoin?"), "No answer about crypto")
    sign_in(page, site, "unanswered")
    page.locator("#unanswered-rows tr", has_text="bitcoin").get_by_role("button", name="Create FAQ").click()
    title = page.locator("#entry-form input[name=title]")
    expect(title).to_have_value("Can I pay with bitcoin?")
    expect(page).to_have_url(f"{site}/admin/#knowledge")
    page.wait_for_timeout(300)  # a late hashchange would draw the editor again
    expect(title).to_have_value("Can I pay with bitcoin?")

    page.go_back()
    expect(selected_tab(page)).to_have_text("Unanswered")


LISTS = {
    "conversations": ("#conversation-list", "#transcript"),
    "inbox": ("#inbox-list", "#inbox-transcript"),
}


@pytest.mark.parametrize("tab", ["conversations", "inbox"])
def test_a_row_opened_with_enter_or_a_click_puts_the_focus_on_its_transcript(
    browser: Any, site: str, console_env: Env, tab: str
) -> None:
    """On a phone the transcript is below the list: the keyboard (and a screen reader) goes on
    there, not at the next row; the rows say they are buttons, the open one that it is current."""
    rows_at, pane_at = LISTS[tab]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        chat(page, site, PERSON)
        chat(page, site, f"{PERSON}, now")
        sign_in(page, site, tab)
        rows = page.locator(f"{rows_at} .row")
        expect(rows).to_have_count(2)
        expect(page.locator(rows_at).get_by_role("button", name=PERSON)).to_have_count(2)
        heading = page.locator(f"{pane_at} h3")

        rows.first.focus()
        page.keyboard.press("Enter")
        expect(rows.first).to_have_attribute("aria-current", "true")
        expect(heading).to_be_focused()
        expect(heading).to_be_in_viewport()
        page.keyboard.press("Tab")  # on into the transcript's actions, not to the next row
        assert page.evaluate(f"document.activeElement.closest('{pane_at}') !== null")

        rows.last.click()
        expect(rows.last).to_have_attribute("aria-current", "true")
        expect(rows.first).not_to_have_attribute("aria-current", "true")
        expect(heading).to_be_focused()
    finally:
        context.close()
