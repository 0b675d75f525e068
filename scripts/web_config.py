"""Write the chat page's ``web/config.js`` from ``terraform output -json``.

In production every function has its own URL; the page learns the two it calls from
``window.SUPPORT_CHAT_CONFIG = {chatStreamUrl, historyUrl}``. CI runs
``python -m scripts.web_config outputs.json web/config.js`` after ``terraform apply``.
config.js is public: only what shoppers' browsers call goes in (never the admin-only
``policies_url``). The shop's brand (colour, title, agent name, greeting, ...) lives in
``web/brand.json`` when it has one, and is written into the same object, so a deploy never
loses it.

``--console web/admin/config.js`` points the staff console at the ``policies`` function's own
URL when Cloud IAP guards it (``console_iap_audience`` is set): only IAP lets a browser in, the
function taking no other call without a Google identity. Without IAP the file is left as it is.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

# Terraform output -> key of window.SUPPORT_CHAT_CONFIG; every one is required.
_KEYS = {"chat_stream_url": "chatStreamUrl", "history_url": "historyUrl"}
# What web/brand.json may set (see web/config.js); all strings.
BRAND_KEYS = frozenset(
    {"title", "agentName", "avatar", "greeting", "subtitle", "color", "theme", "position", "mode", "lang"}
)
DEFAULT_BRAND = Path(__file__).resolve().parent.parent / "web" / "brand.json"


def web_config(outputs: dict[str, Any], brand: dict[str, Any] | None = None) -> str:
    """The text of config.js for the given ``terraform output -json`` document and brand."""
    missing = [name for name in _KEYS if not _value(outputs, name)]
    if missing:
        raise ValueError(f"terraform outputs lack {', '.join(missing)}")
    unknown = sorted(set(brand or {}) - BRAND_KEYS)
    if unknown or not all(isinstance(v, str) for v in (brand or {}).values()):
        raise ValueError(f"brand.json: unknown keys {unknown} or values that are not text")
    config = {**(brand or {}), **{key: _value(outputs, name) for name, key in _KEYS.items()}}
    return (
        "// Written by CI from the Terraform outputs (scripts/web_config.py); do not edit.\n"
        f"window.SUPPORT_CHAT_CONFIG = {json.dumps(config, indent=2)};\n"
    )


def console_config(outputs: dict[str, Any]) -> str | None:
    """The text of the console's config.js when IAP guards the ``policies`` function, else None."""
    if not _value(outputs, "console_iap_audience"):
        return None
    url = _value(outputs, "policies_url")
    if url is None:
        raise ValueError("terraform outputs lack policies_url")
    config = {"policiesUrl": url}  # the refresh keeps the console's own default
    return (
        "// Written by CI from the Terraform outputs (scripts/web_config.py); do not edit.\n"
        "// The policies function behind Cloud IAP, at its own URL (README, Signing in in production).\n"
        f"window.CONSOLE_CONFIG = {json.dumps(config, indent=2)};\n"
    )


def _value(outputs: dict[str, Any], name: str) -> str | None:
    entry = outputs.get(name)
    value = entry.get("value") if isinstance(entry, dict) else None
    return value if isinstance(value, str) and value else None


def main() -> None:
    parser = argparse.ArgumentParser(description="Write web/config.js from terraform output -json.")
    parser.add_argument("outputs", type=Path, help="file holding `terraform output -json`")
    parser.add_argument("target", type=Path, help="config.js to write")
    parser.add_argument("--brand", type=Path, default=DEFAULT_BRAND, help="the shop's brand (if it exists)")
    parser.add_argument("--console", type=Path, help="the console's config.js, written when IAP guards it")
    args = parser.parse_args()
    outputs = json.loads(args.outputs.read_text())
    brand = json.loads(args.brand.read_text()) if args.brand.exists() else None
    args.target.write_text(web_config(outputs, brand), encoding="utf-8")
    console = console_config(outputs) if args.console is not None else None
    if console is not None:
        args.console.write_text(console, encoding="utf-8")


if __name__ == "__main__":
    main()
