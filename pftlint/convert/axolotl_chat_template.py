"""axolotl's ``chat_template.default`` preference records: a ``messages`` prompt, ``chosen`` / ``rejected`` replies.

With axolotl's default field names (SOURCES.md §8 C7): ``messages`` is the prompt, a list of
``role`` / ``content`` messages (a text is one user turn); each of ``chosen`` and ``rejected`` is a
reply text, one message object, or a list of messages of which axolotl trains on the last. A list
whose earlier messages are not the prompt says more than axolotl trains on, so it is skipped
rather than cut down in silence.
"""

from __future__ import annotations

from .common import MISSING_FIELD, TURN_ORDER, Pair, Skip, conversation, reply

PROMPT_KEY = "messages"


def _reply(record: dict, key: str, prompt: list) -> dict:
    value = record.get(key)
    if value is None:
        raise Skip(MISSING_FIELD, f"no {key!r} reply")
    if isinstance(value, list) and len(value) > 1:
        earlier = conversation(value[:-1], repr(key))
        if earlier != prompt:
            raise Skip(TURN_ORDER, f"the {key!r} list holds {len(value) - 1} messages before its reply that are "
                                   f"not the prompt in {PROMPT_KEY!r}; axolotl trains on the last message only: "
                                   f"keep just the reply in {key!r}, or move the conversation to {PROMPT_KEY!r}")
        value = value[-1:]
    return reply(value, f"{key!r} reply")


def pair(record: dict, need_rejected: bool = True) -> Pair:
    prompt = conversation(record.get(PROMPT_KEY), repr(PROMPT_KEY))
    return Pair(prompt, _reply(record, "chosen", prompt),
                _reply(record, "rejected", prompt) if need_rejected else None)
