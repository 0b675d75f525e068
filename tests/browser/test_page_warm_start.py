"""The warm start against the real ``GET /history/suggestions``: questions from the shop's FAQ."""

from __future__ import annotations

from typing import Any

from common.knowledge import DEFAULT_ENTRIES
from tests.browser.test_chat_page import expect, open_chat


def test_suggested_questions_come_from_the_shops_faq(page: Any, site: str) -> None:
    faq = {e.title for e in DEFAULT_ENTRIES if e.kind == "faq"}
    open_chat(page, site)
    page.evaluate("window.supportChat.warm")
    chips = page.locator(".sc-chip")
    expect(chips.first).to_be_visible()
    questions = chips.all_inner_texts()
    assert 3 <= len(questions) <= 5 and set(questions) <= faq, questions
