"""Hostile inputs through the real console script: no traceback, no internal error, exit 0/1/2 with
a one-line reason for 2, and no checked file changed unless --fix was asked for.

The fixed set holds the nastiest inputs found by fuzzing; a seeded sample of random bytes and of
cut or mutated real corpus files is added on top (the same on every run).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import threading
from pathlib import Path

import pytest

from conftest import CORPUS

FORMATS = ("table", "concise", "json", "sarif", "github", "auto")
SEED = 20261129

GOOD = {"input": {"messages": [{"role": "user", "content": "hi"}]},
        "preferred_output": [{"role": "assistant", "content": "a"}],
        "non_preferred_output": [{"role": "assistant", "content": "b"}]}
SFT = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "a"}]}
DEEP_ARRAY = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000


def _wrong_types(value) -> str:
    """Records in every format whose every value has the type of ``value``."""
    v = json.dumps(value)
    return "\n".join([
        f'{{"input": {{"messages": {v}, "tools": {v}, "parallel_tool_calls": {v}}}, '
        f'"preferred_output": {v}, "non_preferred_output": {v}}}',
        f'{{"messages": {v}, "tools": {v}}}',
        f'{{"input": {v}}}',
        f'{{"input": {{"messages": [{v}]}}, "preferred_output": [{v}], "non_preferred_output": '
        f'[{{"role": {v}, "content": {v}, "tool_calls": {v}, "name": {v}, "weight": {v}}}]}}',
        f'{{"messages": [{{"role": {v}, "content": {v}, "tool_calls": {v}, "weight": {v}}}, '
        f'{{"role": "assistant", "content": [{v}], "tool_calls": [{v}], "function_call": {v}}}]}}',
        f'{{"prompt": {v}, "chosen": {v}, "rejected": {v}}}',
        f'{{"prompt": [{v}], "chosen": [{v}], "rejected": [{{"role": {v}, "content": {v}}}]}}',
    ]) + "\n"


def nasty_inputs() -> dict[str, bytes]:
    good, sft = json.dumps(GOOD), json.dumps(SFT)
    files = {
        "empty.jsonl": b"",
        "bom only.jsonl": b"\xef\xbb\xbf",
        "bom newline.jsonl": b"\xef\xbb\xbf\n",
        "nul.jsonl": b"\x00\x00\x00\n",
        "nul in record.jsonl": good[:20].encode() + b"\x00" + good[20:].encode() + b"\n",
        "inf.jsonl": (good.replace('"a"', "1e999") + "\n" + sft.replace('"a"', "-1e999") + "\n").encode(),
        "5000 digits.jsonl": (good.replace('"a"', "1" + "0" * 5000) + "\n").encode(),
        "weight digits.jsonl": ('{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", '
                                '"content": "y", "weight": ' + "9" * 5000 + "}]}\n").encode(),
        "nan.jsonl": (good.replace('"a"', "NaN") + "\n" + sft.replace('"a"', "Infinity") + "\n").encode(),
        "surrogate escape.jsonl": (good.replace('"hi"', '"\\ud800"') + "\n").encode(),
        "surrogate raw.jsonl": good.replace('"hi"', '"\ud800"').encode("utf-8", "surrogatepass"),
        "deep array.jsonl": (good.replace('"hi"', DEEP_ARRAY) + "\n").encode(),
        "deep object.jsonl": (good.replace('"hi"', DEEP_OBJECT) + "\n").encode(),
        "deep sft.jsonl": (sft.replace('"a"', DEEP_ARRAY) + "\n").encode(),
        "deep unclosed.jsonl": b"[" * 100_000 + b"\n",
        "deep tool schema.jsonl": (sft[:-1] + ', "tools": [{"type": "function", "function": {"name": "f", '
                                   '"parameters": ' + '{"type": "object", "properties": {"a": ' * 3000
                                   + "{}" + "}}" * 3000 + "}}]}\n").encode(),
        "number keys.jsonl": (json.dumps({"0": 1, "1": [{"2": 3}], "input": {"0": 1},
                                          "messages": {"0": {"role": "user"}}}) + "\n").encode(),
        "top level types.jsonl": b'1\n"s"\nnull\ntrue\n[]\n[1,2]\n{}\n1e999\nNaN\n-Infinity\n',
        "duplicate keys.jsonl": b'{"messages": [], "messages": [{"role": "user", "content": "x"}]}\n',
        "cr only.jsonl": ((good + "\r") * 3).encode(),
        "crlf and bom.jsonl": b"\xef\xbb\xbf" + ((good + "\r\n") * 3).encode(),
        "latin-1.jsonl": good.replace("hi", "h\xe9").encode("latin-1"),
        "utf-16.jsonl": (good + "\n").encode("utf-16"),
        "whitespace.jsonl": b" \n\t\n\n  \n",
        "line separators \u2603.jsonl": (good.replace("hi", "h\u2028i\u0085") + "\n").encode(),
    }
    for i, value in enumerate((1, 1.5, True, None, "s", [], {}, [1], {"1": 2})):
        files[f"wrong types {i}.jsonl"] = _wrong_types(value).encode()
    rnd = random.Random(SEED)
    for i in range(6):
        files[f"random {i}.jsonl"] = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 300)))
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.jsonl")):
            data = path.read_bytes()[:4000]
            files[f"cut {path.name}"] = data[:rnd.randrange(1, len(data))]
            mutated = bytearray(data)
            for _ in range(10):
                mutated[rnd.randrange(len(mutated))] = rnd.randrange(256)
            files[f"mutated {path.name}"] = bytes(mutated)
    return files


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def assert_sane(proc, *, usage_ok: bool = True) -> None:
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text, text[-2000:]
    assert "internal error" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode in ((0, 1, 2) if usage_ok else (0, 1)), (proc.returncode, proc.stderr[-2000:])
    if proc.returncode == 2:
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


@pytest.fixture(scope="module")
def nasty(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("nasty") / "dir with space \u00fc"
    folder.mkdir()
    for name, data in nasty_inputs().items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_every_format_reports_without_crash_or_write(run_cli, nasty, fmt):
    before = _digest(nasty)
    proc = run_cli("check", "--select", "ALL", "--output-format", fmt, str(nasty))
    assert_sane(proc, usage_ok=False)  # bad content is a finding, never a usage error
    assert proc.returncode == 1
    assert _digest(nasty) == before


@pytest.mark.parametrize("flags", [("--target", "azure", "--method", "supervised"),
                                   ("--target", "together", "--method", "dpo", "--diff"),
                                   ("--target", "fireworks", "--model", "gpt-4.1-mini", "--statistics")])
def test_check_targets_methods_models(run_cli, nasty, flags):
    before = _digest(nasty)
    assert_sane(run_cli("check", *flags, str(nasty)), usage_ok=False)
    assert _digest(nasty) == before


def test_fix_on_a_copy_then_recheck(run_cli, nasty, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(nasty, copy)
    before = _digest(nasty)
    assert_sane(run_cli("check", "--fix", "--select", "ALL", str(copy)), usage_ok=False)
    fixed = _digest(copy)
    assert fixed != before  # 'crlf and bom', at least, was repaired
    assert_sane(run_cli("check", "--fix", "--select", "ALL", str(copy)), usage_ok=False)
    assert _digest(copy) == fixed  # a second --fix has nothing left to do
    assert _digest(nasty) == before


def test_stats(run_cli, nasty):
    before = _digest(nasty)
    assert_sane(run_cli("stats", "--output-format", "json", str(nasty)))
    assert_sane(run_cli("stats", "--method", "supervised", str(nasty / "deep sft.jsonl")))
    assert _digest(nasty) == before


@pytest.mark.parametrize("name", ["deep array.jsonl", "surrogate escape.jsonl", "5000 digits.jsonl",
                                  "wrong types 6.jsonl", "utf-16.jsonl", "random 0.jsonl", "bom only.jsonl"])
def test_convert(run_cli, nasty, tmp_path, name):
    before = _digest(nasty)
    assert_sane(run_cli("convert", str(nasty / name), "-o", str(tmp_path / "out.jsonl")))
    assert _digest(nasty) == before


# -- paths: each bad one exits 2 with a one-line reason that says what is wrong ------------------

@pytest.mark.parametrize("args, words", [
    (("check", ""), "empty path"),
    (("stats", ""), "empty path"),
    (("check", "--validation", "", "{good}"), "validation path is empty"),
    (("check", "--config", "", "{good}"), "--config: the path is empty"),
    (("convert", "", "-o", "{tmp}/x.jsonl"), "empty path"),
    (("convert", "{good}", "-o", ""), "empty path"),
    (("convert", "{good}", "-o", "{tmp}/no such folder/x.jsonl"), "not an existing folder"),
])
def test_bad_paths_exit_2_with_a_reason(run_cli, tmp_path, args, words):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD) + "\n")
    proc = run_cli(*(a.format(good=good, tmp=tmp_path) for a in args), cwd=tmp_path)
    assert_sane(proc)
    assert proc.returncode == 2 and words in proc.stderr, proc.stderr


def test_directory_symlink_and_unicode_names(run_cli, tmp_path):
    real = tmp_path / "r\u00e9al dir"
    real.mkdir()
    (real / "f \u2603.jsonl").write_text(json.dumps(GOOD) + "\n")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    proc = run_cli("check", str(tmp_path / "link"))
    assert_sane(proc)
    assert "f \u2603.jsonl" in proc.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fix_refuses_a_fifo_instead_of_hanging(run_cli, tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)

    def feed():  # a writer, so that reading does not block; opening blocks until the reader comes
        with contextlib.suppress(OSError):
            with open(fifo, "wb") as w:
                w.write((json.dumps(GOOD) + "\r\n").encode() * 3)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    proc = run_cli("check", "--fix", "--select", "ALL", str(fifo))
    assert_sane(proc)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr, proc.stderr
    if writer.is_alive():  # pftlint never opened the FIFO: release the writer
        with open(fifo, "rb") as r:
            r.read()
    writer.join(5)


# -- output: any file name on any console ------------------------------------------------------

@pytest.fixture
def odd_names(tmp_path) -> Path:
    """A file whose name is not UTF-8 (allowed on Linux), and one with a snowman in its name."""
    folder = tmp_path / "odd"
    folder.mkdir()
    try:
        with open(os.fsencode(folder) + b"/\xff\xfe bad.jsonl", "wb") as f:
            f.write(b'{"a": 1}\n\xff\r\n')
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    (folder / "snow \u2603.jsonl").write_text(json.dumps(GOOD, ensure_ascii=False).replace("hi", "h\u2192i") + "\n")
    return folder


@pytest.mark.parametrize("encoding", ["utf-8", "ascii", "cp1252"])
@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "github"])
def test_any_file_name_on_any_console(run_cli, odd_names, tmp_path, encoding, fmt):
    out = tmp_path / f"report.{fmt}"
    proc = run_cli("check", "--select", "ALL", "--output-format", fmt, "--output-file", str(out), str(odd_names),
                   cwd=odd_names, env={"PYTHONIOENCODING": encoding})  # strict errors, as on most desktops
    assert_sane(proc, usage_ok=False)
    assert "bad.jsonl" in proc.stdout and "snow" in proc.stdout
    if fmt in ("json", "sarif"):
        assert "bad.jsonl" in json.dumps(json.loads(out.read_text(encoding="utf-8")))


def test_stats_any_file_name_on_any_console(run_cli, odd_names):
    proc = run_cli("stats", str(odd_names), env={"PYTHONIOENCODING": "ascii"})
    assert_sane(proc)
