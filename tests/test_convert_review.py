"""``pftlint convert`` through the console script: what a layout cannot hold or a source does not say is a skip
with its reason (KTO's undesirable rows, values of any type where a role belongs), never a crash, and what a
layout has no place for is reported."""

from __future__ import annotations

import json
import re
from pathlib import Path

from builders import jsonl

SKIP_LINE = re.compile(r"^(.*):(\d+): skipped: (.+)$")


def convert(run_cli, tmp_path: Path, records, *flags: str):
    """(exit status, written records or None, {line: skip message}, stderr)."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl(records))
    out = tmp_path / "out.jsonl"
    if out.exists():
        out.unlink()
    proc = run_cli("convert", str(src), "-o", str(out), *flags)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    skips = {int(m[2]): m[3] for m in map(SKIP_LINE.match, proc.stderr.splitlines()) if m}
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else None
    return proc.returncode, written, skips, proc.stderr


KTO = [{"prompt": "Q1", "completion": " good", "label": True},
       {"prompt": "Q2", "completion": " terrible", "label": False},
       {"prompt": "Q3", "completion": " fine", "label": "yes"},
       {"prompt": "Q4", "completion": " plain"}]


def test_kto_rows_labelled_undesirable_are_not_written_as_supervised_examples(run_cli, tmp_path):
    status, written, skips, err = convert(run_cli, tmp_path, KTO, "--to", "supervised")
    assert status == 1
    assert [r["messages"][-1]["content"] for r in written] == [" good", " plain"]
    assert set(skips) == {2, 3}
    assert skips[2] == "labelled undesirable (label false): a supervised example would teach it"
    assert "'label' is \"yes\", not true or false" in skips[3]
    assert "labelled undesirable: 1" in err and "wrong type: 1" in err


def test_kto_file_hint_says_only_desirable_rows_convert_and_names_the_output_after_the_layout(run_cli, tmp_path):
    (tmp_path / "kto.jsonl").write_bytes(jsonl(KTO[:2]))
    proc = run_cli("check", "kto.jsonl", cwd=tmp_path)
    (line,) = [line for line in proc.stdout.splitlines() if "PFT204" in line]
    assert "only the desirable rows, label true, are converted" in line
    assert line.endswith("pftlint convert kto.jsonl -o kto.supervised.jsonl --to supervised")
