"""``--write-baseline`` / ``--baseline`` (pftlint.baseline), through the console script.

A finding is matched by file, rule and its record's content, never by line: inserting or
deleting other records neither brings a recorded finding back nor hides a new one.
"""

from __future__ import annotations

import json
import os

import pytest

from conftest import REPO

CLEAN = (REPO / "examples" / "clean-dpo.jsonl").read_text(encoding="utf-8").splitlines()


def human(line: str, content: str | None = None) -> str:
    """A clean record with its user turn's role 'human' (invalid-role); ``content`` makes it another record."""
    record = json.loads(line)
    record["input"]["messages"][-1]["role"] = "human"
    if content is not None:
        record["input"]["messages"][-1]["content"] = content
    return json.dumps(record)


def fresh(line: str, text: str) -> str:
    """A clean record of its own (another preferred reply)."""
    record = json.loads(line)
    record["preferred_output"][0]["content"] = text
    return json.dumps(record)


def write(path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def findings(run_cli, *args, cwd) -> tuple[list[dict], dict, int]:
    proc = run_cli("check", "--isolated", "--output-format", "json", *args, cwd=cwd)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads(proc.stdout)
    return doc["findings"], doc["summary"], proc.returncode


@pytest.fixture
def legacy(tmp_path, run_cli):
    """train.jsonl with two invalid-role records (lines 3 and 7) recorded in base.json."""
    lines = list(CLEAN)
    lines[2], lines[6] = human(lines[2]), human(lines[6])
    write(tmp_path / "train.jsonl", lines)
    proc = run_cli("check", "--isolated", "--write-baseline", "base.json", "train.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == "Wrote 2 findings of 1 file to base.json\n"
    return tmp_path, lines


def test_the_baseline_records_each_finding_by_path_rule_and_fingerprint(legacy):
    root, _ = legacy
    doc = json.loads((root / "base.json").read_text(encoding="utf-8"))
    assert doc["pftlint-baseline"] == 1
    assert [(f["path"], f["rule"], f["line"]) for f in doc["findings"]] == \
        [("train.jsonl", "invalid-role", 3), ("train.jsonl", "invalid-role", 7)]
    first, second = (f["fingerprint"] for f in doc["findings"])
    assert first != second  # two different records


def test_baseline_hides_the_recorded_findings_and_says_how_many(legacy, run_cli):
    root, _ = legacy
    found, summary, status = findings(run_cli, "--baseline", "base.json", "train.jsonl", cwd=root)
    assert found == [] and status == 0 and summary["baseline_hidden"] == 2
    proc = run_cli("check", "--isolated", "--output-format", "concise", "--baseline", "base.json", "train.jsonl",
                   cwd=root)
    assert proc.stdout.splitlines()[-1] == \
        "Checked 1 file, 12 records: 0 errors, 0 warnings, 0 info (2 findings hidden by the baseline)."


def test_inserting_and_deleting_other_records_changes_nothing(legacy, run_cli):
    root, lines = legacy
    # a new clean record first (every line moves down), a clean record in the middle deleted
    moved = [fresh(CLEAN[5], "A new clean reply.")] + lines[:4] + lines[5:]
    write(root / "train.jsonl", moved)
    found, summary, status = findings(run_cli, "--baseline", "base.json", "train.jsonl", cwd=root)
    assert found == [] and summary["baseline_hidden"] == 2 and status == 0  # nothing resurrected
    plain, _, _ = findings(run_cli, "train.jsonl", cwd=root)
    assert [f["line"] for f in plain] == [4, 7]  # the same two findings, on other lines


def test_a_new_finding_of_a_recorded_rule_is_reported(legacy, run_cli):
    root, lines = legacy
    # another record with the same problem, inserted above the recorded ones: not hidden by them
    write(root / "train.jsonl", [human(CLEAN[0], "A question nobody asked before.")] + lines)
    found, summary, status = findings(run_cli, "--baseline", "base.json", "train.jsonl", cwd=root)
    assert [(f["line"], f["rule"]) for f in found] == [(1, "invalid-role")]
    assert summary["baseline_hidden"] == 2 and status == 1


def test_a_repeated_record_counts_once_per_occurrence(legacy, run_cli):
    root, lines = legacy
    write(root / "train.jsonl", lines + [lines[2]])  # record 3 again: its invalid-role once more
    found, summary, _ = findings(run_cli, "--baseline", "base.json", "--ignore", "duplicate-example",
                                 "train.jsonl", cwd=root)
    assert [(f["line"], f["rule"]) for f in found] == [(13, "invalid-role")] and summary["baseline_hidden"] == 2


def test_deleting_a_recorded_record_hides_nothing_else(legacy, run_cli):
    root, lines = legacy
    write(root / "train.jsonl", lines[:2] + lines[3:])  # record 3 (a recorded finding) is gone
    found, summary, _ = findings(run_cli, "--baseline", "base.json", "train.jsonl", cwd=root)
    assert found == [] and summary["baseline_hidden"] == 1


def test_editing_a_recorded_record_reports_it_again(legacy, run_cli):
    root, lines = legacy
    lines[2] = human(CLEAN[2], "The same problem in a changed record.")
    write(root / "train.jsonl", lines)
    found, summary, _ = findings(run_cli, "--baseline", "base.json", "train.jsonl", cwd=root)
    assert [f["line"] for f in found] == [3] and summary["baseline_hidden"] == 1


def test_baseline_from_the_config_relative_to_it_from_another_folder(legacy, run_cli):
    root, _ = legacy
    (root / "sub").mkdir()
    (root / "pftlint.toml").write_text('baseline = "base.json"\n', encoding="utf-8")
    proc = run_cli("check", "--config", str(root / "pftlint.toml"), "--output-format", "json",
                   str(root / "train.jsonl"), cwd=root / "sub")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["findings"] == [] and doc["summary"]["baseline_hidden"] == 2


def test_statistics_count_what_the_baseline_left(legacy, run_cli):
    root, lines = legacy
    write(root / "train.jsonl", lines + [""])  # a trailing blank line: new, and fixable
    proc = run_cli("check", "--isolated", "--statistics", "--baseline", "base.json", "train.jsonl", cwd=root)
    assert proc.stdout.splitlines() == [
        "1  PFT105  [*] trailing-blank-lines  [warning] (all fixable)",
        "1 finding in 1 file (1 fixable with --fix; 2 hidden by the baseline).",
    ]


@pytest.mark.parametrize("content, why", [
    (None, "no such file; record one with --write-baseline"),
    ("{not json", "not a pftlint baseline (not JSON)"),
    ('{"findings": []}', "not a pftlint baseline of format 1"),
    ('{"pftlint-baseline": 1, "findings": [{"path": "a"}]}', "finding 1 needs the strings path, rule and"),
])
def test_a_bad_baseline_is_one_line_and_exit_2(run_cli, tmp_path, content, why):
    write(tmp_path / "train.jsonl", CLEAN)
    if content is not None:
        (tmp_path / "base.json").write_text(content, encoding="utf-8")
    proc = run_cli("check", "--isolated", "--baseline", "base.json", "train.jsonl", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == "", proc.stdout
    assert proc.stderr.startswith("pftlint: error: --baseline base.json: ") and why in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr


def test_write_baseline_refuses_an_input_and_stdin(run_cli, tmp_path):
    write(tmp_path / "train.jsonl", CLEAN)
    proc = run_cli("check", "--isolated", "--write-baseline", "train.jsonl", "train.jsonl", cwd=tmp_path)
    assert proc.returncode == 2 and "which this run reads" in proc.stderr
    assert (tmp_path / "train.jsonl").read_text(encoding="utf-8").splitlines() == CLEAN
    proc = run_cli("check", "--isolated", "--write-baseline", "b.json", "-", input=CLEAN[0].encode(), cwd=tmp_path)
    assert proc.returncode == 2 and "standard input" in proc.stderr and not (tmp_path / "b.json").exists()


def test_write_baseline_then_baseline_from_another_working_directory(legacy, run_cli):
    root, _ = legacy
    other = root / "elsewhere"
    other.mkdir()
    found, summary, _ = findings(run_cli, "--baseline", os.path.join("..", "base.json"),
                                 os.path.join("..", "train.jsonl"), cwd=other)
    assert found == [] and summary["baseline_hidden"] == 2


def test_a_finding_about_the_whole_file_stays_hidden_when_records_move(run_cli, tmp_path):
    """length-bias (a dataset rule) speaks for the file, at 1:1: a new first record must not bring it back."""
    rows = []
    for i in range(6):
        record = json.loads(CLEAN[i])
        record["preferred_output"][0]["content"] = f"A long and careful preferred reply, number {i}, with detail."
        record["non_preferred_output"][0]["content"] = "No."
        rows.append(json.dumps(record))
    write(tmp_path / "train.jsonl", rows)
    options = ["--config", str(tmp_path / "pftlint.toml")]
    (tmp_path / "pftlint.toml").write_text('ignore = ["too-few-examples"]\n[rules.length-bias]\n'
                                           'min-pairs = 3\nthreshold = 0.5\n', encoding="utf-8")
    proc = run_cli("check", *options, "--write-baseline", "base.json", "train.jsonl", cwd=tmp_path)
    assert proc.stderr == "Wrote 1 finding of 1 file to base.json\n", proc.stderr
    extra = json.loads(CLEAN[8])
    extra["preferred_output"][0]["content"] = "Another long preferred reply that pads the answer out."
    extra["non_preferred_output"][0]["content"] = "Nope."
    write(tmp_path / "train.jsonl", [json.dumps(extra)] + rows)
    proc = run_cli("check", *options, "--output-format", "json", "train.jsonl", cwd=tmp_path)
    plain = json.loads(proc.stdout)
    assert [(f["rule"], f["line"]) for f in plain["findings"]] == [("length-bias", 1)]  # still there
    proc = run_cli("check", *options, "--output-format", "json", "--baseline", "base.json", "train.jsonl",
                   cwd=tmp_path)
    doc = json.loads(proc.stdout)
    assert doc["findings"] == [] and doc["summary"]["baseline_hidden"] == 1
