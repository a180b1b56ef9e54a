"""`pftlint stats` figures: consistent with each other and the same in the JSON and the table.

Every file (the shipped examples, the real corpus, generated files) must give min <= median <=
max, min <= mean <= max, median <= p90 <= max, and a table that prints the JSON's numbers.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint import stats
from pftlint.reporters import stats_table

EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "examples"
EXAMPLES = sorted(EXAMPLE_DIR.glob("*.jsonl"))
SETTINGS = stats.Settings("openai", "gpt-4.1-2025-04-14", jobs=1)


def _assert_consistent(doc: dict) -> None:
    for f in doc["files"]:
        t = f["tokens"]
        if not f["examples"]:
            assert t["min"] is t["max"] is t["mean"] is None, f["path"]
            continue
        where = f"{f['path']}: {t}"
        assert t["min"] <= t["median"] <= t["max"], where
        assert t["min"] <= t["mean"] <= t["max"], where
        assert t["median"] <= t["p90"] <= t["max"], where
        assert sum(b["count"] for b in f["histogram"]) == f["examples"], where
        # the total counts every token once: at least the sizes (a DPO input plus its longer output)
        assert t["total"] >= t["mean"] * f["examples"] - 0.05 * f["examples"], where
        if f["method"] == "dpo":
            assert f["billed_tokens"] == f["epochs"] * t["total"], where  # DPO: uncapped, input once
        else:
            assert round(t["total"] / f["examples"], 1) == t["mean"], where
        _assert_table_agrees(doc, f)


def _row(table: str, label: str) -> str:
    match = re.search(rf"│ {re.escape(label)}\s+│ (.*?)\s*│", table)
    assert match, f"no {label!r} row in\n{table}"
    return match[1]


def _assert_table_agrees(doc: dict, f: dict) -> None:
    one = {**doc, "files": [f]}
    out = io.StringIO()
    stats_table.render(one, out, color=False)
    table = out.getvalue()
    t = f["tokens"]
    assert _row(table, "examples").split()[0] == f"{f['examples']:,}"
    assert _row(table, "total tokens") == f"{t['total']:,}"
    assert _row(table, "tokens per example") == (
        f"min {t['min']:,} · median {t['median']:,} · p90 {t['p90']:,} · max {t['max']:,} · mean {t['mean']:,.1f}")
    assert _row(table, "epochs (default heuristic)") == f"{f['epochs']:,}"
    assert _row(table, "billed tokens") == f"{f['billed_tokens']:,}"
    counts = [int(c.replace(",", "")) for c in re.findall(r"│ █+\s+([\d,]+)", table)]
    full = [b["count"] for b in f["histogram"] if b["count"]]
    if len(full) == 1:  # one bin: said in a sentence, no bars
        said = "the one example has" if full[0] == 1 else f"all {full[0]:,} examples have"
        assert counts == [] and f"tokens per example: {said} " in table
    else:
        assert counts == full


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one table row per line, whatever the figures


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_figures_are_consistent(path):
    _assert_consistent(stats.compute([str(path)], SETTINGS))


def test_clean_dpo_mean_is_a_mean_of_the_per_example_tokens():
    # the mean once divided the total (input once, both outputs) by the examples: 88.9 > max 87
    [f] = stats.compute([str(EXAMPLE_DIR / "clean-dpo.jsonl")], SETTINGS)["files"]
    assert f["tokens"]["mean"] <= f["tokens"]["max"]


def test_corpus_figures_are_consistent(corpus):
    files = sorted(str(p) for p in corpus.glob("*.jsonl"))
    doc = stats.compute(files, SETTINGS)
    assert any(f["examples"] for f in doc["files"])
    _assert_consistent(doc)


def test_billing_note_says_what_is_multiplied():
    doc = stats.compute([str(EXAMPLES[0])], SETTINGS)
    [note] = [n for n in doc["notes"] if n.startswith("billed tokens")]
    assert "epochs x tokens per example" not in note  # it is epochs x the file's training tokens
    assert "epochs x training tokens, summed over the examples" in note
    assert "input once plus both outputs" in note


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
_MSG = st.fixed_dictionaries({"role": st.sampled_from(["user", "system"]), "content": _TEXT})


def _dpo_records():
    return st.builds(lambda prompt, a, b: {"input": {"messages": prompt},
                                           "preferred_output": [{"role": "assistant", "content": a}],
                                           "non_preferred_output": [{"role": "assistant", "content": b}]},
                     st.lists(_MSG, min_size=1, max_size=3), _TEXT, _TEXT)


def _sft_records():
    return st.builds(lambda prompt, a: {"messages": [*prompt, {"role": "assistant", "content": a}]},
                     st.lists(_MSG, min_size=1, max_size=3), _TEXT)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(_dpo_records(), min_size=1, max_size=12),
                 st.lists(_sft_records(), min_size=1, max_size=12)),
       st.sampled_from(["gpt-4.1-2025-04-14", "gpt-3.5-turbo-0613"]))
def test_generated_figures_are_consistent(records, model):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gen.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        doc = stats.compute([str(path)], stats.Settings("openai", model, jobs=1))
    assert doc["files"][0]["examples"] == len(records)
    _assert_consistent(doc)
