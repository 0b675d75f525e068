"""Building the prompt: earlier turns trimmed to a token budget."""

from __future__ import annotations

from collections.abc import Sequence

from common.llm import Prompt, Turn

SUMMARY_PREAMBLE = "Summary of the earlier conversation (written by the assistant):"


def estimate_tokens(text: str) -> int:
    """A cheap, conservative estimate: Gemini averages about 4 characters per token, so
    dividing by 3 errs on the side of a prompt that fits."""
    return len(text) // 3 + 1


def trim_to_budget(turns: Sequence[Turn], budget: int) -> list[Turn]:
    """The newest turns that fit in ``budget`` tokens, oldest first.

    The last turn (the shopper's new message) is always kept. The result starts with a
    user turn, as Gemini expects.
    """
    kept: list[Turn] = []
    used = 0
    for turn in reversed(turns):
        cost = estimate_tokens(turn.text)
        if kept and used + cost > budget:
            break
        kept.append(turn)
        used += cost
    kept.reverse()
    while len(kept) > 1 and kept[0].role != "user":
        kept.pop(0)
    return kept


def build_prompt(
    *,
    system_instruction: str,
    history: Sequence[Turn],
    message: str,
    budget: int,
    summary: str | None = None,
    offers_handoff: bool = False,
) -> Prompt:
    """System instruction, an optional summary of older turns, then the trimmed turns."""
    summary_turns: list[Turn] = []
    if summary:
        summary_turns = [
            Turn("user", f"{SUMMARY_PREAMBLE}\n{summary}"),
            Turn("model", "Understood, I will take that into account."),
        ]
    budget -= sum(estimate_tokens(t.text) for t in summary_turns)
    turns = trim_to_budget(_merge_same_role([*history, Turn("user", message)]), max(budget, 1))
    return Prompt(
        system_instruction=system_instruction,
        turns=[*summary_turns, *turns],
        offers_handoff=offers_handoff,
        question=message,
    )


def _merge_same_role(turns: Sequence[Turn]) -> list[Turn]:
    """Join consecutive turns of one role (a question whose answer failed, then the next one),
    so the conversation alternates as Gemini expects."""
    merged: list[Turn] = []
    for turn in turns:
        if merged and merged[-1].role == turn.role:
            merged[-1] = Turn(turn.role, f"{merged[-1].text}\n\n{turn.text}")
        else:
            merged.append(turn)
    return merged
