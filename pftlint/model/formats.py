"""Which dataset format a record is in.

Used by the engine (to pick a file's method and format), by ``wrong-format`` and by
``pftlint convert``. Detection looks at top-level keys only (and, for Anthropic
HH, at the start of ``chosen``; for ShareGPT turns under ``messages``, at the first
turn's keys; for Nova, at the last turn's): it must be cheap enough to run on every record.
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from functools import lru_cache

DPO = "dpo"  # OpenAI preference
SUPERVISED = "supervised"  # OpenAI supervised chat
TRL = "trl"
TRL_UNPAIRED = "trl-unpaired"
HH = "hh"
VERTEX = "vertex"
NOVA = "nova"
ULTRAFEEDBACK_ARGILLA = "ultrafeedback-argilla"
ALPACA_RANKING = "alpaca-ranking"
AXOLOTL_CHATML = "axolotl-chatml"
AXOLOTL_CHAT_TEMPLATE = "axolotl-chat-template"
PROMPT_COMPLETION = "prompt-completion"
SHAREGPT = "sharegpt"
SHAREGPT_RANKING = "sharegpt-ranking"
UNKNOWN = "unknown"

METHODS = (DPO, SUPERVISED)
# Every format pftlint reads into its rule-facing view, with the training method its records serve.
METHOD_OF = {
    DPO: DPO, SUPERVISED: SUPERVISED, TRL: DPO, TRL_UNPAIRED: DPO, HH: DPO, VERTEX: DPO, NOVA: DPO,
    ULTRAFEEDBACK_ARGILLA: DPO, ALPACA_RANKING: DPO, AXOLOTL_CHATML: DPO, AXOLOTL_CHAT_TEMPLATE: DPO,
    SHAREGPT_RANKING: DPO, PROMPT_COMPLETION: SUPERVISED, SHAREGPT: SUPERVISED,
}
FOREIGN = tuple(f for f in METHOD_OF if f not in METHODS)
# Foreign formats of chat conversations without a rejected reply: a file of them is a supervised file.
CHAT = (SHAREGPT,)
# Foreign formats that hold no rejected reply (they convert to supervised chat only), with their records' name.
NO_REJECTED = {PROMPT_COMPLETION: "prompt / completion pairs", SHAREGPT: "ShareGPT conversations",
               TRL_UNPAIRED: "TRL unpaired rows (one completion each)"}

# Formats pftlint recognises but ``pftlint convert`` does not read yet (tests/test_convert_layouts.py keeps it true).
NO_CONVERTER: tuple[str, ...] = ()

DESCRIPTIONS = {
    DPO: "OpenAI preference (input / preferred_output / non_preferred_output)",
    SUPERVISED: "supervised chat ({\"messages\": [...]})",
    TRL: "TRL preference (prompt / chosen / rejected)",
    TRL_UNPAIRED: "TRL unpaired preference (prompt / completion / label)",
    HH: "Anthropic HH (chosen / rejected transcripts)",
    VERTEX: "Vertex AI Gemini preference (contents / completions with scores)",
    NOVA: "Amazon Nova preference (messages ending in candidates with preferenceLabel)",
    ULTRAFEEDBACK_ARGILLA: "UltraFeedback, argilla layout (instruction / chosen_response / rejected_response)",
    ALPACA_RANKING: "LLaMA-Factory alpaca ranking (instruction / input / chosen / rejected)",
    AXOLOTL_CHATML: "axolotl chatml (question or input / chosen / rejected)",
    AXOLOTL_CHAT_TEMPLATE: "axolotl chat_template (messages / chosen / rejected messages)",
    PROMPT_COMPLETION: "legacy prompt / completion",
    SHAREGPT: "ShareGPT chat (conversations of {\"from\": ..., \"value\": ...} turns)",
    SHAREGPT_RANKING: "ShareGPT preference (conversations with chosen / rejected messages)",
    UNKNOWN: "unknown",
}

# The roles the turns of a format with its own role names are written with, each with the chat role it
# stands for (SOURCES.md §7 V1, N1); every other format writes chat roles. Their system prompt is a
# top-level key (SYSTEM_KEYS), never a turn. Shared by the readers (pftlint.model.layouts), invalid-role
# and `pftlint convert`.
TURN_ROLES = {VERTEX: {"user": "user", "model": "assistant"}, NOVA: {"user": "user", "assistant": "assistant"}}
SYSTEM_KEYS = {VERTEX: "system_instruction", NOVA: "system"}
# The role a format's conversation must open with (SOURCES.md §7 N1: Nova's first turn is the user's).
FIRST_ROLE = {NOVA: "user"}
# Foreign formats whose trainer reads text parts only (SOURCES.md §7 V1): non-text-content checks them.
TEXT_ONLY = frozenset({VERTEX})

# The top-level keys of each method's record (SOURCES.md §1b, §1c).
DPO_KEYS = frozenset({"input", "preferred_output", "non_preferred_output"})
SUPERVISED_KEYS = frozenset({"messages", "tools", "parallel_tool_calls", "functions"})

# The spec's Dec 2024 - Jun 2025 names (SOURCES.md §5 D2): a DPO record still.
OLD_DPO_KEYS = {"preferred_completion": "preferred_output", "non_preferred_completion": "non_preferred_output"}

_CLOSE_TO = ("input", "preferred_output", "non_preferred_output", *OLD_DPO_KEYS)
_PREFERENCE_WORD = re.compile(r"(?:non_?|dis_?)?pref+e?r+ed")  # preferred, prefered, non-preferred, ...
# Keys that are never a misspelled DPO key: skipped without a look-up.
_OTHER_KEYS = SUPERVISED_KEYS | {"prompt", "chosen", "rejected", "completion", "label", "contents", "completions",
                                 "system_instruction", "instruction", "chosen_response", "rejected_response",
                                 "question", "conversations", "system", "schemaVersion", "images", "image",
                                 "score_chosen", "score_rejected", "prompt_id", "history"}
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


def _nova_turns(messages: object) -> bool:
    """Nova's message list: its last turn holds the ``candidates``."""
    return type(messages) is list and bool(messages) and type(messages[-1]) is dict and "candidates" in messages[-1]


def detect(record) -> str:
    """The format of one record (a dict, or a typed record).

    Any DPO key, even misspelled, makes a DPO record, so that a file with
    ``prefered_output`` is linted as DPO (``missing-key`` names the key to rename)
    rather than called a foreign format. A typed record (pftlint.model.typed) is of its shape's format.
    Only top-level keys are looked at (and the first or last item of a list): it runs on every record.
    """
    shape = getattr(type(record), "FORMAT", None)
    if shape is not None:
        return shape
    pair = "chosen" in record and "rejected" in record
    if pair and type(record.get("input")) is str:  # a text "input": LLaMA-Factory's alpaca, axolotl's chatml.icr
        return ALPACA_RANKING if "instruction" in record else AXOLOTL_CHATML
    if "input" in record or "preferred_output" in record or "non_preferred_output" in record:
        return DPO
    for key in record:
        if key not in _OTHER_KEYS and dpo_like(key):
            return DPO
    if "contents" in record and "completions" in record:
        return VERTEX
    if ("conversations" in record and "messages" not in record) or (
            "messages" in record and _sharegpt_turns(record["messages"])):
        if pair:
            return SHAREGPT_RANKING
        return SHAREGPT
    if "messages" in record and _nova_turns(record["messages"]):
        return NOVA
    if "chosen_response" in record and "rejected_response" in record:
        # argilla's UltraFeedback names the prompt "instruction"; axolotl's chatml takes these reply keys
        # under any of its prompt keys
        return ULTRAFEEDBACK_ARGILLA if "instruction" in record else AXOLOTL_CHATML
    if pair:
        if "prompt" in record:
            return TRL
        if "instruction" in record:
            return ALPACA_RANKING
        if "question" in record:
            return AXOLOTL_CHATML
        if "messages" in record:
            return AXOLOTL_CHAT_TEMPLATE
        chosen = record["chosen"]
        if isinstance(chosen, str) and "\n\nAssistant:" in chosen and (
                chosen.startswith("Human:") or "\n\nHuman:" in chosen):
            return HH
        return TRL  # implicit-prompt TRL: the prompt is the shared prefix of chosen/rejected
    if "prompt" in record and "completion" in record:
        return TRL_UNPAIRED if "label" in record else PROMPT_COMPLETION
    if "messages" in record:
        return SUPERVISED
    for key in record:
        if messages_like(key):
            return SUPERVISED
    return UNKNOWN


def decide_method(formats: list[str], requested: str) -> tuple[str, str | None]:
    """(method, format of the whole file when it is not the method's OpenAI layout, or None) from a sample.

    ``requested`` is ``auto``, ``dpo`` or ``supervised``. The file's format is the one most of the
    sample is in (one odd record does not decide it); with none recognised, the method's own layout.
    """
    counts: dict[str, int] = {}
    for f in formats:
        if f != UNKNOWN:
            counts[f] = counts.get(f, 0) + 1
    if counts:
        found = max(counts, key=counts.__getitem__)  # ties: the first seen (dicts keep insertion order)
    else:
        found = SUPERVISED if requested == SUPERVISED else DPO
    method = requested if requested != "auto" else METHOD_OF[found]
    return method, (None if found == method else found)
