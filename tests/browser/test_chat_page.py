"""The chat page and the widget in a real browser, against the functions and the fake Gemini."""

from __future__ import annotations

import importlib
import json
import os
import time
from typing import Any

import pytest

from scripts.fake_gemini import Behavior
from tests.browser.conftest import screenshot
from tests.support import Env

ANSWERS = ".sc-msg--assistant .sc-bubble"
QUESTIONS = ".sc-msg--user .sc-bubble"

# In CI a missing playwright package must fail loudly; locally it only skips these tests.
if os.environ.get("CI"):
    expect = importlib.import_module("playwright.sync_api").expect
else:
    expect = pytest.importorskip("playwright.sync_api").expect


def open_chat(page: Any, site: str, path: str = "/") -> None:
    page.goto(site + path)
    page.wait_for_function("window.supportChat !== undefined")
    page.evaluate("window.supportChat.ready")


def open_widget(page: Any, site: str) -> tuple[Any, Any]:
    """The widget's demo shop page with the chat opened: (its launcher, its dialog)."""
    page.goto(site + "/widget-demo.html")
    launcher = page.get_by_role("button", name="Chat with us")
    launcher.click()
    return launcher, page.get_by_role("dialog", name="Acme support")


def ask(page: Any, text: str) -> None:
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def wait_until_idle(page: Any, timeout: float = 15_000) -> None:
    """The answer is over: sending is enabled again."""
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_enabled(timeout=timeout)


def local_state(page: Any) -> dict[str, Any]:
    """What the chat keeps on this device (see web/chat-store.js)."""
    raw = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('support-chat:v2:'))"
        ".map(k => localStorage.getItem(k))[0] || null"
    )
    return json.loads(raw) if raw else {"active": None, "conversations": []}


def local_conversation(page: Any) -> dict[str, str] | None:
    """The conversation the chat shows, as stored on this device."""
    state = local_state(page)
    return next((c for c in state["conversations"] if c["id"] == state["active"]), None)


def test_the_answer_grows_in_several_steps_while_it_streams(page: Any, site: str, env: Env) -> None:
    chunks = [
        "Orders ",
        "ship ",
        "within ",
        "**two** ",
        "working ",
        "days. ",
        "Tracking ",
        "comes ",
        "by ",
        "email.",
    ]
    env.fake.script(Behavior(chunks=chunks, first_delay=0.8, gap=0.3))
    open_chat(page, site)
    send = page.get_by_role("button", name="Send", exact=True)

    box = page.get_by_label("Your message")
    box.fill("How long")
    box.press("Shift+Enter")
    box.type("does shipping take?")
    assert box.input_value() == "How long\ndoes shipping take?"  # Shift+Enter: a new line, not a send
    assert page.locator(QUESTIONS).count() == 0
    box.press("Enter")

    expect(page.locator(QUESTIONS).first).to_have_text("How long\ndoes shipping take?")
    expect(page.locator(".sc-typing")).to_be_visible()  # before the first words
    status = page.locator(".sc-chat [role=status]")  # what screen readers are told
    expect(status).to_have_text("The agent is typing…")
    expect(send).to_be_disabled()
    screenshot(page, "page-typing")

    samples: list[str] = []
    answer = page.locator(ANSWERS).last
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        text = answer.inner_text()
        if text and "typing" not in text and (not samples or samples[-1] != text):
            samples.append(text)
        if send.is_enabled():
            break
        page.wait_for_timeout(100)
    final = "Orders ship within two working days. Tracking comes by email."
    expect(answer).to_have_text(final)
    samples.append(answer.inner_text())
    growing = [s for s in dict.fromkeys(samples) if s]
    assert len(growing) >= 4, f"the answer did not stream in steps: {growing}"
    assert all(final.startswith(s.strip()) for s in growing), growing
    assert answer.locator("strong").inner_text() == "two"  # markdown rendered
    expect(page.locator(".sc-typing")).to_have_count(0)
    expect(page.locator(".sc-messages")).to_have_attribute("aria-busy", "false")  # the log, read out now
    expect(status).to_have_text("")  # nobody is typing any more
    expect(box).to_be_focused()
    screenshot(page, "page-answered")


def test_reload_restores_the_conversation(page: Any, site: str, env: Env) -> None:
    env.fake.script(Behavior(chunks=["Returns are free ", "within 30 days."]))
    open_chat(page, site)
    ask(page, "Can I return my tent?")
    expect(page.locator(ANSWERS).last).to_have_text("Returns are free within 30 days.")
    saved = local_conversation(page)
    assert saved and saved["id"] and saved["token"]

    page.reload()
    page.wait_for_function("window.supportChat !== undefined")
    page.evaluate("window.supportChat.ready")
    expect(page.locator(QUESTIONS)).to_have_text(["Can I return my tent?"])
    expect(page.locator(ANSWERS)).to_have_text(["Returns are free within 30 days."])
    # Times read in order top to bottom: the greeting, drawn at the reload, carries none.
    expect(page.locator(".sc-msg--greeting time")).to_have_count(0)
    times = page.locator(".sc-msg-time").evaluate_all("els => els.map(e => e.dateTime)")
    assert len(times) == 2 and times == sorted(times), times

    env.fake.script(Behavior(chunks=["Yes, ", "we refund the shipping too."]))
    ask(page, "And the shipping cost?")
    expect(page.locator(ANSWERS).last).to_have_text("Yes, we refund the shipping too.")
    assert env.count("conversations") == 1  # the follow-up went to the same conversation
    # The model saw the earlier turn: the conversation really continued.
    last_prompt = env.fake.stream_requests()[-1]
    assert any("Can I return my tent?" in text for _, text in last_prompt.turns)
    screenshot(page, "page-restored")

    page.get_by_role("button", name="New conversation").click()
    expect(page.locator(QUESTIONS)).to_have_count(0)
    assert local_conversation(page) is None
    assert [c["title"] for c in local_state(page)["conversations"]] == ["Can I return my tent?"]  # kept
    page.reload()
    page.evaluate("window.supportChat.ready")
    expect(page.locator(QUESTIONS)).to_have_count(0)


def _answered_then_erased_by_staff(page: Any, site: str, env: Env) -> None:
    """A shopper's answered question, then staff erase the conversation (the page is not told)."""
    env.set(ADMIN_TOKEN="erasing-admin")
    env.fake.script(Behavior(chunks=["Returns are free ", "within 30 days."]))
    open_chat(page, site)
    ask(page, "Can I return my tent?")
    expect(page.locator(ANSWERS).last).to_have_text("Returns are free within 30 days.")
    erased = page.request.delete(
        f"{site}/policies/_conversations/{local_conversation(page)['id']}",
        headers={"Authorization": "Bearer erasing-admin"},
    )
    assert erased.ok, erased.text()


def test_a_conversation_erased_since_the_last_visit_says_so_on_reload(page: Any, site: str, env: Env) -> None:
    _answered_then_erased_by_staff(page, site, env)

    page.reload()
    page.evaluate("window.supportChat.ready")

    gone = page.get_by_text("This conversation is no longer available. Ask a question to start a new one.")
    expect(gone).to_be_visible()  # not a silent empty chat
    expect(page.locator(QUESTIONS)).to_have_count(0)
    env.fake.script(Behavior(chunks=["Shipping is 4.95 EUR."]))
    ask(page, "And the shipping cost?")
    expect(page.locator(ANSWERS).last).to_have_text("Shipping is 4.95 EUR.")
    expect(gone).to_have_count(0)  # a new conversation has started


def test_a_conversation_staff_erased_leaves_the_screen_and_the_message_starts_a_new_one(
    page: Any, site: str, env: Env
) -> None:
    _answered_then_erased_by_staff(page, site, env)

    ask(page, "And the shipping cost?")

    expect(page.get_by_text("This conversation has expired")).to_be_visible()
    expect(page.get_by_label("Your message")).to_have_value("And the shipping cost?")
    expect(page.locator(QUESTIONS)).to_have_count(0)  # nothing of the erased one stays on screen
    expect(page.locator(ANSWERS)).not_to_contain_text(["Returns are free within 30 days."])
    env.fake.script(Behavior(chunks=["Shipping is 4.95 EUR."]))
    page.get_by_label("Your message").press("Enter")
    expect(page.locator(QUESTIONS)).to_have_text(["And the shipping cost?"])
    expect(page.locator(ANSWERS).last).to_have_text("Shipping is 4.95 EUR.")
    expect(page.get_by_text("This conversation has expired")).to_have_count(0)  # sent: no longer so
    assert env.count("conversations") == 1  # a new one; the erased one is gone


def test_reload_picks_up_an_answer_that_is_still_streaming(page: Any, site: str, env: Env) -> None:
    chunks = [f"part{i} " for i in range(1, 13)]
    env.fake.script(Behavior(chunks=chunks, gap=0.3))
    open_chat(page, site)
    ask(page, "Tell me everything about delivery")
    expect(page.locator(ANSWERS).last).to_contain_text("part3")
    page.reload()
    page.wait_for_function("window.supportChat !== undefined")
    expect(page.locator(QUESTIONS)).to_have_text(["Tell me everything about delivery"])
    expect(page.locator(ANSWERS).last).to_have_text("".join(chunks).strip(), timeout=15_000)
    wait_until_idle(page)
    # Exactly one copy of each part: the resume continued where the page had got to.
    assert page.locator(ANSWERS).last.inner_text().count("part1 ") == 1
    assert len(env.fake.stream_requests()) == 1  # followed, not asked again


def test_a_broken_stream_is_retried_without_a_duplicate_message(page: Any, site: str, env: Env) -> None:
    env.fake.script(
        Behavior(kind="break", chunks=["Our support ", "hours are ", "9 to 5."], break_after=2),
        Behavior(chunks=["Our support hours are ", "9 to 5, Monday to Friday."]),
    )
    open_chat(page, site)
    ask(page, "When are you open?")
    failure = page.locator(".sc-failure")
    expect(failure).to_be_visible(timeout=15_000)
    expect(failure).to_contain_text("cut off")
    screenshot(page, "page-broken-stream")
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_enabled()
    # A reload keeps what was said, the cut-off part, and the way to try again.
    page.reload()
    page.evaluate("window.supportChat.ready")
    expect(failure).to_contain_text("cut off")
    expect(page.locator(ANSWERS)).to_have_text(["Our support hours are"])

    page.get_by_role("button", name="Retry").click()
    expect(page.locator(ANSWERS).last).to_have_text(
        "Our support hours are 9 to 5, Monday to Friday.", timeout=15_000
    )
    expect(failure).to_have_count(0)
    expect(page.locator(QUESTIONS)).to_have_count(1)

    rows = env.query("SELECT client_message_id FROM messages WHERE role = 'user'")
    assert len(rows) == 1 and rows[0][0], rows
    page.reload()
    page.evaluate("window.supportChat.ready")
    expect(page.locator(QUESTIONS)).to_have_count(1)
    # The cut-off attempt was answered again: only the answer shows, as before the reload.
    expect(page.locator(ANSWERS)).to_have_text(["Our support hours are 9 to 5, Monday to Friday."])


def test_an_earlier_answer_that_was_cut_off_keeps_its_notice_after_a_reload(
    page: Any, site: str, env: Env
) -> None:
    env.fake.script(
        Behavior(kind="break", chunks=["Our support ", "hours are ", "9 to 5."], break_after=2),
        Behavior(chunks=["Express costs 12.95 EUR."]),
    )
    open_chat(page, site)
    ask(page, "When are you open?")
    expect(page.locator(".sc-failure")).to_contain_text("cut off", timeout=15_000)
    ask(page, "How much is express?")
    expect(page.locator(ANSWERS).last).to_have_text("Express costs 12.95 EUR.")
    wait_until_idle(page)

    page.reload()
    page.evaluate("window.supportChat.ready")

    expect(page.locator(ANSWERS)).to_have_text(["Our support hours are", "Express costs 12.95 EUR."])
    failure = page.locator(".sc-failure")
    expect(failure).to_have_count(1)
    expect(failure).to_have_text("This answer was not finished.")  # no "try again" without a Retry
    expect(failure.get_by_role("button")).to_have_count(0)  # Retry belongs to the last turn only
    shown = page.evaluate(
        "[...document.querySelectorAll('.sc-msg--user, .sc-msg--assistant, .sc-failure')]"
        ".map(e => e.className.includes('failure') ? 'notice' : e.className.includes('user') ? 'q' : 'a')"
    )
    assert shown[-5:] == ["q", "a", "notice", "q", "a"], shown  # in its place, under its answer


def test_a_shorter_window_keeps_the_newest_answer_in_view(page: Any, site: str, env: Env) -> None:
    page.set_viewport_size({"width": 375, "height": 667})
    env.fake.script(
        *[
            Behavior(chunks=[f"Answer {n}: standard delivery takes 2-4 working days in Germany."])
            for n in range(4)
        ]
    )
    open_chat(page, site)
    for n in range(4):
        ask(page, f"Question {n} about delivery")
        expect(page.locator(ANSWERS).last).to_contain_text(f"Answer {n}:")
        wait_until_idle(page)

    page.set_viewport_size({"width": 375, "height": 380})  # a phone's keyboard opened

    expect(page.locator(ANSWERS).last).to_be_in_viewport(ratio=1)


def test_a_lost_connection_resumes_the_answer_where_it_stopped(page: Any, site: str, env: Env) -> None:
    chunks = [f"word{i} " for i in range(1, 11)]
    env.fake.script(Behavior(chunks=chunks, gap=0.3))
    open_chat(page, site)
    # Cut the page's connection to the answer stream mid-answer, then let it come back.
    page.evaluate(
        """() => {
          const realFetch = window.fetch;
          window.__cuts = 0;
          window.fetch = async (...args) => {
            const response = await realFetch(...args);
            const isPost = (args[1] || {}).method === "POST";
            if (!isPost || window.__cuts > 0) return response;
            window.__cuts += 1;
            const reader = response.body.getReader();
            let seen = 0;
            const body = new ReadableStream({
              async pull(controller) {
                const { value, done } = await reader.read();
                if (done) { controller.close(); return; }
                seen += 1;
                controller.enqueue(value);
                if (seen === 4) { reader.cancel(); controller.error(new TypeError("network lost")); }
              },
            });
            return new Response(body, { status: response.status, headers: response.headers });
          };
        }"""
    )
    ask(page, "Say ten words")
    expect(page.locator(ANSWERS).last).to_have_text("".join(chunks).strip(), timeout=15_000)
    wait_until_idle(page)
    text = page.locator(ANSWERS).last.inner_text()
    assert text.count("word1 ") == 1 and text.count("word3 ") == 1, text
    assert page.evaluate("window.__cuts") == 1
    assert len(env.fake.stream_requests()) == 1  # resumed, not asked again
    assert env.count("messages") == 2


def test_html_and_script_in_messages_stay_inert(page: Any, site: str, env: Env) -> None:
    attack = "<img src=x onerror=window.__xss=1>"
    env.fake.script(
        Behavior(
            chunks=[
                "Sure: ",
                "<script>window.__xss=2</script>",
                " <b>not bold</b> [click](javascript:window.__xss=3) ",
                "<a href=x onclick=window.__xss=4>x</a>",
            ]
        )
    )
    open_chat(page, site)
    ask(page, attack)
    answer = page.locator(ANSWERS).last
    expect(answer).to_contain_text("<script>window.__xss=2</script>")
    wait_until_idle(page)
    expect(page.locator(QUESTIONS).last).to_have_text(attack)
    expect(answer).to_contain_text("<b>not bold</b>")
    expect(answer).to_contain_text("[click](javascript:window.__xss=3)")

    def assert_inert() -> None:
        page.wait_for_timeout(300)  # give any injected handler time to run
        assert page.evaluate("window.__xss") is None
        messages = page.locator(".sc-messages")
        assert messages.locator("img, script, b, iframe").count() == 0
        assert messages.locator("a").count() == 0  # no link was made from javascript: or raw HTML

    assert_inert()
    page.reload()
    page.evaluate("window.supportChat.ready")
    expect(page.locator(QUESTIONS).last).to_have_text(attack)
    assert_inert()
    screenshot(page, "page-injection")


def rendered(page: Any, markdown: str, read: str = "box => box.innerHTML") -> Any:
    """What the chat's markdown renderer makes of ``markdown``, as ``read`` (a JS function of
    the element it is drawn in) returns it."""
    return page.evaluate(
        f"""markdown => {{
          const box = document.createElement("div");
          box.appendChild(window.SupportChat.renderMarkdown(markdown));
          return ({read})(box);
        }}""",
        markdown,
    )


def test_markdown_is_basic_and_safe(page: Any, site: str) -> None:
    open_chat(page, site)
    html = rendered(
        page,
        "**Bold** and *it* and `a<b>`\n- one\n- two [site](https://shop.example/x?a=1&b=2)\n\n"
        "1. first\n2. see https://shop.example/returns.\n\n[bad](javascript:alert(1)) <i>x</i>",
    )
    assert "<strong>Bold</strong>" in html
    assert "<em>it</em>" in html
    assert "<code>a&lt;b&gt;</code>" in html
    assert '<ul><li>one</li><li>two <a href="https://shop.example/x?a=1&amp;b=2"' in html
    assert "<ol><li>first</li>" in html
    assert 'href="https://shop.example/returns"' in html  # the full stop is not part of the URL
    assert "javascript:" not in html.split("[bad]")[0] and 'href="javascript' not in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html


def test_an_email_address_and_a_phone_number_in_an_answer_can_be_tapped(page: Any, site: str) -> None:
    open_chat(page, site)
    links = rendered(
        page,
        "Email support@example-shop.com or call +49 30 1234 5678 (9-18 Uhr). "
        "[Write to us](mailto:help@example-shop.com), [help@example-shop.com](mailto:help@example-shop.com). "
        "UK: +44 20 7946 0958 - 24/7, Berlin +49 (0)30 1234 5678. Orders from 50 EUR, 2-4 days, +10 / 20 EUR.",
        read='box => [...box.querySelectorAll("a")].map(a => [a.textContent, a.getAttribute("href"), a.target])',
    )
    assert links == [
        ["support@example-shop.com", "mailto:support@example-shop.com", ""],
        ["+49 30 1234 5678", "tel:+493012345678", ""],  # not the opening hours after it
        ["Write to us", "mailto:help@example-shop.com", ""],
        ["help@example-shop.com", "mailto:help@example-shop.com", ""],  # one link, none inside it
        ["+44 20 7946 0958", "tel:+442079460958", ""],
        ["+49 (0)30 1234 5678", "tel:+493012345678", ""],  # the (0) is dialled only at home
    ]


def test_a_copied_answer_is_its_text_as_shown(page: Any, site: str) -> None:
    open_chat(page, site)
    copied = page.evaluate(
        """() => window.SupportChat.dom.plainText(
          "Intro\\n\\n## Shipping\\n**Free** over *50 EUR*, see [the page](https://shop.example/s) or `FAQ`."
        )"""
    )
    assert copied == "Intro\n\nShipping\nFree over 50 EUR, see the page (https://shop.example/s) or FAQ."


def test_rate_limit_says_when_to_retry(page: Any, site: str, env: Env) -> None:
    env.fake.script(Behavior(chunks=["Hello ", "again."]))
    open_chat(page, site)
    calls = {"n": 0}
    first: dict[str, Any] = {}

    def limited_once(route: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            first.update(route.request.post_data_json)
            route.fulfill(
                status=429,
                headers={"Retry-After": "2", "Content-Type": "application/json"},
                body=json.dumps({"error": {"code": "rate_limited", "message": "slow down"}}),
            )
        else:
            route.continue_()

    page.route("**/chat_stream", limited_once)
    ask(page, "Hello?")
    failure = page.locator(".sc-failure")
    expect(failure).to_contain_text("sending messages a little fast")
    expect(failure).not_to_contain_text("slow down")  # the server's own words stay out
    retry = page.get_by_role("button", name="Retry")
    expect(retry).to_be_disabled()
    send = page.get_by_role("button", name="Send", exact=True)
    expect(send).to_be_disabled()
    expect(page.locator(".sc-cooldown")).to_contain_text("You can send again in")
    expect(page.get_by_label("Your message")).to_have_value("Hello?")  # not lost
    screenshot(page, "page-rate-limited")
    expect(send).to_be_enabled(timeout=5_000)
    expect(page.locator(".sc-cooldown")).to_be_hidden()
    with page.expect_request("**/chat_stream") as again:
        page.get_by_role("button", name="Retry").click()
    expect(page.locator(ANSWERS).last).to_have_text("Hello again.")
    expect(page.locator(QUESTIONS)).to_have_count(1)
    expect(page.get_by_label("Your message")).to_have_value("")
    assert again.value.post_data_json["client_message_id"] == first["client_message_id"]  # same message


KNOWLEDGE_CONVERSATION = "0b7c9a52-8d1e-4a57-9c5e-3f0f7f4b8a11"
KNOWLEDGE_ANSWER = "5d2f7d0e-3b8a-4f5e-9b1c-7a6e2c4d9f10"


def route_an_answer_from_knowledge(page: Any) -> None:
    """chat_stream answers "Returns?" from the knowledge base (answer_source=knowledge)."""
    body = (
        "event: meta\n"
        f'data: {{"conversation_id":"{KNOWLEDGE_CONVERSATION}","conversation_token":"t0k3n",'
        f'"user_message_id":"u1","assistant_message_id":"{KNOWLEDGE_ANSWER}","answer_source":"knowledge"}}\n\n'
        f"id: {KNOWLEDGE_ANSWER}:22\nevent: delta\n"
        'data: {"text":"Returns: 30 days, free."}\n\n'
        "event: done\n"
        f'data: {{"assistant_message_id":"{KNOWLEDGE_ANSWER}","finish_reason":"stop","usage":{{}}}}\n\n'
    )
    page.route(
        "**/chat_stream",
        lambda route: route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=body),
    )


def route_its_history(page: Any) -> None:
    """history restores that conversation: the question and its knowledge answer."""
    answer = {
        "id": KNOWLEDGE_ANSWER,
        "role": "assistant",
        "content": "Returns: 30 days, free.",
        "status": "complete",
        "source": "knowledge",
    }
    question = {"id": "u1", "role": "user", "content": "Returns?", "status": "complete", "source": None}
    history = {
        "conversation_id": KNOWLEDGE_CONVERSATION,
        "messages": [question, answer],
        "has_more": False,
        "next_before": None,
    }
    page.route("**/history?*", lambda route: route.fulfill(status=200, json=history))


def test_knowledge_base_answers_are_announced(page: Any, site: str) -> None:
    """Without a model the server says answer_source=knowledge; the page tells the shopper, even
    when it could not ask the server's mode (the warm start failed)."""
    page.route("**/history/suggestions", lambda route: route.fulfill(status=503, json={}))
    route_an_answer_from_knowledge(page)
    open_chat(page, site)
    notice = page.get_by_text("Answers come from the shop's knowledge base")
    expect(notice).to_be_hidden()
    ask(page, "Returns?")
    expect(page.locator(ANSWERS).last).to_have_text("Returns: 30 days, free.")
    expect(notice).to_be_visible()

    route_its_history(page)
    page.reload()
    page.evaluate("window.supportChat.ready")
    expect(page.locator(ANSWERS)).to_have_text(["Returns: 30 days, free."])
    expect(page.get_by_text("Answers come from the shop's knowledge base")).to_be_visible()


def test_an_attempt_answered_again_on_a_newer_page_stays_hidden_when_earlier_messages_load(
    page: Any, site: str
) -> None:
    route_an_answer_from_knowledge(page)
    open_chat(page, site)
    ask(page, "Returns?")
    expect(page.locator(ANSWERS).last).to_have_text("Returns: 30 days, free.")

    def message(
        id_: str, role: str, content: str, status: str = "complete", reply_to: str | None = None
    ) -> Any:
        return {
            "id": id_,
            "role": role,
            "content": content,
            "status": status,
            "source": "model",
            "reply_to_id": reply_to,
        }

    # The cut-off attempt ends the older page; the answer Retry gave starts the newer one.
    newest = {
        "conversation_id": KNOWLEDGE_CONVERSATION,
        "messages": [
            message("a2", "assistant", "Our support hours are 9 to 5.", reply_to="q1"),
            message("q2", "user", "Returns?"),
            message(KNOWLEDGE_ANSWER, "assistant", "Returns: 30 days, free.", reply_to="q2"),
        ],
        "has_more": True,
        "next_before": 3,
    }
    older = {
        "conversation_id": KNOWLEDGE_CONVERSATION,
        "messages": [
            message("q1", "user", "When are you open?"),
            message("a1", "assistant", "Our support", status="interrupted", reply_to="q1"),
        ],
        "has_more": False,
        "next_before": None,
    }
    page.route(
        "**/history?*",
        lambda route: route.fulfill(status=200, json=older if "before=" in route.request.url else newest),
    )
    page.reload()
    page.evaluate("window.supportChat.ready")

    page.get_by_role("button", name="Show earlier messages").click()

    expect(page.locator(QUESTIONS)).to_have_text(["When are you open?", "Returns?"])
    expect(page.locator(ANSWERS)).to_have_text(["Our support hours are 9 to 5.", "Returns: 30 days, free."])
    expect(page.locator(".sc-failure")).to_have_count(0)


def test_with_a_model_configured_a_knowledge_answer_does_not_set_the_header_to_knowledge_mode(
    page: Any, site: str
) -> None:
    """A FAQ answered directly, or a conversation from before the shop configured a model, is
    answered from the knowledge base; the next answers come from the model (the server's mode)."""
    route_an_answer_from_knowledge(page)
    open_chat(page, site)
    page.evaluate("window.supportChat.warm")  # the server's mode: model
    ask(page, "Returns?")
    expect(page.locator(ANSWERS).last).to_have_text("Returns: 30 days, free.")
    notice = page.get_by_text("Answers come from the shop's knowledge base")
    expect(notice).to_be_hidden()
    expect(page.get_by_text("We usually answer right away")).to_be_visible()

    route_its_history(page)
    page.reload()
    page.evaluate("Promise.all([window.supportChat.ready, window.supportChat.warm])")
    expect(page.locator(ANSWERS)).to_have_text(["Returns: 30 days, free."])
    expect(notice).to_be_hidden()
    expect(page.get_by_text("We usually answer right away")).to_be_visible()


def test_the_page_works_at_phone_width(browser: Any, site: str, env: Env) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 700}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        env.fake.script(Behavior(chunks=["Delivery takes ", "2 to 4 days."]))
        open_chat(page, site)
        ask(page, "Delivery time?")
        expect(page.locator(ANSWERS).last).to_have_text("Delivery takes 2 to 4 days.")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page scrolls sideways on a phone: {width}px"
        expect(page.locator(".sc-hint")).to_be_hidden()  # no keyboard hint on a phone
        screenshot(page, "page-phone")

        page.goto(site + "/widget-demo.html")
        page.get_by_role("button", name="Chat with us").click()
        dialog = page.get_by_role("dialog", name="Acme support")
        expect(dialog.locator(ANSWERS)).to_have_text(["Delivery takes 2 to 4 days."])
        box = dialog.bounding_box()
        assert box is not None and box["width"] == 375, box  # the bubble opens full screen
        border = dialog.locator(".sc-chat").evaluate("e => getComputedStyle(e).borderTopWidth")
        assert border == "0px", border  # full screen without a frame
        screenshot(page, "widget-phone")
    finally:
        context.close()


def test_the_widget_on_a_shop_page_opens_and_chats(page: Any, site: str, env: Env) -> None:
    env.fake.script(Behavior(chunks=["Hi! ", "Shipping is free ", "over 50 €."]))
    page.goto(site + "/widget-demo.html")
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    screenshot(page, "widget-closed")
    launcher.click()
    dialog = page.get_by_role("dialog", name="Acme support")
    expect(dialog).to_be_visible()
    box = dialog.get_by_label("Your message")
    expect(box).to_be_focused()
    box.fill("Is shipping free?")
    box.press("Enter")
    expect(dialog.locator(ANSWERS).last).to_have_text("Hi! Shipping is free over 50 €.")
    # A screen reader hears who speaks by the name the widget shows (data-agent-name).
    spoken = dialog.locator(".sc-msg--assistant .sc-visually-hidden").last
    expect(spoken).to_have_text("Ava: ")
    # The shop's CSS (pink 2rem buttons, uppercase paragraphs) does not reach the widget.
    send_font = dialog.get_by_role("button", name="Send", exact=True).evaluate(
        "b => getComputedStyle(b).fontSize"
    )
    assert send_font != "32px"
    screenshot(page, "widget-open")

    # Left open, it is open again after a reload, with the conversation (no script error).
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.reload()
    dialog = page.get_by_role("dialog", name="Acme support")
    expect(dialog.locator(ANSWERS).last).to_have_text("Hi! Shipping is free over 50 €.")
    page.evaluate("document.fonts.ready")  # the widget's styles are in: the launcher would show now
    page.wait_for_timeout(300)
    expect(launcher).to_be_hidden()  # not over the open panel's Send button
    assert errors == []

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()

    # The widget and the full page share the conversation and its code.
    page.goto(site + "/")
    page.evaluate("window.supportChat.ready")
    expect(page.locator(QUESTIONS)).to_have_text(["Is shipping free?"])


@pytest.mark.parametrize("width", [1024, 375])
def test_the_widget_header_shows_the_knowledge_notice_in_full(
    browser: Any, site: str, env: Env, width: int
) -> None:
    env.set(GEMINI_API_KEY=None)
    context = browser.new_context(viewport={"width": width, "height": 700})
    try:
        page = context.new_page()
        page.goto(site + "/widget-demo.html")
        page.get_by_role("button", name="Chat with us").click()
        dialog = page.get_by_role("dialog", name="Acme support")
        notice = dialog.get_by_text("Answers come from the shop's knowledge base.")
        expect(notice).to_be_visible()
        cut = notice.evaluate("e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1")
        assert not cut, "the header cuts the knowledge notice"
        screenshot(page, f"widget-knowledge-{width}")
    finally:
        context.close()


def test_a_long_conversation_scrolls_inside_the_chat_not_the_page(page: Any, site: str, env: Env) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    env.fake.script(Behavior(chunks=["A short answer."], times=8))
    open_chat(page, site)
    for n in range(8):
        ask(page, f"Question number {n}?")
        wait_until_idle(page)
    page.reload()
    page.evaluate("window.supportChat.ready")
    expect(page.locator(ANSWERS)).to_have_count(8)

    # The page itself has nothing below the chat to scroll to (the hidden "You:" labels of
    # the messages must not stretch it), so the chat cannot be scrolled off the screen.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= page.evaluate("window.innerHeight") + 1, height
