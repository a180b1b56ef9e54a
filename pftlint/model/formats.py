"""Which dataset format a record is in.

Used by the engine (to pick a file's method), by ``wrong-format`` and by
``pftlint convert``. Detection looks at top-level keys only (and, for Anthropic
HH, at the start of ``chosen``; for ShareGPT turns under ``messages``, at the first
turn's keys): it must be cheap enough to run on every record.
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from functools import lru_cache

DPO = "dpo"
SUPERVISED = "supervised"
TRL = "trl"
HH = "hh"
PROMPT_COMPLETION = "prompt-completion"
SHAREGPT = "sharegpt"
SHAREGPT_RANKING = "sharegpt-ranking"
UNKNOWN = "unknown"

METHODS = (DPO, SUPERVISED)
FOREIGN = (TRL, HH, PROMPT_COMPLETION, SHAREGPT, SHAREGPT_RANKING)
# Foreign formats of chat conversations without a rejected reply: a file of them is a supervised file.
CHAT = (SHAREGPT,)
# Foreign formats that hold no rejected reply (they convert to supervised chat only), with their records' name.
NO_REJECTED = {PROMPT_COMPLETION: "prompt / completion pairs", SHAREGPT: "ShareGPT conversations"}

DESCRIPTIONS = {
    DPO: "OpenAI preference (input / preferred_output / non_preferred_output)",
    SUPERVISED: "supervised chat ({\"messages\": [...]})",
    TRL: "TRL preference (prompt / chosen / rejected)",
    HH: "Anthropic HH (chosen / rejected transcripts)",
    PROMPT_COMPLETION: "legacy prompt / completion",
    SHAREGPT: "ShareGPT chat (conversations of {\"from\": ..., \"value\": ...} turns)",
    SHAREGPT_RANKING: "ShareGPT preference (conversations with chosen / rejected messages)",
    UNKNOWN: "unknown",
}

# The top-level keys of each method's record (SOURCES.md §1b, §1c).
DPO_KEYS = frozenset({"input", "preferred_output", "non_preferred_output"})
SUPERVISED_KEYS = frozenset({"messages", "tools", "parallel_tool_calls", "functions"})

# The spec's Dec 2024 - Jun 2025 names (SOURCES.md §5 D2): a DPO record still.
OLD_DPO_KEYS = {"preferred_completion": "preferred_output", "non_preferred_completion": "non_preferred_output"}

_CLOSE_TO = ("input", "preferred_output", "non_preferred_output", *OLD_DPO_KEYS)
_PREFERENCE_WORD = re.compile(r"(?:non_?|dis_?)?pref+e?r+ed")  # preferred, prefered, non-preferred, ...
# Keys that are never a misspelled DPO key: skipped without a look-up.
_OTHER_KEYS = SUPERVISED_KEYS | {"prompt", "chosen", "rejected", "completion"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def normal_key(key: str) -> str:
    """``Non-Preferred Output`` and ``nonPreferredOutput`` -> ``non_preferred_output``."""
    return _CAMEL.sub("_", key).strip().lower().replace("-", "_").replace(" ", "_")


@lru_cache(maxsize=1024)
def dpo_like(key: str) -> bool:
    """Whether a key is one of the DPO keys, misspelled or renamed (``prefered_output``)."""
    name = normal_key(key)
    return bool(name in DPO_KEYS or name in OLD_DPO_KEYS or _PREFERENCE_WORD.match(name)
                or get_close_matches(name, _CLOSE_TO, n=1, cutoff=0.8))


@lru_cache(maxsize=1024)
def messages_like(key: str) -> bool:
    """Whether a key is ``messages`` misspelled (``mesages``, ``Messages``)."""
    return bool(get_close_matches(normal_key(key), _MESSAGES, n=1, cutoff=0.8))


_MESSAGES = ("messages",)


def _sharegpt_turns(messages: object) -> bool:
    """A message list in ShareGPT's from/value form (LLaMA-Factory, axolotl); the first turn decides."""
    if type(messages) is not list or not messages:
        return False
    first = messages[0]
    return type(first) is dict and "from" in first and "role" not in first


def detect(record) -> str:
    """The format of one record (a dict, or a typed record).

    Any DPO key, even misspelled, makes a DPO record, so that a file with
    ``prefered_output`` is linted as DPO (``missing-key`` names the key to rename)
    rather than called a foreign format. A typed record (pftlint.model.typed) is of its shape's format.
    """
    shape = getattr(type(record), "FORMAT", None)
    if shape is not None:
        return shape
    if "input" in record or "preferred_output" in record or "non_preferred_output" in record:
        return DPO
    for key in record:
        if key not in _OTHER_KEYS and dpo_like(key):
            return DPO
    if ("conversations" in record and "messages" not in record) or (
            "messages" in record and _sharegpt_turns(record["messages"])):
        if "chosen" in record and "rejected" in record:
            return SHAREGPT_RANKING
        return SHAREGPT
    if "chosen" in record and "rejected" in record:
        if "prompt" in record:
            return TRL
        chosen = record["chosen"]
        if isinstance(chosen, str) and "\n\nAssistant:" in chosen and (
                chosen.startswith("Human:") or "\n\nHuman:" in chosen):
            return HH
        return TRL  # implicit-prompt TRL: the prompt is the shared prefix of chosen/rejected
    if "prompt" in record and "completion" in record:
        return PROMPT_COMPLETION
    if "messages" in record:
        return SUPERVISED
    for key in record:
        if messages_like(key):
            return SUPERVISED
    return UNKNOWN


def decide_method(formats: list[str], requested: str) -> tuple[str, str | None]:
    """(method, format of the whole file when it is not the method's, or None) from a sample.

    ``requested`` is ``auto``, ``dpo`` or ``supervised``. A file whose sample is
    mostly a foreign format, or mostly the other method when one was requested,
    is reported once as that format.
    """
    counts = {f: formats.count(f) for f in set(formats)}
    dpo, supervised = counts.get(DPO, 0), counts.get(SUPERVISED, 0)
    foreign = max(FOREIGN, key=lambda f: counts.get(f, 0))
    mostly_foreign = counts.get(foreign, 0) > dpo + supervised
    if requested != "auto":
        method = requested
    elif supervised > dpo or (mostly_foreign and foreign in CHAT):
        method = SUPERVISED
    else:
        method = DPO
    if mostly_foreign:
        return method, foreign
    other = DPO if method == SUPERVISED else SUPERVISED
    if counts.get(other, 0) > counts.get(method, 0):
        return method, other
    return method, None
