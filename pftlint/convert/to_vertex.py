"""Output layout: Vertex AI preference tuning records for Gemini models (SOURCES.md §8 C2).

``{"system_instruction": {"parts": [{"text"}]}, "contents": [{"role": "user"|"model",
"parts": [{"text"}]}], "completions": [{"score": 1, "completion": {...}}, {"score": 0, ...}]}``.
Vertex takes text only: what it cannot hold (tool definitions, a message ``name``) is a Skip.
The checked pair already ends its prompt with the user turn and has system only first.
"""

from __future__ import annotations

from ..model import formats
from .common import NOT_IN_LAYOUT, TOOLS, Pair, Skip, no_names, text_parts

NAME = "vertex"
DESCRIPTION = "Vertex AI Gemini preference"
_ROLES = {chat: own for own, chat in formats.TURN_ROLES[formats.VERTEX].items()}  # assistant -> model


def _turn(msg: dict) -> dict:
    return {"role": _ROLES[msg["role"]], "parts": text_parts(msg["content"])}


def record(pair: Pair) -> dict:
    if pair.tools:
        raise Skip(TOOLS, "the record defines tools, which Vertex AI preference records cannot hold")
    no_names(pair, "Vertex AI")
    prompt = pair.prompt
    out: dict = {}
    if prompt[0]["role"] == "system":
        out["system_instruction"] = {"parts": text_parts(prompt[0]["content"])}
        prompt = prompt[1:]
    if not prompt:  # cannot happen after check (the prompt ends with user): kept as a guard
        raise Skip(NOT_IN_LAYOUT, "the prompt holds only a system message")
    out["contents"] = [_turn(m) for m in prompt]
    out["completions"] = [{"score": 1, "completion": _turn(pair.chosen)},
                          {"score": 0, "completion": _turn(pair.rejected)}]
    return out
