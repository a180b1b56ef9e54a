"""Anthropic HH transcripts: ``chosen`` / ``rejected`` are whole ``\\n\\nHuman: … \\n\\nAssistant: …`` texts.

Both transcripts are split into turns; the turns they share are the prompt, and the
one final Assistant turn in which they differ is each reply. Comparing whole turns
(not characters) keeps a shared prefix that ends inside the last Assistant turn
("Sure, here" / "Sure, but") from cutting a reply in two.
"""

from __future__ import annotations

import re

from .common import IDENTICAL, MISSING_FIELD, NO_SPLIT, ROLE, WRONG_TYPE, Pair, Skip

_MARK = re.compile(r"\n\n(Human|Assistant):")  # a literal start: scanned fast
_ROLES = {"Human": "user", "Assistant": "assistant"}


def looks_like(text: str) -> bool:
    """A transcript in the HH convention (what makes TRL's implicit-prompt texts HH)."""
    return text.startswith("Human:") or "\n\nHuman:" in text


def pair(record: dict) -> Pair:
    chosen, rejected = record.get("chosen"), record.get("rejected")
    for key, value in (("chosen", chosen), ("rejected", rejected)):
        if value is None:
            raise Skip(MISSING_FIELD, f"no {key!r} transcript")
        if not isinstance(value, str):
            raise Skip(WRONG_TYPE, f"{key!r} is a {type(value).__name__}, not a Human/Assistant transcript")
    return split(chosen, rejected)


def turns(text: str, key: str) -> list[tuple[str, str]]:
    """(role, text) turns of a transcript, each text without the spaces around it."""
    parts = _MARK.split(text if text.startswith("\n\n") else "\n\n" + text)
    if parts[0].strip():
        raise Skip(NO_SPLIT, f"{key!r} has text before its first 'Human:' turn")
    return [(_ROLES[parts[i]], parts[i + 1].strip()) for i in range(1, len(parts), 2)]


def split(chosen: str, rejected: str) -> Pair:
    a, b = turns(chosen, "chosen"), turns(rejected, "rejected")
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    if n == len(a) == len(b):
        raise Skip(IDENTICAL, "the chosen and rejected transcripts are identical: the pair teaches DPO nothing")
    if len(a) - n != 1 or len(b) - n != 1:
        raise Skip(NO_SPLIT, "the chosen and rejected transcripts differ before their last Assistant turn: "
                             "only transcripts that share everything but the final reply convert")
    for key, (role, _) in (("chosen", a[n]), ("rejected", b[n])):
        if role != "assistant":
            raise Skip(ROLE, f"the {key} transcript ends with a Human turn, not the Assistant's reply")
    prompt = [{"role": role, "content": text} for role, text in a[:n]]
    return Pair(prompt, {"role": "assistant", "content": a[n][1]}, {"role": "assistant", "content": b[n][1]})
