"""ShareGPT conversations: a list of ``{"from": ..., "value": ...}`` turns.

The list is ``conversations`` (ShareGPT, LLaMA-Factory's default) or ``messages``
(LLaMA-Factory and axolotl configured so). Roles are mapped as every source's are
(``human`` -> user; ``gpt``, ``chatgpt``, ``model`` -> assistant; ``system``), and a
top-level ``system`` string becomes the first system message. A conversation becomes
supervised chat, its last turn the reply. LLaMA-Factory's ranking layout (the
conversation up to the user turn, then ``chosen`` / ``rejected`` message objects)
becomes a preference pair.
"""

from __future__ import annotations

from .common import MISSING_FIELD, NO_REJECTED, Pair, Skip, conversation, reply, with_system


def pair(record: dict, need_rejected: bool = True) -> Pair:
    key = "conversations" if "conversations" in record else "messages"
    turns = with_system(conversation(record.get(key), repr(key)), record.get("system"), "system")
    if "chosen" in record or "rejected" in record:
        return Pair(turns, reply(record.get("chosen"), "'chosen' reply"),
                    reply(record.get("rejected"), "'rejected' reply") if need_rejected else None)
    if need_rejected:
        raise Skip(NO_REJECTED, "a ShareGPT conversation has no rejected reply, so it cannot become a "
                                "preference record; convert it with --to supervised")
    if not turns:
        raise Skip(MISSING_FIELD, f"{key!r} is empty")
    return Pair(turns[:-1], reply(turns[-1:], "last turn"), None)
