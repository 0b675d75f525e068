"""Write the chat page's ``web/config.js`` from ``terraform output -json``.

In production every function has its own URL; the page learns the two it calls from
``window.SUPPORT_CHAT_CONFIG = {chatStreamUrl, historyUrl}``. CI runs
``python -m scripts.web_config outputs.json web/config.js`` after ``terraform apply``.
config.js is public: only what shoppers' browsers call goes in (never the admin-only
``policies_url``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

# Terraform output -> key of window.SUPPORT_CHAT_CONFIG; every one is required.
_KEYS = {"chat_stream_url": "chatStreamUrl", "history_url": "historyUrl"}


def web_config(outputs: dict[str, Any]) -> str:
    """The text of config.js for the given ``terraform output -json`` document."""
    missing = [name for name in _KEYS if not _value(outputs, name)]
    if missing:
        raise ValueError(f"terraform outputs lack {', '.join(missing)}")
    config = {key: _value(outputs, name) for name, key in _KEYS.items()}
    return (
        "// Written by CI from the Terraform outputs (scripts/web_config.py); do not edit.\n"
        f"window.SUPPORT_CHAT_CONFIG = {json.dumps(config, indent=2)};\n"
    )


def _value(outputs: dict[str, Any], name: str) -> str | None:
    entry = outputs.get(name)
    value = entry.get("value") if isinstance(entry, dict) else None
    return value if isinstance(value, str) and value else None


def main() -> None:
    parser = argparse.ArgumentParser(description="Write web/config.js from terraform output -json.")
    parser.add_argument("outputs", type=Path, help="file holding `terraform output -json`")
    parser.add_argument("target", type=Path, help="config.js to write")
    args = parser.parse_args()
    args.target.write_text(web_config(json.loads(args.outputs.read_text())), encoding="utf-8")


if __name__ == "__main__":
    main()
