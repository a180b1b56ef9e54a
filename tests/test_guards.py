"""The typed path's proof obligations, for every record rule at once.

1. A record read through the typed decode gets exactly the findings it gets read as a plain
   JSON object (the loose path): the rules do not care where a record came from.
2. A rule's guard (``guard=`` on its registration) that says "silent" is right: the rule
   then reports nothing, on either view.
3. The guards do fire: on the clean files they clear most records, so (2) is not empty.

Records come from the rule catalog's examples, the real corpus (skipped when absent), the
example files and hypothesis.
"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint.api import make_linter
from pftlint.engine.catalog import rule_docs
from pftlint.model.formats import METHODS, detect
from pftlint.model.typed import DECODERS, NOT_THIS_SHAPE
from pftlint.model.view import loose_record, typed_record
from pftlint.reading.reader import Reader, RecordUnit
from pftlint.engine.registry import all_rules

from conftest import REPO

TARGETS = ("openai", "azure", "together", "fireworks")
_LINTERS = {t: make_linter(target=t, select=["ALL"], ignore=["wrong-format"]) for t in TARGETS}
# A low token limit, so that example-too-long's guard is tested on both sides of its bound.
_SHORT = make_linter(target="openai", select=["ALL"], ignore=["wrong-format"],
                     rules={"example-too-long": {"max-tokens": 80}})


def _rules(linter, method):
    return [(a.rule.name, check, guard, a.options) for check, a, guard in linter._record_checks[method]]


def _typed(text: str, method: str):
    for decode in DECODERS:
        try:
            struct = decode(text)
        except NOT_THIS_SHAPE:
            continue
        return struct if struct.FORMAT == method else None
    return None


def _found(check, record, options) -> list[tuple]:
    return [(p.message, p.json_path, p.severity, p.line, p.column) for p in check(record, options)]


def check_record(linter, text: str) -> tuple[bool, dict[str, bool]]:
    """Assert the three properties on one record's JSON text; (typed?, {rule: guard fired}) for it."""
    data = json.loads(text)
    method = detect(data)
    if method not in METHODS:
        return False, {}
    target = linter.target
    loose = loose_record(data, method, target, 1, text)
    struct = _typed(text, method)
    views = [loose]
    if struct is not None:
        views.append(typed_record(struct, method, target, 1, text))
    fired: dict[str, bool] = {}
    for name, check, guard, options in _rules(linter, method):
        found = [_found(check, view, options) for view in views]
        assert found[-1] == found[0], f"{name}: the typed record's findings differ: {text}"
        if guard is not None:
            for view, problems in zip(views, found):
                if guard(view, options):
                    assert problems == [], f"{name}: its guard says silent, but it reports: {text}"
            fired[name] = guard(views[-1], options)
    return struct is not None, fired


def _texts(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            out.append(json.dumps(value, ensure_ascii=False))
    return out


@pytest.mark.parametrize("target", TARGETS)
def test_catalog_examples(target):
    texts = [t for doc in rule_docs() for ex in doc.examples for t in _texts(ex.text)]
    assert len(texts) > 100
    typed = sum(check_record(_LINTERS[target], text)[0] for text in texts)
    assert typed > 50  # the examples of record rules are mostly plain records with one slip


def test_every_guard_is_tested_here():
    guarded = {r.name for r in all_rules() if r.impl.kind == "record" and r.impl.guard is not None}
    assert {"missing-key", "unknown-key", "wrong-type", "example-too-long"} <= guarded


def _file_texts(path) -> list[str]:
    """Each record's own JSON text, as the engine's reader hands it on."""
    with open(path, "rb") as stream:
        return [u.text for u in Reader(io.BytesIO(stream.read()), typed=True) if type(u) is RecordUnit]


# Real files without findings of the record rules (see the corpus README), and the example files.
_CLEAN = ("oaipref__Azure_azure-sdk-for-python__dpo_training_set.jsonl",
          "oaipref__akshata29_finetuning__dpo_train.jsonl",
          "oaipref__microsoft-foundry_fine-tuning__orca_dpo_pairs_validation.jsonl",
          "oaipref__mios-dev_MiOS__dpo.jsonl",
          "sft__microsoft-foundry_fine-tuning__stock_toolcall_validation.jsonl",
          "sft__microsoft-foundry_foundry-samples__sft_training_set.jsonl")


@pytest.mark.parametrize("linter", [_LINTERS["openai"], _LINTERS["together"], _SHORT],
                         ids=["openai", "together", "max-tokens-80"])
def test_real_files(linter, corpus):
    for path in sorted(corpus.glob("*.jsonl")):
        for text in _file_texts(path):
            check_record(linter, text)


def test_guards_fire_on_clean_files(corpus):
    linter = _LINTERS["openai"]
    counts: dict[str, list[int]] = {}
    records = 0
    for path in [*(corpus / name for name in _CLEAN), *sorted((REPO / "examples").glob("clean*.jsonl"))]:
        for text in _file_texts(path):
            typed, fired = check_record(linter, text)
            records += 1
            for name, silent in fired.items():
                counts.setdefault(name, [0, 0])[silent] += 1
    assert records > 400
    for name, (spoke, silent) in counts.items():
        assert silent >= 0.9 * (spoke + silent), f"the guard of {name} clears only {silent} of {spoke + silent}"


# -- generated records: plain-looking, with every trap the rules look for ---------------------
TEXTS = st.one_of(
    st.sampled_from(["", " ", "\n", "Hi", "hi", "HI ", "Paris.", "paris .", "<|endoftext|>", "a <s>",
                     "<s> x", "x </s>", "[INST] q [/INST]", "a\\nb\\nc\\nd", "print('a\\n')", "x\\ny",
                     "<|im_start|>user", "C:\\new\\notes\\now", "\"a\\nb\\nc\\n\"", "Sure! Here it is.",
                     "sure!  here it is.", "\u00e9t\u00e9", "\u3000", "[/INST]", "word " * 90]),
    st.text(max_size=30),
)
ROLES = st.sampled_from(["system", "user", "assistant", "tool", "function", "developer", "human", "User"])
PARTS = st.lists(st.one_of(
    st.builds(lambda t: {"type": "text", "text": t}, TEXTS),
    st.builds(lambda u: {"type": "image_url", "image_url": {"url": u}},
              st.sampled_from(["https://e.com/a.png", "data:image/png;base64,iVBOR=", "data:image/gif;base64,R0"])),
), min_size=0, max_size=12)
CALLS = st.sampled_from([
    [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
    [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{x"}}],
    [{"id": "c1", "function": {"name": "f"}}], [], "call",
])
MESSAGE = st.one_of(
    st.fixed_dictionaries({"role": ROLES, "content": TEXTS}),
    st.fixed_dictionaries({"role": ROLES, "content": TEXTS},
                          optional={"weight": st.sampled_from([0, 1, 2, 1.0, True, "1"]), "name": st.just("n"),
                                    "tool_call_id": st.sampled_from(["c1", "c2", 3]),
                                    "refusal": st.sampled_from([None, "no", 1])}),
    st.fixed_dictionaries({"role": ROLES, "content": st.one_of(PARTS, TEXTS)}, optional={"weight": st.just(0)}),
    st.fixed_dictionaries({"role": st.just("assistant")},
                          optional={"content": st.sampled_from([None, "", "ok"]), "tool_calls": CALLS,
                                    "function_call": st.sampled_from([{"name": "f", "arguments": "{}"}, None])}),
    st.fixed_dictionaries({"role": ROLES}, optional={"Content": TEXTS, "text": TEXTS}),
    st.sampled_from(["hello", None, 3, ["x"]]),
)
CONVERSATION = st.lists(MESSAGE, min_size=0, max_size=5)
OUTPUT = st.one_of(st.lists(MESSAGE, min_size=0, max_size=2),
                   st.builds(lambda t: [{"role": "assistant", "content": t}], TEXTS))
TOOLS = st.sampled_from([[], [{}], "x", [{"type": "function", "function": {"name": "f", "parameters": {}}}]])
INPUT = st.one_of(
    st.builds(lambda m: {"messages": m}, CONVERSATION),
    st.builds(lambda m, t, p: {"messages": m, "tools": t, "parallel_tool_calls": p},
              CONVERSATION, TOOLS, st.sampled_from([True, False, "yes", None])),
)
DPO = st.fixed_dictionaries({"input": INPUT, "preferred_output": OUTPUT, "non_preferred_output": OUTPUT},
                            optional={"weight": st.just(1)})
SUPERVISED = st.fixed_dictionaries({"messages": CONVERSATION}, optional={"tools": TOOLS, "functions": TOOLS})


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(DPO, SUPERVISED), linter=st.sampled_from([*_LINTERS.values(), _SHORT]))
def test_generated_records(data, linter):
    check_record(linter, json.dumps(data, ensure_ascii=False))
    check_record(linter, json.dumps(data))  # \\u escapes: what the text guards must see through


# -- generated records of the typed shape: what the typed path itself sees --------------------
_EXTRA = {"weight": st.sampled_from([0, 1, 2, -1]), "name": st.sampled_from(["n", ""])}
_CALL_LISTS = st.sampled_from([
    [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
    [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{x"}}],
    [{"id": "c2", "function": {"name": "f"}}], [],
])
TYPED_MESSAGE = st.one_of(
    st.fixed_dictionaries({"role": st.sampled_from(["system", "user", "assistant"]), "content": TEXTS},
                          optional=_EXTRA),
    st.fixed_dictionaries({"role": st.just("assistant"), "tool_calls": _CALL_LISTS},
                          optional={"content": st.sampled_from([None, "", "ok"]), **_EXTRA}),
    st.fixed_dictionaries({"role": st.just("assistant"), "function_call": st.just({"name": "f", "arguments": "{"})},
                          optional={"content": st.sampled_from([None, "x"])}),
    st.fixed_dictionaries({"role": st.just("tool"), "content": TEXTS, "tool_call_id": st.sampled_from(["c1", "c2"])},
                          optional={"weight": st.just(1)}),
    st.fixed_dictionaries({"role": st.just("function"), "content": st.one_of(st.none(), TEXTS), "name": st.just("f")}),
)
TYPED_CONVERSATION = st.lists(TYPED_MESSAGE, min_size=1, max_size=5)
TYPED_DPO = st.fixed_dictionaries(
    {"input": st.fixed_dictionaries({"messages": TYPED_CONVERSATION},
                                    optional={"tools": TOOLS.filter(lambda t: isinstance(t, list)),
                                              "parallel_tool_calls": st.booleans()}),
     "preferred_output": st.lists(TYPED_MESSAGE, min_size=1, max_size=1),
     "non_preferred_output": st.lists(TYPED_MESSAGE, min_size=1, max_size=1)})
TYPED_SUPERVISED = st.fixed_dictionaries({"messages": TYPED_CONVERSATION},
                                         optional={"tools": TOOLS.filter(lambda t: isinstance(t, list))})


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(TYPED_DPO, TYPED_SUPERVISED), linter=st.sampled_from([*_LINTERS.values(), _SHORT]))
def test_generated_typed_records(data, linter):
    typed, _ = check_record(linter, json.dumps(data, ensure_ascii=False))
    assert typed  # the strategy writes the typed shape only, so the equality above is tested


@settings(max_examples=300, deadline=None)
@given(data=TYPED_DPO, same=st.booleans())
def test_generated_typed_pairs_with_equal_or_folded_replies(data, same):
    reply = data["preferred_output"][0]
    if same:
        data["non_preferred_output"] = json.loads(json.dumps(data["preferred_output"]))
    elif isinstance(reply.get("content"), str):
        data["non_preferred_output"] = [{**reply, "content": "  " + reply["content"].upper()}]
    assert check_record(_LINTERS["openai"], json.dumps(data, ensure_ascii=False))[0]
