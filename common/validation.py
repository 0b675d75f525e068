"""A request body's validation error in the words a shopper or a member of staff reads, and its
error code (README, openapi.yaml)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

# Body fields whose malformed value has an error code of its own (README, openapi.yaml).
_FIELD_CODES = {"conversation_id": "invalid_conversation_id", "message_id": "invalid_message_id"}


def validation_code(exc: ValidationError) -> str:
    """The code for the error ``describe_validation_error`` describes (the first one)."""
    errors = exc.errors()
    if any(e["type"] == "json_invalid" for e in errors):
        return "invalid_request" if _half_a_character(errors[0]) else "invalid_json"
    location = errors[0]["loc"]
    if len(location) == 1 and location[0] in _FIELD_CODES:
        return _FIELD_CODES[str(location[0])]
    return "invalid_request"


def describe_validation_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    if first["type"] == "json_invalid":
        if _half_a_character(first):
            return "a string holds half of a character (a lone \\ud800-\\udfff escape): send whole characters"
        detail = (first.get("ctx") or {}).get("error")
        return f"the body is not valid JSON ({detail})" if detail else "the body is not valid JSON"
    where = ".".join(str(part) for part in first["loc"]) or "body"
    if first["type"] == "string_pattern_mismatch" and where in _PATTERN_WORDS:
        return f"{where}: {_PATTERN_WORDS[where]}"  # not the regular expression it failed
    return f"{where}: {_plain_words(first['type'], first.get('ctx') or {}) or first['msg']}"


# A ``\uD800``-``\uDBFF`` escape not followed by a ``\uDC00``-``\uDFFF`` one, or such a low one alone.
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _half_a_character(error: Any) -> bool:
    """JSON's grammar allows a lone surrogate escape (a page that cut an emoji in two sends one),
    but it is no character, and the parser refuses the body: say that rather than "not JSON"."""
    raw = error.get("input")
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    return isinstance(raw, bytes) and _LONE_SURROGATE.search(raw) is not None


_PATTERN_WORDS = {
    "email": "must be an email address, such as name@example.com",
    "client_message_id": "must be letters, digits and . _ : - only (no spaces)",
}


def _plain_words(kind: str, ctx: dict[str, Any]) -> str | None:
    """The common mistakes in the words a member of staff or a shopper reads (the console shows
    them as they are), rather than pydantic's ("String should have at least 1 character")."""
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return "must not be empty" if least == 1 else f"must be at least {least} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])  # our validators' own words, without "Value error, "
    if kind == "literal_error" and "expected" in ctx:
        return f"must be {ctx['expected']}"  # "must be 'up' or 'down'"
    return {
        "missing": "is required",
        "extra_forbidden": "is not a field this request takes",
        "string_type": "must be a string",
        "model_type": "must be a JSON object",
        "uuid_type": "must be a UUID in a string, such as 0b7c9a52-8d1e-4a57-9c5e-3f0f7f4b8a11",
    }.get(kind)
