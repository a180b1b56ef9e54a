"""`pftlint stats` on files it cannot count: said on stderr, in the reader's words, exit status 1.

A file that is not JSON Lines text (UTF-16, gzip, zip, Parquet, binary) or holds no records is
named on stderr with what it is, as `pftlint check` says it; the other files of the run are
still counted. Lines that are not records are left out and reported.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest

from pftlint import stats
from pftlint.api import lint_path

CLEAN = Path(__file__).resolve().parent.parent / "examples" / "clean-dpo.jsonl"


def _zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("train.jsonl", data)
    return out.getvalue()


TEXT = CLEAN.read_text(encoding="utf-8")
NOT_TEXT = {
    "gzip": gzip.compress(TEXT.encode()),
    "utf-16": TEXT.encode("utf-16"),
    "utf-16-be-bom": b"\xfe\xff" + TEXT.encode("utf-16-be"),
    "utf-16-le-no-bom": TEXT.encode("utf-16-le"),
    "zip": _zip(TEXT.encode()),
    "parquet": b"PAR1" + bytes(200) + b"PAR1",
    "empty": b"",
    "whitespace": b"\n \n\t\n",
}


def _check_message(path: Path) -> str:
    """What `pftlint check` says about the file (its one file-level finding)."""
    [finding] = lint_path(path).findings
    return finding.message


@pytest.mark.parametrize("kind", sorted(NOT_TEXT))
def test_a_file_that_is_not_jsonl_text_is_named_and_exits_1(tmp_path, run_cli, kind):
    path = tmp_path / f"{kind}.jsonl"
    path.write_bytes(NOT_TEXT[kind])
    proc = run_cli("stats", "--output-format", "json", "--isolated", str(path))
    assert proc.returncode == 1, proc.stderr
    [line] = proc.stderr.splitlines()
    assert line == f"pftlint: {path}: {_check_message(path)}"
    [f] = json.loads(proc.stdout)["files"]
    assert f["examples"] == 0 and f["error"] == _check_message(path)


def test_binary_file_is_not_counted(tmp_path, run_cli):
    path = tmp_path / "program.jsonl"  # an executable renamed: NUL bytes, no text
    path.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 40)
    proc = run_cli("stats", "--isolated", str(path))
    assert proc.returncode == 1
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"pftlint: {path}: ") and "Traceback" not in proc.stderr
    assert "not counted" in proc.stdout


def test_other_files_of_the_run_are_still_counted(tmp_path, run_cli):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(NOT_TEXT["gzip"])
    proc = run_cli("stats", "--output-format", "json", "--isolated", str(bad), str(CLEAN))
    assert proc.returncode == 1
    first, second = json.loads(proc.stdout)["files"]
    assert first["error"] and second["error"] is None and second["examples"] == 12
    assert proc.stderr.splitlines() == [f"pftlint: {bad}: {_check_message(bad)}"]
    table = run_cli("stats", "--isolated", str(bad), str(CLEAN))  # the table too: same status and line
    assert table.returncode == 1 and table.stderr == proc.stderr


def test_standard_input_that_is_not_text(run_cli):
    proc = run_cli("stats", "--output-format", "json", "--isolated", "-", input=NOT_TEXT["utf-16"])
    assert proc.returncode == 1
    [line] = proc.stderr.splitlines()
    assert line.startswith("pftlint: -: the file is UTF-16 text")


def test_good_records_are_counted_and_broken_lines_reported(tmp_path, run_cli):
    lines = TEXT.splitlines(keepends=True)
    path = tmp_path / "part.jsonl"
    path.write_text("".join(lines[:3]) + "{broken\n" + "".join(lines[3:6]) + "[1, 2]\n" + "".join(lines[6:]))
    proc = run_cli("stats", "--output-format", "json", "--isolated", str(path))
    assert proc.returncode == 0, proc.stderr  # counted: the figures are there
    [f] = json.loads(proc.stdout)["files"]
    assert (f["examples"], f["unreadable_lines"], f["first_unreadable"], f["error"]) == (12, 2, 4, None)
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"pftlint: {path}: 2 lines are not a JSON record and not counted (the first: line 4)")
    table = run_cli("stats", "--isolated", str(path))
    assert "unreadable lines" in table.stdout and table.stderr == proc.stderr


def test_only_broken_lines_is_not_counted(tmp_path, run_cli):
    path = tmp_path / "prose.jsonl"
    path.write_text("Dear reader,\nthis is not JSON.\n")
    proc = run_cli("stats", "--output-format", "json", "--isolated", str(path))
    assert proc.returncode == 1
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"pftlint: {path}: no line is a JSON record object (2 lines are not; line 1: invalid JSON")


def test_chunks_report_broken_lines_as_one_pass_does(tmp_path, monkeypatch):
    from pftlint.engine import parallel

    record = TEXT.splitlines(keepends=True)[0]
    path = tmp_path / "many.jsonl"
    path.write_text(record * 300 + "{broken\n" + record * 300)
    settings = stats.Settings("openai", "gpt-4.1-2025-04-14", jobs=1)
    one = stats.compute([str(path)], settings)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_CHUNK", 4096)
    monkeypatch.setattr(parallel, "MAX_CHUNK", 4096)
    two = stats.compute([str(path)], stats.Settings("openai", "gpt-4.1-2025-04-14", jobs=2))
    assert one == two
    assert (one["files"][0]["examples"], one["files"][0]["unreadable_lines"]) == (600, 1)


def test_exit_status_is_documented(run_cli):
    help_text = " ".join(run_cli("stats", "--help").stdout.split())
    assert "1 some file is not JSON Lines text or holds no records" in help_text


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_lines_that_are_not_utf8_are_counted_and_said_in_one_pass_and_in_chunks(run_cli, tmp_path, jobs):
    """A Windows-1252 byte in a record: the record is counted (its bad byte replaced) and stderr says how many
    such lines there are and the first, whether the file is read in one pass or in chunks by workers."""
    from pftlint.engine.parallel import PARALLEL_MIN_BYTES

    lines = CLEAN.read_bytes().splitlines()
    rows = []
    while sum(map(len, rows)) < PARALLEL_MIN_BYTES + 2_000_000:  # over the size that is read in chunks
        rows.extend(lines)
    bad = [3, len(rows) // 2, len(rows) - 2]  # 0-based: lines 4, the middle one and the last but one
    for i in bad:
        rows[i] = rows[i].replace(b"password", b"passw\xe9rd", 1).replace(b"?", b"\xbf", 1)
    path = tmp_path / "cp1252.jsonl"
    path.write_bytes(b"\n".join(rows) + b"\n")
    proc = run_cli("stats", "--isolated", "--jobs", jobs, "--output-format", "json", str(path))
    assert proc.returncode == 0, proc.stderr
    (f,) = json.loads(proc.stdout)["files"]
    assert f["examples"] == len(rows) and f["invalid_utf8_lines"] == len(bad) and f["first_invalid_utf8"] == 4
    assert proc.stderr.strip() == (f"pftlint: {path}: 3 lines are not valid UTF-8 (the first: line 4): counted "
                                   "with the bad bytes replaced (U+FFFD), so their counts may be off; pftlint check "
                                   f"{path} shows each (invalid-utf8)")
    assert not json.loads(run_cli("stats", "--isolated", "--output-format", "json", str(CLEAN)).stdout)[
        "files"][0]["invalid_utf8_lines"]
