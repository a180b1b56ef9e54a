"""Records already in a provider method's shape, rebuilt (and checked) for the other method or repaired.

OpenAI preference -> supervised chat: the prompt and the preferred reply (the recommended
SFT-then-DPO workflow trains SFT on the preferred replies). OpenAI preference -> preference
rebuilds the record, which also repairs the common wrong shapes: ``input`` as a string or a
bare message list, outputs as strings, the Dec 2024 ``*_completion`` key names.
A supervised chat record -> supervised chat: its last assistant turn is the reply.
"""

from __future__ import annotations

from .common import MISSING_FIELD, NO_REJECTED, TOOLS, Pair, Skip, conversation, reply, tools


def _output(record: dict, key: str, old: str):
    if key in record:
        return record[key]
    if old in record:
        return record[old]
    raise Skip(MISSING_FIELD, f"no {key!r} field")


def dpo(record: dict, need_rejected: bool = True) -> Pair:
    value = record.get("input")
    defined = None
    if isinstance(value, dict):
        if value.get("functions"):
            raise Skip(TOOLS, "the input defines functions (the legacy name of tools): write them as "
                              "'tools' to convert the record")
        defined = tools(value.get("tools"), "input.tools")
        value = value.get("messages")
    if value is None:
        raise Skip(MISSING_FIELD, "no 'input' messages")
    prompt = conversation(value, "'input'")
    chosen = reply(_output(record, "preferred_output", "preferred_completion"), "preferred output")
    rejected = (reply(_output(record, "non_preferred_output", "non_preferred_completion"), "non-preferred output")
                if need_rejected else None)
    return Pair(prompt, chosen, rejected, defined)


def supervised(record: dict, need_rejected: bool = True) -> Pair:
    if need_rejected:
        raise Skip(NO_REJECTED, "a supervised chat record has no rejected reply, so it cannot become a "
                                "preference record")
    if record.get("functions"):
        raise Skip(TOOLS, "the record defines functions (the legacy name of tools): write them as "
                          "'tools' to convert the record")
    defined = tools(record.get("tools"), "tools")
    messages = conversation(record.get("messages"), "'messages'")
    if not messages:
        raise Skip(MISSING_FIELD, "'messages' is empty")
    return Pair(messages[:-1], reply(messages[-1:], "last message"), None, defined)
