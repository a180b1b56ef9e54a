"""Flat records by column mapping: ``--prompt-field instruction --chosen-field chosen_response ...``.

Each column holds text (or, for the prompt, a message list); an optional system column
becomes the system prompt. Legacy ``prompt`` / ``completion`` pairs are the same with a
``completion`` column and no rejected one.
"""

from __future__ import annotations

from typing import NamedTuple

from . import trl
from .common import WRONG_TYPE, Pair, Skip, shown

UNDESIRABLE = "labelled undesirable"  # a KTO row whose completion is the bad example


class Fields(NamedTuple):
    prompt: str = "prompt"
    chosen: str = "chosen"
    rejected: str = "rejected"
    system: str | None = None


def pair(record: dict, fields: Fields, need_rejected: bool = True) -> Pair:
    return trl.pair(record, fields.prompt, fields.chosen, fields.rejected, fields.system,
                    implicit=False, need_rejected=need_rejected)


def prompt_completion(record: dict, need_rejected: bool = True) -> Pair:
    """A prompt / completion pair; with TRL's unpaired ``label`` (KTO), only a desirable (``true``) row:
    a completion labelled undesirable written as a training example would teach what it shows."""
    if "label" in record:
        label = record["label"]
        if type(label) is not bool:
            raise Skip(WRONG_TYPE, f"'label' is {shown(label)}, not true or false: whether the completion "
                                   "is desirable is not stated")
        if not label:
            raise Skip(UNDESIRABLE, "labelled undesirable (label false): a supervised example would teach it")
    return trl.pair(record, "prompt", "completion", None, implicit=False, need_rejected=False)


_PROMPT_NAMES = ("prompt", "instruction", "question", "query", "input", "context")
_CHOSEN_WORDS = ("chosen", "preferred", "accepted", "better", "good", "win")
_REJECTED_WORDS = ("rejected", "dispreferred", "non_preferred", "nonpreferred", "worse", "bad", "los")


def guess(keys) -> Fields | None:
    """The columns a flat record most likely means, from their names (for the hint), or None."""
    keys = [k for k in keys if isinstance(k, str)]

    def find(words, exclude=()):
        for key in keys:
            low = key.lower()
            if any(w in low for w in words) and not any(x in low for x in exclude):
                return key
        return None

    prompt = next((k for k in keys if k.lower() in _PROMPT_NAMES), None) or find(_PROMPT_NAMES)
    rejected = find(_REJECTED_WORDS)
    chosen = find(_CHOSEN_WORDS, exclude=("non", "dis", "rejected"))
    system = next((k for k in keys if k.lower() in ("system", "system_prompt")), None)
    if prompt and chosen and rejected and len({prompt, chosen, rejected}) == 3:
        return Fields(prompt, chosen, rejected, system)
    return None
