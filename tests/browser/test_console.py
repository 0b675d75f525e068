"""The staff console in a real browser: sign in, live charts, knowledge edits that reach the
chat, restores, conflicts, and a thumbs down that becomes an FAQ entry."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from scripts.fake_gemini import Behavior
from tests.browser.conftest import CONSOLE_TOKEN, screenshot
from tests.browser.test_accessibility_and_looks import serious_violations
from tests.support import Env

if os.environ.get("CI"):
    expect = importlib.import_module("playwright.sync_api").expect
else:
    expect = pytest.importorskip("playwright.sync_api").expect

TOKEN = CONSOLE_TOKEN
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page on a phone's screen (390 x 844, touch)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


# Pixels of the answers' slate (#64748b) inside the traffic chart's plot area.
ANSWERS_LINE_PIXELS = """() => {
  const chart = window.consoleCharts['chart-traffic'];
  const area = chart.chartArea, ratio = chart.currentDevicePixelRatio;
  const pixels = chart.ctx.getImageData(area.left * ratio, area.top * ratio,
    (area.right - area.left) * ratio, (area.bottom - area.top) * ratio).data;
  let slate = 0;  // the answers' #64748b
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b, a] = pixels.slice(i, i + 4);
    if (a > 200 && Math.abs(r - 100) < 12 && Math.abs(g - 116) < 12 && Math.abs(b - 139) < 12) slate++;
  }
  return slate;
}"""


def sign_in(page: Any, site: str, view: str = "", token: str = TOKEN) -> None:
    page.goto(f"{site}/admin/{'#' + view if view else ''}")
    page.get_by_label("Staff token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#app")).to_be_visible()


def change_role(page: Any, site: str, created: dict[str, Any], role: str) -> None:
    """The owner changes a member's role (``created``: as ``member`` returned it)."""
    changed = page.request.patch(
        f"{site}/policies/_staff/{created['staff']['id']}",
        data=json.dumps({"role": role}),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert changed.ok, changed.text()


def member(page: Any, site: str, name: str, role: str) -> dict[str, Any]:
    """A new member of staff, added by the owner: ``{"staff": {...}, "token": ...}``."""
    created: dict[str, Any] = post(page, f"{site}/policies/_staff", {"name": name, "role": role}, AUTH).json()
    return created


def chat(page: Any, site: str, message: str, conversation: dict[str, str] | None = None) -> dict[str, str]:
    """One turn through the real API from the browser; returns the meta event."""
    body: dict[str, Any] = {"message": message}
    headers = {"Content-Type": "application/json"}
    if conversation:
        body["conversation_id"] = conversation["conversation_id"]
        headers["X-Conversation-Token"] = conversation["conversation_token"]
    text = page.request.post(f"{site}/chat_stream", data=json.dumps(body), headers=headers).text()
    meta = json.loads(text.split("event: meta\ndata: ", 1)[1].split("\n", 1)[0])
    return {**meta, "text": text}


def post(page: Any, url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    """A JSON POST from the browser's side (the API the pages use)."""
    return page.request.post(
        url, data=json.dumps(body), headers={"Content-Type": "application/json", **(headers or {})}
    )


def rate_down(page: Any, site: str, meta: dict[str, str], comment: str | None = None) -> None:
    """A thumbs down on the turn's answer, through the API the chat page's button uses."""
    body = {
        "conversation_id": meta["conversation_id"],
        "message_id": meta["assistant_message_id"],
        "rating": "down",
    }
    if comment:
        body["comment"] = comment
    rated = post(page, f"{site}/history/feedback", body, {"X-Conversation-Token": meta["conversation_token"]})
    assert rated.status == 204, rated.text()


def open_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_staff_sign_in_and_see_live_charts_drawn_with_data(page: Any, site: str, console_env: Env) -> None:
    for question in ("How long does delivery take?", "Returns?", "Support hours?"):
        chat(page, site, question)

    sign_in(page, site)

    page.wait_for_function(
        "window.consoleCharts['chart-traffic'] && "
        "window.consoleCharts['chart-traffic'].data.datasets[1].data.reduce((a, b) => a + b, 0) === 3"
    )
    painted = page.evaluate(
        """() => {
          const canvas = document.getElementById('chart-traffic');
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let coloured = 0;
          for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && pixels[i + 2] > pixels[i] + 60) coloured++;
          return coloured;
        }"""
    )
    assert painted > 50  # blue line pixels, not a blank canvas
    # Answers equal questions here: their line shows, not hidden under the questions' line.
    assert page.evaluate(ANSWERS_LINE_PIXELS) > 20
    assert page.evaluate("sessionStorage.getItem('support-console-token')") == TOKEN
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('console')).length") == 0
    expect(page.locator("#totals")).to_contain_text("Questions")
    screenshot(page, "console-dashboard")


def test_one_answered_question_shows_on_the_latency_chart_not_only_in_the_totals(
    page: Any, site: str, env: Env
) -> None:
    env.set(ADMIN_TOKEN=TOKEN, RATE_LIMIT_PER_CLIENT="")
    env.fake.script(Behavior(chunks=["Delivery takes 2-3 working days."]))
    chat(page, site, "How long does delivery take?")  # the model's one answer: one busy bucket

    sign_in(page, site)
    page.wait_for_function(
        "(c => c && c.data.datasets[1].data.some(v => v !== null))(window.consoleCharts['chart-latency'])"
    )
    painted = page.evaluate(
        """() => {
          const chart = window.consoleCharts['chart-latency'];
          const area = chart.chartArea, ratio = chart.currentDevicePixelRatio, edge = 4;  // a point's overflow
          const pixels = chart.ctx.getImageData((area.left - edge) * ratio, (area.top - edge) * ratio,
            (area.right - area.left + 2 * edge) * ratio, (area.bottom - area.top + 2 * edge) * ratio).data;
          let coloured = 0;  // the series' teal or amber, not the grey grid
          for (let i = 0; i < pixels.length; i += 4) {
            const [r, g, b, a] = pixels.slice(i, i + 4);
            if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++;
          }
          return coloured;
        }"""
    )
    assert painted > 10, painted  # drawn in the plot, not a blank chart beside the total


def test_the_last_24_hours_chart_names_the_day_of_each_time(
    browser: Any, site: str, console_env: Env
) -> None:
    # A browser where it is about noon now: its last 24 hours span two days, whatever the hour here.
    offset = 12 - dt.datetime.now(dt.UTC).hour  # hours east of UTC
    zone = "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # POSIX signs
    context = browser.new_context(viewport={"width": 1024, "height": 760}, timezone_id=zone)
    try:
        page = context.new_page()
        sign_in(page, site)
        page.wait_for_function("(c => c && c.data.labels.length)(window.consoleCharts['chart-traffic'])")
        labels = page.evaluate("window.consoleCharts['chart-traffic'].data.labels")
        series = page.request.get(f"{site}/policies/_analytics/series?hours=24", headers=AUTH).json()
        # The browser's own weekday names, for the first and the last bucket of the window.
        first, last = page.evaluate(
            "starts => starts.map(s => new Date(s).toLocaleDateString(undefined, {weekday: 'short'}))",
            [series["points"][0]["start"], series["points"][-1]["start"]],
        )
        assert first != last
        assert labels[0].startswith(first), labels  # "Mon 11:47", not "11:47 AM" at both ends
        assert labels[-1].startswith(last), labels
    finally:
        context.close()


def test_a_wrong_token_is_refused_on_the_sign_in_page(page: Any, site: str, console_env: Env) -> None:
    page.goto(f"{site}/admin/")
    page.get_by_label("Staff token").fill("not-the-token")
    page.get_by_role("button", name="Sign in").click()

    # In plain words, not the API's ("this bearer token is not valid"), which other clients read.
    expect(page.locator("#sign-in-error")).to_have_text(
        "That token is not valid. Ask an owner for a new one, or check for a typo."
    )
    assert page.evaluate("sessionStorage.length") == 0
    refused = page.request.get(f"{site}/policies/_me", headers={"Authorization": "Bearer not-the-token"})
    assert refused.status == 401
    assert refused.json()["error"]["message"] == "this bearer token is not valid (unknown or revoked)"


def test_an_edited_policy_reaches_the_chat_and_an_old_revision_can_be_restored(
    page: Any, site: str, console_env: Env
) -> None:
    sign_in(page, site, "knowledge")
    page.locator("#knowledge-list .row", has_text="Returns and refunds").click()
    content = page.locator("#entry-form textarea[name=content]")
    original = content.input_value()
    content.fill("Returns are free within 100 days of delivery, no questions asked.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#editor")).to_contain_text("revision 2")

    deadline = time.monotonic() + 10
    answer = ""
    while time.monotonic() < deadline and "100 days" not in answer:
        answer = chat(page, site, "What is your returns and refunds policy?")["text"]
        time.sleep(0.3)
    assert "100 days" in answer  # within the 1-second cache TTL, no redeploy

    page.get_by_role("button", name="History").click()
    revisions = page.locator("#history .revision")
    expect(revisions).to_have_count(2)
    expect(revisions.first.locator("ins", has_text="100")).to_have_count(1)
    expect(revisions.first).to_contain_text("changed by admin")
    expect(revisions.nth(1)).to_contain_text("the text it started with")  # the seeded text: nobody's edit
    screenshot(page, "console-history")
    revisions.nth(1).get_by_role("button", name="Restore").click()

    expect(page.locator("#editor")).to_contain_text("revision 3")
    assert content.input_value() == original
    page.get_by_role("button", name="History").click()
    expect(revisions).to_have_count(3)
    expect(revisions.first).to_contain_text("revision 1 restored by admin")  # a rollback, not an edit


def test_a_deleted_entry_can_be_restored_from_the_console(page: Any, site: str, console_env: Env) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, site, "knowledge")
    page.locator("#knowledge-list .row", has_text="Returns and refunds").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("#knowledge-list")).not_to_contain_text("Returns and refunds")

    page.locator("#history .revision").nth(1).get_by_role("button", name="Restore").click()

    expect(page.locator("#knowledge-list")).to_contain_text("Returns and refunds")
    expect(page.locator("#editor")).to_contain_text("revision 3")
    assert console_env.query("SELECT count(*) FROM knowledge_entries WHERE key = 'returns'")[0][0] == 1


def test_a_second_editor_gets_a_conflict_that_shows_both_versions(
    page: Any, site: str, console_env: Env
) -> None:
    sign_in(page, site, "knowledge")
    page.locator("#knowledge-list .row", has_text="Shipping").first.click()
    page.locator("#entry-form textarea[name=content]").fill("My edit: shipping is free for everyone.")
    # Meanwhile someone else saves the same entry.
    other = page.request.put(
        f"{site}/policies/shipping",
        data=json.dumps(
            {"title": "Shipping", "content": "Their edit: shipping costs 3.95 EUR.", "kind": "policy"}
        ),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert other.status == 200

    page.get_by_role("button", name="Save", exact=True).click()

    conflict = page.locator(".conflict")
    expect(conflict).to_contain_text("admin changed this entry")  # who saved theirs
    expect(conflict.locator(".mine")).to_contain_text("My edit")
    expect(conflict.locator(".theirs")).to_contain_text("3.95 EUR")
    screenshot(page, "console-conflict")
    stored = page.request.get(f"{site}/policies/shipping", headers=AUTH).json()
    assert stored["content"] == "Their edit: shipping costs 3.95 EUR."


def test_an_faq_made_from_several_wordings_asks_for_the_general_question(
    page: Any, site: str, console_env: Env
) -> None:
    for item in ("mugs", "backpacks"):
        chat(page, site, f"Do you sell gift cards for {item}?")  # not in the pages: unanswered
    sign_in(page, site, "unanswered")
    group = page.locator("#unanswered-rows tr", has_text="gift cards")
    expect(group).to_have_count(1)  # one question, two wordings

    group.get_by_role("button", name="Create FAQ").click()

    hint = page.locator("#asked-as")
    expect(hint).to_contain_text("“Do you sell gift cards for mugs?”")
    expect(hint).to_contain_text("“Do you sell gift cards for backpacks?”")
    expect(hint).to_contain_text("word it as the general question")
    expect(page.locator("#entry-form input[name=title]")).to_be_focused()  # the title first


def test_a_short_follow_up_is_listed_with_the_question_it_followed(
    page: Any, site: str, console_env: Env
) -> None:
    first = chat(page, site, "How long does shipping take?")
    chat(page, site, "And to Japan?", first)  # "Our help pages don't mention “Japan”."
    sign_in(page, site, "unanswered")
    group = page.locator("#unanswered-rows tr", has_text="And to Japan?")

    expect(group).to_contain_text("after “How long does shipping take?”")
    group.get_by_role("button", name="Create FAQ").click()
    expect(page.locator("#entry-form input[name=title]")).to_have_value(
        "How long does shipping take? And to Japan?"
    )


def test_a_thumbs_down_appears_in_the_dashboard_and_unanswered_and_becomes_an_faq(
    page: Any, site: str, console_env: Env
) -> None:
    # The shopper's side: the chat page's thumbs-down button belongs to the page's issue, so the
    # rating goes through the same API the button will use.
    meta = chat(page, site, "Can I pay with bitcoin?")
    rate_down(page, site, meta, "No answer about crypto")

    sign_in(page, site)
    expect(page.locator("#feedback-list")).to_contain_text("No answer about crypto")
    page.wait_for_function(
        "window.consoleCharts['chart-satisfaction'] && "
        "window.consoleCharts['chart-satisfaction'].data.datasets[1].data.reduce((a, b) => a + b, 0) === 1"
    )
    open_tab(page, "Unanswered")
    group = page.locator("#unanswered-rows tr", has_text="bitcoin")
    expect(group).to_contain_text("rated down")
    screenshot(page, "console-unanswered")
    group.get_by_role("button", name="Create FAQ").click()

    form = page.locator("#entry-form")
    expect(form.locator("input[name=title]")).to_have_value("Can I pay with bitcoin?")
    expect(form.locator("input[name=key]")).to_have_value("faq-can-i-pay-with-bitcoin")
    form.locator("textarea[name=content]").fill("Not yet: we accept cards, PayPal and Klarna.")
    page.get_by_label("Question to try").fill("Do you take bitcoin?")
    page.get_by_role("button", name="Try it").click()
    expect(page.locator("#preview-answer")).to_contain_text("Not yet")
    # As the shopper would see it: the sources line in italics, not between asterisks.
    expect(page.locator("#preview-answer em")).to_have_text("Source: Can I pay with bitcoin?")
    expect(page.locator("#preview-answer")).not_to_contain_text("*Source")
    page.get_by_role("button", name="Create").click()

    expect(page.locator("#knowledge-list")).to_contain_text("Can I pay with bitcoin?")
    entry = page.request.get(f"{site}/policies/faq-can-i-pay-with-bitcoin", headers=AUTH).json()
    assert entry["kind"] == "faq" and entry["content"].startswith("Not yet")
    # Back in Unanswered, the question says what answers it now, with nothing left to create.
    open_tab(page, "Unanswered")
    expect(group).to_contain_text("Answered now by “Can I pay with bitcoin?”")
    expect(group.get_by_role("button", name="Create FAQ")).to_have_count(0)
    screenshot(page, "console-unanswered-answered")


def test_a_rating_on_the_dashboard_opens_its_conversation(page: Any, site: str, console_env: Env) -> None:
    meta = chat(page, site, "Can I pay with bitcoin?")
    rate_down(page, site, meta, "No answer about crypto")
    chat(page, site, "How long does delivery take?")  # another conversation, listed first

    sign_in(page, site)
    item = page.locator("#feedback-list li", has_text="No answer about crypto")
    opens = item.get_by_role("button", name="Can I pay with bitcoin?")
    expect(opens).to_be_visible()
    opens.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("tab", name="Conversations")).to_have_attribute("aria-selected", "true")
    expect(page).to_have_url(f"{site}/admin/#conversations/{meta['conversation_id']}")
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text("Can I pay with bitcoin?")
    expect(transcript).to_contain_text("No answer about crypto")  # the rating, beside its answer
    expect(transcript.locator("h3")).to_be_focused()  # the keyboard goes on where the eyes go
    row = page.locator(f"#conversation-list .row[data-id='{meta['conversation_id']}']")
    expect(row).to_have_attribute("aria-current", "true")
    page.go_back()  # Back: the Dashboard the rating was on
    expect(page.get_by_role("tab", name="Dashboard")).to_have_attribute("aria-selected", "true")


def test_without_staff_sign_in_set_up_the_console_says_how_to_sign_in(page: Any, site: str, env: Env) -> None:
    env.set(ADMIN_TOKEN=None)

    page.goto(f"{site}/admin/")

    expect(page.get_by_label("Staff token")).to_be_visible()
    expect(page.locator("#sign-in-hint")).to_contain_text("make staff-token")
    expect(page.locator("#sign-in-error")).to_be_hidden()  # nobody has tried yet: no error


def test_a_viewer_reads_conversations_with_who_replied_but_cannot_delete_them(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, "I would like to talk to a person please")
    reply = post(
        page, f"{site}/policies/_inbox/{meta['conversation_id']}/reply", {"content": "Hi, Sam here."}, AUTH
    )
    assert reply.ok, reply.text()
    sign_in(page, site, "conversations", member(page, site, "Vic", "viewer")["token"])
    page.get_by_role("button", name="Filter").click()  # the list shown again: still a viewer's
    page.locator("#conversation-list .row").first.click()

    expect(page.locator("#transcript")).to_contain_text("reply by Support team")
    expect(page.get_by_role("button", name="Delete conversation")).to_have_count(0)


def test_the_console_has_no_serious_accessibility_problems(page: Any, site: str, console_env: Env) -> None:
    for n in range(8):  # enough comments for the feedback card to scroll
        rate_down(
            page, site, chat(page, site, f"Do you sell gift cards? ({n})"), f"Not helpful at all, sorry ({n})"
        )
    sign_in(page, site)
    expect(page.locator("#feedback-list li")).to_have_count(8)

    for tab in ("Dashboard", "Unanswered", "Staff"):
        open_tab(page, tab)
        expect(page.locator(f"#view-{tab.lower()}")).to_be_visible()
        assert serious_violations(page) == [], tab


def test_a_member_revoked_while_their_console_is_open_is_signed_out_and_told_why(
    page: Any, site: str, console_env: Env
) -> None:
    created = member(page, site, "Rae", "editor")
    sign_in(page, site, "inbox", created["token"])

    revoked = page.request.delete(f"{site}/policies/_staff/{created['staff']['id']}", headers=AUTH)
    assert revoked.ok

    # The inbox's next poll (every 5 s) finds the token revoked: no stale console polling 401s.
    expect(page.locator("#sign-in")).to_be_visible(timeout=15_000)
    expect(page.locator("#app")).to_be_hidden()
    expect(page.locator("#sign-in-error")).to_contain_text(
        "You were signed out: your token is no longer valid (an owner may have revoked it)."
    )
    assert page.evaluate("sessionStorage.getItem('support-console-token')") is None


def test_a_member_demoted_while_editing_sees_the_viewers_console_and_keeps_the_draft(
    page: Any, site: str, console_env: Env
) -> None:
    created = member(page, site, "Ed", "editor")
    sign_in(page, site, "knowledge", created["token"])
    page.locator("#knowledge-list .row", has_text="Returns and refunds").click()
    form = page.locator("#entry-form")
    form.locator("textarea[name=content]").fill("Returns within 60 days.")

    change_role(page, site, created, "viewer")
    form.get_by_role("button", name="Save").click()  # refused (403): the role changed meanwhile

    expect(page.locator("#toast")).to_contain_text("Your role was changed to viewer")
    expect(page.locator("#who")).to_have_text("Ed · viewer")
    expect(form.get_by_role("button", name="Save")).to_be_disabled()
    expect(form.locator("textarea[name=content]")).not_to_be_editable()
    expect(form.locator("textarea[name=content]")).to_have_value("Returns within 60 days.")
    expect(form.get_by_text("Viewers can read the knowledge")).to_be_visible()
    expect(page.locator("#new-entry")).to_be_disabled()
    stored = page.request.get(f"{site}/policies/returns", headers=AUTH).json()
    assert "60 days" not in stored["content"]


def test_a_deleted_entry_is_found_again_under_deleted_entries_and_restored(
    page: Any, site: str, console_env: Env
) -> None:
    deleted = page.request.delete(f"{site}/policies/returns", headers=AUTH)
    assert deleted.ok, deleted.text()
    sign_in(page, site, "knowledge")
    expect(page.locator("#knowledge-list")).not_to_contain_text("Returns and refunds")

    page.get_by_text("Deleted entries (1)").click()
    page.locator("#deleted-list .row", has_text="Returns and refunds").click()
    expect(page.locator("#editor")).to_contain_text("Deleted by admin")
    page.locator("#history .revision").nth(1).get_by_role("button", name="Restore").click()

    expect(page.locator("#knowledge-list")).to_contain_text("Returns and refunds")
    expect(page.locator("#deleted-entries")).to_be_hidden()  # nothing deleted any more
    assert page.request.get(f"{site}/policies/returns", headers=AUTH).ok


def test_a_member_demoted_with_a_conversation_open_in_the_inbox_loses_its_reply_form(
    page: Any, site: str, console_env: Env
) -> None:
    chat(page, site, "I would like to talk to a person please")
    created = member(page, site, "Ed", "editor")
    sign_in(page, site, "inbox", created["token"])
    page.locator("#inbox-list .row").first.click()
    page.get_by_label("Reply to the shopper").fill("Hello, Ed here")

    change_role(page, site, created, "viewer")
    page.get_by_role("button", name="Send reply").click()  # refused (403)

    expect(page.locator("#toast")).to_contain_text("Your role was changed to viewer")
    expect(page.locator("#inbox-transcript")).to_contain_text("Viewers can read; editors and owners answer.")
    expect(page.get_by_role("button", name="Send reply")).to_have_count(0)
    expect(page.get_by_role("button", name="Resolve")).to_have_count(0)


def test_a_viewer_reads_the_knowledge_and_unanswered_questions_without_edit_controls(
    page: Any, site: str, console_env: Env
) -> None:
    chat(page, site, "Do you sell gift cards?")  # not covered: an unanswered question
    sign_in(page, site, "knowledge", member(page, site, "Vic", "viewer")["token"])

    page.locator("#knowledge-list .row", has_text="Returns and refunds").click()
    form = page.locator("#entry-form")
    expect(form).to_contain_text("Viewers can read the knowledge; editors and owners change it.")
    expect(form.get_by_label("Title")).not_to_be_editable()
    expect(form.locator("textarea[name=content]")).not_to_be_editable()
    expect(form.get_by_role("button", name="Save")).to_be_disabled()
    # ...and they look it, as the greyed Kind does: not white boxes that take no typing.
    white = "rgb(255, 255, 255)"
    for field in (
        form.get_by_label("Title"),
        form.locator("textarea[name=content]"),
        form.get_by_label("Kind"),
    ):
        expect(field).not_to_have_css("background-color", white)

    open_tab(page, "Unanswered")
    expect(page.locator("#unanswered-rows")).to_contain_text("gift cards")
    expect(page.get_by_role("button", name="Create FAQ")).to_have_count(0)


def test_conversations_can_be_searched_read_and_deleted(page: Any, site: str, console_env: Env) -> None:
    chat(page, site, "Do you deliver to Iceland?")
    chat(page, site, "What are your support hours?")
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, site, "conversations")
    page.get_by_label("Search messages").fill("iceland")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#conversation-list .row")
    expect(rows).to_have_count(1)
    rows.first.click()
    expect(page.locator("#transcript")).to_contain_text("source knowledge")
    expect(page.locator("#transcript")).to_contain_text("knowledge v1")
    expect(page.locator("#transcript")).not_to_contain_text("tokens")  # no model, nothing counted
    screenshot(page, "console-conversations")
    page.get_by_role("button", name="Delete conversation").click()

    expect(page.locator("#conversation-list")).to_contain_text("No conversations match")
    assert console_env.count("conversations") == 1


def test_the_conversation_list_follows_new_conversations_and_keeps_the_open_one_selected(
    page: Any, site: str, console_env: Env
) -> None:
    chat(page, site, "Do you deliver to Iceland?")
    sign_in(page, site, "conversations")
    rows = page.locator("#conversation-list .row")
    expect(rows).to_have_count(1)
    rows.first.click()
    expect(page.locator("#transcript")).to_contain_text("Iceland")
    page.locator("#conversation-list .row.selected").focus()  # opening it moved the focus to the transcript

    chat(page, site, "What are your support hours?")  # another shopper, meanwhile

    expect(rows).to_have_count(2, timeout=15_000)  # no click on Filter
    expect(rows.first).to_contain_text("support hours")  # by last activity
    expect(page.locator("#conversation-list .row.selected")).to_contain_text("Iceland")
    expect(page.locator("#conversation-list .row.selected")).to_be_focused()  # drawn again, still focused
    expect(page.locator("#transcript")).to_contain_text("Iceland")


def test_a_status_filter_says_which_earlier_answer_matched(page: Any, site: str, console_env: Env) -> None:
    first = chat(page, site, "Do you deliver to Iceland?")
    chat(page, site, "What are your support hours?", first)
    console_env.execute(  # the first answer failed; the second, the conversation's last, did not
        "UPDATE messages SET status = 'failed', error_code = 'model_unavailable' WHERE id = :id",
        id=first["assistant_message_id"],
    )

    sign_in(page, site, "conversations")
    page.get_by_label("Answer status").select_option("failed")
    page.get_by_role("button", name="Filter").click()

    rows = page.locator("#conversation-list .row")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".badge")).to_contain_text(["knowledge", "failed earlier"])


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_a_days_filter_means_the_staff_members_own_day(
    browser: Any, site: str, console_env: Env, zone: str
) -> None:
    """At any hour one of these zones (UTC+14, UTC-11) is on another date than UTC."""
    context = browser.new_context(timezone_id=zone)
    try:
        page = context.new_page()
        older = chat(page, site, "Where is my parcel from last week?")
        console_env.execute(
            "UPDATE conversations SET created_at = now() - interval '3 days' WHERE id = :id",
            id=older["conversation_id"],
        )
        chat(page, site, "Do you deliver to Iceland?")
        sign_in(page, site, "conversations")
        expect(page.locator("#conversation-list .row")).to_have_count(2)
        today = page.evaluate("new Date().toLocaleDateString('en-CA')")  # YYYY-MM-DD, local
        page.get_by_label("From", exact=True).fill(today)
        page.get_by_label("To", exact=True).fill(today)
        page.get_by_role("button", name="Filter").click()

        expect(page.locator("#conversation-list .row")).to_have_count(1)
        expect(page.locator("#conversation-list")).to_contain_text("Do you deliver to Iceland?")
    finally:
        context.close()


def test_a_from_day_after_the_to_day_is_named_as_why_nothing_matches(
    page: Any, site: str, console_env: Env
) -> None:
    chat(page, site, "Do you deliver to Iceland?")
    sign_in(page, site, "conversations")
    expect(page.locator("#conversation-list .row")).to_have_count(1)

    page.get_by_label("From", exact=True).fill("2026-03-10")
    page.get_by_label("To", exact=True).fill("2026-03-01")
    page.get_by_role("button", name="Filter").click()

    expect(page.locator("#conversation-list")).to_have_text(
        "No conversations match: the From day is after the To day."
    )
    page.get_by_label("From", exact=True).fill("2026-02-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#conversation-list")).to_have_text("No conversations match.")  # in order, only none


def test_conversations_a_person_resolved_or_handed_back_can_be_listed(
    page: Any, site: str, console_env: Env
) -> None:
    resolved = chat(page, site, "I would like to talk to a person please")
    handed_back = chat(page, site, "Can I talk to a human?")
    chat(page, site, "Do you deliver to Iceland?")
    post(page, f"{site}/policies/_inbox/{resolved['conversation_id']}/resolve", {}, AUTH)
    post(page, f"{site}/policies/_inbox/{handed_back['conversation_id']}/hand-back", {}, AUTH)
    sign_in(page, site, "conversations")

    rows = page.locator("#conversation-list .row")
    for option, question in (
        ("resolved by the team", "I would like to talk to a person please"),
        ("handed back to the assistant", "Can I talk to a human?"),
    ):
        page.get_by_label("Person").select_option(label=option)
        page.get_by_role("button", name="Filter").click()
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(question)


def test_on_a_phone_a_tapped_conversation_scrolls_its_transcript_into_view(
    phone: Any, site: str, console_env: Env
) -> None:
    page = phone
    for n in range(12):
        chat(page, site, f"Question number {n} about delivery")
    sign_in(page, site, "conversations")
    rows = page.locator("#conversation-list .row")
    expect(rows).to_have_count(12)

    rows.first.click()

    transcript = page.locator("#transcript .transcript-list")
    expect(transcript).to_contain_text("Question number 11 about delivery")
    expect(transcript).to_be_in_viewport()
    heading = page.locator("#transcript h3").bounding_box()
    assert heading is not None and heading["y"] >= page.locator(".topbar").bounding_box()["height"]


def test_no_serious_accessibility_problems_in_the_console(page: Any, site: str, console_env: Env) -> None:
    from tests.browser.test_accessibility_and_looks import serious_violations

    chat(page, site, "How long does delivery take?")
    chat(page, site, "I would like to talk to a person please")
    page.goto(f"{site}/admin/")
    assert serious_violations(page) == [], "sign-in screen"
    sign_in(page, site)
    found, skipped = {}, {}
    opened = {
        "Inbox": "#inbox-list .row",
        "Conversations": "#conversation-list .row",
        "Knowledge": "#knowledge-list .row",
    }
    for tab in ("Dashboard", "Inbox", "Conversations", "Knowledge", "Unanswered", "Staff"):
        open_tab(page, tab)
        if tab in opened:  # a row open: its heading under the tab's
            page.locator(opened[tab]).first.click()
            expect(page.locator(f"#view-{tab.lower()} h3").first).to_be_visible()
        found[tab] = serious_violations(page)
        # A screen reader's list of headings has no gaps (an entry's h3 with no h2 above it).
        skipped[tab] = page.evaluate(
            """async () => (await axe.run(document, {runOnly: ["heading-order"]})).violations
                 .flatMap(v => v.nodes.map(n => n.target.join(" ")))"""
        )

    assert found == {tab: [] for tab in found}
    assert skipped == {tab: [] for tab in skipped}


def test_transcripts_show_answers_and_replies_as_the_shopper_saw_them(
    page: Any, site: str, console_env: Env
) -> None:
    chat(page, site, "Do you deliver to Iceland?")
    meta = chat(page, site, "I would like to talk to a person please")
    reply = "Hi, **Sam** here:\n\n- a replacement ships today\n- no need to return the old one"
    sent = post(page, f"{site}/policies/_inbox/{meta['conversation_id']}/reply", {"content": reply}, AUTH)
    assert sent.ok, sent.text()

    sign_in(page, site, "conversations")
    page.get_by_label("Search messages").fill("iceland")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#conversation-list .row")
    expect(rows).to_have_count(1)  # the search's answer, not the list shown at sign-in
    rows.first.click()
    answer = page.locator("#transcript .msg.assistant .bubble").first
    expect(answer.locator("em")).to_have_text("Source: Shipping")  # not "*Source: Shipping*"
    expect(answer).not_to_contain_text("*")

    open_tab(page, "Inbox")
    page.locator("#inbox-list .row").first.click()
    agent = page.locator("#inbox-transcript .msg.agent .bubble")
    expect(agent.locator("strong")).to_have_text("Sam")
    expect(agent.locator("li")).to_have_count(2)
    question = page.locator("#inbox-transcript .msg.user .bubble").first
    expect(question).to_have_text("I would like to talk to a person please")  # a shopper's text stays plain


def test_a_transcript_says_when_a_person_was_asked_for_took_over_and_left(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, "I would like to talk to a person please")
    inbox = f"{site}/policies/_inbox/{meta['conversation_id']}"
    assert post(page, f"{inbox}/reply", {"content": "Hi, Sam here."}, AUTH).ok  # replying claims it
    assert post(page, f"{inbox}/resolve", {}, AUTH).ok
    chat(page, site, "Thanks! And how long does delivery take?", meta)

    sign_in(page, site, "conversations")
    page.locator("#conversation-list .row").first.click()

    entries = page.locator("#transcript .transcript-list > li")
    expect(entries).to_have_count(8)
    texts = entries.all_inner_texts()
    assert texts[0] == "I would like to talk to a person please"
    assert texts[1].startswith("The shopper asked for a person · ")  # then the notice that says so
    assert texts[2].endswith("source handoff")
    assert texts[3].startswith("Support team took the conversation · ")
    assert texts[4].startswith("Hi, Sam here.")
    assert texts[5].startswith("Resolved by Support team: the assistant answers again · ")
    assert texts[6] == "Thanks! And how long does delivery take?"


def test_a_shopper_waiting_for_a_person_shows_on_every_tab_until_claimed(
    page: Any, site: str, console_env: Env
) -> None:
    sign_in(page, site, "knowledge")
    badge = page.locator("#inbox-count")
    expect(badge).to_be_hidden()

    meta = chat(page, site, "I would like to talk to a person please")
    expect(badge).to_have_text("1", timeout=8_000)  # polled while staff work on another tab
    expect(page).to_have_title("(1) Support console")

    claimed = post(page, f"{site}/policies/_inbox/{meta['conversation_id']}/claim", {}, AUTH)
    assert claimed.ok, claimed.text()
    expect(badge).to_be_hidden(timeout=8_000)  # a claimed conversation waits for nobody
    expect(page).to_have_title("Support console")


def test_an_owner_takes_over_a_conversation_someone_else_claimed_and_an_editor_is_not_offered_to(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, "I would like to talk to a person please")
    assert post(page, f"{site}/policies/_inbox/{meta['conversation_id']}/claim", {}, AUTH).ok  # ADMIN_TOKEN's
    olga = member(page, site, "Olga", "owner")["token"]
    sign_in(page, site, "inbox", member(page, site, "Ann", "editor")["token"])
    page.locator("#inbox-list .row").first.click()
    expect(page.locator("#inbox-transcript")).to_contain_text("claimed by admin")
    expect(page.locator("#inbox-transcript")).to_contain_text(
        "admin has this conversation: only they can reply"
    )
    for action in ("Take over", "Resolve", "Hand back to the assistant", "Send reply"):
        expect(page.get_by_role("button", name=action)).to_have_count(0)  # each would be a 409

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, site, "inbox", olga)
    page.locator("#inbox-list .row").first.click()
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Take over").click()

    expect(page.locator("#inbox-transcript")).to_contain_text("claimed by Olga")
    assert asked == ["Take this conversation over from admin? They can no longer reply in it."]
    expect(page.get_by_role("button", name="Take over")).to_have_count(0)  # hers now
    page.get_by_label("Reply to the shopper").fill("Olga here, I can help.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#inbox-messages")).to_contain_text("Olga here, I can help.")


def test_a_conversation_claimed_by_someone_else_while_a_reply_is_typed_keeps_the_unsent_reply(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, "I would like to talk to a person please")
    sign_in(page, site, "inbox", member(page, site, "Ann", "editor")["token"])
    page.locator("#inbox-list .row").first.click()
    page.get_by_label("Reply to the shopper").fill("Hi, Ann here")

    olga = {"Authorization": f"Bearer {member(page, site, 'Olga', 'owner')['token']}"}
    assert post(page, f"{site}/policies/_inbox/{meta['conversation_id']}/claim", {}, olga).ok

    expect(page.locator("#inbox-transcript")).to_contain_text("Olga has this conversation", timeout=8_000)
    expect(page.locator("#toast")).to_have_text(
        "Olga took this conversation; your reply was not sent and is still in the box"
    )
    expect(page.get_by_label("Reply to the shopper")).to_have_count(0)
    expect(page.get_by_label("Your reply, not sent")).to_have_value("Hi, Ann here")


def test_the_console_is_used_with_the_keyboard_alone(page: Any, site: str, console_env: Env) -> None:
    chat(page, site, "How long does shipping take?")
    page.goto(f"{site}/admin/")
    expect(page.get_by_label("Staff token")).to_be_focused()
    page.keyboard.type(TOKEN)
    page.keyboard.press("Enter")
    dashboard = page.get_by_role("tab", name="Dashboard")
    expect(dashboard).to_be_focused()  # not left on the page's body

    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Inbox")).to_be_focused()
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name="Staff")).to_be_focused()
    page.keyboard.press("Control+Home")  # the browser's, not the tabs'
    expect(page.get_by_role("tab", name="Staff")).to_be_focused()
    page.keyboard.press("ArrowRight")  # round to the first
    expect(dashboard).to_be_focused()
    page.keyboard.press("ArrowLeft")  # and back to the last
    expect(page.get_by_role("tab", name="Staff")).to_be_focused()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    conversations = page.get_by_role("tabpanel", name="Conversations")
    expect(conversations).to_be_visible()
    expect(page.get_by_role("tab", name="Conversations")).to_have_attribute("aria-selected", "true")

    row = page.locator("#conversation-list .row").first
    row.focus()
    page.keyboard.press(" ")  # Space opens a row as Enter does
    expect(page.locator("#transcript")).to_contain_text("How long does shipping take?")
    expect(row).to_have_attribute("aria-current", "true")


def test_the_signed_in_console_has_its_heading_and_landmarks(page: Any, site: str, console_env: Env) -> None:
    page.goto(f"{site}/admin/")
    expect(page.get_by_role("main")).to_be_visible()  # the sign-in form is the page's main part
    sign_in(page, site)
    expect(page.get_by_role("heading", level=1, name="Support console")).to_be_visible()
    expect(page.get_by_role("main")).to_be_visible()
    for tab in page.get_by_role("tab").all():
        if tab.is_visible():
            panel = page.locator(f"#{tab.get_attribute('aria-controls')}")
            assert panel.get_attribute("role") == "tabpanel"
            assert panel.get_attribute("aria-labelledby") == tab.get_attribute("id")


def test_a_long_conversation_opens_in_the_inbox_with_its_end_and_every_action_in_sight(
    page: Any, site: str, console_env: Env
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    meta = chat(page, site, "How long does shipping take?")
    for question in ("Do you ship to Norway?", "What about returns?", "Support hours?", "Phone?", "Email?"):
        chat(page, site, question, meta)
    chat(page, site, "I would like to talk to a person please", meta)

    sign_in(page, site, "inbox")
    page.locator("#inbox-list .row").first.click()
    for button in ("Claim", "Resolve", "Hand back to the assistant"):
        expect(page.get_by_role("button", name=button)).to_be_in_viewport()
    expect(page.get_by_label("Reply to the shopper")).to_be_in_viewport()
    expect(page.locator("#inbox-transcript .msg.user").last).to_be_in_viewport()
    screenshot(page, "console-inbox-long")


@pytest.mark.parametrize("width", [390, 768])
def test_every_tab_is_reachable_on_a_narrow_screen(
    browser: Any, site: str, console_env: Env, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, site)
        for tab in ("Inbox", "Conversations", "Knowledge", "Unanswered", "Staff", "Dashboard"):
            button = page.get_by_role("tab", name=tab)
            button.click()  # scrolled into view and clickable, not cut off or 0px wide
            expect(button).to_have_attribute("aria-selected", "true")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        screenshot(page, f"console-{width}")
    finally:
        context.close()


def test_on_a_phone_staff_and_unanswered_questions_fit_the_screen_with_their_actions(
    phone: Any, site: str, console_env: Env
) -> None:
    page = phone
    chat(page, site, "Do you have a loyalty program?")
    post(page, f"{site}/policies/_staff", {"name": "Bea Viewer", "role": "viewer"}, AUTH)
    sign_in(page, site, "staff")
    add = page.get_by_role("button", name="Add and show token")
    add.scroll_into_view_if_needed()
    box = add.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "console-390-staff")

    page.get_by_role("tab", name="Unanswered").click()
    expect(page.locator("#unanswered-rows tr")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    create = page.get_by_role("button", name="Create FAQ")
    create.scroll_into_view_if_needed()  # the table scrolls inside its card
    create.click()
    expect(page.locator("#entry-form input[name=title]")).to_have_value("Do you have a loyalty program?")


def test_on_a_phone_the_open_tab_is_scrolled_into_view_and_hidden_tabs_are_hinted(
    phone: Any, site: str, console_env: Env
) -> None:
    page = phone
    chat(page, site, "Can I talk to a human?")  # the Inbox tab gets a count, which widens it
    sign_in(page, site, "staff")  # a link to the last tab, which starts off screen
    expect(page.locator("#inbox-count")).to_have_text("1")
    tabs = page.locator(".tabs")
    expect(page.get_by_role("tab", name="Staff")).to_have_attribute("aria-selected", "true")

    bar, staff = tabs.bounding_box(), page.get_by_role("tab", name="Staff").bounding_box()
    assert bar is not None and staff is not None
    assert bar["x"] <= staff["x"] and staff["x"] + staff["width"] <= bar["x"] + bar["width"]
    # The tabs before it are behind the left edge, which fades out to say so.
    expect(tabs).to_have_attribute("data-more", "start")
    assert "gradient" in tabs.evaluate(
        "t => getComputedStyle(t).maskImage || getComputedStyle(t).webkitMaskImage"
    )
    screenshot(page, "console-390-tabs-staff")
    # With nobody added yet, the table's one sentence wraps on the screen, not beyond it.
    empty = page.get_by_text("No staff yet").bounding_box()
    assert empty is not None and empty["x"] + empty["width"] <= 390

    page.get_by_role("tab", name="Dashboard").click()
    expect(tabs).to_have_attribute("data-more", "end")


def test_an_owner_who_steps_down_is_asked_first_and_the_console_follows(
    page: Any, site: str, console_env: Env
) -> None:
    olga = member(page, site, "Olga", "owner")
    member(page, site, "Paul", "owner")
    sign_in(page, site, "staff", olga["token"])
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_label("Role of Olga").select_option("editor")
    expect(page.get_by_label("Role of Olga")).to_have_value("owner")  # dismissed: nothing changed
    page.once("dialog", lambda dialog: dialog.accept())

    page.get_by_label("Role of Olga").select_option("editor")

    expect(page.locator("#who")).to_have_text("Olga · editor")
    expect(page.get_by_role("tab", name="Staff")).to_be_hidden()
    assert asked == ["Olga will no longer manage staff. Make them an editor?"]


def test_a_long_unbroken_question_does_not_widen_the_unanswered_table(
    page: Any, site: str, console_env: Env
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    meta = chat(page, site, "x" * 3000)
    rate_down(page, site, meta)
    sign_in(page, site, "unanswered")
    expect(page.locator("#unanswered-rows tr")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    expect(page.get_by_role("button", name="Create FAQ")).to_be_in_viewport()


def test_a_new_faq_from_a_question_with_accents_gets_a_readable_key(
    page: Any, site: str, console_env: Env
) -> None:
    meta = chat(page, site, "Wie lange dauert der Versand nach Österreich?")
    rate_down(page, site, meta)

    sign_in(page, site, "unanswered")
    page.locator("#unanswered-rows tr", has_text="Österreich").get_by_role(
        "button", name="Create FAQ"
    ).click()

    key = page.locator("#entry-form input[name=key]")
    expect(key).to_have_value("faq-wie-lange-dauert-der-versand-nach-osterreich")  # not "...-o-sterreich"


def new_entry(page: Any, site: str) -> tuple[Any, Any]:
    """The Knowledge tab's New entry form, and its key field."""
    sign_in(page, site, "knowledge")
    page.get_by_role("button", name="New entry").click()
    form = page.locator("#entry-form")
    return form, form.locator("input[name=key]")


def test_a_new_entrys_key_follows_its_title_and_kind_until_typed(
    page: Any, site: str, console_env: Env
) -> None:
    form, key = new_entry(page, site)
    form.get_by_label("Title").fill("Gift wrapping")
    expect(key).to_have_value("gift-wrapping")
    form.get_by_label("Kind").select_option("faq")
    expect(key).to_have_value("faq-gift-wrapping")  # an FAQ's key, as when made from a question
    form.get_by_label("Kind").select_option("policy")
    expect(key).to_have_value("gift-wrapping")
    key.fill("wrapping")
    form.get_by_label("Kind").select_option("faq")
    expect(key).to_have_value("wrapping")  # a key the editor typed is theirs


def test_a_key_the_server_would_refuse_is_pointed_out_before_it_is_sent(
    page: Any, site: str, console_env: Env
) -> None:
    _, key = new_entry(page, site)
    key.fill("Bad Key!")
    assert key.evaluate("input => input.validity.patternMismatch")  # the browser checks it
    key.fill("gift-wrapping")
    assert key.evaluate("input => input.validity.valid")


def test_before_anyone_is_added_the_staff_list_says_how_to_add_people(
    page: Any, site: str, console_env: Env
) -> None:
    sign_in(page, site, "staff")
    expect(page.locator("#staff-rows tr")).to_have_count(1)
    expect(page.locator("#staff-rows")).to_contain_text("No staff yet: only the ADMIN_TOKEN signs in.")


def test_a_new_members_token_is_copied_with_one_click_and_signs_them_in(
    page: Any, site: str, console_env: Env
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    sign_in(page, site, "staff")
    form = page.locator("#staff-form")
    form.locator("input[name=name]").fill("Ann")
    form.locator("select[name=role]").select_option("viewer")
    form.get_by_role("button", name="Add and show token").click()

    page.get_by_role("button", name="Copy token").click()

    expect(page.locator(".toast", has_text="Token copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#new-token code").inner_text()
    screenshot(page, "console-staff-token")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Staff token").fill(copied)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Ann · viewer")).to_be_visible()


def test_an_error_adding_a_member_stays_by_the_form_until_the_member_is_added(
    page: Any, site: str, console_env: Env
) -> None:
    sign_in(page, site, "staff")
    form = page.locator("#staff-form")
    form.locator("input[name=name]").fill("Lena")
    form.locator("input[name=email]").fill("lena@shop")  # the browser lets it by; the server does not
    form.get_by_role("button", name="Add and show token").click()
    expect(form.get_by_role("alert")).to_contain_text("email: must be an email address")

    form.locator("input[name=email]").fill("lena@shop.example")
    form.get_by_role("button", name="Add and show token").click()

    expect(page.locator("#new-token")).to_contain_text("Token for Lena")
    expect(page.get_by_text("must be an email address")).to_have_count(0)  # no old error beside the token


def test_an_owner_promotes_a_viewer_in_the_staff_list(page: Any, site: str, console_env: Env) -> None:
    vic = post(page, f"{site}/policies/_staff", {"name": "Vic", "role": "viewer"}, AUTH).json()
    sign_in(page, site, "staff")

    page.get_by_label("Role of Vic").select_option("editor")

    expect(page.locator(".toast", has_text="Vic is now an editor")).to_be_visible()
    me = page.request.get(f"{site}/policies/_me", headers={"Authorization": f"Bearer {vic['token']}"})
    assert me.json()["role"] == "editor"
    expect(page.get_by_label("Role of Vic")).to_have_value("editor")


def test_a_revoked_member_stays_listed_with_when_access_ended(page: Any, site: str, console_env: Env) -> None:
    post(page, f"{site}/policies/_staff", {"name": "Vic", "role": "viewer"}, AUTH)
    sign_in(page, site, "staff")
    page.once("dialog", lambda dialog: dialog.accept())

    page.locator("#staff-rows tr", has_text="Vic").get_by_role("button", name="Revoke").click()

    status = page.locator("#staff-rows tr", has_text="Vic").locator("td").last
    expect(status).to_have_text(re.compile(r"^revoked \w.*\d"))  # when access ended, not only that it did


def test_the_staff_list_keeps_roles_and_actions_on_one_line_at_1280px(
    page: Any, site: str, console_env: Env
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    for name in ("Alice Schneider", "Bob Martinez-Fernandez"):
        email = name.lower().replace(" ", ".") + "@example-shop.com"
        post(page, f"{site}/policies/_staff", {"name": name, "role": "editor", "email": email}, AUTH)
    sign_in(page, site, "staff")
    rows = page.locator("#staff-rows tr")
    expect(rows).to_have_count(2)
    # Height in lines of its own font: one line and its padding is under 2.5 (two lines: 3.5+).
    in_lines = "e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).fontSize)"
    for n in range(2):
        for part in (rows.nth(n).locator(".role-select"), rows.nth(n).get_by_role("button", name="Revoke")):
            assert part.evaluate(in_lines) < 2.5, part
    screenshot(page, "console-staff")


def test_a_new_entry_with_a_key_in_use_says_the_key_is_taken_and_overwrites_nothing(
    page: Any, site: str, console_env: Env
) -> None:
    before = console_env.query("SELECT title, content FROM knowledge_entries WHERE key = 'returns'")
    form, key = new_entry(page, site)
    form.get_by_label("Title").fill("Our returns")
    key.fill("returns")  # the seeded policy's key
    form.locator("textarea[name=content]").fill("Returns within 7 days.")
    form.get_by_role("button", name="Create").click()

    alert = page.locator("#conflict [role=alert]")
    expect(alert).to_contain_text("An entry with the key “returns” already exists")
    expect(alert).not_to_contain_text("Someone else changed")  # nobody did: the key was in use
    after = console_env.query("SELECT title, content FROM knowledge_entries WHERE key = 'returns'")
    assert after == before

    alert.get_by_role("button", name="Open the existing entry").click()
    expect(page.locator("#entry-form input[name=title]")).to_have_value(before[0][0])


def test_handing_back_a_conversation_whose_last_message_was_answered_asks_nothing(
    page: Any, site: str, console_env: Env
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chat(page, site, "I would like to talk to a person please")
    sign_in(page, site, "inbox")
    page.locator("#inbox-list .row").first.click()
    page.get_by_label("Reply to the shopper").fill("Hi, Sam here. How can I help?")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#inbox-transcript .msg.agent")).to_contain_text("How can I help?")

    page.get_by_role("button", name="Hand back to the assistant").click()
    expect(page.locator("#inbox-transcript")).to_contain_text("Handed back to the assistant")
    assert dialogs == []  # the shopper's message had its reply: nothing to warn about
    status = console_env.query("SELECT status FROM handoffs")
    assert status == [("assistant",)]
