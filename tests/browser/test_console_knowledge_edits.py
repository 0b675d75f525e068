"""Knowledge edits in the staff console are not lost unasked: leaving a changed form asks
first, a Save without a change sends nothing, and a conflict says plainly what happened and
what differs. A new entry's key says its rules in plain words, and a question is suggested as
an FAQ."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.browser.test_console import AUTH, expect, member, new_entry, open_tab, sign_in
from tests.support import Env

CHANGED = "Returns within 60 days, no questions asked."


def edit_returns(page: Any, site: str) -> Any:
    """Signed in, the Returns entry open with its content changed; returns the form."""
    sign_in(page, site, "knowledge")
    return change_returns(page)


def change_returns(page: Any) -> Any:
    """The Returns entry opened from the list and its content changed; returns the form."""
    page.locator("#knowledge-list .row", has_text="Returns and refunds").click()
    form = page.locator("#entry-form")
    expect(form.get_by_label("Title")).to_have_value("Returns and refunds")
    content = form.locator("textarea[name=content]")
    content.fill("")
    content.press_sequentially(CHANGED)  # typed: the page has had a user's gesture
    return form


def test_leaving_a_changed_entry_asks_first_and_cancel_keeps_the_text(
    page: Any, site: str, console_env: Env
) -> None:
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    form = edit_returns(page, site)
    content = form.locator("textarea[name=content]")

    open_tab(page, "Dashboard")  # another tab keeps the draft, unasked
    open_tab(page, "Knowledge")
    expect(content).to_have_value(CHANGED)
    assert asked == []

    page.locator("#knowledge-list .row", has_text="Shipping").first.click()
    page.get_by_role("button", name="New entry").click()
    page.get_by_role("button", name="Sign out").click()

    assert asked == ["Discard your unsaved changes to “Returns and refunds”?"] * 3
    expect(page.locator("#app")).to_be_visible()  # still signed in
    expect(form.get_by_label("Title")).to_have_value("Returns and refunds")
    expect(content).to_have_value(CHANGED)
    assert "60 days" not in page.request.get(f"{site}/policies/returns", headers=AUTH).json()["content"]


def test_discarding_the_changes_opens_the_other_entry(page: Any, site: str, console_env: Env) -> None:
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    form = edit_returns(page, site)

    page.locator("#knowledge-list .row", has_text="Shipping").first.click()

    expect(form.get_by_label("Title")).to_have_value("Shipping")
    assert asked == ["Discard your unsaved changes to “Returns and refunds”?"]
    page.locator("#knowledge-list .row", has_text="Returns and refunds").click()  # unchanged: unasked
    expect(form.get_by_label("Title")).to_have_value("Returns and refunds")
    assert len(asked) == 1


def test_closing_the_page_with_unsaved_changes_asks_the_browser_first(
    page: Any, site: str, console_env: Env
) -> None:
    form = edit_returns(page, site)

    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)

    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # stay: the text is still there
    expect(form.locator("textarea[name=content]")).to_have_value(CHANGED)
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#editor")).to_contain_text("revision 2")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    with page.expect_event("close"):  # saved: nothing to lose, nothing asked
        page.close(run_before_unload=True)
    assert dialogs == []


def test_save_without_a_change_sends_nothing_and_says_so(page: Any, site: str, console_env: Env) -> None:
    sign_in(page, site, "knowledge")
    page.locator("#knowledge-list .row", has_text="Returns and refunds").click()
    form = page.locator("#entry-form")
    expect(form.get_by_label("Title")).to_have_value("Returns and refunds")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.method) if request.method == "PUT" else None)

    form.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#toast")).to_have_text("No changes to save")
    expect(page.locator("#editor")).to_contain_text("revision 1")
    assert sent == []


def test_an_entry_deleted_while_i_edit_it_is_created_again_with_my_text(
    page: Any, site: str, console_env: Env
) -> None:
    form = edit_returns(page, site)
    assert page.request.delete(f"{site}/policies/returns", headers=AUTH).ok  # someone else deletes it

    form.get_by_role("button", name="Save", exact=True).click()

    alert = page.locator("#conflict [role=alert]")
    expect(alert).to_contain_text("admin deleted this entry while you were editing")
    alert.get_by_role("button", name="Keep mine (create it again)").click()
    expect(page.locator("#toast")).to_contain_text("Created again as revision")
    expect(form.locator("textarea[name=content]")).to_have_value(CHANGED)
    expect(form.get_by_label("Title")).to_have_value("Returns and refunds")
    stored = page.request.get(f"{site}/policies/returns", headers=AUTH).json()
    assert stored["content"] == CHANGED


def test_discarding_my_text_after_a_deletion_returns_to_the_list(
    page: Any, site: str, console_env: Env
) -> None:
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    form = edit_returns(page, site)
    assert page.request.delete(f"{site}/policies/returns", headers=AUTH).ok
    form.get_by_role("button", name="Save", exact=True).click()

    page.locator("#conflict").get_by_role("button", name="Discard mine").click()

    expect(page.locator("#editor")).to_contain_text("Your text was discarded. Pick an entry, or create one.")
    expect(form).to_have_count(0)  # no empty New entry form with my title
    expect(page.locator("#knowledge-list")).not_to_contain_text("Returns and refunds")
    expect(page.get_by_text("Deleted entries (1)")).to_be_visible()
    assert asked == []  # discarding was the choice: nothing more to ask


def test_a_conflict_says_who_changed_the_entry(page: Any, site: str, console_env: Env) -> None:
    ann = member(page, site, "Ann", "editor")
    form = edit_returns(page, site)
    saved = page.request.put(
        f"{site}/policies/returns",
        data=json.dumps(
            {"title": "Returns and refunds", "content": "Returns within 14 days.", "kind": "policy"}
        ),
        headers={"Authorization": f"Bearer {ann['token']}", "Content-Type": "application/json"},
    )
    assert saved.ok, saved.text()

    form.get_by_role("button", name="Save", exact=True).click()

    alert = page.locator("#conflict [role=alert]")
    expect(alert.locator("h4")).to_have_text("Ann changed this entry while you were editing")
    expect(alert.locator(".theirs")).to_contain_text("Returns within 14 days.")


def test_a_conflict_shows_a_changed_title_under_what_differs(page: Any, site: str, console_env: Env) -> None:
    stored = page.request.get(f"{site}/policies/returns", headers=AUTH).json()
    form = edit_returns(page, site)
    theirs = {"title": "Returns and exchanges", "content": stored["content"], "kind": stored["kind"]}
    saved = page.request.put(
        f"{site}/policies/returns",
        data=json.dumps(theirs),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert saved.ok, saved.text()

    form.get_by_role("button", name="Save", exact=True).click()

    differs = page.locator(".conflict .differs")
    expect(differs).to_contain_text("Title:")
    expect(differs.locator("del", has_text="refunds")).to_be_visible()
    expect(differs.locator("ins", has_text="exchanges")).to_be_visible()


def test_a_new_entrys_key_says_its_rules_and_what_is_wrong_in_plain_words(
    page: Any, site: str, console_env: Env
) -> None:
    form, key = new_entry(page, site)
    expect(key).to_have_accessible_description(re.compile("^1 to 64 lowercase letters, digits or dashes"))
    expect(form.get_by_text("1 to 64 lowercase letters, digits or dashes")).to_be_visible()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "PUT" else None)

    key.fill("Gift Wrap")
    form.get_by_label("Title").fill("Gift wrapping")
    form.locator("textarea[name=content]").fill("We wrap any order for 3 EUR.")
    form.get_by_role("button", name="Create").click()

    problem = "Use only lowercase letters, digits and dashes, starting with a letter or digit: for example “gift-wrap”."
    expect(form.get_by_text(problem)).to_be_visible()
    assert key.evaluate("input => input.validationMessage") == problem  # the browser's bubble, too
    assert sent == []
    key.fill("gift-wrap")
    expect(form.get_by_text(problem)).to_be_hidden()


def test_a_new_entry_titled_as_a_question_is_suggested_as_an_faq(
    page: Any, site: str, console_env: Env
) -> None:
    form, key = new_entry(page, site)
    title, kind = form.get_by_label("Title"), form.get_by_label("Kind")

    title.fill("Do you gift-wrap orders?")

    expect(kind).to_have_value("faq")
    expect(key).to_have_value("faq-do-you-gift-wrap-orders")
    kind.select_option("policy")  # the editor's choice stays
    title.fill("Do you gift-wrap parcels?")
    expect(kind).to_have_value("policy")
    expect(key).to_have_value("do-you-gift-wrap-parcels")


def test_a_long_titles_key_uses_the_64_characters_a_key_may_have(
    page: Any, site: str, console_env: Env
) -> None:
    form, key = new_entry(page, site)

    form.get_by_label("Title").fill(
        "Returns of opened cosmetics, perfume and underwear: a hygiene law in detail"
    )

    expect(key).to_have_value(
        "returns-of-opened-cosmetics-perfume-and-underwear-a-hygiene-law"
    )  # no dash at the end
    form.get_by_label("Title").fill("")
    expect(key).to_have_value("")  # no title, no key made up
