"""The page proposes its conversation with the first message, so retrying it is safe."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.browser.test_chat_page import ask, local_conversation, open_chat, wait_until_idle
from tests.support import Env


def test_the_first_message_carries_a_conversation_the_page_made(page: Any, site: str, env: Env) -> None:
    posts: list[tuple[Any, dict[str, str]]] = []
    page.on(
        "request",
        lambda request: (
            posts.append((request.post_data_json, request.headers))
            if request.method == "POST" and "/chat_stream" in request.url
            else None
        ),
    )
    open_chat(page, site)

    ask(page, "hello")
    wait_until_idle(page)

    body, headers = posts[0]
    assert uuid.UUID(body["conversation_id"]).version == 4
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", headers["x-conversation-token"])
    saved = local_conversation(page)
    assert saved is not None and saved["id"] == body["conversation_id"]
    rows = env.query("SELECT id FROM conversations")
    assert [str(r.id) for r in rows] == [body["conversation_id"]]
