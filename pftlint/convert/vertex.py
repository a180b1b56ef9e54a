"""Vertex AI Gemini preference records: ``contents`` + ``completions`` (SOURCES.md §8 C2).

``system_instruction.parts`` becomes the system message, ``contents`` turns the prompt
(``user`` -> user, ``model`` -> assistant, text parts only), and of the two ``completions``
the one scored 1 is chosen, the one scored 0 rejected. Anything else (other roles, parts
that are not text, not exactly one 1 and one 0) is a Skip: the record does not say which
reply is preferred, or says what a chat message cannot.
"""

from __future__ import annotations

from ..model import formats
from .common import (MISSING_FIELD, PREFERENCE, ROLE, TOOLS, WRONG_TYPE, Pair, Skip, parts_content, shown)

_ROLES = formats.TURN_ROLES[formats.VERTEX]  # its role names -> the view's (the linter's too)


def _turn(value, where: str, default_role: str | None = None) -> dict:
    if not isinstance(value, dict):
        raise Skip(WRONG_TYPE, f"{where} is a {type(value).__name__ if value is not None else 'null'}, "
                               "not a turn object")
    role = value.get("role", default_role)
    if not isinstance(role, str) or role not in _ROLES:  # a dict or list role cannot be looked up
        raise Skip(ROLE, f"{where} has role {role!r}; Vertex AI turns are 'user' or 'model'")
    return {"role": _ROLES[role], "content": parts_content(value.get("parts"), where)}


def _system(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):  # the SDK's shorthand
        return [{"role": "system", "content": value}]
    if not isinstance(value, dict):
        raise Skip(WRONG_TYPE, f"'system_instruction' is a {type(value).__name__}, not an object with parts")
    return [{"role": "system", "content": parts_content(value.get("parts"), "'system_instruction'")}]


def _score(value) -> int | None:
    """1 or 0 (as Vertex writes them; 1.0 and 0.0 too), else None."""
    if type(value) in (int, float) and value in (0, 1):
        return int(value)
    return None


def pair(record: dict, need_rejected: bool = True) -> Pair:
    if record.get("tools"):
        raise Skip(TOOLS, "the record defines tools: records with tools are not converted")
    contents = record.get("contents")
    if not isinstance(contents, list):
        raise Skip(MISSING_FIELD if contents is None else WRONG_TYPE, "'contents' is not a list of turns")
    prompt = _system(record.get("system_instruction")) + [
        _turn(turn, f"'contents' turn {i + 1}") for i, turn in enumerate(contents)]
    completions = record.get("completions")
    if not isinstance(completions, list):
        raise Skip(MISSING_FIELD if completions is None else WRONG_TYPE, "'completions' is not a list")
    scores = [_score(c.get("score")) if isinstance(c, dict) else None for c in completions]
    if len(completions) != 2 or sorted(s for s in scores if s is not None) != [0, 1]:
        raise Skip(PREFERENCE, "'completions' must be exactly two, one scored 1 (preferred) and one scored 0; "
                               f"found {len(completions)}, scores "
                               f"{shown([c.get('score') if isinstance(c, dict) else None for c in completions])}")
    replies = {}
    for i, (completion, score) in enumerate(zip(completions, scores)):
        replies[score] = _turn(completion.get("completion"), f"completion {i + 1}", default_role="model")
        if replies[score]["role"] != "assistant":
            raise Skip(ROLE, f"completion {i + 1} is a user turn, not the model's reply")
    return Pair(prompt, replies[1], replies[0] if need_rejected else None)
