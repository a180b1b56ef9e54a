"""LLaMA-Factory's alpaca ranking records: ``instruction`` (+ ``input``), text ``chosen`` / ``rejected``.

As LLaMA-Factory builds the prompt (SOURCES.md §6, §8 C6): the user turn is the instruction,
then a line break and the input when both are given; ``history`` pairs of [question, answer]
come before it as earlier turns, and ``system`` is the system prompt.
"""

from __future__ import annotations

from .common import MISSING_FIELD, WRONG_TYPE, Pair, Skip, reply, with_system


def _text(record: dict, key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Skip(WRONG_TYPE, f"{key!r} is a {type(value).__name__}, not text")
    return value


def _history(value) -> list:
    if value is None:
        return []
    turns = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            if not (isinstance(item, list) and len(item) == 2 and all(isinstance(t, str) for t in item)):
                break
            turns += [{"role": "user", "content": item[0]}, {"role": "assistant", "content": item[1]}]
        else:
            return turns
        raise Skip(WRONG_TYPE, f"'history' item {i + 1} is not a [question, answer] pair of texts")
    raise Skip(WRONG_TYPE, f"'history' is a {type(value).__name__}, not a list of [question, answer] pairs")


def pair(record: dict, need_rejected: bool = True) -> Pair:
    if "instruction" not in record:
        raise Skip(MISSING_FIELD, "no 'instruction' field")
    instruction, given = _text(record, "instruction"), _text(record, "input")
    text = f"{instruction}\n{given}" if instruction and given else instruction or given
    prompt = with_system([*_history(record.get("history")), {"role": "user", "content": text}],
                         record.get("system"), "system")
    return Pair(prompt, reply(record.get("chosen"), "'chosen' reply"),
                reply(record.get("rejected"), "'rejected' reply") if need_rejected else None)
