"""The staff console's Inbox keeps what staff write and asks before a shopper is left
unanswered; an open console follows a change of its member's role."""

from __future__ import annotations

from typing import Any

from tests.browser.test_console import chat, expect, sign_in
from tests.support import Env

PERSON = "I would like to talk to a person please"


def test_resolving_with_the_shoppers_last_message_unanswered_asks_first(
    page: Any, site: str, console_env: Env
) -> None:
    page.on("dialog", lambda dialog: dialog.dismiss())
    meta = chat(page, site, PERSON)
    sign_in(page, site, "inbox")
    page.locator("#inbox-list .row").first.click()
    page.get_by_label("Reply to the shopper").fill("Hi, Sam here. How can I help?")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#inbox-transcript .msg.agent")).to_contain_text("How can I help?")
    chat(page, site, "Where is my parcel?", meta)  # not in the transcript until its next poll

    with page.expect_event("dialog") as asked:
        page.get_by_role("button", name="Resolve").click()

    assert asked.value.message == (
        "The shopper's last message has no reply yet:\n\n“Where is my parcel?”\n\n"
        "The assistant will not answer it on its own. Resolve anyway?"
    )
    expect(page.get_by_role("button", name="Resolve")).to_be_visible()  # cancelled: still open
    expect(page.locator("#inbox-messages")).to_contain_text("Where is my parcel?", timeout=8_000)
    assert console_env.query("SELECT status FROM handoffs") == [("with_human",)]
