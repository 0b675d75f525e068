"""The page against the real feedback, handoff and events endpoints, and a staff
member answering from the console's inbox in a second browser context."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from scripts.fake_gemini import Behavior
from tests.browser.conftest import screenshot
from tests.browser.test_chat_page import ANSWERS, ask, expect, open_chat, open_widget, wait_until_idle
from tests.support import Env

TOKEN = "handoff-owner-token"


def staff_reply(site: str, conversation_id: Any, text: str) -> None:
    """A staff reply through the console's route (as another instance would write it)."""
    response = httpx2.post(
        f"{site}/policies/_inbox/{conversation_id}/reply",
        json={"content": text},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text


def ask_for_a_person(page: Any) -> None:
    page.get_by_role("button", name="Talk to a person").click()
    with page.expect_response("**/history/handoff") as handed:
        page.get_by_role("button", name="Ask for a person").click()
    assert handed.value.status == 202
    expect(page.get_by_text("Waiting for a person")).to_be_visible()


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
    # The chosen thumb reads as chosen: its icon in the accent's text colour, not the muted grey.
    colour = "b => getComputedStyle(b).color"
    chosen = answer.get_by_role("button", name="Not helpful").evaluate(colour)
    other = answer.get_by_role("button", name="Helpful", exact=True).evaluate(colour)
    assert chosen != other, chosen
    page.reload()
    page.evaluate("window.supportChat.ready")
    down = page.locator(".sc-msg--assistant").last.get_by_role("button", name="Not helpful")
    expect(down).to_have_attribute("aria-pressed", "true")


def refunds_answered(page: Any, site: str, env: Env) -> Any:
    """The page asked about refunds and answered: the answer's row."""
    env.fake.script(Behavior(chunks=["Refunds take ", "5 working days."]))
    open_chat(page, site)
    ask(page, "How long do refunds take?")
    answer = page.locator(".sc-msg--assistant").last
    expect(answer.locator(".sc-bubble")).to_have_text("Refunds take 5 working days.")
    return answer


def test_the_comment_form_fits_a_small_phone_on_one_line(page: Any, site: str, env: Env) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    answer = refunds_answered(page, site, env)
    answer.get_by_role("button", name="Not helpful").click()

    send = answer.get_by_role("button", name="Send feedback")
    field = answer.get_by_placeholder("What was missing?")
    expect(send).to_be_visible()
    send_box, field_box = send.bounding_box(), field.bounding_box()
    assert send_box is not None and field_box is not None
    assert send_box["height"] < 44, send_box  # one line of text (two: 56 px)
    assert field_box["width"] > 100, field_box  # the field keeps room to type
    assert send_box["x"] + send_box["width"] <= 320


def test_a_comment_sent_from_the_keyboard_leaves_focus_on_the_rating(page: Any, site: str, env: Env) -> None:
    answer = refunds_answered(page, site, env)
    down = answer.get_by_role("button", name="Not helpful")
    down.focus()
    page.keyboard.press("Enter")
    expect(answer.get_by_placeholder("What was missing?")).to_be_focused()
    page.keyboard.type("How do I send it back?")

    with page.expect_response("**/history/feedback") as sent:
        page.keyboard.press("Enter")

    assert sent.value.status == 204
    expect(answer.get_by_text("Thanks for your feedback.")).to_be_visible()
    expect(down).to_be_focused()  # not the page's top, where a keyboard would start over


def test_a_rating_the_server_did_not_get_is_not_shown_as_given(page: Any, site: str, env: Env) -> None:
    answer = refunds_answered(page, site, env)
    helpful = answer.get_by_role("button", name="Helpful", exact=True)
    page.route("**/history/feedback", lambda route: route.abort())  # the shop's server is down

    helpful.click()

    expect(page.get_by_text("Your feedback could not be sent. Please try again later.")).to_be_visible()
    expect(helpful).to_have_attribute("aria-pressed", "false")
    page.unroute("**/history/feedback")
    page.reload()
    page.evaluate("window.supportChat.ready")
    helpful = page.locator(".sc-msg--assistant").last.get_by_role("button", name="Helpful", exact=True)
    expect(helpful).to_have_attribute("aria-pressed", "false")  # nothing kept on the device either
    with page.expect_response("**/history/feedback") as sent:
        helpful.click()  # and it can be given again
    assert sent.value.status == 204
    expect(helpful).to_have_attribute("aria-pressed", "true")

    page.route("**/history/feedback", lambda route: route.abort())
    answer = page.locator(".sc-msg--assistant").last
    answer.get_by_role("button", name="Not helpful").click()  # not saved: nothing to comment on
    expect(answer.get_by_role("button", name="Not helpful")).to_have_attribute("aria-pressed", "false")
    expect(answer.get_by_label("What could be better?")).to_have_count(0)
    page.unroute("**/history/feedback")
    answer.get_by_role("button", name="Not helpful").click()
    answer.get_by_label("What could be better?").fill("Too vague")
    page.route("**/history/feedback", lambda route: route.abort())
    answer.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Your feedback could not be sent. Please try again later.").last).to_be_visible()
    expect(answer.locator(".sc-thanks")).to_have_count(0)  # the comment stays, to send again
    expect(answer.get_by_label("What could be better?")).to_have_value("Too vague")


def waiting_after_an_answer(page: Any, site: str, env: Env) -> Any:
    """A shopper who got an answer, then asked for a person: the conversation's id."""
    env.set(ADMIN_TOKEN=TOKEN)
    env.fake.script(Behavior(chunks=["I can help with that."]))
    open_chat(page, site)
    ask(page, "My parcel arrived damaged")
    expect(page.locator(ANSWERS).last).to_have_text("I can help with that.")
    ask_for_a_person(page)
    return env.query("SELECT id FROM conversations")[0][0]


def a_person_replied(page: Any, site: str, env: Env) -> Any:
    """A shopper who asked for a person after an answer, and a person who replied: its id."""
    conversation = waiting_after_an_answer(page, site, env)
    staff_reply(site, conversation, "Hi, Sam here.")
    expect(page.get_by_text("A person from our team is here")).to_be_visible()
    return conversation


def erase(site: str, conversation_id: Any) -> None:
    """Staff erase the conversation (a shopper's erasure request)."""
    erased = httpx2.delete(
        f"{site}/policies/_conversations/{conversation_id}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert erased.status_code in (200, 204), erased.text


def test_a_staff_reply_appears_live_after_asking_for_a_person(page: Any, site: str, env: Env) -> None:
    conversation = waiting_after_an_answer(page, site, env)
    staff_reply(site, conversation, "Hi, Sam here. I'm sending a replacement today.")
    staff = page.locator(".sc-msg--agent")
    expect(staff.locator(".sc-bubble")).to_have_text("Hi, Sam here. I'm sending a replacement today.")
    # The bootstrap ADMIN_TOKEN is nobody in particular: its replies are signed by the team.
    expect(staff.locator(".sc-msg-name")).to_have_text("Support team")
    expect(staff.locator(".sc-avatar")).to_have_text("ST")  # initials, not "St"
    screenshot(page, "page-staff-reply-live")


@pytest.mark.parametrize(
    ("action", "told", "replied"),
    [
        ("resolve", "marked this conversation as resolved", True),
        ("hand-back", "handed this conversation back", True),
        ("hand-back", "handed this conversation back", False),  # nobody wrote: handed back unread
    ],
)
def test_a_person_leaving_is_still_told_after_a_reload(
    page: Any, site: str, env: Env, action: str, told: str, replied: bool
) -> None:
    conversation = a_person_replied(page, site, env) if replied else waiting_after_an_answer(page, site, env)
    done = httpx2.post(
        f"{site}/policies/_inbox/{conversation}/{action}",
        json={},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert done.status_code == 200, done.text
    expect(page.get_by_text(told)).to_be_visible()

    page.reload()
    page.evaluate("window.supportChat.ready")

    expect(page.get_by_text(told)).to_have_count(1)
    expect(page.get_by_text("A person from our team is here")).to_be_hidden()
    expect(page.get_by_role("button", name="Talk to a person")).to_be_visible()


def test_a_conversation_erased_while_a_person_had_it_leaves_no_trace_of_them_on_the_page(
    page: Any, site: str, env: Env
) -> None:
    conversation = a_person_replied(page, site, env)
    erase(site, conversation)

    ask(page, "Hello?")

    expect(page.get_by_text("This conversation has expired")).to_be_visible()
    expect(page.locator(".sc-msg--agent")).to_have_count(0)
    expect(page.get_by_text("A person from our team is here")).to_have_count(0)
    expect(page.get_by_role("button", name="Talk to a person")).to_be_hidden()  # nobody to ask yet
    env.fake.script(Behavior(chunks=["Hello! How can I help?"]))
    page.get_by_label("Your message").press("Enter")  # the kept message starts a new one
    expect(page.locator(ANSWERS).last).to_have_text("Hello! How can I help?")
    expect(page.get_by_role("button", name="Talk to a person")).to_be_visible()


def test_a_conversation_erased_while_the_page_follows_it_leaves_the_screen_before_any_send(
    page: Any, site: str, env: Env
) -> None:
    conversation = a_person_replied(page, site, env)

    erase(site, conversation)

    # Its events stream ends, and the page's reconnect is a 404: nothing of it stays on screen.
    expect(page.locator(ANSWERS)).to_have_count(0, timeout=8_000)
    expect(page.locator(".sc-msg--agent")).to_have_count(0)
    expect(page.get_by_text("A person from our team is here")).to_have_count(0)
    expect(page.get_by_text("Waiting for a person")).to_have_count(0)
    # Said, as a reload would say it, not a silent empty chat.
    expect(
        page.get_by_text("This conversation is no longer available. Ask a question to start a new one.")
    ).to_be_visible()


def test_the_widget_stops_following_a_conversation_erased_while_a_person_had_it(
    page: Any, site: str, env: Env
) -> None:
    env.set(ADMIN_TOKEN=TOKEN)
    env.fake.script(Behavior(chunks=["I can help with that."]))
    _, dialog = open_widget(page, site)
    ask(page, "My parcel arrived damaged")
    expect(dialog.locator(ANSWERS).last).to_have_text("I can help with that.")
    ask_for_a_person(page)
    conversation = env.query("SELECT id FROM conversations")[0][0]
    staff_reply(site, conversation, "Hi, Sam here.")
    people = "() => localStorage.getItem('support-chat:widget-people')"
    expect(dialog.get_by_text("A person from our team is here")).to_be_visible()
    assert page.evaluate(people) == "1"  # a reload loads the chat at once, to show replies

    erase(site, conversation)

    expect(dialog.locator(".sc-msg--agent")).to_have_count(0, timeout=8_000)
    assert not page.evaluate(people)  # nobody's replies to wait for any more


def test_asking_for_a_person_in_the_chat_waits_for_them_and_shows_their_reply_live(
    page: Any, site: str, env: Env
) -> None:
    env.set(ADMIN_TOKEN=TOKEN, SUPPORT_HOURS="mon-sun 00:00-24:00")
    open_chat(page, site)
    ask(page, "Can I talk to a human please?")
    expect(page.locator(ANSWERS).last).to_contain_text("Someone will reply here shortly")
    expect(page.get_by_text("Waiting for a person")).to_be_visible()
    assert env.fake.requests == []  # the phrase was recognised: no model call
    # A notice from the handoff is not an answer to rate, nor after a reload.
    notice = page.locator(".sc-msg--assistant").last
    expect(notice.get_by_role("button", name="Helpful", exact=True)).to_have_count(0)
    page.reload()
    page.evaluate("window.supportChat.ready")
    expect(page.locator(ANSWERS).last).to_contain_text("Someone will reply here shortly")
    expect(notice.get_by_role("button", name="Helpful", exact=True)).to_have_count(0)
    expect(page.get_by_text("Waiting for a person")).to_be_visible()

    conversation = env.query("SELECT id FROM conversations")[0][0]
    staff_reply(site, conversation, "Hi, Sam here. How can I help?")
    expect(page.locator(".sc-msg--agent .sc-bubble")).to_have_text("Hi, Sam here. How can I help?")


def test_staff_answer_from_the_console_inbox_and_the_shopper_sees_it_without_a_reload(
    browser: Any, page: Any, site: str, env: Env
) -> None:
    env.set(ADMIN_TOKEN=TOKEN)
    env.fake.script(Behavior(chunks=["Sorry to hear that."]))
    open_chat(page, site)
    ask(page, "My parcel arrived damaged")
    expect(page.locator(ANSWERS).last).to_have_text("Sorry to hear that.")
    ask_for_a_person(page)

    console = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        staff = console.new_page()
        staff.goto(f"{site}/admin/#inbox")
        staff.get_by_label("Staff token").fill(TOKEN)
        staff.get_by_role("button", name="Sign in").click()
        item = staff.locator("#inbox-list .row").first
        expect(item).to_contain_text("My parcel arrived damaged")
        item.click()
        staff.get_by_role("button", name="Claim").click()
        expect(staff.locator("#inbox-transcript")).to_contain_text("claimed by admin")
        staff.get_by_label("Reply to the shopper").fill(
            "Hello, this is our team. A replacement is on its way."
        )
        staff.get_by_role("button", name="Send reply").click()
        expect(staff.locator("#inbox-transcript .msg.agent")).to_contain_text("A replacement is on its way.")
        screenshot(staff, "console-inbox-reply")

        agent = page.locator(".sc-msg--agent .sc-bubble")
        expect(agent).to_have_text("Hello, this is our team. A replacement is on its way.")
        expect(page.get_by_text("A person from our team is here")).to_be_visible()
        screenshot(page, "page-console-reply-live")

        # The shopper answers: the person's open transcript shows it without a click, and the
        # shopper's page still says a person is there.
        answers = page.locator(ANSWERS).count()
        ask(page, "Thanks, it was due yesterday")
        expect(staff.locator("#inbox-transcript")).to_contain_text("it was due yesterday", timeout=15_000)
        expect(page.get_by_text("A person from our team is here")).to_be_visible()
        # A live chat is not interrupted by "our team has your message", on either side.
        wait_until_idle(page)
        expect(page.locator(ANSWERS)).to_have_count(answers)
        expect(page.locator(".sc-msg--assistant")).to_have_count(answers)
        expect(staff.locator("#inbox-transcript")).not_to_contain_text("(empty)")
        staff.get_by_role("tab", name="Conversations").click()
        staff.locator("#conversation-list .row").first.click()
        expect(staff.locator("#transcript")).to_contain_text("it was due yesterday")
        expect(staff.locator("#transcript")).not_to_contain_text("(empty)")
        staff.get_by_role("tab", name="Inbox").click()
        staff.locator("#inbox-list .row").first.click()
        # A person is here: nobody needs to be asked for.
        expect(page.get_by_role("button", name="Talk to a person")).to_be_hidden()

        # The shopper's last message has no reply: handing back asks first, and a No keeps it.
        with staff.expect_event("dialog") as asked:
            staff.get_by_role("button", name="Hand back to the assistant").click()
        question = asked.value.message
        asked.value.dismiss()
        assert "“Thanks, it was due yesterday”" in question and "will not answer it" in question
        expect(staff.locator("#inbox-transcript")).to_contain_text("claimed by admin")
        expect(page.get_by_text("A person from our team is here")).to_be_visible()

        # Handed back (yes, anyway), the shopper is told, and may ask for a person again.
        staff.once("dialog", lambda dialog: dialog.accept())
        staff.get_by_role("button", name="Hand back to the assistant").click()
        expect(page.get_by_text("handed this conversation back to the assistant")).to_be_visible()
        expect(page.get_by_text("A person from our team is here")).to_be_hidden()
        expect(page.get_by_role("button", name="Talk to a person")).to_be_visible()

        # Asked for again, the conversation opens again where the person handed it back.
        ask(page, "Sorry, I would like to talk to a person again")
        expect(staff.locator("#inbox-transcript")).to_contain_text("waiting for a person", timeout=15_000)
        expect(staff.locator("#inbox-transcript")).to_contain_text("talk to a person again")
    finally:
        console.close()

    page.get_by_role("button", name="New conversation").click()  # nobody is there for that one
    expect(page.get_by_text("A person from our team is here")).to_have_count(0)


def test_asking_for_a_person_out_of_hours_says_when_the_team_is_back(page: Any, site: str, env: Env) -> None:
    env.set(SUPPORT_HOURS="sat 10:00-10:01")  # nearly always closed
    open_chat(page, site)
    ask(page, "Where is my parcel?")
    expect(page.locator(ANSWERS).last).to_be_visible()
    page.get_by_role("button", name="Talk to a person").click()
    with page.expect_response("**/history/handoff") as handed:
        page.get_by_role("button", name="Ask for a person").click()
    accepted = handed.value.json()
    assert handed.value.status == 202 and accepted["support_open"] is False
    # The server's words, with the hours, shown as the conversation keeps them: a reply.
    said, hours = accepted["message"].split("\n\n")  # two paragraphs: what happens, and when
    notice = page.locator(".sc-msg--assistant").filter(has_text=said).filter(has_text=hours)
    expect(notice).to_have_count(1)
    expect(notice.get_by_role("button", name="Helpful", exact=True)).to_have_count(0)  # not rated

    page.reload()
    page.wait_for_function("window.supportChat !== undefined")
    page.evaluate("window.supportChat.ready")
    expect(notice).to_have_count(1)  # still there, in the same form, hours and all
    expect(page.get_by_text("Waiting for a person")).to_be_visible()


def test_a_person_asked_for_in_the_chat_out_of_hours_can_be_left_an_email(
    page: Any, site: str, env: Env
) -> None:
    env.set(SUPPORT_HOURS="sat 10:00-10:01")  # nearly always closed
    open_chat(page, site)
    ask(page, "Can I talk to a human please?")
    expect(page.locator(ANSWERS).last).to_contain_text("when the team is back")
    expect(page.get_by_text("Waiting for a person")).to_be_visible()

    page.get_by_role("button", name="Leave your email").click()
    page.get_by_label("Email", exact=True).fill("sam@example.com")
    with page.expect_response("**/history/handoff") as saved:
        page.get_by_role("button", name="Save email").click()
    assert saved.value.status == 202
    expect(page.get_by_text("Our team will also reply to sam@example.com.")).to_be_visible()
    expect(page.get_by_role("button", name="Leave your email")).to_be_hidden()
    expect(page.get_by_text("Waiting for a person")).to_be_visible()
    assert env.query("SELECT email FROM handoffs") == [("sam@example.com",)]


def test_a_mistyped_email_for_a_person_is_pointed_out_and_can_be_fixed(
    page: Any, site: str, env: Env
) -> None:
    env.set(SUPPORT_HOURS="mon-sun 00:00-24:00")
    open_chat(page, site)
    ask(page, "Where is my parcel?")
    expect(page.locator(ANSWERS).last).to_be_visible()
    page.get_by_role("button", name="Talk to a person").click()
    email = page.get_by_label("Email")
    email.fill("sam@localhost")  # passes the browser's own check, not the server's
    with page.expect_response("**/history/handoff") as refused:
        page.get_by_role("button", name="Ask for a person").click()
    assert refused.value.status == 400
    expect(page.get_by_text("That email address doesn't look right")).to_be_visible()
    expect(email).to_be_focused()

    email.fill("sam@example.com")
    with page.expect_response("**/history/handoff") as handed:
        page.get_by_role("button", name="Ask for a person").click()
    assert handed.value.status == 202
    expect(page.get_by_text("Waiting for a person")).to_be_visible()


def test_a_reload_after_a_hand_back_does_not_announce_it_again(page: Any, site: str, env: Env) -> None:
    env.set(ADMIN_TOKEN=TOKEN)
    env.fake.script(Behavior(chunks=["I can help with that."]))
    open_chat(page, site)
    ask(page, "My parcel arrived damaged")
    ask_for_a_person(page)
    conversation = env.query("SELECT id FROM conversations")[0][0]
    staff_reply(site, conversation, "Hi, Sam here. A replacement ships today.")
    handed_back = httpx2.post(
        f"{site}/policies/_inbox/{conversation}/hand-back", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert handed_back.status_code == 200, handed_back.text
    notice = page.get_by_text("handed this conversation back to the assistant")
    expect(notice).to_have_count(1)  # told once, live

    with page.expect_response("**/history/events?**"):
        page.reload()  # within seconds of it: the events stream follows on from the history shown
        page.evaluate("window.supportChat.ready")
    page.wait_for_timeout(1500)  # what the stream sends at once has arrived
    expect(page.locator(".sc-msg--agent .sc-bubble")).to_have_count(1)
    expect(notice).to_have_count(1)  # shown with the history it ends, not announced a second time
    ask_for_a_person(page)  # and what happens from here on still comes live
    staff_reply(site, conversation, "Sam again: the tracking number is in your email.")
    expect(page.locator(".sc-msg--agent .sc-bubble").last).to_contain_text("tracking number")


def _ask_for_a_person_then_close(page: Any, site: str, env: Env, question: str) -> tuple[Any, Any, Any]:
    """In the widget: ask for a person, see it waiting, close it. (launcher, dialog, conversation id)"""
    launcher, dialog = open_widget(page, site)
    ask(dialog, question)
    expect(dialog.get_by_text("Waiting for a person")).to_be_visible()
    page.keyboard.press("Escape")
    return launcher, dialog, env.query("SELECT id FROM conversations")[0][0]


def test_the_closed_bubble_counts_staff_replies_across_reloads_and_visits(
    browser: Any, site: str, env: Env
) -> None:
    env.set(ADMIN_TOKEN=TOKEN, SUPPORT_HOURS="mon-sun 00:00-24:00")
    context = browser.new_context()  # one shopper: their localStorage across tabs and visits
    try:
        page = context.new_page()
        launcher, dialog, conversation = _ask_for_a_person_then_close(
            page, site, env, "Can I talk to a human please?"
        )
        badge = launcher.locator(".sc-badge")

        staff_reply(site, conversation, "Hi, Sam here.")
        expect(badge).to_have_text("1 new reply")
        page.reload()  # the reply is still unread
        expect(badge).to_have_text("1 new reply")
        launcher.click()
        expect(dialog.locator(".sc-msg--agent .sc-bubble")).to_have_text("Hi, Sam here.")
        page.keyboard.press("Escape")
        page.reload()  # read now: no badge
        expect(launcher).to_be_visible()
        # Followed in the background, in the closed panel.
        expect(page.locator(".sc-panel .sc-msg--agent")).to_have_count(1)
        expect(badge).to_be_hidden()
        page.close()

        # Away from the shop, two replies; the next visit's bubble says so before it is opened.
        staff_reply(site, conversation, "Your replacement ships today.")
        staff_reply(site, conversation, "Anything else?")
        later = context.new_page()
        later.goto(site + "/widget-demo.html")
        launcher = later.get_by_role("button", name="Chat with us")
        expect(launcher.locator(".sc-badge")).to_have_text("2 new replies")
        screenshot(later, "widget-unread-after-a-visit")

        # Opened: the newest reply in view and the message box its usual size, though the chat
        # was drawn while the panel was hidden.
        launcher.click()
        dialog = later.get_by_role("dialog", name="Acme support")
        expect(dialog.locator(".sc-msg--agent").last).to_be_in_viewport()
        box = dialog.get_by_label("Your message").bounding_box()
        assert box is not None and box["height"] >= 30, box
        later.close()  # read, and left without closing the panel

        again = context.new_page()
        again.goto(site + "/widget-demo.html")
        expect(again.locator(".sc-panel .sc-msg--agent")).to_have_count(3)
        expect(again.get_by_role("button", name="Chat with us").locator(".sc-badge")).to_be_hidden()
    finally:
        context.close()


def test_a_reply_just_before_the_team_resolves_stays_unread_until_read(
    browser: Any, site: str, env: Env
) -> None:
    env.set(ADMIN_TOKEN=TOKEN, SUPPORT_HOURS="mon-sun 00:00-24:00")
    context = browser.new_context()
    try:
        page = context.new_page()
        launcher, _, conversation = _ask_for_a_person_then_close(
            page, site, env, "I want to speak to a manager"
        )

        staff_reply(site, conversation, "Your refund was issued today.")
        resolved = httpx2.post(
            f"{site}/policies/_inbox/{conversation}/resolve",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        )
        assert resolved.status_code == 200, resolved.text
        badge = launcher.locator(".sc-badge")
        expect(badge).to_have_text("1 new reply")
        page.reload()  # resolved, but not read yet
        expect(badge).to_have_text("1 new reply")
        launcher.click()
        expect(page.locator(".sc-panel .sc-msg--agent .sc-bubble")).to_have_text(
            "Your refund was issued today."
        )
        page.keyboard.press("Escape")

        page.reload()  # the chat loads once more in the background and learns it is all read
        expect(page.locator(".sc-panel .sc-msg--agent")).to_have_count(1)
        expect(badge).to_be_hidden()
        loaded: list[str] = []
        page.on("request", lambda request: loaded.append(request.url))
        page.reload()  # read and resolved: the chat no longer loads in the background
        expect(launcher).to_be_visible()
        page.wait_for_timeout(500)
        assert not any(url.endswith("/chat.js") for url in loaded), loaded
        expect(badge).to_be_hidden()
    finally:
        context.close()
