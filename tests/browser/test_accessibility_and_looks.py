"""An axe-core scan of the page and the open widget, and screenshots at three sizes, light and dark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scripts.fake_gemini import Behavior
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_chat_page import ANSWERS, ask, expect, open_chat
from tests.support import Env

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SIZES = {"desktop": (1280, 800), "tablet": (768, 1024), "phone": (390, 844)}
ANSWER = [
    "Orders ship within **two working days**.\n\n",
    "- Tracking comes by email\n",
    "- Returns are free for 30 days",
]


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings (open shadow roots included)."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
             .filter(v => v.impact === "serious" || v.impact === "critical")
             .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "))"""
    )
    return [str(v) for v in found]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_problems_on_the_page_and_the_widget(
    browser: Any, site: str, env: Env, scheme: str
) -> None:
    env.fake.script(Behavior(chunks=ANSWER))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    try:
        page = context.new_page()
        open_chat(page, site)
        ask(page, "When will my order ship?")
        expect(page.locator(ANSWERS).last).to_contain_text("Returns are free")
        assert serious_violations(page) == []

        page.goto(site + "/widget-demo.html")
        page.get_by_role("button", name="Chat with us").click()
        expect(page.get_by_role("dialog").locator(ANSWERS).last).to_contain_text("Returns are free")
        assert serious_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_at_three_sizes(browser: Any, site: str, env: Env, scheme: str) -> None:
    """For people to look at: test-artifacts/looks-<size>-<scheme>-{page,widget}.png."""
    env.fake.script(Behavior(chunks=ANSWER))
    first = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    page = first.new_page()
    open_chat(page, site)
    ask(page, "When will my order ship?")
    expect(page.locator(ANSWERS).last).to_contain_text("Returns are free")
    state = first.storage_state()
    first.close()
    for name, (width, height) in SIZES.items():
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            storage_state=state,
            is_mobile=name == "phone",
            has_touch=name == "phone",
        )
        try:
            page = context.new_page()
            open_chat(page, site)
            expect(page.locator(ANSWERS).last).to_contain_text("Returns are free")
            page.screenshot(path=str(ARTIFACTS / f"looks-{name}-{scheme}-page.png"))
            page.goto(site + "/widget-demo.html")
            page.get_by_role("button", name="Chat with us").click()
            expect(page.get_by_role("dialog").locator(ANSWERS).last).to_contain_text("Returns are free")
            page.screenshot(path=str(ARTIFACTS / f"looks-{name}-{scheme}-widget.png"))
            width_now = page.evaluate("document.documentElement.scrollWidth")
            assert width_now <= width, f"sideways scrolling at {name}: {width_now}px"
        finally:
            context.close()
