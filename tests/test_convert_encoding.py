"""`pftlint convert` reads UTF-8 only, and says so: the file's encoding is detected as `check` does.

A UTF-16 file (with or without a byte-order mark), or a gzip, zip or Parquet file whose name does
not say so (``.jsonl``; ``.jsonl.gz`` and ``.parquet`` are read: tests/test_convert_packed.py), is refused with
one line saying what it is (exit status 2, OUT not written); lines are decoded as UTF-8, never
guessed one by one; a UTF-8 byte-order mark is fine.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest

from pftlint.api import lint_path
from pftlint.cli import main

RECORDS = [{"prompt": f"Question {i}?", "chosen": f"Answer {i}.", "rejected": "No."} for i in range(12)]
JSONL = "".join(json.dumps(r) + "\n" for r in RECORDS)
CSV = "prompt,chosen,rejected\r\n" + "".join(f"{r['prompt']},{r['chosen']},{r['rejected']}\r\n" for r in RECORDS)
TSV = CSV.replace(",", "\t")


def _zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("train.jsonl", data)
    return out.getvalue()


REFUSED = {
    "utf-16.jsonl": JSONL.encode("utf-16"),
    "utf-16-be.jsonl": b"\xfe\xff" + JSONL.encode("utf-16-be"),
    "utf-16-le-no-bom.jsonl": JSONL.encode("utf-16-le"),
    "gzip.jsonl": gzip.compress(JSONL.encode()),
    "zip.jsonl": _zip(JSONL.encode()),
    "excel-unicode.csv": CSV.encode("utf-16"),  # Excel's "Unicode text" / UTF-16 CSV export
    "excel-unicode.tsv": TSV.encode("utf-16"),
    "excel-unicode.txt": TSV.encode("utf-16"),  # Excel names it .txt: detected by its bytes
    "array.json": ("[" + ",".join(json.dumps(r) for r in RECORDS) + "]").encode("utf-16"),
}


def _convert(src: Path, out: Path, *flags: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["convert", str(src), "-o", str(out), *flags])
    return status, err.getvalue()


def _check_message(path: Path) -> str:
    [finding] = lint_path(path).findings
    return finding.message


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_file_that_is_not_utf8_is_refused(tmp_path, name):
    src = tmp_path / name
    src.write_bytes(REFUSED[name])
    out = tmp_path / "out.jsonl"
    out.write_text("kept\n")
    status, err = _convert(src, out)
    assert status == 2
    [line] = err.splitlines()
    assert line.startswith(f"pftlint: error: {src}: the file is ")
    assert out.read_text() == "kept\n"  # OUT untouched
    if name.endswith(".jsonl"):  # the same words as `pftlint check` (PFT107)
        assert line.endswith(f": {_check_message(src)}")
    if "utf-16" in name or "unicode" in name:
        assert "UTF-16" in line and "iconv -f utf-16" in line


def test_refused_file_leaves_no_out(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(REFUSED["utf-16.jsonl"])
    status, _ = _convert(src, tmp_path / "new.jsonl")
    assert status == 2 and not (tmp_path / "new.jsonl").exists()


def test_standard_input_in_utf16_is_refused(tmp_path, run_cli):
    out = tmp_path / "out.jsonl"
    proc = run_cli("convert", "-", "-o", str(out), input=REFUSED["utf-16.jsonl"])
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()
    assert line.startswith("pftlint: error: -: the file is UTF-16 text") and not out.exists()


@pytest.mark.parametrize("name", ["in.csv", "in.tsv", "in.jsonl"])
def test_a_utf8_bom_is_fine(tmp_path, name):
    text = {"in.csv": CSV, "in.tsv": TSV, "in.jsonl": JSONL}[name]
    plain, bom = tmp_path / name, tmp_path / f"bom-{name}"
    plain.write_text(text, encoding="utf-8", newline="")
    bom.write_text(text, encoding="utf-8-sig", newline="")
    status, err = _convert(plain, tmp_path / "a.jsonl")
    assert status == 0, err
    status, err = _convert(bom, tmp_path / "b.jsonl")
    assert status == 0, err
    assert (tmp_path / "b.jsonl").read_bytes() == (tmp_path / "a.jsonl").read_bytes()
    assert len((tmp_path / "b.jsonl").read_text().splitlines()) == len(RECORDS)


def test_lines_are_not_guessed_one_by_one(tmp_path):
    # json.loads of bytes takes a line whose every other byte is 00 for UTF-16: check calls it
    # invalid JSON, and so must convert (the record is skipped and reported, not read)
    src = tmp_path / "in.jsonl"
    src.write_bytes(JSONL.encode() + json.dumps(RECORDS[0]).encode("utf-16-le"))
    out = tmp_path / "out.jsonl"
    status, err = _convert(src, out)
    assert status == 1
    assert f"{src}:13: skipped: the line is not valid JSON" in err
    assert len(out.read_text().splitlines()) == len(RECORDS)
    assert any(f.line == 13 and f.rule == "invalid-json" for f in lint_path(src).findings)
