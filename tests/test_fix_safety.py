"""What ``--fix`` must never do, whatever the file: drop one of two values of a repeated key, leave a
hard link's other name with the old content, lose a setuid/setgid/sticky bit; and ``--diff`` must be
a patch that ``patch`` applies to give exactly the bytes ``--fix`` writes (lines cut at ``\\n`` only,
not at U+2028, U+0085 or a form feed)."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint import cli, fix

ALL = frozenset(fix.FIXABLE)
DEFAULTS = ALL - {"utf8-bom", "crlf-line-endings", "missing-final-newline"}  # the BOM, CRLF and no newline kept
PATCH = shutil.which("patch")
needs_patch = pytest.mark.skipif(PATCH is None, reason="GNU patch is not installed")

# Characters str.splitlines() cuts at, besides \n: raw in JSON strings (U+2028, U+2029, U+0085) or in
# blank lines (str.isspace: the reader deletes such a line as blank), \r also between two JSON tokens.
SPLITLINES_BREAKS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e\r"
IN_STRINGS = "\u2028\u2029\x85"

R1 = {"input": {"messages": [{"role": "user", "content": "How do I reset my password?"}]},
      "preferred_output": [{"role": "assistant", "content": "Open Settings."}],
      "non_preferred_output": [{"role": "assistant", "content": "No idea."}]}
R2 = {"messages": [{"role": "user", "content": "2 + 2?"}, {"role": "assistant", "content": "4"}]}


def main(*args: str) -> int:
    mode = [] if "--diff" in args else ["--fix"]
    return cli.main(["check", *mode, "--isolated", "--output-format", "concise", *args])


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if "pftlint-fix" in p.name]


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pftlint: error: "), captured.err
    return lines[0]


def pretty(record: dict) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False)


# -- duplicate keys ----------------------------------------------------------------------------------

def _second_input(record_text: str) -> str:
    """A pretty-printed record with a second "input" key at the end (hostile.sh block D3)."""
    return record_text[:-2] + ',\n  "input": {"messages": [{"role": "user", "content": "SECOND"}]}\n}'


def _nested_role(record_text: str) -> str:
    """The first message holds "role" twice, three levels down."""
    return record_text.replace('"role": "user",', '"role": "user",\n        "role": "assistant",', 1)


@pytest.mark.parametrize("layout", ["jsonl", "array"])
@pytest.mark.parametrize("make, key, where", [(_second_input, "input", "input"),
                                              (_nested_role, "role", "input.messages[0].role")],
                         ids=["top-level", "nested"])
@pytest.mark.parametrize("mode", ["--fix", "--diff"])
def test_a_record_with_a_repeated_key_is_not_rewritten(tmp_path, capsys, layout, make, key, where, mode):
    bad = make(pretty(R1))
    if layout == "jsonl":
        text = json.dumps(R2) + "\n\n" + bad + "\n"  # the blank line and the record: both fixable
        first = 3
    else:
        text = "[\n" + json.dumps(R2) + ",\n" + "\n".join("  " + ln for ln in bad.split("\n")) + "\n]\n"
        first = 3
    before = text.encode("utf-8")
    line = first + bad[:bad.index(f'"{key}"', bad.index(f'"{key}"') + 1)].count("\n")
    path = tmp_path / "t.jsonl"
    path.write_bytes(before)
    status = main(*(["--diff"] if mode == "--diff" else []), str(path))
    captured = capsys.readouterr()
    assert status != 2, captured.err
    assert path.read_bytes() == before and leftovers(tmp_path) == []
    assert captured.out.startswith("---") is False  # no diff for a file that will not be fixed
    assert (f"Not fixed {path}: line {line} repeats the key {key!r} (duplicate key at {where}) of the record "
            f"that starts on line {first}; ") in captured.err, captured.err
    assert f"fix line {line} by hand (duplicate-key), then run --fix again" in captured.err


def test_a_repeated_key_in_a_record_kept_byte_for_byte_stays_as_it_is(tmp_path):
    # On one line the record keeps its exact text: both values stay, and duplicate-key reports them.
    one = '{"messages": [{"role": "user", "content": "a"}], "messages": []}'
    path = tmp_path / "t.jsonl"
    path.write_text(f"{one}\n\n{json.dumps(R2)}\n", encoding="utf-8")
    main("--select", "blank-line", str(path))
    assert path.read_text(encoding="utf-8") == f"{one}\n{json.dumps(R2)}\n"


@pytest.mark.parametrize("original, fixed", [
    ('{\n  "a": 1,\n  "a": 2\n}\n', '{"a": 2}\n'),  # what json.dumps of the parsed record writes
    ('{\n  "a": 1,\n  "a": 2\n}\n', '{"a": 1}\n'),
    ('{\n  "x": {"a": [1], "a": [2]}\n}\n', '{"x": {"a": [2]}}\n'),
    ('{\n  "x": {"a": 1, "b": 2}\n}\n', '{"x": [["a", 1], ["b", 2]]}\n'),  # an object is not its pairs
    ('{\n  "x": {"a": 1, "b": 2}\n}\n', '{"x": {"b": 2, "a": 1}}\n'),
])
def test_verification_compares_every_key_value_pair_in_order(original, fixed):
    assert fix.verify(io.BytesIO(original.encode()), io.BytesIO(fixed.encode()), ALL) is not None


def test_verification_accepts_the_same_pairs_on_one_line():
    original = b'{\n  "a": 1,\n  "x": {"a": [1], "a": [2]},\n  "a": 2\n}\n'
    assert fix.verify(io.BytesIO(original), io.BytesIO(b'{"a": 1, "x": {"a": [1], "a": [2]}, "a": 2}\n'),
                      ALL) is None


def test_without_the_refusal_the_verification_still_stops_the_loss(tmp_path, monkeypatch, capsys):
    """A rewrite that loses a duplicate value is caught by the fix's own check, even with no refusal."""
    monkeypatch.setattr(fix, "repeated_key", lambda text: None, raising=False)
    before = (_second_input(pretty(R1)) + "\n" + json.dumps(R2) + "\n").encode("utf-8")
    path = tmp_path / "t.jsonl"
    path.write_bytes(before)
    assert main(str(path)) == 2
    line = one_error_line(capsys)
    assert "the check of the fixed copy failed (record 1 (line 1) would change)" in line, line
    assert path.read_bytes() == before and leftovers(tmp_path) == []


# -- mode bits, owner and hard links -----------------------------------------------------------------

@pytest.mark.parametrize("mode", [0o4755, 0o2750, 0o6700, 0o1644, 0o7777], ids=oct)
def test_every_mode_bit_and_the_owner_are_kept(tmp_path, mode):
    path = tmp_path / "t.jsonl"
    path.write_bytes(f"{json.dumps(R2)}\n\n{json.dumps(R2)}\n".encode())
    if os.geteuid() == 0:  # root can give the file to someone else: the fix must give it back
        os.chown(path, 4321, 4321)
    os.chmod(path, mode)
    before = os.stat(path)  # what the file system kept of the mode (a user may not set every bit)
    assert main("--select", "blank-line", str(path)) == 1
    after = os.stat(path)
    assert path.read_bytes() == f"{json.dumps(R2)}\n{json.dumps(R2)}\n".encode()
    assert oct(stat.S_IMODE(after.st_mode)) == oct(stat.S_IMODE(before.st_mode))
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


def test_a_hard_linked_file_is_refused_and_left_as_it_is(tmp_path, capsys):
    path, other = tmp_path / "t.jsonl", tmp_path / "cache-copy.jsonl"
    before = f"{json.dumps(R2)}\n\n{json.dumps(R2)}\n".encode()
    path.write_bytes(before)
    os.link(path, other)
    inode = os.stat(path).st_ino
    link = tmp_path / "link.jsonl"  # through a symlink too: the target is what counts
    link.symlink_to(path.name)
    for name in (path, other, link):
        assert main(str(name)) == 2
        line = one_error_line(capsys)
        assert f"cannot fix {name}: the file has 2 hard links" in line and "--diff" in line and "copy" in line, line
        assert path.read_bytes() == other.read_bytes() == before and os.stat(path).st_ino == inode
        assert leftovers(tmp_path) == []


def test_diff_of_a_hard_linked_file_still_works(tmp_path, capsys):
    path, other = tmp_path / "t.jsonl", tmp_path / "cache-copy.jsonl"
    before = f"{json.dumps(R2)}\n\n{json.dumps(R2)}\n".encode()
    path.write_bytes(before)
    os.link(path, other)
    assert main("--diff", str(path)) == 1
    assert capsys.readouterr().out == f"--- {path}\n+++ {path} (fixed)\n@@ -1,3 +1,2 @@\n {json.dumps(R2)}\n-\n " \
                                      f"{json.dumps(R2)}\n"
    assert path.read_bytes() == other.read_bytes() == before


def test_a_file_whose_only_name_remains_is_fixed(tmp_path):
    path, other = tmp_path / "t.jsonl", tmp_path / "cache-copy.jsonl"
    path.write_bytes(f"{json.dumps(R2)}\n\n".encode())
    os.link(path, other)
    other.unlink()  # what the refusal suggests: a name of its own
    assert main("--select", "trailing-blank-lines", str(path)) == 1
    assert path.read_bytes() == f"{json.dumps(R2)}\n".encode()


# -- --diff is a patch that gives what --fix writes --------------------------------------------------

def diff_then_patch_and_fix(data: bytes, active) -> tuple[bytes, bytes, bool]:
    """(the original patched with --diff's output, the file --fix writes, whether a fix was due)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "t.jsonl")
        copy = os.path.join(folder, "copy.jsonl")
        for name in (path, copy):
            with open(name, "wb") as f:
                f.write(data)
        out = io.StringIO()
        changed = fix.diff_file(path, active, out).changed
        patch = out.getvalue().encode("utf-8")
        assert changed == bool(patch)
        if patch:
            proc = subprocess.run([PATCH, "--silent", "--force", "--no-backup-if-mismatch", "--reject-file=-",
                                   copy], input=patch, capture_output=True, timeout=60)
            assert proc.returncode == 0, (proc.stdout, proc.stderr, patch)
        fix.fix_file(path, active)
        with open(path, "rb") as f, open(copy, "rb") as g:
            return g.read(), f.read(), changed


def _with_breaks(record: dict, breaks: str) -> dict:
    text = " ".join(breaks)
    return {**record, "note": f"one{text}line"}


CASES = {
    # hostile.sh block D6: U+2028 and U+0085 inside a record, a blank line to delete after it
    "u2028-u0085-in-content": json.dumps(_with_breaks(R1, "\u2028\x85"), ensure_ascii=False) + "\n\n"
                              + json.dumps(R2) + "\n",
    "u2029-in-a-pretty-printed-record": pretty(_with_breaks(R1, "\u2029\u2028")) + "\n"
                                        + json.dumps(_with_breaks(R2, "\x85"), ensure_ascii=False) + "\n",
    "form-feeds-in-blank-lines": json.dumps(R1) + "\n\x0c\n\x0b \x1c\x1d\x1e\n" + json.dumps(R2) + "\n\u2028\n",
    "cr-between-tokens": json.dumps(R2).replace(", ", ",\r ") + "\n\n" + json.dumps(R1).replace(": ", ":\r") + "\n",
    "crlf-file": (json.dumps(_with_breaks(R1, "\u2028\r"), ensure_ascii=False) + "\n\n" + pretty(R2) + "\n"
                  ).replace("\n", "\r\n"),
    "crlf-no-final-newline": (json.dumps(R2) + "\n\x0c\n" + json.dumps(_with_breaks(R2, "\x85"), ensure_ascii=False)
                              ).replace("\n", "\r\n"),
}


@needs_patch
@pytest.mark.parametrize("active", [ALL, DEFAULTS], ids=["all-fixes", "default-fixes"])
@pytest.mark.parametrize("name", CASES)
def test_patch_of_the_diff_gives_the_fixed_file(name, active):
    data = CASES[name].encode("utf-8")
    patched, fixed, changed = diff_then_patch_and_fix(data, active)
    assert changed and fixed != data
    assert patched == fixed


# Generated files: records whose strings hold str.splitlines() breaks, broken in the ways --fix repairs.
texts = st.text(alphabet=st.sampled_from("ab \"\\{}é" + IN_STRINGS), max_size=8)
records = st.dictionaries(st.sampled_from(["a", "b", "note", "x\u2028"]),
                          st.one_of(texts, st.integers(), st.lists(texts, max_size=2)), min_size=1, max_size=3)
blank_lines = st.text(alphabet=st.sampled_from(" \t" + SPLITLINES_BREAKS.replace("\r", "")), max_size=3)


@st.composite
def broken_files(draw) -> bytes:
    parts = []
    for record in draw(st.lists(records, min_size=1, max_size=4)):
        style = draw(st.sampled_from(["line", "pretty", "cr-inside"]))
        if style == "pretty":
            parts.append(json.dumps(record, indent=1, ensure_ascii=False))
        elif style == "cr-inside":
            parts.append(json.dumps(record, ensure_ascii=False).replace(": ", ":\r", 1))
        else:
            parts.append(json.dumps(record, ensure_ascii=draw(st.booleans())))
        parts.extend(draw(st.lists(blank_lines, max_size=2)))
    text = "\n".join(parts) + draw(st.sampled_from(["\n", "", "\n\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")


@needs_patch
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_files(), st.sampled_from([ALL, DEFAULTS]))
def test_patch_of_the_diff_is_the_fix_for_generated_files(data, active):
    patched, fixed, changed = diff_then_patch_and_fix(data, active)
    assert patched == fixed
    assert changed or fixed == data
