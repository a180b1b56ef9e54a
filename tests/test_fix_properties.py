"""Property tests of ``--fix``: generated records x generated breakages -> the fixed file holds
exactly the same records, in the same order, and is exactly the file the documents promise.

The oracle is independent of pftlint's reader: the fixed file is split on ``\\n`` and each
line parsed with ``json.loads``; values are compared as ``json.dumps(..., ensure_ascii=True)``
so that ``1``, ``1.0`` and ``true`` differ, and so does key order.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint import fix

# Keys that make the reader take a document for records wrapped under a key, or for a record
# itself: kept out so that a generated record is always just a record.
_RECORD_KEYS = {"input", "messages", "preferred_output", "non_preferred_output", "prompt", "chosen",
                "rejected", "completion"}
ALL = frozenset(fix.FIXABLE)
DEFAULTS_AZURE = ALL - {"utf8-bom", "crlf-line-endings", "missing-final-newline"}

# Strings with real newlines, literal backslash-n, quotes, non-ASCII and now and then a lone surrogate.
strings = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["a\nb", "\\n", "x\\ny", "\"{[", "}\\", "é ✓ 😀", "\r\n", "\ud800 lone", "  "]),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), strings,
                    st.floats(allow_nan=False, allow_infinity=False))
keys = st.text(max_size=6).filter(lambda k: k not in _RECORD_KEYS) | st.sampled_from(["a", "b", "role", "\\n"])
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
                      max_leaves=12)
records = st.dictionaries(keys, values, max_size=4)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


@dataclass
class Case:
    records: list
    data: bytes  # the broken file
    expected: list[str]  # each record's line in a fully fixed file
    unterminated: bool  # the last record ends the file on its own line without a newline


@st.composite
def broken_files(draw) -> Case:
    recs = draw(st.lists(records, min_size=1, max_size=6))
    layout = draw(st.sampled_from(["jsonl", "jsonl", "array", "array-indented"]))
    ascii_only = [draw(st.booleans()) or not _encodable(json.dumps(r, ensure_ascii=False)) for r in recs]

    def one_line(i: int) -> str:
        return json.dumps(recs[i], ensure_ascii=ascii_only[i])

    def rewritten(i: int) -> str:  # what --fix writes for a record that was on several lines
        text = json.dumps(recs[i], ensure_ascii=False)
        return text if _encodable(text) else json.dumps(recs[i], ensure_ascii=True, separators=(",", ":"))

    blank = st.sampled_from(["", " ", "\t", "  \t "])
    if layout == "array":
        ascii_all = any(ascii_only)
        body = json.dumps(recs, ensure_ascii=ascii_all)
        expected = [json.dumps(r, ensure_ascii=ascii_all) for r in recs]
    elif layout == "array-indented":
        body = json.dumps(recs, indent=draw(st.integers(1, 4)), ensure_ascii=any(ascii_only))
        expected = [rewritten(i) for i in range(len(recs))]
    else:
        pretty = [draw(st.booleans()) and bool(r) for r in recs]  # {} pretty-prints on one line anyway
        parts, expected = [], []
        for i in range(len(recs)):
            if pretty[i]:
                parts.append(json.dumps(recs[i], indent=draw(st.integers(1, 4)), ensure_ascii=ascii_only[i]))
                expected.append(rewritten(i))
            else:
                parts.append(one_line(i))
                expected.append(one_line(i))
            if i + 1 < len(recs):
                glue = not pretty[i] and not pretty[i + 1] and draw(st.booleans())
                if glue:
                    parts.append(draw(st.sampled_from(["\\n", " \\n ", "\\r\\n"])))
                else:
                    parts.append("\n" + "".join(b + "\n" for b in draw(st.lists(blank, max_size=2))))
        body = "".join(parts)
    body += "\n" + "".join(b + "\n" for b in draw(st.lists(blank, max_size=2)))  # trailing blank lines
    if draw(st.booleans()):
        body = body.replace("\n", "\r\n")
    if draw(st.booleans()):
        body = body[:-2] if body.endswith("\r\n") else body[:-1]  # no final newline
    data = body.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    unterminated = (layout == "jsonl" and not any(pretty) and not body.endswith("\n")
                    and body.rsplit("\n", 1)[-1].strip() != "")
    return Case(recs, data, expected, unterminated)


def strict(values: list) -> list[str]:
    return [json.dumps(v, ensure_ascii=True) for v in values]


def fix_in_place(data: bytes, active) -> tuple[bytes, fix.Outcome]:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "t.jsonl")
        with open(path, "wb") as f:
            f.write(data)
        outcome = fix.fix_file(path, active)
        with open(path, "rb") as f:
            fixed = f.read()
        assert os.listdir(folder) == ["t.jsonl"]  # no temporary file left behind
    return fixed, outcome


PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(broken_files())
def test_fixed_file_holds_the_same_records_one_per_line(case: Case):
    fixed, outcome = fix_in_place(case.data, ALL)
    assert outcome.blocked is None
    text = fixed.decode("utf-8")
    assert text.endswith("\n") and "\r" not in text.replace("\\r", "") and not text.startswith("\ufeff")
    lines = text.split("\n")[:-1]
    assert strict([json.loads(line) for line in lines]) == strict(case.records)
    # Byte for byte what the documents promise: one-line records untouched, the others json.dumps.
    assert lines == case.expected
    assert fixed == case.data or outcome.changed
    again, second = fix_in_place(fixed, ALL)  # fixing is done in one go
    assert again == fixed and not second.changed


@PROPERTY
@given(broken_files())
def test_inactive_preferences_are_kept_and_records_still_the_same(case: Case):
    # --target azure with the default rules: the BOM, CRLF and a missing final newline are not findings.
    fixed, outcome = fix_in_place(case.data, DEFAULTS_AZURE)
    assert outcome.blocked is None
    assert fixed.startswith(b"\xef\xbb\xbf") == case.data.startswith(b"\xef\xbb\xbf")
    body = fixed.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    crlf = case.data.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].endswith(b"\r") and b"\n" in case.data
    eol = "\r\n" if crlf else "\n"
    # The final newline is added unless the rule is off and the last record ended the file on its own line.
    assert body.endswith(eol) is not case.unterminated
    lines = body.split(eol)
    if lines[-1] == "":
        lines.pop()
    assert "\n" not in "".join(lines) and "\r" not in "".join(lines).replace("\\r", "")
    assert strict([json.loads(line) for line in lines]) == strict(case.records)
    assert lines == case.expected


@settings(max_examples=100, deadline=None)
@given(broken_files(), st.data())
def test_a_lost_or_changed_record_is_always_refused(case: Case, data):
    """Whatever the file, a fixed copy that drops, adds or alters one record fails the verification."""
    import io

    buffer = io.BytesIO()
    fix.rewrite(io.BytesIO(case.data), ALL, buffer)
    lines = buffer.getvalue().split(b"\n")[:-1]
    assert fix.verify(io.BytesIO(case.data), io.BytesIO(buffer.getvalue()), ALL) is None
    i = data.draw(st.integers(0, len(lines) - 1))
    mutation = data.draw(st.sampled_from(["drop", "duplicate", "empty", "change"]))
    if mutation == "drop":
        del lines[i]
    elif mutation == "duplicate":
        lines.insert(i, lines[i])
    elif mutation == "empty":
        lines[i] = b"{}" if lines[i] != b"{}" else b'{"": null}'
    else:
        value = json.loads(lines[i])
        value["\x00changed"] = True
        lines[i] = json.dumps(value).encode()
    broken = b"\n".join(lines) + b"\n"
    assert fix.verify(io.BytesIO(case.data), io.BytesIO(broken), ALL) is not None
