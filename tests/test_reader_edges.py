"""The reader on files that are not text at all, and on records ended by a literal backslash-n."""

from __future__ import annotations

import io
import json
import random
import struct
import sys
import zlib

import pytest

from pftlint.api import lint_bytes
from pftlint.fix import fix_file
from pftlint.reading.reader import Issue, Reader
import builders


def dpo(question: str = "Translate good morning into Spanish.", role: str = "user") -> dict:
    return builders.dpo(question, "Buenos dias.", "Buenas noches.", role=role)


R1 = json.dumps(dpo())
R2 = json.dumps(dpo("What is 2 + 2?"))


def lint(data: bytes):
    return lint_bytes(data, "t.jsonl", ignore=["too-few-examples"])


# -- binary files: one finding, then the file is not read ----------------------

def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    pixels = zlib.compress(random.Random(3).randbytes(40_000))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100, 100, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def _executable() -> bytes:
    with open(sys.executable, "rb") as f:  # the Python interpreter: a real ELF, Mach-O or PE program
        return f.read(200_000)


BINARIES = {
    "executable": _executable,
    "png": _png,
    "elf header": lambda: b"\x7fELF\x02\x01\x01" + bytes(100) + b"\n" * 50,
    "pdf": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 /Filter /FlateDecode >>\nstream\n"
                   + zlib.compress(b"x" * 5000) + b"\nendstream\n" * 300,
    "random bytes": lambda: random.Random(1).randbytes(100_000),
    "random bytes starting with {": lambda: b"{" + random.Random(2).randbytes(50_000),
    "zeros": lambda: b"\0" * 50_000,
    "short random": lambda: random.Random(4).randbytes(300),
}


@pytest.mark.parametrize("name", sorted(BINARIES))
def test_binary_file_gets_one_finding(name):
    data = BINARIES[name]()
    result = lint(data)
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("invalid-utf8", 1, 1)], \
        [f.message for f in result.findings][:5]
    assert "not text" in result.findings[0].message or "not JSON Lines" in result.findings[0].message
    assert result.records == 0 and result.bytes == len(data) and result.lines == data.count(b"\n") + (
        not data.endswith(b"\n"))


BAD_LINE = json.dumps(dpo("a \u00e9 b"), ensure_ascii=False)


@pytest.mark.parametrize("name, data, rule", [
    ("raw NUL in line 1", (R1.replace("good", "go\0od") + "\n" + R2 + "\n").encode(), "invalid-json"),
    ("raw NUL in a later line", (R1 + "\n" + R2.replace("2 + 2", "2\0+\0" * 40) + "\n").encode(), "invalid-json"),
    ("Windows-1252 in line 1", (BAD_LINE + "\n" + R2 + "\n").encode("cp1252"), "invalid-utf8"),
    ("Windows-1252 and a NUL in line 1", (BAD_LINE.replace("good", "go\0od") + "\n" + R2 + "\n").encode("cp1252"),
     "invalid-utf8"),
    ("zero padding after the records", (R1 + "\n" + R2 + "\n").encode() + b"\0" * 8000, "invalid-json"),
])
def test_jsonl_file_with_one_bad_line_keeps_its_findings(name, data, rule):
    result = lint(data)
    assert result.records >= 1  # the good records are still read
    assert rule in {f.rule for f in result.findings}
    assert not any(f.rule == "invalid-utf8" and "not text" in f.message for f in result.findings)


def test_binary_file_is_drained_not_checked():
    data = _png() + b"\n" + (R1 + "\n").encode() * 3  # records after the binary part are not looked at
    units = list(Reader(io.BytesIO(data)))
    assert [type(u) for u in units] == [Issue]


# -- a literal backslash-n after the last record -------------------------------

@pytest.mark.parametrize("ending", ["\\n", "\\r\\n", "\\n\n", " \\n \n", "\\n\\n"])
def test_one_record_ended_by_a_literal_newline(ending):
    result = lint((R1 + ending).encode())
    rules = sorted(f.rule for f in result.findings if f.rule != "missing-final-newline")
    assert rules == ["literal-newline-separator"]
    finding = next(f for f in result.findings if f.rule == "literal-newline-separator")
    assert finding.line == 1 and finding.column == (R1 + ending).index("\\") + 1
    assert result.records == 1


def test_last_record_of_a_longer_file_ended_by_a_literal_newline():
    result = lint((R1 + "\n" + R2 + "\\n").encode())
    assert [(f.rule, f.line) for f in result.findings if f.rule != "missing-final-newline"] == \
        [("literal-newline-separator", 2)]
    assert result.records == 2


def test_record_before_a_trailing_literal_newline_is_still_linted():
    bad = json.dumps(dpo(role="human"))
    result = lint((bad + "\\n").encode())
    assert {"literal-newline-separator", "invalid-role"} <= {f.rule for f in result.findings}


def test_glued_records_with_a_trailing_separator():
    result = lint((R1 + "\\n" + R2 + "\\n").encode())
    glued = [f for f in result.findings if f.rule == "literal-newline-separator"]
    assert len(glued) == 1 and "2 records" in glued[0].message and result.records == 2


@pytest.mark.parametrize("data", [R1 + "\\n", R1 + "\n" + R2 + "\\r\\n", R1 + "\\n" + R2 + "\\n\n"])
def test_fix_keeps_the_record_and_writes_a_real_newline(tmp_path, data):
    path = tmp_path / "t.jsonl"
    path.write_bytes(data.encode())
    outcome = fix_file(str(path), ["literal-newline-separator"])
    assert outcome.changed
    expected = [R1] if data.count("{\"input\"") == 1 else [R1, R2]
    assert path.read_text(encoding="utf-8") == "".join(r + "\n" for r in expected)
