"""``pftlint stats`` for trainers: every format counted through the view, and with --tokenizer the pairs as
TRL's DPOTrainer tokenizes them (per side, dropped and truncated at max_length, the histogram), as JSON,
table and Markdown, through the real console script with the network blocked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hf_helpers import block_sockets, build_tokenizer, fake_cache, offline_env

USER = "how do plants grow? the weather in Oslo is cold and wet today"
SHORT, LONG = "with light", "with light and water, and the weather in Oslo is cold and wet today"


def conversational(user: str, chosen: str, rejected: str) -> dict:
    return {"prompt": [{"role": "user", "content": user}], "chosen": [{"role": "assistant", "content": chosen}],
            "rejected": [{"role": "assistant", "content": rejected}]}


def openai(user: str, chosen: str, rejected: str) -> dict:
    return {"input": {"messages": [{"role": "user", "content": user}]},
            "preferred_output": [{"role": "assistant", "content": chosen}],
            "non_preferred_output": [{"role": "assistant", "content": rejected}]}


PAIRS = [(USER, SHORT, LONG), ("hello, how can I help you today?", LONG, SHORT), ("how do plants grow?", SHORT, SHORT)]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    block_sockets(monkeypatch)


@pytest.fixture
def offline(tmp_path) -> dict:
    return offline_env(tmp_path / "guard")


def write(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def stats(run_cli, env, *args: str) -> dict:
    proc = run_cli("stats", "--isolated", "--output-format", "json", *args, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_trl_records_are_counted_as_their_openai_twins(run_cli, offline, tmp_path):
    trl = write(tmp_path / "trl.jsonl", [conversational(*p) for p in PAIRS])
    twin = write(tmp_path / "openai.jsonl", [openai(*p) for p in PAIRS])
    text = write(tmp_path / "text.jsonl", [{"prompt": p, "chosen": c, "rejected": r} for p, c, r in PAIRS])
    [a] = stats(run_cli, offline, str(trl))["files"]
    [b] = stats(run_cli, offline, str(twin))["files"]
    [c] = stats(run_cli, offline, str(text))["files"]
    assert a["examples"] == 3 and a["skipped"] == 0
    assert {k: v for k, v in a.items() if k != "path"} == {k: v for k, v in b.items() if k != "path"}
    assert c["examples"] == 3 and c["tokens"] == a["tokens"]  # a text pair is one user and one assistant turn


def _expected(model, pairs):
    """Per pair (prompt, prompt+chosen, prompt+rejected), rendered and encoded here step by step."""
    out = []
    for user, chosen, rejected in pairs:
        prompt = [{"role": "user", "content": user}]
        lengths = [len(model.encode(model.render(prompt, add_generation_prompt=True)))]
        for reply in (chosen, rejected):
            lengths.append(len(model.encode(model.render(prompt + [{"role": "assistant", "content": reply}]))))
        out.append(lengths)
    return out


def test_tokenizer_figures_per_side_dropped_and_truncated(run_cli, offline, tmp_path):
    pytest.importorskip("tokenizers")
    pytest.importorskip("jinja2")
    from pftlint.tokens import hf

    folder = build_tokenizer(tmp_path / "tok")
    model = hf.load(str(folder))
    expected = _expected(model, PAIRS)
    prompts = sorted(p for p, _, _ in expected)
    max_length = prompts[-1]  # the longest prompt reaches it: that row is dropped
    data = write(tmp_path / "d.jsonl", [conversational(*p) for p in PAIRS] + [{"prompt": "a", "completion": "b",
                                                                               "label": True}])
    doc = stats(run_cli, offline, "--target", "trl", "--tokenizer", str(folder), "--max-length", str(max_length),
                str(data))
    assert doc["trainer"] == {"tokenizer": str(folder), "max_length": max_length, "truncation_mode": "keep_start"}
    [f] = doc["files"]
    t = f["trainer"]
    kept = [e for e in expected if e[0] < max_length]
    assert t["pairs"] == 3 and f["skipped"] == 1 and t["not_tokenized"] == 0
    assert t["dropped"]["count"] == len(expected) - len(kept)
    assert t["prompt"] == {"mean": round(sum(e[0] for e in expected) / 3, 1), "max": max(e[0] for e in expected)}
    for i, side in ((1, "chosen"), (2, "rejected")):
        lost = [e[i] - max_length for e in kept if e[i] > max_length]
        assert t[side]["truncated"] == len(lost) and t[side]["tokens_lost"] == sum(lost)
        assert t[side]["max"] == max(e[i] - e[0] for e in expected)
    assert t["truncated"]["count"] == sum(1 for e in kept if max(e[1:]) > max_length)
    sizes = sorted(max(e[1:]) for e in expected)
    assert (f["tokens"]["min"], f["tokens"]["max"]) == (sizes[0], sizes[-1])
    assert sum(b["count"] for b in f["histogram"]) == 3


def test_a_model_id_and_the_markdown_table(run_cli, offline, tmp_path):
    pytest.importorskip("tokenizers")
    pytest.importorskip("jinja2")
    fake_cache(tmp_path / "hub", "acme/tiny-chat", build_tokenizer(tmp_path / "tok"))
    env = {**offline, "HF_HUB_CACHE": str(tmp_path / "hub")}
    data = write(tmp_path / "d|x.jsonl", [conversational(*p) for p in PAIRS])
    proc = run_cli("stats", "--isolated", "--target", "trl", "--tokenizer", "acme/tiny-chat", "--max-length", "20",
                   "--output-format", "markdown", str(data), env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "tokenizer `acme/tiny-chat`, max_length 20" in lines[0]
    assert any(line.startswith("### ") and "d\\|x.jsonl" in line for line in lines)  # a pipe in the name is escaped
    rows = [line for line in lines if line.startswith("| ")]
    assert any(line.startswith("| dropped at max_length 20 |") for line in rows)
    assert all(line.count(" | ") - line.count("\\| ") >= 1 and line.endswith("|") for line in rows)
    table = run_cli("stats", "--isolated", "--target", "trl", "--tokenizer", "acme/tiny-chat", str(data), env=env)
    assert table.returncode == 0 and "tokens per side, mean" in table.stdout


def test_markdown_without_a_tokenizer(run_cli, offline, tmp_path):
    data = write(tmp_path / "d.jsonl", [openai(*p) for p in PAIRS])
    proc = run_cli("stats", "--isolated", "--output-format", "markdown", str(data), env=offline)
    assert proc.returncode == 0, proc.stderr
    assert "| examples | 3 |" in proc.stdout and "| tokens per example | examples |" in proc.stdout
