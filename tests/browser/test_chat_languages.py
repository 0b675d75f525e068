"""The chat page's and the bubble's own texts in the shop's language (en, de, fr, es, it, nl).

Every text goes through ``t("English text")`` in ``web/*.js``; ``web/i18n/<lang>.js`` holds
each other language and loads only when the chat speaks it.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from common.config import REPO_ROOT
from scripts.fake_gemini import Behavior
from tests.browser.test_chat_page import ANSWERS, expect, wait_until_idle
from tests.support import Env

WEB = REPO_ROOT / "web"
LANGUAGES = ["de", "fr", "es", "it", "nl"]
KEY = re.compile(r'\bt\(\s*"((?:[^"\\\n]|\\.)*)"')
TABLE = re.compile(r"window\.SupportChat\.translations\.(\w+) = (\{.*\});\s*$", re.S)
PLACEHOLDER = re.compile(r"\{\w+\}")


def shop_page(html_lang: str, attributes: str = "") -> str:
    """A shop page in ``html_lang`` with the bubble, its brand left to the defaults."""
    return f"""<!doctype html><html lang="{html_lang}"><head><meta charset="utf-8">
<title>Shop</title><link rel="icon" href="data:,"></head><body><main><h1>Shop</h1></main>
<script src="/widget.js" data-chat-stream-url="/chat_stream" data-history-url="/history"
        {attributes} async></script></body></html>"""


def serve_html(page: Any, path: str, body: str) -> None:
    page.route("**" + path, lambda route: route.fulfill(status=200, content_type="text/html", body=body))


def keys_in_code() -> set[str]:
    return {json.loads(f'"{raw}"') for file in WEB.glob("*.js") for raw in KEY.findall(file.read_text())}


def translations(path: Path) -> tuple[str, dict[str, str]]:
    match = TABLE.search(path.read_text())
    assert match, f"{path.name}: no window.SupportChat.translations.<lang> = {{...}};"
    return match.group(1), json.loads(match.group(2))


def test_every_text_of_the_chat_has_each_language_and_no_stale_ones() -> None:
    keys = keys_in_code()
    assert len(keys) > 60 and "Send" in keys and "Chat with us" in keys  # the search still finds them
    assert sorted(p.stem for p in (WEB / "i18n").glob("*.js")) == sorted(LANGUAGES)
    for language in LANGUAGES:
        named, table = translations(WEB / "i18n" / f"{language}.js")
        assert named == language
        assert sorted(keys - table.keys()) == [], f"{language}: untranslated"
        assert sorted(table.keys() - keys) == [], f"{language}: no longer in web/*.js"
        for english, text in table.items():
            assert text.strip() and sorted(PLACEHOLDER.findall(text)) == sorted(
                PLACEHOLDER.findall(english)
            ), (
                language,
                english,
                text,
            )


def test_the_bubble_on_a_german_page_speaks_german(page: Any, site: str, env: Env) -> None:
    serve_html(page, "/de-shop.html", shop_page("de-DE"))
    env.fake.script(Behavior(chunks=["Ihre Bestellung ", "ist unterwegs."], first_delay=1.0))
    page.goto(site + "/de-shop.html")
    launcher = page.get_by_role("button", name="Mit uns chatten")
    launcher.click()
    dialog = page.get_by_role("dialog", name="Kundenservice")  # the default title, translated
    expect(dialog.locator(".sc-chat")).to_have_attribute("lang", "de")
    box = dialog.get_by_label("Ihre Nachricht")
    expect(box).to_have_attribute("placeholder", "Ihre Frage eingeben…")
    expect(dialog.get_by_role("button", name="Senden", exact=True)).to_be_visible()

    box.fill("Wo ist meine Bestellung?")
    box.press("Enter")
    expect(dialog.locator(".sc-typing")).to_be_visible()
    page.keyboard.press("Escape")
    expect(launcher.locator(".sc-badge")).to_have_text("1 neue Antwort", timeout=10_000)
    launcher.click()
    expect(dialog.locator(ANSWERS).last).to_have_text("Ihre Bestellung ist unterwegs.")
    expect(dialog.get_by_role("button", name="Mit einem Menschen sprechen")).to_be_visible()

    page.route(
        "**/chat_stream",
        lambda route: route.fulfill(status=429, headers={"Retry-After": "3"}, json={"error": {"code": "x"}}),
    )
    box.fill("Und die Rücksendung?")
    box.press("Enter")
    failure = dialog.get_by_role("alert")
    expect(failure).to_contain_text("Sie senden Nachrichten etwas schnell.")
    expect(failure.get_by_role("button")).to_have_text(re.compile(r"Erneut versuchen in \d s"))
    expect(dialog.locator(".sc-cooldown")).to_have_text(re.compile(r"Erneut senden in \d s"))


def test_data_lang_wins_over_the_pages_language(page: Any, site: str) -> None:
    serve_html(page, "/de-shop.html", shop_page("de", 'data-lang="nl" data-title="Acme"'))
    page.goto(site + "/de-shop.html")
    page.get_by_role("button", name="Chat met ons").click()
    dialog = page.get_by_role("dialog", name="Acme")  # the shop's title is never translated
    expect(dialog.get_by_role("button", name="Versturen", exact=True)).to_be_visible()
    expect(dialog.locator(".sc-chat")).to_have_attribute("lang", "nl")


def test_the_page_speaks_the_language_config_js_names(page: Any, site: str, env: Env) -> None:
    config = (
        'window.SUPPORT_CHAT_CONFIG = {chatStreamUrl: "/chat_stream", historyUrl: "/history", lang: "fr"};'
    )
    page.route(
        "**/config.js", lambda route: route.fulfill(status=200, content_type="text/javascript", body=config)
    )
    env.fake.script(Behavior(chunks=["Sous deux jours ouvrés."]))
    page.goto(site + "/")
    page.wait_for_function("window.supportChat !== undefined")
    page.evaluate("window.supportChat.ready")
    assert page.evaluate("document.documentElement.lang") == "fr"
    expect(page.locator(".sc-chat")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service client")
    expect(page.locator(".sc-msg--greeting .sc-bubble")).to_contain_text("Posez-nous vos questions")
    box = page.get_by_label("Votre message")
    expect(box).to_have_attribute("placeholder", "Saisissez votre question…")
    expect(page.get_by_role("button", name="Vos conversations")).to_be_visible()

    box.fill("Combien de temps dure la livraison ?")
    box.press("Enter")
    expect(page.locator(ANSWERS).last).to_have_text("Sous deux jours ouvrés.")
    expect(page.get_by_role("button", name="Copier la réponse")).to_be_visible()
    expect(page.get_by_role("button", name="Parler à une personne")).to_be_visible()
    helpful = page.get_by_role("button", name="Utile", exact=True)
    expect(helpful).to_have_accessible_description("Pour la réponse : Sous deux jours ouvrés.")


def test_without_a_chosen_language_the_page_follows_the_browser(browser: Any, site: str) -> None:
    context = browser.new_context(locale="es-ES")
    try:
        page = context.new_page()
        page.goto(site + "/")
        page.wait_for_function("window.supportChat !== undefined")
        expect(page.get_by_role("button", name="Enviar", exact=True)).to_be_visible()
        expect(page.get_by_label("Tu mensaje")).to_have_attribute("placeholder", "Escribe tu pregunta…")
        # The assistant's name and picture: short, as "Support" is (not "AA", "Atención al cliente").
        expect(page.locator(".sc-msg--greeting .sc-msg-name")).to_have_text("Soporte")
        expect(page.locator(".sc-msg--greeting .sc-avatar")).to_have_text("S")
    finally:
        context.close()


def test_english_pages_load_no_translations(page: Any, site: str, env: Env) -> None:
    sizes = {p.name: len(gzip.compress(p.read_bytes(), 9)) for p in sorted((WEB / "i18n").glob("*.js"))}
    print(f"\ntranslations, gzipped: {sizes}")
    assert max(sizes.values()) < 3 * 1024, sizes  # README: "about 2.7 KB"

    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    env.fake.script(Behavior(chunks=["Two days."]))
    page.goto(site + "/widget-demo.html")
    page.get_by_role("button", name="Chat with us").click()
    expect(page.get_by_role("dialog").get_by_role("button", name="Send", exact=True)).to_be_visible()
    page.goto(site + "/")
    page.wait_for_function("window.supportChat !== undefined")
    page.evaluate("window.supportChat.ready")
    wait_until_idle(page)
    assert any(url.endswith("/chat.js") for url in requested), requested  # both drew the chat
    assert not [url for url in requested if "/i18n/" in url], requested
