"""The staff console as a screen reader hears it: what is read out on its own (live regions),
and nothing more than once or every few seconds."""

from __future__ import annotations

from typing import Any

from tests.browser.test_console import expect, sign_in
from tests.support import Env

# Everything the page's live regions say from now on (each change of their text), in
# window.__said.
RECORD_LIVE_REGIONS = """() => {
  window.__said = [];
  const live = "[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log]";
  new MutationObserver((changes) => {
    for (const change of changes) {
      const target = change.target.nodeType === 1 ? change.target : change.target.parentElement;
      const region = target && target.closest(live);
      if (region && region.textContent.trim()) window.__said.push(region.textContent.trim());
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_the_dashboard_reads_out_a_failed_refresh_and_its_recovery_not_every_refresh(
    page: Any, site: str, console_env: Env
) -> None:
    config = 'window.CONSOLE_CONFIG = {policiesUrl: "/policies", refreshSeconds: 1};'
    page.route(
        "**/admin/config.js",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=config),
    )
    sign_in(page, site)
    refreshed = page.locator("#refreshed")
    expect(refreshed).to_contain_text("updated")
    page.evaluate(RECORD_LIVE_REGIONS)
    first = refreshed.inner_text()
    expect(refreshed).not_to_have_text(first, timeout=5_000)  # refreshed again: a new time shown
    assert page.evaluate("window.__said") == []  # ... and not read out

    down = {"error": {"code": "unavailable", "message": "the analytics are down"}}
    page.route("**/policies/_analytics**", lambda route: route.fulfill(status=503, json=down))
    news = page.locator("#refresh-news")
    expect(news).to_have_text("The dashboard could not refresh: the analytics are down")
    expect(refreshed).to_have_text("could not refresh: the analytics are down")
    page.wait_for_timeout(2_500)  # failing again and again: said once
    assert page.evaluate("window.__said") == ["The dashboard could not refresh: the analytics are down"]

    page.unroute("**/policies/_analytics**")
    expect(news).to_have_text("The dashboard refreshes again.")
    expect(refreshed).to_contain_text("updated")
    page.wait_for_timeout(2_500)
    assert page.evaluate("window.__said")[1:] == ["The dashboard refreshes again."]
