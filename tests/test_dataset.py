"""Dataset rules (PFT6xx): duplicates, swapped preferences, length bias, train/validation overlap."""

from __future__ import annotations

import copy
import io
import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pftlint.api import make_linter
from pftlint.model.canonical import DIGEST_SIZE, Canonical, canonical
from pftlint.engine.findings import Report
from pftlint.model.view import loose_record, record_view
from pftlint.reading.reader import Reader, RecordUnit
from pftlint.profiles.targets import load_target
from pftlint.reporters.base import path_text
import builders

DATASET_RULES = ["duplicate-example", "duplicate-prompt", "conflicting-preference", "length-bias",
                 "train-validation-overlap"]


def pair(question: str, good: str, bad: str, **extra) -> dict:
    return builders.dpo(question, good, bad, **extra)


def jsonl(*records, raw: tuple[str, ...] = ()) -> bytes:
    lines = [json.dumps(r) for r in records] + list(raw)
    return ("\n".join(lines) + "\n").encode()


def lint(data: bytes, *, name: str = "data.jsonl", rules=None, select=DATASET_RULES):
    linter = make_linter(select=list(select), rules=rules)
    result = linter.lint_bytes(data, name)
    linter.finish(Report(files=[result]))
    return result.findings


def of(findings, rule: str):
    return [f for f in findings if f.rule == rule]


# -- canonical digests ---------------------------------------------------------------------------
def test_canonical_ignores_key_order_and_spacing_but_not_values():
    a = json.loads('{"b": [1, {"y": 2, "x": "é"}], "a": {"k": null}}')
    b = json.loads('{"a":{"k":null},"b":[1,{"x":"é","y":2}]}')
    c = json.loads('{"a":{"k":null},"b":[1,{"x":"e","y":2}]}')
    assert Canonical(a).record() == Canonical(b).record()
    assert Canonical(a).record() != Canonical(c).record()
    assert Canonical(a).digest("b") == Canonical(b).digest("b") != Canonical(c).digest("b")
    assert canonical(a) == json.dumps(a, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert len(Canonical(a).record()) == DIGEST_SIZE


def test_canonical_never_raises():
    deep: list = []
    node = deep
    for _ in range(50_000):
        node.append([])
        node = node[0]
    assert Canonical({"a": deep}).record() is None
    lone = json.loads('{"a": "\\ud800"}')  # a lone surrogate, as json.loads returns it
    assert Canonical(lone).record() is not None
    assert canonical(float("nan")) is None


def test_supervised_prompt_is_what_comes_before_the_last_reply():
    def chat(*turns, tools=None):
        record = {"messages": [{"role": r, "content": c} for r, c in turns]}
        if tools is not None:
            record["tools"] = tools
        return Canonical(record).supervised_prompt()

    base = chat(("system", "s"), ("user", "u"), ("assistant", "a"))
    assert base == chat(("system", "s"), ("user", "u"), ("assistant", "other answer"))
    assert base != chat(("system", "s"), ("user", "v"), ("assistant", "a"))
    assert base != chat(("system", "s"), ("user", "u"), ("assistant", "a"), tools=[])
    assert chat(("user", "u")) != chat(("user", "u"), ("assistant", "a"))


# -- duplicate-example -----------------------------------------------------------------------------
def test_duplicate_example_names_the_earlier_line_whatever_the_layout():
    first = pair("Capital of France?", "Paris.", "Lyon.")
    reordered = json.dumps(dict(reversed(list(first.items()))), indent=None, separators=(" ,", " :  "))
    findings = lint(jsonl(first, pair("Capital of Italy?", "Rome.", "Milan."), raw=(reordered,)))
    found = of(findings, "duplicate-example")
    assert [(f.line, f.code) for f in found] == [(3, "PFT601")]
    assert "line 1" in found[0].message
    assert of(findings, "conflicting-preference") == []


def test_duplicate_example_sees_any_difference():
    a = pair("Q?", "A.", "B.")
    b = pair("Q?", "A.", "B.", id=2)
    c = pair("Q?", "A. ", "B.")
    assert of(lint(jsonl(a, b, c)), "duplicate-example") == []
    assert len(of(lint(jsonl(a, b, c, b, a)), "duplicate-example")) == 2


def test_duplicate_example_on_chat_records():
    chat = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    found = of(lint(jsonl(chat, chat)), "duplicate-example")
    assert [f.line for f in found] == [2]


# -- duplicate-prompt --------------------------------------------------------------------------------
def test_duplicate_prompt_is_off_by_default_and_info():
    data = jsonl(pair("Q?", "A.", "B."), pair("Q?", "C.", "D."))
    linter = make_linter()
    assert "duplicate-prompt" not in linter.rules
    found = of(lint(data), "duplicate-prompt")
    assert [(f.line, f.severity.value, path_text(f)) for f in found] == [(2, "info", "input")]
    assert "line 1" in found[0].message


def test_duplicate_prompt_on_chat_records_ignores_the_reply():
    def chat(answer):
        return {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": answer}]}

    found = of(lint(jsonl(chat("Hello"), chat("Hey"), {"messages": [{"role": "user", "content": "Bye"},
                                                                      {"role": "assistant", "content": "Hey"}]})),
               "duplicate-prompt")
    assert [(f.line, path_text(f)) for f in found] == [(2, "messages")]


# -- conflicting-preference -----------------------------------------------------------------------
def test_conflicting_preference_names_both_lines():
    data = jsonl(pair("Round?", "Yes.", "No."), pair("Other?", "A.", "B."), pair("Round?", "No.", "Yes."))
    found = of(lint(data), "conflicting-preference")
    assert [(f.line, f.severity.value) for f in found] == [(3, "error")]
    assert "lines 1 and 3" in found[0].message


def test_conflicting_preference_needs_the_same_input_and_replies():
    data = jsonl(pair("Round?", "Yes.", "No."), pair("Flat?", "No.", "Yes."), pair("Round?", "No.", "Maybe."),
                 pair("Same?", "X.", "X."), pair("Same?", "X.", "X."))
    assert of(lint(data), "conflicting-preference") == []


# -- length-bias -----------------------------------------------------------------------------------
def _pairs(longer: int, total: int) -> bytes:
    records = []
    for i in range(total):
        short, long = f"{i}", f"the answer is {i}, and here is why"
        records.append(pair(f"Q{i}?", long, short) if i < longer else pair(f"Q{i}?", short, long))
    return jsonl(*records)


@pytest.mark.parametrize(("longer", "total", "reported"), [
    (20, 20, True), (19, 20, True), (18, 20, False),  # a small file needs a clear majority
    (19, 19, False),  # under min-pairs
    (170, 200, True), (150, 200, False), (0, 200, False),
])
def test_length_bias_default_options(longer, total, reported):
    found = of(lint(_pairs(longer, total)), "length-bias")
    assert len(found) == int(reported)
    if reported:
        assert f"{longer / total:.0%}" in found[0].message and f"({longer} of {total})" in found[0].message
        assert found[0].line == 1


def test_length_bias_options():
    data = _pairs(4, 4)
    assert of(lint(data), "length-bias") == []
    assert len(of(lint(data, rules={"length-bias": {"min-pairs": 4, "threshold": 0.5}}), "length-bias")) == 1
    assert of(lint(data, rules={"length-bias": {"min-pairs": 5, "threshold": 0.5}}), "length-bias") == []


def test_length_bias_ties_are_not_longer():
    data = jsonl(*[pair(f"Q{i}?", "same", "SAME") for i in range(30)])
    assert of(lint(data, rules={"length-bias": {"threshold": 0.0}}), "length-bias") == []


def _long_short_rows(longer: int, total: int, make) -> list[dict]:
    short, long = "4", "the answer is 4, and here is why it is four"
    return [make(f"Q{i}?", long, short) if i < longer else make(f"Q{i}?", short, long) for i in range(total)]


def test_length_bias_speaks_each_formats_language(run_cli, tmp_path):
    """OpenAI's wording unchanged; a TRL file's chosen replies named as TRL names them."""
    openai_file, trl_file = tmp_path / "openai.jsonl", tmp_path / "trl.jsonl"
    openai_file.write_bytes(builders.jsonl(_long_short_rows(20, 20, builders.dpo)))
    trl_file.write_bytes(builders.jsonl(_long_short_rows(20, 20, builders.trl)))
    messages = {}
    for path, target in ((openai_file, "openai"), (trl_file, "trl")):
        proc = run_cli("check", "--isolated", "--target", target, "--select", "length-bias",
                       "--output-format", "json", str(path))
        (found,) = json.loads(proc.stdout)["findings"]
        messages[target] = found["message"]
    assert messages["openai"] == ("the preferred reply is the longer one in 100% of pairs (20 of 20); DPO learns "
                                  "that longer is better: add pairs where the better reply is the shorter one, or "
                                  "trim the padded preferred replies")
    assert messages["trl"].startswith("the chosen reply is the longer one in 100% of pairs (20 of 20)")
    assert "trim the chosen reply where it is padded" in messages["trl"]
    assert "preferred" not in messages["trl"]


def test_length_bias_names_a_mixed_run_of_pairs_as_most_of_them():
    linter = make_linter(select=["length-bias"])
    ((state, _),) = linter._dataset
    for openai_pairs, named_pairs, expected in ((3, 20, "the chosen reply is"), (20, 3, "the preferred reply is")):
        state.begin_file("data.jsonl")
        keys = (True,) * openai_pairs + ((True, "the chosen reply"),) * named_pairs
        state.observe_many("data.jsonl", list(range(1, len(keys) + 1)), keys)
        (problem,) = state.end_file("data.jsonl")
        assert problem.message.startswith(f"{expected} the longer one in 100% of pairs (23 of 23)")


# -- one by one or together ----------------------------------------------------------------------
def test_files_alone_and_together_get_the_same_findings(tmp_path):
    shared = pair("Shared?", "A.", "B.")
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_bytes(jsonl(shared, shared, pair("Round?", "Yes.", "No.")))
    b.write_bytes(jsonl(shared, pair("Round?", "No.", "Yes."), pair("Round?", "No.", "Yes.")))

    def run(*paths):
        report = make_linter(select=DATASET_RULES).run([str(p) for p in paths])
        return {fr.path: sorted((f.line, f.rule, f.message) for f in fr.findings) for fr in report.files}

    alone = {**run(a), **run(b)}
    together = run(a, b)
    assert together == alone
    assert [r for _, r, _ in alone[str(a)]] == ["duplicate-example", "duplicate-prompt"]
    # nothing across files: b's first record is in a, and b's "Round?" pair reverses a's
    assert sorted((line, r) for line, r, _ in alone[str(b)]) == [(3, "duplicate-example"), (3, "duplicate-prompt")]


# -- train-validation-overlap ---------------------------------------------------------------------
def _overlap_files(tmp_path):
    train = [pair(f"Question {i}?", f"Answer {i}.", f"Wrong {i}.") for i in range(12)]
    valid = [dict(reversed(list(train[3].items()))), pair("Question 5?", "Other.", "Bad."), pair("New?", "Y.", "N.")]
    (tmp_path / "train.jsonl").write_bytes(jsonl(*train))
    (tmp_path / "valid.jsonl").write_bytes(jsonl(*valid))
    return tmp_path / "train.jsonl", tmp_path / "valid.jsonl"


def _overlaps(report):
    return sorted((fr.path.rsplit("/", 1)[-1], f.line, f.message.split(";")[0])
                  for fr in report.files for f in fr.findings if f.rule == "train-validation-overlap")


EXPECTED_OVERLAP = [
    ("train.jsonl", 4, "this record is also line 1 of {v} (the validation file)"),
    ("train.jsonl", 6, "this record's input is also the input of line 2 of {v} (the validation file)"),
    ("valid.jsonl", 1, "this record is also line 4 of {t} (a training file)"),
    ("valid.jsonl", 2, "this record's input is also the input of line 6 of {t} (a training file)"),
]


@pytest.mark.parametrize("validation_first", [True, False])
def test_overlap_in_either_order(tmp_path, validation_first):
    train, valid = _overlap_files(tmp_path)
    linter = make_linter(rules={"train-validation-overlap": {"validation": str(valid)}})
    report = linter.run([str(valid), str(train)] if validation_first else [str(train), str(valid)])
    expected = [(f, line, m.format(v=valid, t=train)) for f, line, m in EXPECTED_OVERLAP]
    assert _overlaps(report) == expected


def test_overlap_is_idle_without_a_validation_file(tmp_path):
    train, valid = _overlap_files(tmp_path)
    assert _overlaps(make_linter().run([str(train), str(valid)])) == []


def test_overlap_from_the_command_line(tmp_path, run_cli):
    train, valid = _overlap_files(tmp_path)
    proc = run_cli("check", "--isolated", "--output-format", "json", "train.jsonl", "--validation", "valid.jsonl",
                   cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    findings = data["findings"] if isinstance(data, dict) else data
    got = sorted((f["path"], f["line"]) for f in findings if f["rule"] == "train-validation-overlap")
    assert got == [("train.jsonl", 4), ("train.jsonl", 6), ("valid.jsonl", 1), ("valid.jsonl", 2)]
    # the validation file is linted as a file of the run (too few examples for OpenAI)
    assert any(f["path"] == "valid.jsonl" and f["rule"] == "too-few-examples" for f in findings)


def test_overlap_from_the_config_file(tmp_path, run_cli):
    _overlap_files(tmp_path)
    (tmp_path / "pftlint.toml").write_text('validation = "valid.jsonl"\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    proc = run_cli("check", "--output-format", "json", "../train.jsonl", cwd=sub)
    data = json.loads(proc.stdout)
    findings = data["findings"] if isinstance(data, dict) else data
    assert sorted(f["path"] for f in findings if f["rule"] == "train-validation-overlap") == \
        ["../train.jsonl", "../train.jsonl", "../valid.jsonl", "../valid.jsonl"]


def test_bad_validation_argument_is_a_usage_error(tmp_path, run_cli):
    train, _ = _overlap_files(tmp_path)
    proc = run_cli("check", "--isolated", str(train), "--validation", str(tmp_path / "missing.jsonl"))
    assert proc.returncode == 2 and "missing.jsonl" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("check", "--isolated", str(train), "--validation", str(tmp_path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


# -- the real corpus ------------------------------------------------------------------------------
CLEAN = [
    "oaipref__Azure_azure-sdk-for-python__dpo_training_set.jsonl",
    "oaipref__Azure_azure-sdk-for-python__dpo_validation_set.jsonl",
    "oaipref__akshata29_finetuning__dpo_train.jsonl",
    "oaipref__microsoft-foundry_fine-tuning__orca_dpo_pairs_validation.jsonl",
    "oaipref__mios-dev_MiOS__dpo.jsonl",
    "sft__microsoft-foundry_fine-tuning__stock_toolcall_validation.jsonl",
    "sft__microsoft-foundry_foundry-samples__sft_training_set.jsonl",
]
DEFAULT_DATASET = [r for r in DATASET_RULES if r != "duplicate-prompt"]


def test_real_duplicates_and_swapped_pairs_are_found_and_nothing_else(corpus):
    path = corpus / "oaipref__MFHChehade_wildfire-codes__dpo_openai_prefs.jsonl"
    report = make_linter(select=DEFAULT_DATASET).run([str(path)])
    found = [(f.line, f.rule, f.message) for f in report.findings]
    # 160 repeats 76 and 168 repeats 84 (the corpus README); 151/152 and 193/194 are the same
    # comparison labelled both ways (checked below from the file itself)
    assert [(line, rule) for line, rule, _ in found] == [
        (152, "conflicting-preference"), (160, "duplicate-example"), (168, "duplicate-example"),
        (194, "conflicting-preference")]
    assert "line 76" in found[1][2] and "line 84" in found[2][2]
    assert "lines 151 and 152" in found[0][2] and "lines 193 and 194" in found[3][2]
    lines = path.read_text(encoding="utf-8").splitlines()
    for a, b in ((151, 152), (193, 194)):
        x, y = json.loads(lines[a - 1]), json.loads(lines[b - 1])
        assert x["input"] == y["input"] and x["preferred_output"] == y["non_preferred_output"] \
            and x["non_preferred_output"] == y["preferred_output"]


def test_real_clean_files_get_nothing(corpus):
    report = make_linter(select=DEFAULT_DATASET).run([str(corpus / name) for name in CLEAN])
    assert report.findings == []


def test_real_azure_validation_file_overlaps_its_training_file(corpus):
    # The Azure SDK's sample validation file: its line 2 is line 8 of the training file, and its
    # line 1 asks line 6's question (with a slightly different preferred reply).
    train = str(corpus / "oaipref__Azure_azure-sdk-for-python__dpo_training_set.jsonl")
    valid = str(corpus / "oaipref__Azure_azure-sdk-for-python__dpo_validation_set.jsonl")
    linter = make_linter(select=["train-validation-overlap"], rules={"train-validation-overlap": {"validation": valid}})
    report = linter.run([valid, train])
    got = sorted((fr.path == valid, f.line, "input" in f.message.split(";")[0]) for fr in report.files
                 for f in fr.findings)
    assert got == [(False, 6, True), (False, 8, False), (True, 1, True), (True, 2, False)]
    t = [json.loads(line) for line in open(train, encoding="utf-8")]
    v = [json.loads(line) for line in open(valid, encoding="utf-8")]
    assert v[1] == t[7] and v[0]["input"] == t[5]["input"] and v[0] != t[5]


# -- robustness and the key() contract ------------------------------------------------------------
_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                 max_size=3),
                     max_leaves=12)
_record = st.fixed_dictionaries({}, optional={
    "input": _json | st.fixed_dictionaries({"messages": _json}),
    "preferred_output": _json, "non_preferred_output": _json, "messages": _json, "tools": _json})


@settings(max_examples=150, deadline=None)
@given(st.lists(_record, min_size=1, max_size=6))
def test_rules_never_raise(records):
    linter = make_linter(select=DATASET_RULES, rules={"length-bias": {"min-pairs": 1},
                                                      "train-validation-overlap": {"validation": "v.jsonl"}})
    data = jsonl(*records)
    results = [linter.lint_bytes(data, "v.jsonl"), linter.lint_bytes(data, "t.jsonl")]
    linter.finish(Report(files=results))


def test_key_is_pure_small_and_picklable():
    linter = make_linter(select=DATASET_RULES, rules={"train-validation-overlap": {"validation": "v.jsonl"}})
    target = load_target("openai")
    data = pair("Q?", "A long answer.", "B.")
    for state, _ in linter._dataset:
        before = copy.deepcopy(vars(state)) if hasattr(state, "__dict__") else None
        record = loose_record(data, "dpo", target)
        key = state.key(record, None)
        assert key == state.key(loose_record(copy.deepcopy(data), "dpo", target), None)
        assert isinstance(key, (bytes, bool)) and len(pickle.dumps(key)) < 100
        assert before is None or vars(state) == before


@pytest.mark.parametrize("data", [
    pair("Q?", "A long answer.", "B."),
    {"input": {"messages": [{"role": "user", "content": "Weather?", "name": "x"}], "tools": [{"b": 1, "a": [2.5]}],
               "parallel_tool_calls": False},
     "preferred_output": [{"role": "assistant", "content": None,
                           "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}],
     "non_preferred_output": [{"role": "assistant", "content": "Sunny \u00e9\U0001f600", "weight": 1}]},
    {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u \"quoted\""},
                  {"role": "assistant", "content": "a"}], "tools": []},
    {"messages": [{"role": "user", "content": "only a question"}]},
])
def test_typed_and_loose_records_get_the_same_keys(data):
    """A record read typed (by the engine's reader) and the same JSON read as a dict: the same digests."""
    linter = make_linter(select=DATASET_RULES, rules={"train-validation-overlap": {"validation": "v.jsonl"}})
    target = load_target("openai")
    method = "dpo" if "input" in data else "supervised"
    for text in (json.dumps(data), json.dumps(dict(reversed(list(data.items()))), indent=1).replace("\n", "")):
        units = [u for u in Reader(io.BytesIO(text.encode() + b"\n"), typed=True) if type(u) is RecordUnit]
        assert len(units) == 1 and type(units[0].data) is not dict  # the typed path
        unit = units[0]
        typed = record_view(unit.data, method, target, 1, unit.text, unit.parts)
        loose = loose_record(json.loads(text), method, target)
        for state, _ in linter._dataset_for(method):
            assert state.key(typed, unit) == state.key(loose, None), type(state).__name__


_TRL_TOOLS = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "b": [1.5, True]}}}]


@pytest.mark.parametrize("tools", [None, _TRL_TOOLS, [{"a": None, "b": 2}], [{"x": 12345.5}]],
                         ids=["no tools", "tools", "null in tools", "infinite number"])
def test_typed_trl_records_get_the_keys_of_loose_ones_and_of_openai_pairs(tools):
    """A TRL record read typed (its digests made from the reader's encoding of its columns), the same JSON
    read as a dict, and the same pair in OpenAI's layout: the same keys (the pair's, where the layouts share it)."""
    from pftlint.model.layouts import view_of

    linter = make_linter(select=DATASET_RULES, rules={"train-validation-overlap": {"validation": "v.jsonl"}})
    target = load_target("trl")
    prompt = [{"role": "system", "content": "s"}, {"role": "user", "content": "Weather \"today\"? \u00e9"}]
    chosen, rejected = [{"role": "assistant", "content": "Sunny."}], [{"role": "assistant", "content": "No."}]
    trl = {"prompt": prompt, "chosen": chosen, "rejected": rejected, **({"tools": tools} if tools else {})}
    openai = {"input": {"messages": prompt, **({"tools": tools} if tools else {})},
              "preferred_output": chosen, "non_preferred_output": rejected}
    openai_text = json.dumps(openai).replace("12345.5", "1e999")  # a number JSON reads as infinite
    for text in (json.dumps(trl), json.dumps(dict(reversed(list(trl.items()))), indent=1).replace("\n", "")):
        text = text.replace("12345.5", "1e999")
        unit = next(u for u in Reader(io.BytesIO(text.encode() + b"\n"), typed=True) if type(u) is RecordUnit)
        typed = view_of(unit.data, "trl", "dpo", target, 1, unit.text, unit.parts)
        infinite = "1e999" in text  # the reader sends it down the precise path
        assert typed.typed != infinite
        # the texts are reused unless the tools hold a null (maybe a number JSON reads as infinite)
        assert infinite or (typed.normal_encoded() is None) == (tools is not None and "a" in tools[0])
        loose = view_of(json.loads(text), "trl", "dpo", target)
        other = record_view(json.loads(openai_text), "dpo", target)
        for state, active in linter._dataset_for("dpo"):
            assert state.key(typed, unit) == state.key(loose, None), active.rule.name
            if active.rule.name == "conflicting-preference":  # the same pair digests; the last byte: the layout
                mine, theirs = state.key(typed, unit), state.key(other, None)
                assert (mine is None) == (theirs is None)
                if mine is not None:
                    assert mine[:-1] == theirs[:-1] and (mine[-1:], theirs[-1:]) == (b"X", b"O")


# -- a run of records at once (observe_many) finds what record by record (observe) finds --------------

# every dataset rule, the trainer-format ones (tests/test_trainer_rules.py) too
OBSERVED = DATASET_RULES + ["column-type-change", "mixed-prompt-types"]


def _dataset_states(validation: str):
    rules = {"train-validation-overlap": {"validation": validation}} if validation else None
    linter = make_linter(select=OBSERVED, rules=rules)
    return [(active.rule.name, state) for state, active in linter._dataset]


_DIGESTS = [bytes([i]) * DIGEST_SIZE for i in range(6)]


def _key_for(name: str, a: int, b: int, c: int):
    """A key of the rule's shape, drawn from a few digests so that repeats and swaps are common."""
    if name == "length-bias":  # OpenAI's layout, or another format's (longer, name of the chosen reply)
        return (None, True, False, (True, "the chosen reply"), (False, "the chosen reply"),
                (True, "the preferred candidate"))[a]
    if name == "conflicting-preference":
        if b == c:
            return None
        # (input, preferred, rejected) and the same swapped, as the rule's key() writes them
        return bytes([a % 2, b, c]).ljust(DIGEST_SIZE, b"\0") + bytes([a % 2, c, b]).ljust(DIGEST_SIZE, b"\0")
    if name == "column-type-change":  # (field path, type, where) signatures over a few fields and types
        if a == 5:
            return None
        sig = tuple(sorted({((f"f{(a + i) % 3}", ("text", "list", "object")[(b * i + c) % 3 if i else 0]),
                             (f"f{(a + i) % 3}",)) for i in range(1 + b % 3)}))
        return sig, tuple((f"f{i}", (0, 1 + i)) for i in range(3))  # and where each column is
    if name == "mixed-prompt-types":  # clean, one of two mixes, or not a TRL record
        return (None, "", "", "tmm-", "tmm-", "mtt-")[a]
    if name == "train-validation-overlap":
        return b"d" + _DIGESTS[a] + _DIGESTS[b]
    return None if a == 5 and b == 5 else _DIGESTS[a] + _DIGESTS[b]


def _problems(found):
    return [(line, p.message, p.json_path, p.line) for line, p in found]


@settings(max_examples=150, deadline=None)
@given(records=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)), max_size=40),
       cuts=st.lists(st.integers(0, 40), max_size=5))
def test_observe_many_finds_what_observe_finds(records, cuts):
    for validation in ("", "valid.jsonl"):
        one, many = _dataset_states(validation), _dataset_states(validation)
        assert {name for name, _ in one} == set(OBSERVED)
        for (name, single), (_, batched) in zip(one, many):
            for state in (single, batched):
                state.begin_file("valid.jsonl" if validation else "data.jsonl")
            keys = [_key_for(name, *r) for r in records]
            lines = list(range(1, len(keys) + 1))
            expected = [(line, problem) for line, key in zip(lines, keys) if key is not None
                        for problem in single.observe("data.jsonl", line, key)]
            got, start = [], 0
            for end in sorted({c for c in cuts if c < len(keys)} | {len(keys)}):
                got.extend(batched.observe_many("data.jsonl", lines[start:end], tuple(keys[start:end])))
                start = end
            assert _problems(got) == _problems(expected), name
            assert [p.message for p in batched.end_file("data.jsonl")] == \
                [p.message for p in single.end_file("data.jsonl")], name


def test_a_swapped_trl_pair_is_named_as_trl_names_its_replies():
    from pftlint.api import lint_records

    rows = [builders.trl("Q?", "A", "B"), builders.trl("Q?", "B", "A")]
    (found,) = lint_records(rows, target="trl", select=["conflicting-preference"]).findings
    assert (found.line, found.json_path) == (2, None)
    assert "the chosen and the rejected reply are swapped" in found.message and "preferred" not in found.message
    (openai,) = lint_records([builders.dpo("Q?", "A", "B"), builders.dpo("Q?", "B", "A")],
                             select=["conflicting-preference"]).findings
    assert "preferred and non-preferred are swapped" in openai.message and openai.json_path == ("preferred_output",)
