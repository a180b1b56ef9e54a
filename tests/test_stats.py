"""`pftlint stats`: the numbers, the JSON contract and the terminal rendering."""

from __future__ import annotations

import json

import pytest

from pftlint import stats
from pftlint.util import distribution
from pftlint.util.progress import PROGRESS_MIN_BYTES, ByteProgress, files_progress
from pftlint.tokens.counting import O200K, get_encoding


def _n(text: str) -> int:
    return len(get_encoding(O200K).encode(text, disallowed_special=()))


def _dpo(prompt: str, preferred: str, rejected: str) -> dict:
    return {"input": {"messages": [{"role": "user", "content": prompt}]},
            "preferred_output": [{"role": "assistant", "content": preferred}],
            "non_preferred_output": [{"role": "assistant", "content": rejected}]}


PAIRS = [
    ("What is 2 + 2?", "2 + 2 is 4.", "5"),
    ("Name a prime number.", "7 is prime.", "7 is prime."),
    ("Say hello in French.", "Bonjour", "Bonjour ! Comment allez-vous aujourd'hui ?"),
    ("Capital of Japan?", "Tokyo is the capital of Japan.", "Kyoto"),
]


def _expected_pairs():
    """(input, preferred, non-preferred) tokens, computed by hand from the chat format (§2)."""
    out = []
    for prompt, pref, rej in PAIRS:
        inp = 3 + 3 + _n("user") + _n(prompt)
        out.append((inp, 3 + _n("assistant") + _n(pref), 3 + _n("assistant") + _n(rej)))
    return out


@pytest.fixture
def dpo_file(tmp_path):
    path = tmp_path / "prefs.jsonl"
    path.write_text("".join(json.dumps(_dpo(*p)) + "\n" for p in PAIRS) + json.dumps({"messages": []}) + "\n")
    return path


def test_json_is_pinned(run_cli, dpo_file):
    proc = run_cli("stats", str(dpo_file), "--output-format", "json", "--model", "gpt-4.1-mini", "--isolated")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(doc) == {"version", "target", "model", "encoding", "limit", "training_price_per_million", "files", "notes"}
    assert (doc["target"], doc["model"], doc["encoding"], doc["limit"], doc["training_price_per_million"]) == (
        "openai", "gpt-4.1-mini-2025-04-14", "o200k_base", 65_536, 5.0)
    [f] = doc["files"]
    pairs = _expected_pairs()
    sizes = sorted(i + max(p, r) for i, p, r in pairs)
    total = sum(i + p + r for i, p, r in pairs)
    epochs = 25  # 4 examples: min(25, 100 // 4)
    assert f == {
        "path": str(dpo_file),
        "method": "dpo",
        "examples": 4,
        "skipped": 1,
        "unreadable_lines": 0,
        "first_unreadable": None,
        "invalid_utf8_lines": 0,
        "first_invalid_utf8": None,
        "error": None,
        "tokens": {"total": total, "mean": round(sum(sizes) / 4, 1), "min": sizes[0], "median": sizes[1],
                   "p90": sizes[3], "max": sizes[3]},
        "over_limit": {"count": 0, "share": 0.0},
        "preference": {
            "preferred_tokens_mean": round(sum(p for _, p, _ in pairs) / 4, 1),
            "non_preferred_tokens_mean": round(sum(r for _, _, r in pairs) / 4, 1),
            "preferred_longer": sum(p > r for _, p, r in pairs),
            "non_preferred_longer": sum(r > p for _, p, r in pairs),
            "equal": sum(p == r for _, p, r in pairs),
            "preferred_longer_share": round(sum(p > r for _, p, r in pairs) / 4, 4),
        },
        "epochs": epochs,
        "billed_tokens": total * epochs,
        "cost_usd": round(total * epochs * 5.0 / 1e6, 2),
        "histogram": distribution.histogram(sizes),
    }
    assert f["preference"]["preferred_longer"] == 2 and f["preference"]["equal"] == 1
    assert sum(b["count"] for b in f["histogram"]) == 4


def test_supervised_billing_caps_at_the_limit_and_counts_over(tmp_path, run_cli):
    path = tmp_path / "sft.jsonl"
    rows = [{"messages": [{"role": "user", "content": "word " * n}, {"role": "assistant", "content": "ok"}]}
            for n in (10, 20_000)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    proc = run_cli("stats", str(path), "--output-format", "json", "--model", "gpt-3.5-turbo-0613", "--isolated")
    [f] = json.loads(proc.stdout)["files"]
    assert f["method"] == "supervised" and f["preference"] is None
    assert f["over_limit"] == {"count": 1, "share": 0.5}
    assert f["tokens"]["max"] > 4096
    assert f["billed_tokens"] == (f["tokens"]["min"] + 4096) * f["epochs"]


def _small_chunks(monkeypatch):
    """Make a small file count in chunks, with worker processes; returns, per file cut into chunks,
    whether the chunks gave its figures (False: it fell back to one pass)."""
    from pftlint.engine import parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_CHUNK", 4096)
    monkeypatch.setattr(parallel, "MAX_CHUNK", 4096)
    chunked = []
    prepare, finish = stats._CountJob.prepare, stats._CountJob.finish

    def spy_prepare(self, *args):
        chunked.append(False)
        return prepare(self, *args)

    def spy_finish(self, *args):
        chunked[-1] = True
        return finish(self, *args)

    monkeypatch.setattr(stats._CountJob, "prepare", spy_prepare)
    monkeypatch.setattr(stats._CountJob, "finish", spy_finish)
    return chunked


def test_chunks_give_the_same_numbers(tmp_path, monkeypatch):
    path = tmp_path / "many.jsonl"
    lines = [json.dumps(_dpo(f"question {i} " * (i % 7), "answer " * (i % 13), "no " * (i % 5))) + "\n"
             for i in range(2000)]
    lines[5] = json.dumps({"messages": [{"role": "user", "content": "hi"}]}) + "\n"  # another format: skipped
    path.write_text("".join(lines))
    one = stats.compute([str(path)], stats.Settings("openai", "gpt-4.1-2025-04-14", jobs=1))
    chunked = _small_chunks(monkeypatch)
    two = stats.compute([str(path)], stats.Settings("openai", "gpt-4.1-2025-04-14", jobs=2))
    assert chunked == [True]  # counted by worker processes, in chunks
    assert one == two and one["files"][0]["examples"] == 1999 and one["files"][0]["skipped"] == 1


def test_a_file_chunks_cannot_cut_is_counted_in_one_pass(tmp_path, monkeypatch):
    path = tmp_path / "pretty.jsonl"
    records = [_dpo(f"question {i} " * (i % 7), "answer " * (i % 13), "no") for i in range(400)]
    # a record pretty-printed over several lines in the middle: a chunk boundary could fall inside it
    path.write_text("".join(json.dumps(r) + "\n" for r in records[:200]) + json.dumps(records[200], indent=2)
                    + "\n" + "".join(json.dumps(r) + "\n" for r in records[201:]))
    one = stats.compute([str(path)], stats.Settings("openai", "gpt-4.1-2025-04-14", jobs=1))
    chunked = _small_chunks(monkeypatch)
    two = stats.compute([str(path)], stats.Settings("openai", "gpt-4.1-2025-04-14", jobs=2))
    assert chunked == [False]  # fell back to one pass
    assert one == two and one["files"][0]["examples"] == 400


def test_no_default_model_counts_an_estimate(dpo_file, run_cli):
    doc = json.loads(run_cli("stats", str(dpo_file), "--target", "together", "--output-format", "json",
                             "--isolated").stdout)
    assert doc["model"] is None and doc["limit"] is None and doc["files"][0]["over_limit"] is None
    assert doc["files"][0]["cost_usd"] is None
    assert any("no default-model" in n for n in doc["notes"])


def test_table_is_readable(dpo_file, run_cli):
    proc = run_cli("stats", str(dpo_file), "--isolated")
    assert proc.returncode == 0
    out = proc.stdout
    for label in ("gpt-4.1-2025-04-14", "examples", "total tokens", "tokens per example", "over the limit",
                  "preferred output longer", "epochs", "billed tokens", "training cost"):
        assert label in out, label
    assert ("histogram" in out and "█" in out) or "tokens per example: all " in out  # one bin: a sentence
    assert "\x1b[" not in out  # piped: no colour codes
    assert proc.stderr == ""  # and no progress bar


def test_unknown_model_is_exit_2(dpo_file, run_cli):
    proc = run_cli("stats", str(dpo_file), "--model", "gpt-9", "--isolated")
    assert proc.returncode == 2
    assert "gpt-4.1-2025-04-14" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_missing_file_is_exit_2(tmp_path, run_cli):
    proc = run_cli("stats", str(tmp_path / "nope.jsonl"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("n", "epochs"), [(1, 25), (4, 25), (10, 10), (33, 3), (34, 3), (8333, 3),
                                           (8334, 2), (12_500, 2), (30_000, 1), (0, 0)])
def test_default_epochs_heuristic(n, epochs):
    assert stats.default_epochs(n) == epochs


def test_percentile_and_histogram():
    data = list(range(1, 11))
    assert distribution.percentile(data, 50) == 5 and distribution.percentile(data, 90) == 9 and distribution.percentile([], 50) is None
    bins = distribution.histogram([1, 32, 33, 64, 65, 1000])
    assert bins[0] == {"min": 0, "max": 32, "count": 2}
    assert bins[1] == {"min": 33, "max": 64, "count": 2}
    assert bins[-1] == {"min": 513, "max": 1024, "count": 1}
    assert distribution.histogram([]) == []
    assert distribution.histogram([5000])[0]["min"] == 4097  # leading empty bins dropped


def test_progress_only_on_a_terminal(tmp_path, monkeypatch):
    import io

    big = ByteProgress("x", PROGRESS_MIN_BYTES, stream=io.StringIO())
    assert big.bar is None  # not a terminal

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    on = ByteProgress("x", PROGRESS_MIN_BYTES, stream=tty)
    assert on.bar is not None
    assert list(on.wrap(io.BytesIO(b"a\n" * 10))) == [b"a\n"] * 10
    assert ByteProgress("x", 1000, stream=Tty()).bar is None  # a small file: no bar


def test_check_progress_tracks_files(tmp_path):
    import io

    from pftlint.util.progress import tracked

    class Tty(io.StringIO):
        def isatty(self):
            return True

    small = tmp_path / "a.jsonl"
    small.write_text("{}\n")
    with files_progress([str(small)], stream=Tty()) as done:
        seen = []
        assert list(tracked([str(small)], lambda p: seen.append(p) or done(p))) == [str(small)]
        assert seen == [str(small)]
    big = tmp_path / "big.jsonl"
    big.write_bytes(b"{}\n" * (PROGRESS_MIN_BYTES // 3 + 1))
    tty = Tty()
    with files_progress([str(big)], stream=tty) as done:
        done(str(big))
    piped = io.StringIO()
    with files_progress([str(big)], stream=piped) as done:
        done(str(big))
    assert piped.getvalue() == ""
