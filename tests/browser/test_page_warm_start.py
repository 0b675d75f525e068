"""The warm start against the real ``GET /history/suggestions``: questions from the shop's FAQ."""

from __future__ import annotations

from typing import Any

from common.knowledge import DEFAULT_ENTRIES
from tests.browser.test_chat_page import ask, expect, open_chat
from tests.support import Env


def test_suggested_questions_come_from_the_shops_faq(page: Any, site: str) -> None:
    faq = {e.title for e in DEFAULT_ENTRIES if e.kind == "faq"}
    open_chat(page, site)
    page.evaluate("window.supportChat.warm")
    chips = page.locator(".sc-chip")
    expect(chips.first).to_be_visible()
    questions = chips.all_inner_texts()
    assert 3 <= len(questions) <= 5 and set(questions) <= faq, questions


def test_an_answer_from_the_knowledge_base_names_its_source_once(page: Any, site: str, env: Env) -> None:
    env.set(GEMINI_API_KEY=None)  # the shop's knowledge answers, without a model
    open_chat(page, site)

    ask(page, "Is shipping free?")

    answer = page.locator(".sc-msg--assistant").last
    expect(answer).to_contain_text("free on orders over 50 EUR")
    expect(answer).to_contain_text("Source: Shipping")
    assert answer.inner_text().count("Shipping") == 1, answer.inner_text()
