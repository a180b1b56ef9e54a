"""The one place tests build records: messages, OpenAI preference (DPO) and supervised chat records, TRL rows.

Test modules wrap these with the defaults their cases need (``from builders import dpo``); none
writes the record layouts out by hand.
"""

from __future__ import annotations

import json
from typing import Iterable


def message(role: str, content: object = "Some text.", **extra) -> dict:
    return {"role": role, "content": content, **extra}


def user(content: object = "What is the capital of France?", **extra) -> dict:
    return message("user", content, **extra)


def assistant(content: object = "Paris.", **extra) -> dict:
    return message("assistant", content, **extra)


def system(content: object = "You are terse.", **extra) -> dict:
    return message("system", content, **extra)


def _as_message(value, make) -> dict:
    """A message given whole (a dict), or its content for ``make``."""
    return value if isinstance(value, dict) else make(value)


def dpo(prompt: object = "What is the capital of France?", chosen: object = "Paris.", rejected: object = "Lyon.",
        *, role: str = "user", messages: list | None = None, **extra) -> dict:
    """An OpenAI preference record: one prompt turn (of ``role``) or ``messages``, one reply per side.

    ``prompt``, ``chosen`` and ``rejected`` are contents, or whole messages when dicts; ``extra`` adds
    top-level keys.
    """
    turns = messages if messages is not None else [_as_message(prompt, lambda c: message(role, c))]
    return {"input": {"messages": turns},
            "preferred_output": [_as_message(chosen, assistant)],
            "non_preferred_output": [_as_message(rejected, assistant)], **extra}


def sft(*messages: dict, **extra) -> dict:
    """A supervised chat record of these messages (``extra``: top-level keys such as ``tools``)."""
    return {"messages": list(messages), **extra}


def trl(prompt: object = "What is the capital of France?", chosen: object = "Paris.", rejected: object = "Lyon.",
        *, conversational: bool = False, **extra) -> dict:
    """A TRL preference row: texts (standard) or message lists (conversational, explicit prompt)."""
    if conversational:
        return {"prompt": [_as_message(prompt, user)], "chosen": [_as_message(chosen, assistant)],
                "rejected": [_as_message(rejected, assistant)], **extra}
    return {"prompt": prompt, "chosen": chosen, "rejected": rejected, **extra}


def jsonl(records: Iterable[dict]) -> bytes:
    """Records as a JSONL file's bytes (one compact line each, a final newline)."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
