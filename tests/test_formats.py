"""Record format detection (pftlint.model.formats): what the engine and wrong-format build on."""

from __future__ import annotations

import pytest

from pftlint.model import formats
from pftlint.model.formats import (DPO, HH, PROMPT_COMPLETION, SHAREGPT, SHAREGPT_RANKING, SUPERVISED, TRL, UNKNOWN,
                             decide_method, detect, dpo_like)

MSG = [{"role": "user", "content": "Hi"}]
REPLY = [{"role": "assistant", "content": "Hello"}]
TURNS = [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]


@pytest.mark.parametrize(("record", "expected"), [
    ({"input": {"messages": MSG}, "preferred_output": REPLY, "non_preferred_output": REPLY}, DPO),
    ({"input": "a string"}, DPO),
    ({"messages": MSG}, SUPERVISED),
    ({"messages": MSG, "tools": [], "parallel_tool_calls": True}, SUPERVISED),
    ({"prompt": "Q", "chosen": "A", "rejected": "B"}, TRL),
    ({"prompt": MSG, "chosen": REPLY, "rejected": REPLY}, TRL),
    ({"prompt": "Q", "chosen": "A", "rejected": "B", "code_id": 7}, TRL),
    ({"prompt": "Q", "chosen": "A", "rejected": "B", "preference_strength": 2}, TRL),
    ({"chosen": MSG + REPLY, "rejected": MSG + REPLY}, TRL),  # implicit prompt
    ({"chosen": "Q: x A: y", "rejected": "Q: x A: z"}, TRL),
    ({"chosen": "\n\nHuman: Hi\n\nAssistant: Hello", "rejected": "\n\nHuman: Hi\n\nAssistant: Go away"}, HH),
    ({"chosen": "Human: Hi\n\nAssistant: Hello", "rejected": "Human: Hi\n\nAssistant: No"}, HH),
    ({"prompt": "Q", "completion": "A"}, PROMPT_COMPLETION),
    ({"conversations": TURNS}, SHAREGPT),
    ({"system": "Be brief.", "conversations": TURNS}, SHAREGPT),
    ({"conversations": MSG + REPLY}, SHAREGPT),  # LLaMA-Factory's OpenAI-style tags, still not 'messages'
    ({"messages": TURNS}, SHAREGPT),  # LLaMA-Factory / axolotl with messages holding from/value
    ({"system": "Be brief.", "messages": TURNS}, SHAREGPT),
    ({"conversations": TURNS[:1], "chosen": TURNS[1], "rejected": {"from": "gpt", "value": "No"}}, SHAREGPT_RANKING),
    ({"messages": MSG + REPLY, "conversations": TURNS}, SUPERVISED),  # an extra key of a supervised record
    ({"mesages": MSG + REPLY}, SUPERVISED),
    ({"Messages": MSG + REPLY}, SUPERVISED),
    ({"text": "hello"}, UNKNOWN),
    ({}, UNKNOWN),
])
def test_detect(record, expected):
    assert detect(record) == expected


@pytest.mark.parametrize("keys", [
    ("input", "prefered_output", "non-preferred_output"),
    ("prefered_output", "non_prefered_output"),
    ("preferred_completion", "non_preferred_completion"),
    ("Preferred_Output", "Non_Preferred_Output"),
    ("preferredOutput", "nonPreferredOutput"),
    ("inputs", "chosen", "rejected"),
    ("prompt", "preferred", "non_preferred"),
    ("messages", "preferred_output"),
])
def test_misspelled_dpo_keys_are_still_dpo(keys):
    assert detect(dict.fromkeys(keys, [])) == DPO


@pytest.mark.parametrize(("key", "expected"), [
    ("preferred_output", True), ("prefered_output", True), ("Non-Preferred-Output", True),
    ("non_preferred_completion", True), ("imput", True),
    ("messages", False), ("prompt", False), ("chosen", False), ("code_id", False), ("prefix", False),
    ("preference", False),
])
def test_dpo_like(key, expected):
    assert dpo_like(key) is expected


@pytest.mark.parametrize(("sample", "requested", "expected"), [
    ([DPO] * 5, "auto", (DPO, None)),
    ([SUPERVISED] * 5, "auto", (SUPERVISED, None)),
    ([SUPERVISED] * 3 + [DPO] * 2, "auto", (SUPERVISED, None)),
    ([], "auto", (DPO, None)),
    ([UNKNOWN] * 4, "auto", (DPO, None)),
    ([TRL] * 5, "auto", (DPO, TRL)),
    ([HH] * 5, "supervised", (SUPERVISED, HH)),
    ([PROMPT_COMPLETION] * 3 + [SUPERVISED], "auto", (SUPERVISED, PROMPT_COMPLETION)),
    ([TRL] * 2 + [DPO] * 3, "auto", (DPO, None)),  # mixed: each TRL record on its own
    ([SUPERVISED] * 5, "dpo", (DPO, SUPERVISED)),  # a chat file given to a DPO job
    ([DPO] * 5, "supervised", (SUPERVISED, DPO)),
    ([DPO] * 3 + [SUPERVISED] * 2, "dpo", (DPO, None)),
    ([SHAREGPT] * 5, "auto", (SUPERVISED, SHAREGPT)),  # chat conversations: a supervised file
    ([SHAREGPT] * 5, "dpo", (DPO, SHAREGPT)),
    ([SHAREGPT_RANKING] * 5, "auto", (DPO, SHAREGPT_RANKING)),
])
def test_decide_method(sample, requested, expected):
    assert decide_method(sample, requested) == expected


def test_every_format_is_described():
    for fmt in (*formats.METHODS, *formats.FOREIGN, UNKNOWN):
        assert formats.DESCRIPTIONS[fmt]
