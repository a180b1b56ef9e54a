"""UltraFeedback as HuggingFaceH4 publishes it: a text ``prompt``, ``chosen`` / ``rejected`` whole conversations.

Each reply list repeats the conversation (the user turn, then the reply), so the prompt is
what the two share, as TRL reads an implicit prompt; the ``prompt`` text must be that
shared conversation's last user turn, or the record says two things (SOURCES.md §8 C5).
"""

from __future__ import annotations

from . import trl
from .common import NO_SPLIT, WRONG_TYPE, Pair, Skip, text_of


def pair(record: dict, need_rejected: bool = True) -> Pair:
    chosen, rejected, prompt = record.get("chosen"), record.get("rejected"), record.get("prompt")
    if not isinstance(chosen, list) or not isinstance(rejected, list):
        raise Skip(WRONG_TYPE, "'chosen' and 'rejected' are not both conversations (message lists)")
    result = trl.split_conversations(chosen, rejected, "chosen", "rejected")
    last = result.prompt[-1] if result.prompt else None
    if isinstance(prompt, str) and (last is None or last["role"] != "user"
                                    or text_of(last["content"]).strip() != prompt.strip()):
        raise Skip(NO_SPLIT, "the 'prompt' text is not the user turn that 'chosen' and 'rejected' share: "
                             "the record says two things; fix the prompt or the conversations")
    return result if need_rejected else result._replace(rejected=None)
