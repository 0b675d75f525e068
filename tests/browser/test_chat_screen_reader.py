"""The chat as a screen reader hears it: the conversation is a live log that is busy while an
answer streams (the finished answer is read once), each event is said once, and the controls
say what they open and what they belong to."""

from __future__ import annotations

from typing import Any

from scripts.fake_gemini import Behavior
from tests.browser.test_chat_experience import sse
from tests.browser.test_chat_page import ANSWERS, QUESTIONS, ask, expect, open_chat, wait_until_idle
from tests.browser.test_page_feedback_and_handoff import staff_reply, waiting_after_an_answer
from tests.support import Env

LOG = ".sc-messages[role=log]"
WORDS = [f"word{i} " for i in range(1, 11)]


def expect_busy(page: Any, busy: bool) -> None:
    """The log is busy (or not); no single message row is ever marked busy instead."""
    expect(page.locator(LOG)).to_have_attribute("aria-busy", "true" if busy else "false")
    expect(page.locator(f".sc-chat [aria-busy=true]:not({LOG})")).to_have_count(0)


def test_the_log_is_busy_while_an_answer_streams_also_after_a_reload_and_until_it_is_left(
    page: Any, site: str, env: Env
) -> None:
    env.fake.script(Behavior(chunks=WORDS, first_delay=0.5, gap=0.3))
    open_chat(page, site)
    ask(page, "Say ten words")
    answer = page.locator(ANSWERS).last
    expect(answer).to_contain_text("word2", timeout=15_000)
    expect_busy(page, True)
    expect(answer).to_have_text("".join(WORDS).strip(), timeout=15_000)
    expect_busy(page, False)  # done: read out once, whole

    env.fake.script(Behavior(chunks=WORDS, gap=0.3))
    ask(page, "Say them again")
    expect(answer).to_contain_text("word3", timeout=15_000)
    page.reload()  # the answer goes on being written: the page follows it again
    page.wait_for_function("window.supportChat !== undefined")
    expect(answer).to_contain_text("word6", timeout=15_000)
    expect_busy(page, True)
    wait_until_idle(page)
    expect_busy(page, False)

    env.fake.script(Behavior(chunks=WORDS, gap=0.5))
    ask(page, "And once more")
    expect(page.locator(ANSWERS).last).to_contain_text("word2", timeout=15_000)
    expect_busy(page, True)
    page.get_by_role("button", name="New conversation").click()  # left while it streams
    expect_busy(page, False)


def test_the_log_is_not_left_busy_by_an_error_or_a_lost_connection(page: Any, site: str) -> None:
    meta = {
        "conversation_id": "0b7c9a52-8d1e-4a57-9c5e-3f0f7f4b8a11",
        "conversation_token": "t",
        "user_message_id": "u",
        "assistant_message_id": "5d2f7d0e-3b8a-4f5e-9b1c-7a6e2c4d9f10",
    }
    failed = sse(("meta", meta), ("delta", {"text": "Our hours "}), ("error", {"code": "model_unavailable"}))
    page.route(
        "**/chat_stream",
        lambda route: route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=failed),
    )
    open_chat(page, site)
    ask(page, "Hello?")
    expect(page.locator(".sc-failure")).to_contain_text("Our assistant is unavailable right now")
    expect_busy(page, False)

    page.unroute("**/chat_stream")
    page.route("**/chat_stream*", lambda route: route.abort())  # the connection is lost
    page.get_by_role("button", name="Retry").click()
    expect(page.locator(".sc-failure")).to_contain_text("The connection to the chat was lost")
    expect_busy(page, False)


# What the chat's status region says from now on (each text it is given), in window.__said.
RECORD_STATUS = """() => {
  window.__said = [];
  const status = document.querySelector(".sc-chat [role=status]");
  new MutationObserver(() => status.textContent && window.__said.push(status.textContent))
    .observe(status, {subtree: true, childList: true, characterData: true});
}"""


def test_the_agent_typing_is_said_once_by_the_status_not_again_by_the_log(
    page: Any, site: str, env: Env
) -> None:
    env.fake.script(Behavior(chunks=["Orders ship ", "in two days."], first_delay=1.5))
    open_chat(page, site)
    ask(page, "When do orders ship?")
    expect(page.locator(".sc-typing")).to_be_visible()
    expect(page.locator(".sc-chat [role=status]")).to_have_text("The agent is typing…")
    tree = page.locator(".sc-chat").aria_snapshot()
    assert tree.count("The agent is typing") == 1, tree
    expect(page.locator(ANSWERS).last).to_have_text("Orders ship in two days.")


def test_a_staff_reply_is_said_once_by_the_log_not_again_by_the_status(
    page: Any, site: str, env: Env
) -> None:
    conversation = waiting_after_an_answer(page, site, env)
    page.evaluate(RECORD_STATUS)
    staff_reply(site, conversation, "Hi, Sam here. I'm sending a replacement today.")
    staff = page.locator(".sc-msg--agent")
    expect(staff.locator(".sc-bubble")).to_have_text("Hi, Sam here. I'm sending a replacement today.")
    expect(staff.locator(".sc-visually-hidden")).to_have_text("Support team (staff): ")  # the log says who
    page.wait_for_timeout(500)
    assert page.evaluate("window.__said") == []


def test_talk_to_a_person_says_whether_its_form_is_open(page: Any, site: str, env: Env) -> None:
    env.fake.script(Behavior(chunks=["Your order left today."]))
    open_chat(page, site)
    ask(page, "Where is my order?")
    expect(page.locator(ANSWERS).last).to_have_text("Your order left today.")
    person = page.get_by_role("button", name="Talk to a person")
    form = page.get_by_role("form", name="Talk to a person")
    expect(person).to_have_attribute("aria-expanded", "false")

    person.click()
    expect(form).to_be_visible()
    expect(person).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(person).to_have_attribute("aria-expanded", "false")

    person.click()
    expect(person).to_have_attribute("aria-expanded", "true")
    page.get_by_role("button", name="Ask for a person").click()  # sent: the form closes
    expect(page.get_by_text("Waiting for a person")).to_be_visible()
    expect(form).to_be_hidden()
    expect(page.get_by_role("button", name="Leave your email")).to_have_attribute("aria-expanded", "false")


def test_each_answers_thumbs_say_which_answer_they_rate(page: Any, site: str, env: Env) -> None:
    long = "Orders ship within two working days, and tracking comes by email."
    env.fake.script(Behavior(chunks=[long]), Behavior(chunks=["Returns are free."]))
    open_chat(page, site)
    ask(page, "When do orders ship?")
    expect(page.locator(ANSWERS).last).to_have_text(long)
    wait_until_idle(page)
    ask(page, "Are returns free?")
    expect(page.locator(ANSWERS).last).to_have_text("Returns are free.")

    for _ in range(2):  # as answered, and as restored after a reload
        first, last = page.locator(".sc-msg--assistant").first, page.locator(".sc-msg--assistant").last
        helpful = first.get_by_role("button", name="Helpful", exact=True)
        expect(helpful).to_have_accessible_name("Helpful")  # the name (and the look) stay short
        about_first = "For the answer: Orders ship within two working days, and tracking…"
        expect(helpful).to_have_accessible_description(about_first)
        expect(first.get_by_role("button", name="Not helpful")).to_have_accessible_description(about_first)
        expect(last.get_by_role("button", name="Helpful", exact=True)).to_have_accessible_description(
            "For the answer: Returns are free."
        )
        page.reload()
        page.evaluate("window.supportChat.ready")


def test_in_forced_colours_the_shoppers_bubbles_keep_an_outline(browser: Any, site: str, env: Env) -> None:
    env.fake.script(Behavior(chunks=["Returns are free."]))
    context = browser.new_context(forced_colors="active")
    try:
        page = context.new_page()
        open_chat(page, site)
        ask(page, "Are returns free?")
        expect(page.locator(ANSWERS).last).to_have_text("Returns are free.")
        for bubble in (page.locator(QUESTIONS).last, page.locator(ANSWERS).last):
            style, width = bubble.evaluate(
                "b => [getComputedStyle(b).borderTopStyle, getComputedStyle(b).borderTopWidth]"
            )
            assert (style, width) == ("solid", "1px"), (bubble, style, width)
    finally:
        context.close()


def test_the_full_page_starts_in_the_message_box_after_a_reload(browser: Any, site: str, env: Env) -> None:
    """Every answer adds its Copy and rating buttons to the Tab order: a keyboard starts typing at
    once instead of tabbing past them. A touch screen gets no focus (it would open the keyboard)."""
    env.fake.script(Behavior(chunks=["Returns are free within 30 days."]))
    desktop = browser.new_context(viewport={"width": 1024, "height": 760})
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = desktop.new_page()
        open_chat(page, site)
        ask(page, "Can I return my tent?")
        expect(page.locator(ANSWERS).last).to_have_text("Returns are free within 30 days.")
        state = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
        page.reload()
        page.evaluate("window.supportChat.ready")
        expect(page.locator(QUESTIONS)).to_have_text(["Can I return my tent?"])
        expect(page.get_by_label("Your message")).to_be_focused()
        page.keyboard.type("And shipping?")
        expect(page.get_by_label("Your message")).to_have_value("And shipping?")

        touch = phone.new_page()
        touch.goto(site + "/")
        touch.evaluate(f"Object.entries({state}).forEach(([k, v]) => localStorage.setItem(k, v))")
        open_chat(touch, site)
        expect(touch.locator(QUESTIONS)).to_have_text(["Can I return my tent?"])
        expect(touch.get_by_label("Your message")).not_to_be_focused()
    finally:
        desktop.close()
        phone.close()
