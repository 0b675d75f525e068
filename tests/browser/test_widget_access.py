"""The widget on a shop's page: focus rings that can be seen in any brand colour and theme, a
panel that holds the keyboard while it covers a phone's screen, and a shop owner told why a
page whose origin the functions do not allow gets no answers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_chat_experience import SUGGESTIONS, contrast
from tests.browser.test_chat_languages import serve_html
from tests.browser.test_chat_page import expect


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
    rings = {"message box": style_of(box, "outlineColor")}
    chip = dialog.get_by_role("group", name="Suggested questions").get_by_role("button").first
    expect(chip).to_be_visible()
    chip.focus()
    rings["suggestion"] = style_of(chip, "outlineColor")
    rings["suggestion border"] = style_of(chip, "borderTopColor")
    log.focus()
    rings["conversation"] = style_of(log, "outlineColor")
    page.keyboard.press("Escape")
    expect(launcher).to_be_focused()
    rings["launcher"] = style_of(launcher, "outlineColor")

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
