"""The benchmark tools work: the generator makes valid, clean, deterministic files of the size
asked for, and bench.py runs end to end on a tiny file. No timing is asserted here: speed is
measured by benchmarks/bench.py, not by the test suite."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pftlint import lint_path

REPO = Path(__file__).resolve().parent.parent
GENERATE = REPO / "benchmarks" / "generate.py"
BENCH = REPO / "benchmarks" / "bench.py"


def _module():
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _module()


def _generate(out: Path, size: str, *extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, str(GENERATE), "--size", size, "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.parametrize("text, size", [("50MB", 50_000_000), ("2MiB", 2 * 2**20), ("1500", 1500),
                                         ("0.5kb", 500), ("3 GB", 3 * 10**9)])
def test_parse_size(text, size):
    assert generate.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "fifty", "50XB", "-3MB"])
def test_parse_size_rejects(text):
    with pytest.raises(ValueError):
        generate.parse_size(text)


def test_generator_is_deterministic_and_sized(tmp_path):
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    _generate(a, "300KB", "--seed", "1")
    _generate(b, "300KB", "--seed", "1")
    _generate(c, "300KB", "--seed", "2")
    data = a.read_bytes()
    assert data == b.read_bytes()
    assert data != c.read_bytes()
    assert 300_000 - generate.MAX_RECORD_BYTES < len(data) <= 300_000
    assert data.endswith(b"\n")


def test_generator_streams_to_stdout(tmp_path):
    out = tmp_path / "x.jsonl"
    _generate(out, "40KB", "--seed", "5")
    proc = subprocess.run([sys.executable, str(GENERATE), "--size", "40KB", "--out", "-", "--seed", "5"],
                          capture_output=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout == out.read_bytes()


def test_bad_size_is_a_usage_error(tmp_path):
    proc = subprocess.run([sys.executable, str(GENERATE), "--size", "lots", "--out", str(tmp_path / "x.jsonl")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "not a size" in proc.stderr and "Traceback" not in proc.stderr


def _records(path: Path) -> list[dict]:
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    records = []
    for line in lines[:-1]:
        assert len(line) < generate.MAX_RECORD_BYTES
        record = json.loads(line)
        assert isinstance(record, dict)
        records.append(record)
    return records


def test_dpo_file_is_realistic_and_lints_clean(tmp_path):
    path = tmp_path / "dpo.jsonl"
    _generate(path, "1MB", "--seed", "3")
    records = _records(path)
    raw = path.read_text(encoding="utf-8")
    assert all(set(r) == {"input", "preferred_output", "non_preferred_output"} for r in records)
    inputs = [r["input"]["messages"] for r in records]
    assert any(m[0]["role"] == "system" for m in inputs) and any(m[0]["role"] != "system" for m in inputs)
    assert any(sum(msg["role"] == "user" for msg in m) > 1 for m in inputs)  # multi-turn
    assert any(r["input"].get("tools") for r in records)
    assert any("tool_calls" in msg for m in inputs for msg in m)
    assert any(ord(ch) > 0x2E80 for ch in raw)  # CJK or emoji
    assert any(ch in raw for ch in "éèüñ")
    assert "\\\\n" in raw  # code whose strings hold a backslash-n
    sizes = sorted(len(json.dumps(r, ensure_ascii=False)) for r in records)
    assert sizes[-1] > 3 * sizes[len(sizes) // 2]  # a long tail
    assert len({json.dumps(r, sort_keys=True) for r in records}) == len(records)
    result = lint_path(str(path)).files[0]
    assert result.records == len(records)
    assert [(f.rule, f.line, f.message) for f in result.findings] == []


def test_supervised_file_lints_clean(tmp_path):
    path = tmp_path / "sft.jsonl"
    _generate(path, "500KB", "--method", "supervised", "--seed", "4")
    records = _records(path)
    assert all("messages" in r and r["messages"][-1]["role"] == "assistant" for r in records)
    result = lint_path(str(path), method="supervised").files[0]
    assert result.method == "supervised"
    assert [(f.rule, f.line, f.message) for f in result.findings] == []


def test_bench_runs_on_a_tiny_file(tmp_path):
    path = tmp_path / "tiny.jsonl"
    _generate(path, "60KB", "--seed", "6")
    profile = tmp_path / "profile.txt"
    proc = subprocess.run([sys.executable, str(BENCH), str(path), "--repeat", "1", "--json",
                           "--profile-out", str(profile)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["machine"]["nproc"] >= 1 and doc["machine"]["python"]
    result = doc["benchmark"]
    lines = path.read_bytes().count(b"\n")
    assert result["records"] == lines == result["baseline"]["lines"]
    assert result["bytes"] == path.stat().st_size
    assert result["cli"]["exit_status"] == 0
    assert result["api_one_core"]["findings"] == 0
    assert result["ratio"] == pytest.approx(result["cli"]["seconds"] / result["baseline"]["seconds"])
    assert result["cli"]["max_process_rss_mb"] > 1
    text = profile.read_text(encoding="utf-8")
    assert "top 25 by cumulative" in text and "top 25 by own time" in text and "check_units" in text


def test_bench_memory_mode(tmp_path):
    proc = subprocess.run([sys.executable, str(BENCH), "--memory", "--sizes", "60KB,120KB", "--json",
                           "--data-dir", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    memory = json.loads(proc.stdout)["memory"]
    assert [r["size"] for r in memory["rows"]] == ["60KB", "120KB"]
    assert all(r["exit_status"] == 0 for r in memory["rows"])
    assert memory["peak_mb"] == max(r[memory["measure"]] for r in memory["rows"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dpo-120KB-seed0.jsonl", "dpo-60KB-seed0.jsonl"]


def test_bench_hostile_runs_on_tiny_inputs(tmp_path):
    script = REPO / "benchmarks" / "bench_hostile.py"
    proc = subprocess.run([sys.executable, str(script), "--work", str(tmp_path), "--roles", "3", "--sizes", "2KB",
                           "--tools", "2", "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["rows"]
    assert [(r["case"], r["kind"]) for r in rows] == [
        ("locate", None), ("memory", "words"), ("memory", "run"),
        ("tools", "distinct"), ("tools", "same"), ("tools", "distinct-full")]
    assert [r["status"] for r in rows] == [1, 1, 1, 0, 0, 0]  # bad roles and too-few-examples are errors
    assert all(r["peak_mb"] > 0 and r["seconds"] >= 0 for r in rows)
    assert (tmp_path / "roles-3.jsonl").read_text().count('"human"') == 3


def test_bench_startup_runs():
    from conftest import pftlint_command

    command = pftlint_command()
    if len(command) != 1:
        pytest.skip("no pftlint console script in this environment")
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_startup.py"), "--pftlint", command[0],
                           "--repeat", "1", "--load-repeat", "1", "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(doc["seconds"]) == {"python -c pass", "check", "check --model gpt-4.1-mini (table)"}
    loads = doc["tokenizer load (seconds, in a fresh interpreter)"]
    assert set(loads) == {"o200k_base", "cl100k_base"} and all(min(v.values()) > 0 and len(v) == 4 for v in loads.values())


def test_bench_stages_runs_and_each_stage_adds_to_the_one_before(tmp_path):
    path = tmp_path / "tiny.jsonl"
    _generate(path, "60KB", "--seed", "3")
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_stages.py"), str(path), "--repeat", "1",
                           "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["records"] == len(path.read_bytes().splitlines())
    stages = result["us_per_record"]
    assert list(stages) == ["json.loads loop", "msgspec typed decode", "reader", "reader + view",
                            "check, no dataset rules", "check"]
    assert all(us > 0 for us in stages.values())
    text = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_stages.py"), str(path), "--repeat", "1"],
                          capture_output=True, text=True, timeout=300)
    assert text.returncode == 0 and "check, no dataset rules" in text.stdout, text.stderr
