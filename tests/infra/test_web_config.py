"""The chat page's config.js is written from the Terraform outputs in the shape the page reads."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from common.config import REPO_ROOT
from scripts.web_config import console_config, web_config

OUTPUTS = {
    "chat_stream_url": {
        "sensitive": False,
        "type": "string",
        "value": "https://chat-stream-abc-ew.a.run.app",
    },
    "history_url": {"sensitive": False, "type": "string", "value": "https://history-abc-ew.a.run.app"},
    "policies_url": {"sensitive": False, "type": "string", "value": "https://policies-abc-ew.a.run.app"},
    "site_url": {"sensitive": False, "type": "string", "value": "https://chat.example.com"},
}


def _config_object(text: str) -> dict[str, str]:
    match = re.search(r"window\.SUPPORT_CHAT_CONFIG = (\{.*\});\s*$", text, re.S)
    assert match, text
    return json.loads(match.group(1))


def test_config_holds_the_function_urls_under_the_pages_keys() -> None:
    assert _config_object(web_config(OUTPUTS)) == {
        "chatStreamUrl": "https://chat-stream-abc-ew.a.run.app",
        "historyUrl": "https://history-abc-ew.a.run.app",
    }


def test_the_admin_only_policies_url_is_never_published() -> None:
    # config.js is public; the admin function's address is nobody else's business.
    text = web_config(OUTPUTS)
    assert "policies" not in text.lower()


def test_missing_function_url_is_an_error_not_a_broken_page() -> None:
    with pytest.raises(ValueError, match="chat_stream_url"):
        web_config({"history_url": OUTPUTS["history_url"]})


def test_cli_writes_the_file(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(OUTPUTS))
    target = tmp_path / "config.js"
    subprocess.run(
        [sys.executable, "-m", "scripts.web_config", str(outputs), str(target)], check=True, cwd=REPO_ROOT
    )
    assert _config_object(target.read_text())["historyUrl"] == OUTPUTS["history_url"]["value"]


def test_the_shops_brand_survives_a_deploy(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(OUTPUTS))
    brand = tmp_path / "brand.json"
    brand.write_text(json.dumps({"title": "Acme support", "color": "#2f4f3f", "agentName": "Ava"}))
    target = tmp_path / "config.js"

    subprocess.run(
        [sys.executable, "-m", "scripts.web_config", str(outputs), str(target), "--brand", str(brand)],
        check=True,
        cwd=REPO_ROOT,
    )

    config = _config_object(target.read_text())
    assert config["title"] == "Acme support" and config["agentName"] == "Ava" and config["color"] == "#2f4f3f"
    assert config["chatStreamUrl"] == OUTPUTS["chat_stream_url"]["value"]


def test_the_shops_language_survives_a_deploy() -> None:
    # The chat's own texts in German for a German shop, also on the hosted page.
    assert _config_object(web_config(OUTPUTS, {"lang": "de"}))["lang"] == "de"


def test_a_misspelt_brand_key_is_an_error_not_a_silent_default() -> None:
    with pytest.raises(ValueError, match="colour"):
        web_config(OUTPUTS, {"colour": "#123456"})


def _console(tmp_path: Path, outputs: dict[str, Any]) -> str:
    """The console's config.js after the deploy's call, starting from the repository's."""
    written = tmp_path / "outputs.json"
    written.write_text(json.dumps(outputs))
    console = tmp_path / "admin-config.js"
    console.write_text((REPO_ROOT / "web/admin/config.js").read_text())
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.web_config",
            str(written),
            str(tmp_path / "config.js"),
            "--console",
            str(console),
        ],
        check=True,
        cwd=REPO_ROOT,
    )
    return console.read_text()


def test_behind_iap_the_deployed_console_calls_the_policies_functions_own_url(tmp_path: Path) -> None:
    """The site serves no /policies route: the console reaches the function at its URL, where
    IAP signs staff in."""
    audience = {"value": "/projects/1/locations/europe-west1/services/support-chat-policies"}
    text = _console(tmp_path, {**OUTPUTS, "console_iap_audience": audience})
    match = re.search(r"window\.CONSOLE_CONFIG = (\{.*\});\s*$", text, re.S)
    assert match, text
    assert json.loads(match.group(1)) == {"policiesUrl": OUTPUTS["policies_url"]["value"]}
    # The shoppers' config still never names it.
    assert "policies" not in (tmp_path / "config.js").read_text().lower()


def test_without_iap_the_console_config_is_left_as_it_is(tmp_path: Path) -> None:
    assert console_config({**OUTPUTS, "console_iap_audience": {"value": None}}) is None
    assert _console(tmp_path, OUTPUTS) == (REPO_ROOT / "web/admin/config.js").read_text()
