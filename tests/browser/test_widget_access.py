"""The widget on a shop's page: focus rings that can be seen in any brand colour and theme, a
panel that holds the keyboard while it covers a phone's screen, and a shop owner told why a
page whose origin the functions do not allow gets no answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from scripts.fake_gemini import Behavior
from tests.browser.test_chat_experience import SUGGESTIONS, contrast
from tests.browser.test_chat_languages import serve_html
from tests.browser.test_chat_page import ANSWERS, ask, expect, open_chat
from tests.support import Env, serve_in_thread


def shop(attributes: str = "", script_base: str = "") -> str:
    """A shop page with a link and a button of its own before the bubble's script tag."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<link rel="icon" href="data:,"></head><body><main><h1>Shop</h1>
<p><a href="#tents">Our tents</a> <button type="button">Add to basket</button></p></main>
<script src="{script_base}/widget.js" data-chat-stream-url="{script_base}/chat_stream"
        data-history-url="{script_base}/history" {attributes} async></script></body></html>"""


def style_of(locator: Any, prop: str) -> str:
    return str(locator.evaluate(f"e => getComputedStyle(e).{prop}"))


@pytest.mark.parametrize(("color", "theme"), [("#ffd400", "light"), ("#2f4f3a", "dark")])
def test_focus_rings_and_suggestion_borders_in_the_brand_reach_3_to_1(
    page: Any, site: str, color: str, theme: str
) -> None:
    """A yellow brand on the light panel (1.43:1 as it is) and a dark green on the dark one
    (1.9:1): the rings and the suggestions' borders take a shade of it that can be seen."""
    page.route("**/history/suggestions", lambda route: route.fulfill(status=200, json=SUGGESTIONS))
    serve_html(page, "/brand-shop.html", shop(f'data-color="{color}" data-theme="{theme}"'))
    page.goto(site + "/brand-shop.html")
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_be_visible()
    launcher.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    chat, log = dialog.locator(".sc-chat"), dialog.locator(".sc-messages")
    panels = [style_of(chat, "backgroundColor"), style_of(log, "backgroundColor")]  # --sc-bg, --sc-soft

    box = dialog.get_by_label("Your message")
    expect(box).to_be_focused()
    drawn = {"message box": style_of(box, "outlineStyle")}  # a ring is drawn, not only a colour set
    rings = {"message box": style_of(box, "outlineColor")}
    chip = dialog.get_by_role("group", name="Suggested questions").get_by_role("button").first
    expect(chip).to_be_visible()
    chip.focus()
    drawn["suggestion"] = style_of(chip, "outlineStyle")
    rings["suggestion"] = style_of(chip, "outlineColor")
    rings["suggestion border"] = style_of(chip, "borderTopColor")
    log.focus()
    drawn["conversation"] = style_of(log, "outlineStyle")
    rings["conversation"] = style_of(log, "outlineColor")
    page.keyboard.press("Escape")
    expect(launcher).to_be_focused()
    drawn["launcher"] = style_of(launcher, "outlineStyle")
    rings["launcher"] = style_of(launcher, "outlineColor")

    assert all(style != "none" for style in drawn.values()), drawn

    for name, ring in rings.items():
        for panel in panels:
            assert contrast(ring, panel) >= 3, (name, ring, panel)


IN_PANEL = """() => {
  const host = document.getElementById("support-chat-widget");
  const at = host.shadowRoot.activeElement;
  return document.activeElement === host && !!at && host.shadowRoot.getElementById("sc-panel").contains(at);
}"""


def test_on_a_phone_the_open_widget_is_modal_and_keeps_the_tab_key_inside(browser: Any, site: str) -> None:
    """Full screen on a phone, the panel hides the page: Tab and Shift+Tab go round inside it.
    On a wider screen the page beside it stays reachable, as before."""
    context = browser.new_context(viewport={"width": 375, "height": 667})
    try:
        page = context.new_page()
        serve_html(page, "/phone-shop.html", shop())
        page.goto(site + "/phone-shop.html")
        page.get_by_role("button", name="Chat with us").click()
        dialog = page.get_by_role("dialog", name="Customer support")
        expect(dialog.get_by_label("Your message")).to_be_focused()
        expect(dialog).to_have_attribute("aria-modal", "true")
        for key in ["Tab"] * 12 + ["Shift+Tab"] * 12:
            page.keyboard.press(key)
            assert page.evaluate(IN_PANEL), (
                f"{key} left the panel for {page.evaluate('document.activeElement.outerHTML')}"
            )

        page.set_viewport_size({"width": 1024, "height": 667})  # turned into a tablet: beside the page
        expect(dialog).not_to_have_attribute("aria-modal", "true")
        on_the_page = "document.activeElement.closest('main') !== null"
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate(on_the_page):
                break
        assert page.evaluate(on_the_page)  # Tab went on to the shop's page

        page.set_viewport_size({"width": 375, "height": 667})
        expect(dialog).to_have_attribute("aria-modal", "true")
        dialog.get_by_label("Your message").focus()
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(page.locator("#sc-panel")).not_to_have_attribute("aria-modal", "true")
    finally:
        context.close()


def test_on_a_phone_a_chat_that_cannot_load_can_still_be_closed(browser: Any, site: str) -> None:
    """The panel covers the whole page: its failure note comes with a way out, by touch or keys,
    and opening it again once the files load shows the chat alone."""
    context = browser.new_context(viewport={"width": 375, "height": 667})
    try:
        page = context.new_page()
        serve_html(page, "/phone-shop.html", shop())
        page.route("**/chat.js", lambda route: route.abort())
        page.goto(site + "/phone-shop.html")
        page.get_by_role("button", name="Chat with us").click()
        dialog = page.get_by_role("dialog", name="Customer support")
        expect(dialog).to_contain_text("The chat could not be loaded")
        close = dialog.get_by_role("button", name="Close")
        expect(close).to_be_focused()
        for key in ["Tab", "Shift+Tab", "Tab"]:
            page.keyboard.press(key)
            assert page.evaluate(IN_PANEL), f"{key} left the panel"
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()

        page.unroute("**/chat.js")
        page.get_by_role("button", name="Chat with us").click()
        expect(dialog.get_by_label("Your message")).to_be_focused()
        expect(dialog).not_to_contain_text("could not be loaded")
    finally:
        context.close()


@pytest.fixture
def elsewhere(site: str) -> Iterator[str]:
    """The shop page served on another origin (its own port on this machine), the functions'
    URLs pointing at ``site``: its origin."""
    body = shop("", site).encode()

    def app(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body]

    with serve_in_thread(app) as url:
        yield url


def open_shop(page: Any, origin: str) -> Any:
    """The shop page with its widget open and a question asked: the dialog."""
    page.goto(f"{origin}/tents.html")
    page.get_by_role("button", name="Chat with us").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Your message").fill("Hello?")
    dialog.get_by_label("Your message").press("Enter")
    return dialog


def warnings_of(page: Any) -> list[str]:
    """The page's console warnings from now on."""
    said: list[str] = []
    page.on("console", lambda message: said.append(message.text) if message.type == "warning" else None)
    return said


def test_a_shop_page_whose_origin_is_not_allowed_tells_the_shop_once_in_the_console(
    page: Any, elsewhere: str
) -> None:
    warnings = warnings_of(page)
    dialog = open_shop(page, elsewhere)  # ALLOWED_ORIGINS is empty: the functions refuse it
    failure = dialog.locator(".sc-failure")
    expect(failure).to_contain_text("The connection to the chat was lost")  # the shopper: as before
    failure.get_by_role("button", name="Retry").click()
    expect(failure).to_contain_text("The connection to the chat was lost")
    page.wait_for_timeout(500)

    told = [w for w in warnings if "ALLOWED_ORIGINS" in w]
    assert len(told) == 1, warnings  # once for the page, however many requests failed
    assert f"this page ({elsewhere})" in told[0] and f"Add {elsewhere} to ALLOWED_ORIGINS" in told[0], told
    assert "network problem" in told[0], told


def test_an_allowed_shop_page_or_the_chats_own_page_gets_no_such_warning(
    page: Any, site: str, env: Env, elsewhere: str
) -> None:
    env.set(ALLOWED_ORIGINS=elsewhere)
    env.fake.script(Behavior(chunks=["Hello from the shop."]))
    warnings = warnings_of(page)
    dialog = open_shop(page, elsewhere)
    expect(dialog.locator(ANSWERS).last).to_have_text("Hello from the shop.")

    open_chat(page, site)  # the functions' own origin, its server down: a network problem alone
    page.route("**/chat_stream", lambda route: route.abort())
    ask(page, "Is anyone there?")
    expect(page.locator(".sc-failure")).to_contain_text("The connection to the chat was lost")
    assert [w for w in warnings if "ALLOWED_ORIGINS" in w] == []
