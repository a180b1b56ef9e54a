"""axolotl's ``chatml.*`` / ``llama3.*`` preference records: one prompt text and two reply texts.

axolotl's ``chatml.default`` takes the first of ``prompt``, ``input``, ``question`` and
``instruction`` as the user turn (``chatml.prompt_pairs``, ``.icr`` and ``.intel`` each read
one of them), ``chosen`` or ``chosen_response`` and ``rejected`` or ``rejected_response``
as the replies, and an optional ``system`` text (SOURCES.md §8 C4).
"""

from __future__ import annotations

from .common import MISSING_FIELD, Pair, Skip, conversation, reply, with_system

PROMPT_KEYS = ("prompt", "input", "question", "instruction")
CHOSEN_KEYS = ("chosen", "chosen_response")
REJECTED_KEYS = ("rejected", "rejected_response")


def first_key(record: dict, keys: tuple[str, ...]) -> str | None:
    return next((k for k in keys if k in record), None)


def pair(record: dict, need_rejected: bool = True) -> Pair:
    prompt_key, chosen_key = first_key(record, PROMPT_KEYS), first_key(record, CHOSEN_KEYS)
    rejected_key = first_key(record, REJECTED_KEYS)
    for key, names in ((prompt_key, PROMPT_KEYS), (chosen_key, CHOSEN_KEYS),
                       (rejected_key if need_rejected else "", REJECTED_KEYS)):
        if key is None:
            raise Skip(MISSING_FIELD, f"none of the fields {', '.join(map(repr, names))}")
    prompt = with_system(conversation(record[prompt_key], repr(prompt_key)), record.get("system"), "system")
    return Pair(prompt, reply(record[chosen_key], f"{chosen_key!r} reply"),
                reply(record[rejected_key], f"{rejected_key!r} reply") if need_rejected else None)
