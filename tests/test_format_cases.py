"""Every format pftlint reads, a clean and a broken file each (tests/cases/formats, expected.toml there),
through the console script: the findings a user needs, at paths into the record as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint.api import lint_records
from pftlint.engine.catalog import tomllib
from pftlint.model import formats
from pftlint.model.canonical import canonical_record
from pftlint.model.layouts import view_of
from pftlint.profiles.targets import load_target

CASES = Path(__file__).parent / "cases" / "formats"
EXPECTED = tomllib.loads((CASES / "expected.toml").read_text(encoding="utf-8"))
# findings that do not depend on the target (the roles the profiles share, the content and dataset rules)
SAME_EVERYWHERE = {"empty-content", "identical-outputs", "near-identical-outputs", "special-token-in-content",
                   "literal-escape-in-content", "duplicate-example", "duplicate-prompt", "conflicting-preference",
                   "invalid-role", "output-not-single-assistant", "input-ends-with-assistant"}


def check(run_cli, path: Path, target: str) -> dict:
    proc = run_cli("check", "--isolated", "--output-format", "json", "--target", target, str(path))
    assert proc.returncode in (0, 1) and proc.stderr == "", proc.stderr
    return json.loads(proc.stdout)


def test_every_case_file_has_its_expectations():
    assert {p.name for p in CASES.glob("*.jsonl")} == set(EXPECTED)
    formats = {name.rsplit("-", 1)[0] for name in EXPECTED}
    assert all(f"{f}-clean.jsonl" in EXPECTED and f"{f}-broken.jsonl" in EXPECTED for f in formats)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_case(run_cli, name):
    case = EXPECTED[name]
    doc = check(run_cli, CASES / name, case["target"])
    found = [[f["rule"], f["line"], f["json_path"] or ""] for f in doc["findings"]]
    assert found == case["findings"]
    for f in doc["findings"]:
        if f["json_path"]:
            assert f["column"] > 1, f  # located in the record, not left at its start
        if f["rule"] == "wrong-format":
            assert (f"--to {case['target']}" in f["message"] or "--to supervised" in f["message"]
                    or "pftlint convert does not read" in f["message"])  # model.formats.NO_CONVERTER


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if EXPECTED[n]["target"] != "openai"))
def test_default_target_reports_the_format_once_and_the_same_findings(run_cli, name):
    case = EXPECTED[name]
    doc = check(run_cli, CASES / name, "openai")
    wrong = [(f["line"], f["message"]) for f in doc["findings"] if f["rule"] == "wrong-format"]
    assert len(wrong) == 1 and wrong[0][0] == 1
    assert "pftlint convert" in wrong[0][1]
    expected = [f for f in case["findings"] if f[0] in SAME_EVERYWHERE]
    assert [[f["rule"], f["line"], f["json_path"] or ""] for f in doc["findings"]
            if f["rule"] in SAME_EVERYWHERE] == expected


# -- any value of any type, in every format: findings, never an exception --------------------------------

KEYS = ["prompt", "chosen", "rejected", "completion", "label", "contents", "completions", "system_instruction",
        "messages", "candidates", "preferenceLabel", "system", "instruction", "input", "question", "history",
        "chosen_response", "rejected_response", "conversations", "from", "value", "role", "content", "parts",
        "text", "score", "tools", "images", "score_chosen", "chosen_avg_rating", "tool_calls", "x"]
VALUES = st.recursive(
    st.sampled_from([None, True, False, 0, 1, 0.5, "", " ", "x", "user", "model", "assistant", "human", "gpt",
                     "preferred", "non-preferred", "\n\nHuman: q\n\nAssistant: a", "\n\nAssistant:"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=12)
RECORDS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5)
TARGET = load_target("trl")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDS)
def test_every_reader_takes_any_record(data):
    for fmt in formats.METHOD_OF:
        for method in formats.METHODS:
            record = view_of(data, fmt, method, TARGET)
            record.messages(), record.roles(), record.normal()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORDS, min_size=1, max_size=4), st.sampled_from(["openai", "trl", "vertex", "nova"]))
def test_every_rule_takes_any_record(records, target):
    result = lint_records(records, target=target, select=["ALL"])
    assert all(f.message for f in result.findings)


# -- the typed TRL shapes see what the loose reading sees ------------------------------------------------

def _trl_lines() -> list[str]:
    lines = []
    for path in sorted(CASES.glob("*.jsonl")):
        lines.extend(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return lines


def test_typed_trl_records_get_the_loose_records_findings():
    from pftlint.api import make_linter
    from pftlint.model.typed import DECODERS, NOT_THIS_SHAPE

    linter = make_linter(target="trl", select=["ALL"])
    checks = [(a.rule.name, a.rule.impl.check, a.options) for a in linter.rules.values()
              if a.rule.impl.kind == "record" and "dpo" in a.rule.impl.methods and not a.rule.impl.openai_layout]
    typed_seen = 0
    for line in _trl_lines():
        struct = None
        for decode in DECODERS:
            try:
                struct = decode(line)
                break
            except NOT_THIS_SHAPE:
                continue
        if struct is None or struct.FORMAT != formats.TRL:
            continue
        typed_seen += 1
        typed = view_of(struct, formats.TRL, "dpo", linter.target, 1, line)
        loose = view_of(json.loads(line), formats.TRL, "dpo", linter.target, 1, line)
        for name, check, options in checks:
            assert [(p.message, p.json_path) for p in check(typed, options)] == \
                [(p.message, p.json_path) for p in check(loose, options)], (name, line)
        digests = []
        for view in (typed, loose):
            canon = canonical_record(view)
            digests.append((canon.record(), canon.digest("input"), canon.digest("preferred_output"),
                            canon.digest("non_preferred_output")))
        assert digests[0] == digests[1] and None not in digests[0], line
    assert typed_seen >= 10


# -- a file's format comes from its records: one odd record does not decide it, and is reported alone ----

def test_one_odd_record_does_not_decide_the_format_and_is_reported_at_its_line(run_cli, tmp_path):
    trl = [{"prompt": f"Q{i}", "chosen": f"A{i}", "rejected": f"B{i}"} for i in range(5)]
    openai = {"input": {"messages": [{"role": "user", "content": "Q"}]},
              "preferred_output": [{"role": "assistant", "content": "A"}],
              "non_preferred_output": [{"role": "assistant", "content": "A"}]}
    hh = {"chosen": "\n\nHuman: Q\n\nAssistant: A", "rejected": "\n\nHuman: Q\n\nAssistant: A"}
    records = [openai, trl[0], trl[1], hh, trl[2], trl[2], trl[3], trl[4]]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    doc = check(run_cli, path, "trl")
    found = [(f["rule"], f["line"]) for f in doc["findings"]]
    # the OpenAI and HH records: the format rule alone (their identical replies are not checked)
    assert found == [("wrong-format", 1), ("wrong-format", 4), ("duplicate-example", 6)]
    assert "TRL preference" in doc["findings"][0]["message"] and "OpenAI preference" in doc["findings"][0]["message"]
    doc = check(run_cli, path, "openai")
    assert [(f["rule"], f["line"]) for f in doc["findings"] if f["rule"] == "wrong-format"] == [
        ("wrong-format", 1), ("wrong-format", 1), ("wrong-format", 4)]  # the file's, then the odd record's


def test_train_validation_overlap_in_trl_files(run_cli, tmp_path):
    rows = [{"prompt": f"Q{i}", "chosen": f"A{i}", "rejected": f"B{i}"} for i in range(6)]
    train, valid = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    train.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    other = {"prompt": "Q4", "chosen": "another", "rejected": "reply"}
    valid.write_text(json.dumps(rows[2]) + "\n" + json.dumps(other) + "\n", encoding="utf-8")
    proc = run_cli("check", "--isolated", "--output-format", "json", "--target", "trl", "--validation", str(valid),
                   str(train))
    doc = json.loads(proc.stdout)
    found = sorted((Path(f["path"]).name, f["line"], f["json_path"]) for f in doc["findings"]
                   if f["rule"] == "train-validation-overlap")
    # the same record, and a record with the same input: at the records (no OpenAI path in a TRL file)
    assert found == [("train.jsonl", 3, None), ("train.jsonl", 5, None), ("valid.jsonl", 1, None),
                     ("valid.jsonl", 2, None)]


def test_a_large_openai_file_under_another_target_gets_its_one_wrong_format(run_cli, tmp_path):
    """Read in chunks on every core, the file still gets the finding once, at line 1."""
    record = {"input": {"messages": [{"role": "user", "content": "Q " + "x" * 2000}]},
              "preferred_output": [{"role": "assistant", "content": "A"}],
              "non_preferred_output": [{"role": "assistant", "content": "B"}]}
    path = tmp_path / "large.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for i in range(5000):  # about 10 MB: above the size the runner cuts into chunks
            record["input"]["messages"][0]["content"] = f"Q{i} " + "x" * 2000
            out.write(json.dumps(record) + "\n")
    doc = check(run_cli, path, "trl")
    assert [(f["rule"], f["line"]) for f in doc["findings"]] == [("wrong-format", 1)]
    assert doc["findings"][0]["message"].endswith("--to trl")
