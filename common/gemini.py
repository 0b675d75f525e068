"""Gemini through the ``google-genai`` SDK, behind the ``LLMClient`` protocol."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from common.config import Settings
from common.errors import ModelError
from common.llm import (
    AnswerSource,
    EmbeddingTask,
    PersonRequested,
    Prompt,
    StreamEnd,
    StreamEvent,
    TextDelta,
)
from common.sse import read_events

if TYPE_CHECKING:
    from google import genai

log = logging.getLogger(__name__)

# Gemini's batchEmbedContents takes at most this many texts per call.
EMBED_BATCH = 100

# Every answer streams over its own connection to Gemini: httpx's default of 100 connections
# made the 101st concurrent answer of a process wait for a whole answer to end (in make bench's
# open loop, added time to first token jumped from 15 ms to 1.8 s between 96 and 128 streams).
# Connections kept open between answers save a TLS handshake on the next answer's first token.
MAX_CONNECTIONS = None  # no limit of its own: the function's request concurrency is the limit
MAX_IDLE_CONNECTIONS = 100

# The SDK retries these before the first byte, with exponential backoff and jitter.
RETRYABLE_STATUSES = [408, 429, 500, 502, 503, 504]

_SAFETY_REASONS = {
    "SAFETY",
    "RECITATION",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "SPII",
    "IMAGE_SAFETY",
}


def normalize_finish_reason(raw: object) -> str:
    """Map Gemini's finish reasons onto the few the contract uses."""
    name = str(getattr(raw, "value", raw) or "").upper()
    if name in ("STOP", "FINISH_REASON_UNSPECIFIED", ""):
        return "stop"
    if name == "MAX_TOKENS":
        return "length"
    if name in _SAFETY_REASONS:
        return "safety"
    return name.lower()


# The function the model calls to hand the conversation to a person (a prompt that offers it).
# Recognising the request is part of the answer's one call: no classification round trip.
HANDOFF_FUNCTION = "hand_over_to_a_person"
HANDOFF_DESCRIPTION = (
    "Hand this conversation to a person on the shop's support team, who will reply in this "
    "chat. Call it only when the shopper clearly asks to talk to (or be connected with) a "
    "human, a real person, an agent, a representative or the staff, in any language or "
    "wording, or says yes after you offered to connect them. Do not call it when the shopper "
    "asks whether you are a bot or a human, is unhappy or complains without asking for a "
    "person, or asks something you can answer: answer those yourself."
)
# No parameters: the Gemini API has refused an OBJECT schema without properties, and the
# handoff needs nothing from the model (its language comes from the shopper's message).
_HANDOFF_DECLARATION = {"name": HANDOFF_FUNCTION, "description": HANDOFF_DESCRIPTION}


def rest_body(prompt: Prompt, max_output_tokens: int) -> dict[str, Any]:
    """The ``generateContent`` request body, as the SDK would send it for this prompt."""
    body: dict[str, Any] = {
        "contents": [{"role": turn.role, "parts": [{"text": turn.text}]} for turn in prompt.turns],
        "systemInstruction": {"role": "user", "parts": [{"text": prompt.system_instruction}]},
        "generationConfig": {"maxOutputTokens": max_output_tokens},
    }
    if prompt.offers_handoff:
        body["tools"] = [{"functionDeclarations": [dict(_HANDOFF_DECLARATION)]}]
    return body


def _calls_for_a_person(parts: Sequence[dict[str, Any]]) -> bool:
    """Whether the model called the handoff function in these parts of a chunk."""
    return any((part.get("functionCall") or {}).get("name") == HANDOFF_FUNCTION for part in parts)


def model_error_from(exc: Exception) -> ModelError:
    """Translate an SDK or transport failure into our typed ``ModelError``."""
    import httpx2
    from google.genai import errors as genai_errors

    if isinstance(exc, genai_errors.APIError):
        status = exc.code
        if status == 429:
            return ModelError("model_rate_limited")
        if status in (401, 403):
            return ModelError("model_auth_failed")
        if status == 408 or status >= 500:
            return ModelError("model_unavailable")
        return ModelError("model_rejected")
    if isinstance(exc, httpx2.TimeoutException):
        return ModelError("model_timeout")
    if isinstance(exc, httpx2.HTTPError):
        return ModelError("model_stream_broken")
    # The type only: SDK validation errors may quote the model's text.
    log.error("unexpected failure talking to Gemini: %s", type(exc).__name__)
    return ModelError("internal_error")


class GeminiClient:
    """Streams answers from Gemini. One instance per process: it holds a connection pool."""

    source: AnswerSource = "model"
    # The embedding model and the vectors' length (output_dimensionality); from_settings sets both.
    embedding_model = "gemini-embedding-001"
    embedding_dimensions = 768

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str | None = None,
        read_timeout_seconds: float = 30.0,
        retry_attempts: int = 3,
        max_output_tokens: int = 1024,
    ) -> None:
        self.model = model
        self._max_output_tokens = max_output_tokens
        self._api_key = api_key
        self._base_url = base_url
        self._timeout_ms = int(read_timeout_seconds * 1000)
        self._attempts = retry_attempts
        self._client: genai.Client | None = None
        self._lock = threading.Lock()

    def _sdk(self) -> genai.Client:
        """The SDK client, built on first use: importing the SDK costs a few hundred ms, which
        the first answer's generation thread pays instead of the first byte of a cold start."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import httpx2
                    from google import genai
                    from google.genai import types

                    limits = httpx2.Limits(
                        max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_IDLE_CONNECTIONS
                    )

                    self._client = genai.Client(
                        api_key=self._api_key,
                        http_options=types.HttpOptions(
                            base_url=self._base_url,
                            timeout=self._timeout_ms,
                            client_args={"limits": limits},
                            retry_options=types.HttpRetryOptions(
                                attempts=self._attempts,
                                initial_delay=0.5,
                                max_delay=4.0,
                                http_status_codes=RETRYABLE_STATUSES,
                            ),
                        ),
                    )
        return self._client

    @classmethod
    def from_settings(cls, settings: Settings) -> GeminiClient:
        assert settings.gemini_api_key is not None
        client = cls(
            api_key=settings.gemini_api_key.get_secret_value(),
            model=settings.gemini_model,
            base_url=settings.gemini_base_url,
            read_timeout_seconds=settings.gemini_read_timeout_seconds,
            retry_attempts=settings.gemini_retry_attempts,
            max_output_tokens=settings.gemini_max_output_tokens,
        )
        client.embedding_model = settings.gemini_embedding_model
        client.embedding_dimensions = settings.embedding_dimensions
        return client

    def _request(self, prompt: Prompt) -> dict[str, Any]:
        """The SDK's arguments for ``prompt``: what ``rest_body`` must serialise the same way."""
        from google.genai import types

        tools = None
        if prompt.offers_handoff:
            declaration = types.FunctionDeclaration(name=HANDOFF_FUNCTION, description=HANDOFF_DESCRIPTION)
            tools = [types.Tool(function_declarations=[declaration])]
        return {
            "model": self.model,
            "contents": [
                types.Content(role=turn.role, parts=[types.Part(text=turn.text)]) for turn in prompt.turns
            ],
            "config": types.GenerateContentConfig(
                system_instruction=prompt.system_instruction,
                max_output_tokens=self._max_output_tokens,
                tools=tools,
            ),
        }

    def stream(self, prompt: Prompt) -> Iterator[StreamEvent]:
        input_tokens: int | None = None
        output_tokens: int | None = None
        finish_reason = "stop"
        try:
            for chunk in self._raw_chunks(prompt):
                usage = chunk.get("usageMetadata")
                if usage:
                    input_tokens = usage.get("promptTokenCount") or input_tokens
                    output_tokens = usage.get("candidatesTokenCount") or output_tokens
                feedback = chunk.get("promptFeedback")
                if feedback and feedback.get("blockReason") is not None:
                    yield StreamEnd("safety", input_tokens, output_tokens)
                    return
                candidates = chunk.get("candidates")
                candidate = candidates[0] if candidates else None
                if candidate:
                    parts = (candidate.get("content") or {}).get("parts") or ()
                    text = "".join(p.get("text") or "" for p in parts if not p.get("thought"))
                    if text:
                        yield TextDelta(text)
                    if _calls_for_a_person(parts):
                        yield PersonRequested()
                    if candidate.get("finishReason") is not None:
                        finish_reason = normalize_finish_reason(candidate["finishReason"])
        except Exception as exc:
            raise model_error_from(exc) from exc
        yield StreamEnd(finish_reason, input_tokens, output_tokens)

    def _raw_chunks(self, prompt: Prompt) -> Iterator[dict[str, Any]]:
        """The stream's chunks as the JSON objects Gemini sends.

        The SDK still builds the HTTP request, authenticates, retries before the first byte
        and types the errors (``APIError``, also for an error sent inside the stream). What it
        does to every chunk is skipped: ``request_streamed`` split the body into lines, parsed
        each event's JSON, serialised it again into a pydantic object, and we parsed it a third
        time; ``generate_content_stream`` also built the SDK's response objects. Here the body's
        bytes are read and each event's JSON parsed once (``common.sse.read_events``). ``_build_request``
        and ``_request`` are not public: the SDK version is pinned, and the tests check this
        path against the SDK's own, chunk by chunk.
        """
        from google.genai import errors as genai_errors

        api = self._sdk()._api_client
        request = api._build_request("post", self._stream_path, rest_body(prompt, self._max_output_tokens))
        response = api._request(request, stream=True)
        body: Any = response.response_stream  # the SDK's httpx response, not read yet
        try:
            for chunk in read_events(body.iter_bytes()):
                error = chunk.get("error") if isinstance(chunk, dict) else None
                if error is not None:
                    code = error.get("code") if isinstance(error, dict) else None
                    genai_errors.APIError.raise_error(int(code or 500), chunk, response)
                yield chunk
        finally:
            body.close()

    @property
    def _stream_path(self) -> str:
        model = self.model if self.model.startswith(("models/", "tunedModels/")) else f"models/{self.model}"
        return f"{model}:streamGenerateContent?alt=sse"

    def complete(self, prompt: Prompt) -> str:
        try:
            response = self._sdk().models.generate_content(**self._request(prompt))
        except Exception as exc:
            raise model_error_from(exc) from exc
        return response.text or ""

    def embed(self, texts: Sequence[str], *, task: EmbeddingTask) -> list[list[float]]:
        """One vector per text (``batchEmbedContents``, at most ``EMBED_BATCH`` texts a call)."""
        from google.genai import types

        config = types.EmbedContentConfig(task_type=task, output_dimensionality=self.embedding_dimensions)
        vectors: list[list[float]] = []
        try:
            for start in range(0, len(texts), EMBED_BATCH):
                batch = list(texts[start : start + EMBED_BATCH])
                response = self._sdk().models.embed_content(
                    model=self.embedding_model, contents=batch, config=config
                )
                found = [list(e.values or []) for e in response.embeddings or []]
                if len(found) != len(batch) or not all(found):
                    raise ModelError("empty_answer")
                vectors += found
        except ModelError:
            raise
        except Exception as exc:
            raise model_error_from(exc) from exc
        return vectors
