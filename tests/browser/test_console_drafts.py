"""Unsent text survives a reload of the console, in this tab only: a reply begun in the Inbox
comes back when its conversation is opened again, until it is sent, the conversation is resolved
or erased, or staff sign out; an entry being edited in Knowledge comes back unsaved. Nothing of
it goes to localStorage."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.test_console import AUTH, chat, expect, member, open_tab, post, sign_in
from tests.browser.test_console_knowledge_edits import CHANGED, change_returns, edit_returns
from tests.support import Env

PERSON = "I would like to talk to a person please"
KEPT = "Object.keys(sessionStorage).filter((key) => key.includes('draft'))"


def inbox_row(page: Any, question: str) -> Any:
    return page.locator("#inbox-list .row", has_text=question)


def test_a_reply_being_written_comes_back_after_a_reload_until_it_is_sent(
    page: Any, site: str, console_env: Env
) -> None:
    chat(page, site, f"{PERSON}, about my parcel")
    chat(page, site, f"{PERSON}, about a refund")
    sign_in(page, site, "inbox")
    reply = page.get_by_label("Reply to the shopper")
    inbox_row(page, "parcel").click()
    reply.fill("Your parcel left our warehouse")
    inbox_row(page, "refund").click()
    expect(reply).to_have_value("")  # each conversation its own reply

    page.reload()
    inbox_row(page, "parcel").click()
    expect(reply).to_have_value("Your parcel left our warehouse")
    assert page.evaluate("localStorage.length") == 0  # the tab's storage only, as the token

    reply.press("Control+Enter")
    expect(page.locator("#inbox-transcript .msg.agent")).to_contain_text("left our warehouse")
    page.reload()
    inbox_row(page, "parcel").click()
    expect(page.locator("#inbox-transcript .msg.agent")).to_contain_text("left our warehouse")
    expect(reply).to_have_value("")  # sent: not offered again
    assert page.evaluate(KEPT) == []


def test_signing_out_forgets_every_reply_being_written(page: Any, site: str, console_env: Env) -> None:
    chat(page, site, PERSON)
    sign_in(page, site, "inbox")
    reply = page.get_by_label("Reply to the shopper")
    page.locator("#inbox-list .row").first.click()
    reply.fill("Half an answer")
    page.reload()
    page.locator("#inbox-list .row").first.click()
    expect(reply).to_have_value("Half an answer")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Staff token")).to_be_visible()
    assert page.evaluate(KEPT) == []  # not for the next person to sign in here
    sign_in(page, site, "inbox")
    page.locator("#inbox-list .row").first.click()
    expect(page.locator("#inbox-transcript")).to_contain_text("talk to a person")
    expect(reply).to_have_value("")


def test_someone_else_signed_in_to_the_same_tab_finds_none_of_the_replies_being_written(
    page: Any, site: str, console_env: Env
) -> None:
    """An IAP account switched, or another token pasted, without signing out first."""
    chat(page, site, PERSON)
    colleague = member(page, site, "Bea", "editor")["token"]
    sign_in(page, site, "inbox")
    reply = page.get_by_label("Reply to the shopper")
    page.locator("#inbox-list .row").first.click()
    reply.fill("Quoting the shopper's address")
    page.wait_for_function(f"{KEPT}.length === 1")

    page.evaluate("(token) => sessionStorage.setItem('support-console-token', token)", colleague)
    page.reload()
    expect(page.locator("#app")).to_be_visible()
    page.locator("#inbox-list .row").first.click()
    expect(page.locator("#inbox-transcript")).to_contain_text("talk to a person")
    expect(reply).to_have_value("")
    assert page.evaluate(KEPT) == []


def test_a_reply_to_a_conversation_resolved_elsewhere_is_not_offered_when_it_comes_back(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, PERSON)
    sign_in(page, site, "inbox")
    reply = page.get_by_label("Reply to the shopper")
    rows = page.locator("#inbox-list .row")
    rows.first.click()
    reply.fill("A reply nobody will read")
    expect(rows).to_have_count(1)
    page.wait_for_function(f"{KEPT}.length === 1")

    inbox = f"{site}/policies/_inbox/{meta['conversation_id']}"
    assert post(page, f"{inbox}/claim", {}, AUTH).ok
    assert post(page, f"{inbox}/resolve", {}, AUTH).ok  # in another tab, say
    expect(rows).to_have_count(0, timeout=8_000)
    chat(page, site, PERSON, meta)  # the shopper asks for a person again
    expect(rows).to_have_count(1, timeout=8_000)
    rows.first.click()
    expect(page.locator("#inbox-transcript .msg.user")).to_have_count(2)
    expect(reply).to_have_value("")


def test_erasing_a_conversation_drops_the_reply_begun_in_the_inbox(
    page: Any, site: str, console_env: Env
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    meta = chat(page, site, PERSON)
    sign_in(page, site, "inbox")
    page.locator("#inbox-list .row").first.click()
    page.get_by_label("Reply to the shopper").fill("Before it is erased")
    page.wait_for_function(f"{KEPT}.length === 1")

    open_tab(page, "Conversations")  # the Inbox is not polled from here: no list drops it
    page.locator("#conversation-list .row").first.click()
    page.get_by_role("button", name="Delete conversation").click()
    expect(page.locator("#transcript")).to_contain_text("Deleted.")

    assert page.evaluate(KEPT) == []
    assert meta["conversation_id"] not in page.evaluate("JSON.stringify(sessionStorage)")


def test_an_entry_being_edited_comes_back_unsaved_after_a_reload(
    page: Any, site: str, console_env: Env
) -> None:
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    form = edit_returns(page, site)

    page.reload()  # the browser asks first, as before

    assert asked == ["beforeunload"]
    expect(form.locator("textarea[name=content]")).to_have_value(CHANGED)
    expect(form.get_by_label("Title")).to_have_value("Returns and refunds")
    expect(page.locator("#toast")).to_contain_text("unsaved changes to “Returns and refunds” are back")
    expect(page.locator("#toast")).to_be_hidden(timeout=10_000)  # the toast has gone: the form still says so
    expect(form.get_by_text("Unsaved changes", exact=True)).to_be_visible()
    assert page.evaluate("localStorage.length") == 0
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#editor")).to_contain_text("revision 2")
    expect(page.locator("#entry-form").get_by_text("Unsaved changes", exact=True)).to_be_hidden()
    assert "60 days" in page.request.get(f"{site}/policies/returns", headers=AUTH).json()["content"]

    page.reload()  # saved: nothing to ask, nothing to bring back
    assert asked == ["beforeunload"]
    expect(page.locator("#knowledge-list .row").first).to_be_visible()
    expect(page.locator("#editor")).to_contain_text("Pick an entry")


def test_a_restored_entry_still_asks_before_it_is_left_and_a_save_in_between_is_a_conflict(
    page: Any, site: str, console_env: Env
) -> None:
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    form = edit_returns(page, site)
    page.reload()
    expect(form.locator("textarea[name=content]")).to_have_value(CHANGED)

    page.locator("#knowledge-list .row", has_text="Shipping").first.click()
    expect(form.get_by_label("Title")).to_have_value(re.compile("Shipping"))
    assert asked[-1] == "Discard your unsaved changes to “Returns and refunds”?"
    page.reload()  # discarded: not brought back
    expect(page.locator("#editor")).to_contain_text("Pick an entry")

    change_returns(page)
    page.reload()
    expect(form.locator("textarea[name=content]")).to_have_value(CHANGED)
    theirs = {"title": "Returns and refunds", "content": "Returns within 14 days.", "kind": "policy"}
    saved = page.request.put(f"{site}/policies/returns", data=theirs, headers={**AUTH, "If-Match": "*"})
    assert saved.ok, saved.text()
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#conflict")).to_contain_text("Returns within 14 days.")  # not overwritten unseen


def test_a_new_entry_being_written_comes_back_with_its_key(page: Any, site: str, console_env: Env) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, site, "knowledge")
    page.get_by_role("button", name="New entry").click()
    form = page.locator("#entry-form")
    form.get_by_label("Title").press_sequentially("Gift wrap")
    form.locator("textarea[name=content]").press_sequentially("We wrap gifts for 3 EUR.")
    expect(form.locator("input[name=key]")).to_have_value("gift-wrap")

    page.reload()

    expect(form.get_by_label("Title")).to_have_value("Gift wrap")
    expect(form.locator("input[name=key]")).to_have_value("gift-wrap")
    expect(form.locator("textarea[name=content]")).to_have_value("We wrap gifts for 3 EUR.")
    form.get_by_role("button", name="Create").click()
    expect(page.locator("#knowledge-list")).to_contain_text("Gift wrap")
