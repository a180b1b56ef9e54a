"""The keys of OpenAI's fine-tuning records, and what an unknown key stands for.

The key sets of a preference record, a supervised record, its 'input' and a message
(SOURCES.md §1b, §1c), and :func:`near_miss`: the one similarity test that unknown-key and
missing-key share (another format's name such as TRL's 'chosen', OpenAI's older names, a case or
separator change, a typo). Helpers of pftlint.rules.shape: this module registers no rule.
"""

from __future__ import annotations

from difflib import get_close_matches
from functools import lru_cache
from typing import NamedTuple

from ..model.formats import DPO_KEYS, OLD_DPO_KEYS, SUPERVISED_KEYS, normal_key

# The keys a preference record's 'input' and a message may hold (any other is unknown-key's).
INPUT_KEYS = frozenset({"messages", "tools", "parallel_tool_calls", "functions"})
MESSAGE_KEYS = frozenset({"role", "content", "name", "tool_calls", "tool_call_id", "function_call", "weight",
                          "refusal"})

# The key sets of the four objects the shape rules know, by name.
SCHEMAS = {"dpo": DPO_KEYS, "supervised": SUPERVISED_KEYS, "input": INPUT_KEYS, "message": MESSAGE_KEYS}

_WEIGHT = ("'weight' is not a record key ({provider} rejects a top-level \"weight\"); "
           "put \"weight\": 0 or 1 on the assistant messages instead", None)
_INTO_INPUT = "{key!r} belongs inside 'input': {{\"input\": {{\"messages\": [...], {key!r}: ...}}}}"

# Names people use instead of the schema's, by schema: normalized key -> (advice, the key it stands for).
# Advice None: another name for that key, nothing more to say than the name to use.
_ALIASES: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "dpo": {
        **{old: (f"{{key!r}} is the name in OpenAI's spec of Dec 2024 to Jun 2025; rename it to {new!r}, the "
                 "name of the docs and of every provider", new) for old, new in OLD_DPO_KEYS.items()},
        "chosen": ("{key!r} is TRL's name; rename it to 'preferred_output'", "preferred_output"),
        "rejected": ("{key!r} is TRL's name; rename it to 'non_preferred_output'", "non_preferred_output"),
        "chosen_response": (None, "preferred_output"),
        "rejected_response": (None, "non_preferred_output"),
        "preferred": (None, "preferred_output"),
        "non_preferred": (None, "non_preferred_output"),
        "prompt": ("{key!r} is TRL's name; rename it to 'input', an object holding the prompt: "
                   "{{\"input\": {{\"messages\": [...]}}}}", "input"),
        "messages": ("'messages' belongs inside 'input': {{\"input\": {{\"messages\": [...]}}}}", "input"),
        "tools": (_INTO_INPUT, None),
        "parallel_tool_calls": (_INTO_INPUT, None),
        "functions": (_INTO_INPUT, None),
        "weight": _WEIGHT,
    },
    "supervised": {
        "conversations": (None, "messages"),
        "conversation": (None, "messages"),
        "weight": _WEIGHT,
    },
    "input": {},
    "message": {
        "text": (None, "content"),
        "value": (None, "content"),
        "from": (None, "role"),
        "speaker": (None, "role"),
        "author": (None, "role"),
    },
}


class NearMiss(NamedTuple):
    """What an unknown key probably is."""

    meant: str | None     # the schema key it stands for, if any
    advice: str | None    # what to do, when it is more than renaming it to ``meant``
    misspelt: bool        # a spelling of ``meant`` (case, separators, typo), not another name for it


_NO_MISS = NearMiss(None, None, False)


@lru_cache(maxsize=4096)
def near_miss(schema: str, key: str, provider: str = "the provider") -> NearMiss:
    """The one similarity test: what an unknown key of ``schema`` stands for (unknown-key and missing-key).

    ``provider``: who rejects what the advice says is rejected (pftlint.rules.shape.provider_name).
    """
    allowed = SCHEMAS[schema]
    name = normal_key(key)
    alias = _ALIASES[schema].get(name)
    if alias is not None:
        advice, meant = alias
        return NearMiss(meant, advice.format(key=key, provider=provider) if advice else None, False)
    if name in allowed:  # wrong case or separator: 'Role', 'non-preferred_output'
        return NearMiss(name, None, True)
    close = get_close_matches(name, sorted(allowed), n=1, cutoff=0.75)
    if close:
        return NearMiss(close[0], None, True)
    return _NO_MISS
