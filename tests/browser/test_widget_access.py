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
