"""The staff console's Inbox keeps what staff write and asks before a shopper is left
unanswered; an open console follows a change of its member's role."""

from __future__ import annotations

from typing import Any

from tests.browser.test_console import change_role, chat, expect, member, post, sign_in
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


def test_a_reply_being_written_waits_in_its_conversation_while_another_is_open(
    page: Any, site: str, console_env: Env
) -> None:
    chat(page, site, PERSON)
    chat(page, site, "I want to speak to a manager")
    sign_in(page, site, "inbox")
    rows = page.locator("#inbox-list .row")
    expect(rows).to_have_count(2)
    reply = page.get_by_label("Reply to the shopper")

    def open_row(n: int) -> None:
        rows.nth(n).click()
        expect(page.locator("#inbox-messages")).to_have_attribute(
            "data-id", rows.nth(n).get_attribute("data-id")
        )

    open_row(0)
    reply.fill("Hello first shopper")
    open_row(1)
    expect(reply).to_have_value("")  # each conversation its own reply
    reply.fill("Hello second shopper")
    open_row(0)
    expect(reply).to_have_value("Hello first shopper")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#inbox-messages .msg.agent")).to_contain_text("Hello first shopper")
    open_row(1)
    expect(reply).to_have_value("Hello second shopper")
    open_row(0)
    expect(reply).to_have_value("")  # sent: nothing waits any more


def test_a_reply_refused_because_someone_else_claimed_first_stays_in_the_box(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, PERSON)
    sign_in(page, site, "inbox", member(page, site, "Ann", "editor")["token"])
    page.locator("#inbox-list .row").first.click()
    page.get_by_label("Reply to the shopper").fill("Hi, Ann here")
    # The inbox's polls wait until the reply is refused: the refusal, not a poll, finds the claim.
    refused: list[int] = []
    page.on(
        "response", lambda response: refused.append(response.status) if "/reply" in response.url else None
    )
    page.route("**/policies/_inbox", lambda route: route.continue_() if refused else None)
    olga = {"Authorization": f"Bearer {member(page, site, 'Olga', 'owner')['token']}"}
    assert post(page, f"{site}/policies/_inbox/{meta['conversation_id']}/claim", {}, olga).ok

    page.get_by_role("button", name="Send reply").click()

    expect(page.locator("#inbox-transcript")).to_contain_text("Olga has this conversation")
    expect(page.locator("#toast")).to_have_text(
        "Olga took this conversation; your reply was not sent and is still in the box"
    )
    expect(page.get_by_label("Your reply, not sent")).to_have_value("Hi, Ann here")
    assert refused == [409]
    assert console_env.query("SELECT count(*) FROM messages WHERE role = 'agent'") == [(0,)]


def test_a_viewer_promoted_while_the_console_is_open_sees_it_when_the_window_has_the_focus_again(
    page: Any, site: str, console_env: Env
) -> None:
    vic = member(page, site, "Vic", "viewer")
    sign_in(page, site, "knowledge", vic["token"])
    page.locator("#knowledge-list .row", has_text="Returns and refunds").click()
    form = page.locator("#entry-form")
    expect(form.get_by_role("button", name="Save")).to_be_disabled()

    change_role(page, site, vic, "editor")
    page.evaluate("window.dispatchEvent(new Event('focus'))")  # back from the other window

    expect(page.locator("#who")).to_have_text("Vic · editor")
    expect(page.locator("#toast")).to_have_text(
        "Your role was changed to editor: the console now shows what an editor can do."
    )
    expect(form.get_by_role("button", name="Save")).to_be_enabled()
    expect(form.locator("textarea[name=content]")).to_be_editable()
    expect(page.locator("#new-entry")).to_be_enabled()
    expect(page.get_by_role("tab", name="Staff")).to_be_hidden()

    change_role(page, site, vic, "owner")
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.get_by_role("tab", name="Staff")).to_be_visible()
    expect(page.locator("#who")).to_have_text("Vic · owner")
