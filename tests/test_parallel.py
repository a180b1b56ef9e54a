"""Linting a large file on several cores gives exactly the findings of one pass."""

from __future__ import annotations

import json
import os
import random
import time

import pytest

from pftlint.engine import linter as linter_module
from pftlint.engine import parallel, runner
from pftlint.api import make_linter

RULES = dict(extend_select=["crlf-line-endings", "missing-final-newline", "duplicate-prompt"])


def _record(i: int, rng: random.Random) -> dict:
    words = " ".join(rng.choice(["alpha", "beta", "gamma", "delta", "über", "naïve", "日本"]) for _ in range(40))
    return {"input": {"messages": [{"role": "user", "content": f"Question {i % 700}: {words}"}]},
            "preferred_output": [{"role": "assistant", "content": f"Answer {i}: {words}"}],
            "non_preferred_output": [{"role": "assistant", "content": f"Wrong {i}."}]}


def chunk_lines(n: int = 3000) -> list[bytes]:
    rng = random.Random(7)
    lines = [json.dumps(_record(i, rng), ensure_ascii=False).encode() for i in range(n)]
    lines[2500] = lines[100]  # a duplicate across chunks
    swapped = json.loads(lines[42])
    swapped["preferred_output"], swapped["non_preferred_output"] = \
        swapped["non_preferred_output"], swapped["preferred_output"]
    lines[2900] = json.dumps(swapped, ensure_ascii=False).encode()
    return lines


BREAKAGES = {
    "clean": lambda ls: b"\n".join(ls) + b"\n",
    "blank lines": lambda ls: b"\n".join(l + (b"\n\n" if i % 400 == 3 else b"") for i, l in enumerate(ls)) + b"\n\n",
    "crlf": lambda ls: b"\n".join(l + (b"\r" if i % 500 == 9 else b"") for i, l in enumerate(ls)) + b"\n",
    "no final newline": lambda ls: b"\n".join(ls),
    "glued": lambda ls: b"\n".join(l + (b"\\n" + l if i == 1700 else b"") for i, l in enumerate(ls)) + b"\n",
    "invalid line": lambda ls: b"\n".join(l[:-1] if i == 1200 else l for i, l in enumerate(ls)) + b"\n",
    "pretty record": lambda ls: b"\n".join(
        json.dumps(json.loads(l), indent=2).encode() if i == 2000 else l for i, l in enumerate(ls)) + b"\n",
    "bad utf-8": lambda ls: b"\n".join(l.replace(b"Answer", b"Ans\xffwer") if i == 800 else l
                                       for i, l in enumerate(ls)) + b"\n",
}


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "MIN_CHUNK", 64 * 1024)


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_same_findings_as_one_pass(breakage, tmp_path, small_chunks):
    path = tmp_path / "data.jsonl"
    path.write_bytes(BREAKAGES[breakage](chunk_lines()))
    results = []
    for jobs in (1, 2):
        report = runner.run(make_linter(**RULES), [str(path)], jobs)
        results.append(([f.to_dict() for f in report.findings], report.files[0].to_dict()))
    assert results[0] == results[1]
    rules = {f["rule"] for f in results[0][0]}
    assert {"duplicate-example", "conflicting-preference", "duplicate-prompt"} <= rules


def test_chunks_are_really_used(tmp_path, small_chunks, monkeypatch):
    path = tmp_path / "data.jsonl"
    path.write_bytes(BREAKAGES["clean"](chunk_lines()))
    size = path.stat().st_size
    with open(path, "rb") as stream:
        assert len(parallel.boundaries(stream, size, parallel.MIN_CHUNK)) > 4
    done = []  # (process id, chunk start) of every chunk linted, written by the process that linted it
    log = tmp_path / "chunks.log"
    chunk = runner._CheckJob.chunk

    def spy(self, piece):
        if os.getpid() != main:
            time.sleep(0.02)  # slow workers: the main process must take chunks too, not only wait
        with open(log, "a") as out:
            out.write(f"{os.getpid()} {piece.start}\n")
        return chunk(self, piece)

    one_pass = []
    monkeypatch.setattr(runner._CheckJob, "chunk", spy)
    monkeypatch.setattr(runner._CheckJob, "one_pass", lambda *args: one_pass.append(args))
    monkeypatch.setattr(parallel, "MAX_CHUNK", parallel.MIN_CHUNK)  # chunks of MIN_CHUNK, as counted above
    main = os.getpid()
    result = runner.lint_file(make_linter(), str(path), 2)
    assert one_pass == [] and result.records == 3000  # no fallback to one pass
    done = [line.split() for line in log.read_text().splitlines()]
    with open(path, "rb") as stream:
        starts = [str(start) for start, _ in parallel.boundaries(stream, size, parallel.MIN_CHUNK)]
    assert sorted(start for _, start in done) == sorted(starts)  # every chunk exactly once
    pids = {pid for pid, _ in done}
    assert str(main) in pids and len(pids) == 2  # the main process and the worker both linted chunks


def test_boundaries_never_split_blank_runs(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"".join(b"{}\n" + (b"\n \n" if i % 7 == 0 else b"") for i in range(5000)))
    with open(path, "rb") as stream:
        bounds = parallel.boundaries(stream, path.stat().st_size, 1000)
    data = path.read_bytes()
    assert len(bounds) > 5 and bounds[0][0] == 0 and bounds[-1][1] == len(data)
    for (start, end), (next_start, _) in zip(bounds, bounds[1:]):
        assert end == next_start
        assert data[start:end].endswith(b"}\n") and data[next_start:next_start + 1] == b"{"


def test_key_columns_transpose_the_keys():
    keyed = [(1, (b"\x00" * 16, None, True)), (70000, (b"ab", b"c" * 32, False)), (2 ** 33, (None, None, None))]
    lines, columns = linter_module.key_columns(keyed, 3)
    assert lines == [1, 70000, 2 ** 33]
    assert [tuple(zip(lines, column)) for column in columns] == \
        [tuple((line, keys[i]) for line, keys in keyed) for i in range(3)]
    assert linter_module.key_columns([], 2) == ([], [(), ()])


@pytest.mark.parametrize("breakage", ["clean", "invalid line"])
def test_validation_overlap_same_on_two_cores(breakage, tmp_path, small_chunks):
    lines = chunk_lines()
    train = tmp_path / "train.jsonl"
    train.write_bytes(BREAKAGES[breakage](lines))
    valid = tmp_path / "valid.jsonl"
    valid.write_bytes(b"\n".join([lines[10], lines[2000], lines[2999]]) + b"\n")
    results = []
    for jobs in (1, 2):
        linter = make_linter(rules={"train-validation-overlap": {"validation": str(valid)}})
        report = runner.run(linter, [str(valid), str(train)], jobs)
        results.append([f.to_dict() for f in report.findings])
    assert results[0] == results[1]
    assert sum(f["rule"] == "train-validation-overlap" for f in results[0]) >= 4


def test_an_error_in_a_worker_is_raised_in_the_main_process(tmp_path, small_chunks, monkeypatch):
    path = tmp_path / "data.jsonl"
    path.write_bytes(BREAKAGES["clean"](chunk_lines()))
    chunk = runner._CheckJob.chunk
    main = os.getpid()

    def failing(self, piece):
        if os.getpid() != main:
            raise OSError(5, "Input/output error", str(path))
        time.sleep(0.02)  # a slow main process: the worker surely takes a chunk
        return chunk(self, piece)

    monkeypatch.setattr(runner._CheckJob, "chunk", failing)
    with pytest.raises(OSError, match="Input/output error"):
        runner.lint_file(make_linter(), str(path), 2)


def _trl(line: bytes, text: bool) -> bytes:
    """An OpenAI-layout line of chunk_lines() written as a TRL record (conversational, or standard text)."""
    record = json.loads(line)
    prompt, chosen, rejected = (record["input"]["messages"], record["preferred_output"],
                                record["non_preferred_output"])
    if text:
        row = {"prompt": prompt[0]["content"], "chosen": chosen[0]["content"], "rejected": rejected[0]["content"]}
    else:
        row = {"prompt": prompt, "chosen": chosen, "rejected": rejected}
    return json.dumps(row, ensure_ascii=False).encode()


@pytest.mark.parametrize("text", [False, True], ids=["conversational", "standard"])
@pytest.mark.parametrize("target", ["openai", "trl"])
@pytest.mark.parametrize("breakage", ["clean", "blank lines", "invalid line"])
def test_trl_file_same_findings_in_chunks(text, target, breakage, tmp_path, small_chunks, monkeypatch):
    lines = [_trl(line, text) for line in chunk_lines()]
    lines[1500] = lines[1500].replace(b'"rejected": ', b'"rejected": "" , "x": ', 1) if text else lines[1500]
    lines[2100] = chunk_lines()[2100]  # one record in OpenAI's layout: wrong-format marks it
    path = tmp_path / "trl.jsonl"
    path.write_bytes(BREAKAGES[breakage](lines))
    results = []
    for jobs in (1, 2):
        report = runner.run(make_linter(target=target, **RULES), [str(path)], jobs)
        results.append(([f.to_dict() for f in report.findings], report.files[0].to_dict()))
    assert results[0] == results[1]
    rules = [f["rule"] for f in results[0][0]]
    assert {"duplicate-example", "conflicting-preference", "duplicate-prompt"} <= set(rules)
    assert rules.count("wrong-format") == (1 if target == "trl" else 2)  # the file's (default target), the record's
    if breakage == "clean":  # really read in chunks: no fallback to one pass
        one_pass = []
        monkeypatch.setattr(runner._CheckJob, "one_pass", lambda *args: one_pass.append(args))
        assert runner.lint_file(make_linter(target=target), str(path), 2).records == 3000 and one_pass == []
