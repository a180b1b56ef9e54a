"""Findings ``--fix`` repairs are marked and counted, through the console script; the marks are the
findings that ``--fix`` then makes go away."""

from __future__ import annotations

import json

from conftest import REPO

CLEAN = (REPO / "examples" / "clean-dpo.jsonl").read_text(encoding="utf-8").splitlines()


def messy() -> str:
    """A BOM, a blank line, an invalid role (not fixable), a trailing blank line."""
    rows = [json.loads(line) for line in CLEAN]
    rows[3]["input"]["messages"][-1]["role"] = "human"
    lines = [json.dumps(r) for r in rows]
    return "\ufeff" + "\n".join(lines[:5] + [""] + lines[5:]) + "\n\n"


def as_json(run_cli, cwd, *args) -> dict:
    proc = run_cli("check", "--isolated", "--output-format", "json", *args, cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def test_marks_predict_what_fix_repairs(run_cli, tmp_path):
    (tmp_path / "train.jsonl").write_text(messy(), encoding="utf-8")
    before = as_json(run_cli, tmp_path, "train.jsonl")
    marked = {f["rule"] for f in before["findings"] if f["fixable"]}
    assert marked == {"utf8-bom", "blank-line", "trailing-blank-lines"}
    assert before["summary"]["fixable"] == 3
    assert run_cli("check", "--isolated", "--fix", "train.jsonl", cwd=tmp_path).returncode == 1
    after = as_json(run_cli, tmp_path, "train.jsonl")
    assert [f["rule"] for f in after["findings"]] == \
        [f["rule"] for f in before["findings"] if not f["fixable"]] == ["invalid-role"]
    assert after["summary"]["fixable"] == 0


def test_a_file_fix_will_not_rewrite_has_nothing_fixable(run_cli, tmp_path):
    (tmp_path / "train.jsonl").write_text(messy() + "{not json\n", encoding="utf-8")
    doc = as_json(run_cli, tmp_path, "train.jsonl")
    assert {"blank-line", "invalid-json"} <= {f["rule"] for f in doc["findings"]}
    assert not any(f["fixable"] for f in doc["findings"]) and doc["summary"]["fixable"] == 0
    run_cli("check", "--isolated", "--fix", "train.jsonl", cwd=tmp_path)
    assert as_json(run_cli, tmp_path, "train.jsonl")["findings"] == doc["findings"]  # indeed not fixed


def test_concise_table_statistics_and_summary_say_it(run_cli, tmp_path):
    (tmp_path / "train.jsonl").write_text(messy(), encoding="utf-8")
    concise = run_cli("check", "--isolated", "--output-format", "concise", "train.jsonl", cwd=tmp_path).stdout
    lines = concise.splitlines()
    marked = [line for line in lines if " [*] " in line]
    assert len(marked) == 3 and all(" PFT1" in line for line in marked)
    assert "invalid-role" not in " ".join(marked) and " [*] " not in next(l for l in lines if "PFT301" in l)
    assert lines[-1].endswith("(3 fixable with --fix).")
    table = run_cli("check", "--isolated", "--output-format", "table", "train.jsonl", cwd=tmp_path,
                    env={"COLUMNS": "100"}).stdout
    assert table.count("[*]") == 3 and "3 fixable with --fix" in table
    stats = run_cli("check", "--isolated", "--statistics", "train.jsonl", cwd=tmp_path).stdout.splitlines()
    by_rule = {line.split()[1]: line for line in stats[:-1]}
    assert "[*] blank-line" in by_rule["PFT104"] and by_rule["PFT104"].endswith("(all fixable)")
    assert "[*]" not in by_rule["PFT301"] and "fixable" not in by_rule["PFT301"]
    assert stats[-1] == "4 findings in 1 file (3 fixable with --fix)."
    doc = json.loads(run_cli("check", "--isolated", "--statistics", "--output-format", "json", "train.jsonl",
                             cwd=tmp_path).stdout)
    assert {r["rule"]: r["fixable"] for r in doc["statistics"]} == \
        {"utf8-bom": 1, "blank-line": 1, "trailing-blank-lines": 1, "invalid-role": 0}
    assert doc["summary"]["fixable"] == 3


def test_sarif_results_say_whether_fix_repairs_them(run_cli, tmp_path):
    (tmp_path / "train.jsonl").write_text(messy(), encoding="utf-8")
    proc = run_cli("check", "--isolated", "--output-format", "sarif", "train.jsonl", cwd=tmp_path)
    results = json.loads(proc.stdout)["runs"][0]["results"]
    assert {r["ruleId"]: r["properties"]["fixable"] for r in results} == \
        {"PFT106": True, "PFT104": True, "PFT105": True, "PFT301": False}


WRAPPED = ('{"version": 1, "data": [{"input": {"messages": [{"role": "user", "content": "q"}]}, '
           '"preferred_output": [{"role": "assistant", "content": "a"}], '
           '"non_preferred_output": [{"role": "assistant", "content": "b"}]}]}\n')


def refused_file_shows_nothing_fixable(run_cli, cwd, name, *select):
    """The marks, the count and --statistics for a file --fix refuses; then --fix and --diff on it."""
    doc = as_json(run_cli, cwd, *select, name)
    assert doc["findings"] and not any(f["fixable"] for f in doc["findings"]) and doc["summary"]["fixable"] == 0
    concise = run_cli("check", "--isolated", "--output-format", "concise", *select, name, cwd=cwd).stdout
    assert "[*]" not in concise and "fixable with --fix" not in concise
    stats = run_cli("check", "--isolated", "--statistics", *select, name, cwd=cwd).stdout
    assert "[*]" not in stats and "fixable" not in stats
    before = (cwd / name).read_bytes()
    fixed = run_cli("check", "--isolated", "--fix", *select, name, cwd=cwd)
    assert fixed.stderr.startswith(f"Not fixed {name}: ") and (cwd / name).read_bytes() == before
    diff = run_cli("check", "--isolated", "--diff", *select, name, cwd=cwd)
    # nothing --fix would change: no diff, exit 0, and the same reason
    assert (diff.returncode, diff.stdout) == (0, "") and diff.stderr == fixed.stderr
    return fixed.stderr


def test_a_document_with_other_keys_has_nothing_fixable(run_cli, tmp_path):
    (tmp_path / "doc.jsonl").write_text(WRAPPED, encoding="utf-8")
    why = refused_file_shows_nothing_fixable(run_cli, tmp_path, "doc.jsonl", "--select", "PFT101")
    assert "other keys beside the records ('version', 'data')" in why


def test_a_pretty_printed_record_with_a_repeated_key_has_nothing_fixable(run_cli, tmp_path):
    rows = CLEAN[:2]
    record = json.dumps(json.loads(CLEAN[2]), indent=2)
    record = record.replace('{\n  "input"', '{\n  "x": 1,\n  "x": 2,\n  "input"', 1)
    (tmp_path / "t.jsonl").write_text("\n".join(rows) + "\n" + record + "\n", encoding="utf-8")
    doc = as_json(run_cli, tmp_path, "t.jsonl")
    assert "multiline-record" in {f["rule"] for f in doc["findings"]}
    why = refused_file_shows_nothing_fixable(run_cli, tmp_path, "t.jsonl")
    assert "line 5 repeats the key 'x'" in why  # the second of the record's 'x' keys


def test_a_gzip_file_has_nothing_fixable_and_fix_says_why(run_cli, tmp_path):
    import gzip

    (tmp_path / "bom.jsonl.gz").write_bytes(gzip.compress(messy().encode("utf-8")))
    doc = as_json(run_cli, tmp_path, "bom.jsonl.gz")
    assert {"utf8-bom", "blank-line"} <= {f["rule"] for f in doc["findings"]}
    why = refused_file_shows_nothing_fixable(run_cli, tmp_path, "bom.jsonl.gz")
    assert why == ("Not fixed bom.jsonl.gz: a gzip file is not rewritten: decompress it, fix the text, "
                   "recompress it\n")


def test_a_fixable_file_beside_a_refused_one_keeps_its_marks(run_cli, tmp_path):
    (tmp_path / "doc.jsonl").write_text(WRAPPED, encoding="utf-8")
    (tmp_path / "train.jsonl").write_text(messy(), encoding="utf-8")
    doc = as_json(run_cli, tmp_path, "doc.jsonl", "train.jsonl")
    assert {f["path"] for f in doc["findings"] if f["fixable"]} == {"train.jsonl"}
    assert doc["summary"]["fixable"] == 3
