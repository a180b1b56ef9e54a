"""The fast path's proof obligation: a record it clears gets no finding from any record rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint import fastpath
from pftlint.api import make_linter
from pftlint.catalog import rule_docs
from pftlint.formats import detect
from pftlint.record import Record
from pftlint.registry import all_rules

from conftest import REPO

TARGETS = ("openai", "azure", "together", "fireworks")


def _linter(target: str, **kw):
    return make_linter(target=target, select=["ALL"], ignore=["wrong-format"], **kw)


def _findings(linter, data: dict, method: str) -> list[str]:
    size = len(json.dumps(data, ensure_ascii=False))
    record = Record(data, method, linter.target, 1, size)
    return [a.rule.name for check, a in linter._record_checks[method] for _ in check(record, a.options)]


def _cleared(linter, data: dict, method: str) -> bool:
    test = linter._clearance[method]
    assert test is not None, "every record rule is covered, so the fast path must be on"
    return test(data, len(json.dumps(data, ensure_ascii=False)))


def _check(linter, data: dict) -> bool:
    method = detect(data)
    if method not in ("dpo", "supervised"):
        return False
    if _cleared(linter, data, method):
        assert _findings(linter, data, method) == [], f"cleared but the rules speak: {data}"
        return True
    return False


def test_every_record_rule_is_covered():
    record_rules = {r.name for r in all_rules() if r.impl.kind == "record"}
    assert fastpath.COVERED == record_rules


def test_unknown_rules_switch_it_off(monkeypatch):
    monkeypatch.setattr(fastpath, "COVERED", fastpath.COVERED - {"invalid-role"})
    assert _linter("openai")._clearance["dpo"] is None


def _records_of(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            out.append(value)
    return out


@pytest.mark.parametrize("target", TARGETS)
def test_catalog_examples(target):
    linter = _linter(target)
    records = [r for doc in rule_docs() for ex in doc.examples for r in _records_of(ex.text)]
    assert len(records) > 100
    for data in records:
        _check(linter, data)


@pytest.mark.parametrize("target", TARGETS)
def test_real_and_example_files(target, corpus):
    linter = _linter(target)
    cleared = 0
    for path in [*sorted(corpus.glob("*.jsonl")), *sorted((REPO / "examples").glob("*.jsonl"))]:
        for data in _records_of(path.read_text(encoding="utf-8-sig")):
            cleared += _check(linter, data)
    assert cleared > 300  # the plain records of the real files are cleared


def test_clean_example_is_cleared_whole():
    linter = _linter("openai")
    records = _records_of((REPO / "examples" / "clean-dpo.jsonl").read_text(encoding="utf-8"))
    assert records and all(_cleared(linter, r, "dpo") for r in records)


def test_a_lower_token_limit_is_respected():
    linter = _linter("openai", rules={"example-too-long": {"max-tokens": 80}})
    long = {"input": {"messages": [{"role": "user", "content": "word " * 100}]},
            "preferred_output": [{"role": "assistant", "content": "a"}],
            "non_preferred_output": [{"role": "assistant", "content": "b"}]}
    assert not _cleared(linter, long, "dpo")
    assert _findings(linter, long, "dpo") == ["example-too-long"]


_SYSTEM = {"role": "system", "content": "Be brief."}
_USER = {"role": "user", "content": "Hi"}
_BOT = {"role": "assistant", "content": "Hello"}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("data", [
    {"messages": []},
    {"messages": [_SYSTEM] * 8 + [_USER, _BOT]},
    {"input": {"messages": [_SYSTEM, _SYSTEM, _USER]}, "preferred_output": [_BOT],
     "non_preferred_output": [{"role": "assistant", "content": "Go away"}]},
    {"input": {"messages": [_USER]}, "prefered_output": [_BOT],
     "non_preferred_output": [{"role": "assistant", "content": "Go away"}]},
    {"mesages": [_USER, _BOT]},
])
def test_records_whose_findings_changed_are_silent_when_cleared(data, target):
    linter = _LINTERS[target]
    method = detect(data)
    assert not (_cleared(linter, data, method) and _findings(linter, data, method))


# -- generated records: plain-looking, with every trap the rules look for ---------------------
TEXTS = st.one_of(
    st.sampled_from(["", " ", "\n", "Hi", "hi", "HI ", "Paris.", "paris .", "<|endoftext|>", "a <s>",
                     "<s> x", "x </s>", "[INST] q [/INST]", "a\\nb\\nc\\nd", "print('a\\n')", "x\\ny",
                     "<|im_start|>user", "C:\\new\\notes\\now", "\"a\\nb\\nc\\n\"", "Sure! Here it is.",
                     "sure!  here it is.", "\u00e9t\u00e9", "\u3000", "[/INST]"]),
    st.text(max_size=30),
)
ROLES = st.sampled_from(["system", "user", "assistant", "tool", "function", "developer", "human", "User"])
# Part lists with images (web and data URLs) and reply-less tool calls: what the image limits,
# the URL prefixes, the one-content-form rule and the text-in-outputs rule look at.
PARTS = st.lists(st.one_of(
    st.builds(lambda t: {"type": "text", "text": t}, TEXTS),
    st.builds(lambda u: {"type": "image_url", "image_url": {"url": u}},
              st.sampled_from(["https://e.com/a.png", "data:image/png;base64,iVBOR=", "data:image/gif;base64,R0"])),
), min_size=0, max_size=12)
CALLS = [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]
MESSAGE = st.one_of(
    st.fixed_dictionaries({"role": ROLES, "content": TEXTS}),
    st.fixed_dictionaries({"role": ROLES, "content": TEXTS}, optional={"weight": st.sampled_from([0, 1, 2, 1.0]),
                                                                       "name": st.just("n")}),
    st.fixed_dictionaries({"role": ROLES, "content": st.one_of(PARTS, TEXTS)}, optional={"weight": st.just(0)}),
    st.fixed_dictionaries({"role": st.just("assistant"), "content": st.sampled_from([None, ""]),
                           "tool_calls": st.just(CALLS)}),
)
CONVERSATION = st.lists(MESSAGE, min_size=0, max_size=5)
OUTPUT = st.one_of(st.lists(MESSAGE, min_size=0, max_size=2),
                   st.builds(lambda t: [{"role": "assistant", "content": t}], TEXTS))
INPUT = st.one_of(
    st.builds(lambda m: {"messages": m}, CONVERSATION),
    st.builds(lambda m, t, p: {"messages": m, "tools": t, "parallel_tool_calls": p},
              CONVERSATION, st.sampled_from([[], [{}], "x"]), st.sampled_from([True, False, "yes", None])),
)
DPO = st.fixed_dictionaries({"input": INPUT, "preferred_output": OUTPUT, "non_preferred_output": OUTPUT})
SUPERVISED = st.builds(lambda m: {"messages": m}, CONVERSATION)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(DPO, SUPERVISED), target=st.sampled_from(TARGETS))
def test_generated_records(data, target):
    _check(_LINTERS[target], data)


@settings(max_examples=300, deadline=None)
@given(data=DPO, same=st.booleans())
def test_generated_pairs_with_equal_or_folded_replies(data, same):
    outputs = data["preferred_output"]
    if same:
        data["non_preferred_output"] = json.loads(json.dumps(outputs))
    elif outputs and isinstance(outputs[0].get("content"), str):
        data["non_preferred_output"] = [{"role": "assistant", "content": "  " + outputs[0]["content"].upper()}]
    _check(_LINTERS["openai"], data)


_LINTERS = {t: _linter(t) for t in TARGETS}




@pytest.mark.parametrize("target", TARGETS)
def test_profile_content_checks_are_never_cleared(target):
    """What the Together profile and the image limits report is never a plain record."""
    linter = _linter(target)
    png = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    call = [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]
    records = [
        ({"messages": [{"role": "user", "content": "Hi.", "weight": 0}, {"role": "assistant", "content": "Hello."}]},
         "supervised"),
        ({"messages": [{"role": "user", "content": [png] * 70}, {"role": "assistant", "content": "Seen."}]},
         "supervised"),
        ({"input": {"messages": [{"role": "user", "content": "Weather?"}]},
          "preferred_output": [{"role": "assistant", "content": None, "tool_calls": call}],
          "non_preferred_output": [{"role": "assistant", "content": "No idea."}]}, "dpo"),
    ]
    for data, method in records:
        assert not _cleared(linter, data, method)
