"""The page against the real feedback, handoff, events and suggestions endpoints.

These need the backend of issues 13 and 17 and ``GET /history/suggestions`` (built on other
branches): on the ``web-page`` branch alone they fail, by design. The same flows against the
contract played by routes are in ``test_chat_experience.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

from common.knowledge import DEFAULT_ENTRIES
from scripts.fake_gemini import Behavior
from tests.browser.conftest import screenshot
from tests.browser.test_chat_page import ANSWERS, ask, expect, open_chat
from tests.support import Env


def staff_reply(env: Env, conversation_id: Any, text: str, author: str) -> None:
    """A staff reply written as another instance would write it: a row of role ``agent``.

    Adapt to the console's reply route (issue 13) if the row needs more than this.
    """
    env.execute(
        "INSERT INTO messages (id, conversation_id, position, role, content, status, author)"
        " SELECT :id, :conversation, coalesce(max(position), 0) + 1, 'agent', :text, 'complete', :author"
        " FROM messages WHERE conversation_id = :conversation",
        id=uuid.uuid4(),
        conversation=conversation_id,
        text=text,
        author=author,
    )


def test_suggested_questions_come_from_the_shops_faq(page: Any, site: str) -> None:
    faq = {e.title for e in DEFAULT_ENTRIES if e.kind == "faq"}
    open_chat(page, site)
    page.evaluate("window.supportChat.warm")
    chips = page.locator(".sc-chip")
    expect(chips.first).to_be_visible()
    questions = chips.all_inner_texts()
    assert 3 <= len(questions) <= 5 and set(questions) <= faq, questions


def test_feedback_is_sent_and_remembered_after_a_reload(page: Any, site: str, env: Env) -> None:
    env.fake.script(Behavior(chunks=["Refunds take ", "5 working days."]))
    open_chat(page, site)
    ask(page, "How long do refunds take?")
    expect(page.locator(ANSWERS).last).to_have_text("Refunds take 5 working days.")
    answer = page.locator(".sc-msg--assistant").last
    with page.expect_response("**/history/feedback") as sent:
        answer.get_by_role("button", name="Helpful", exact=True).click()
    assert sent.value.status == 204
    with page.expect_response("**/history/feedback") as changed:
        answer.get_by_role("button", name="Not helpful").click()
    assert changed.value.status == 204  # changeable
    page.reload()
    page.evaluate("window.supportChat.ready")
    down = page.locator(".sc-msg--assistant").last.get_by_role("button", name="Not helpful")
    expect(down).to_have_attribute("aria-pressed", "true")


def test_a_staff_reply_appears_live_after_asking_for_a_person(page: Any, site: str, env: Env) -> None:
    env.fake.script(Behavior(chunks=["I can help with that."]))
    open_chat(page, site)
    ask(page, "My parcel arrived damaged")
    expect(page.locator(ANSWERS).last).to_have_text("I can help with that.")
    page.get_by_role("button", name="Talk to a person").click()
    with page.expect_response("**/history/handoff") as handed:
        page.get_by_role("button", name="Ask for a person").click()
    assert handed.value.status == 202
    expect(page.get_by_text("Waiting for a person")).to_be_visible()

    conversation = env.query("SELECT id FROM conversations")[0][0]
    staff_reply(env, conversation, "Hi, Sam here. I'm sending a replacement today.", "Sam")
    staff = page.locator(".sc-msg--agent")
    expect(staff.locator(".sc-bubble")).to_have_text("Hi, Sam here. I'm sending a replacement today.")
    expect(staff.locator(".sc-msg-name")).to_have_text("Sam")
    screenshot(page, "page-staff-reply-live")
