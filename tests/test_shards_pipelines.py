"""The README's sharded examples (examples/shards_*.py), run as written: `datasets` with num_proc, and Dask."""

from __future__ import annotations

import importlib.util
import os
import socket
from pathlib import Path

import pytest

from conftest import REPO

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ROWS = 2500  # three batches of the datasets example, four Dask shards: every planted pair crosses shards


def example(name: str):
    spec = importlib.util.spec_from_file_location(f"pftlint_example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pair(i: int, good: str = "a fine answer", bad: str = "a poor one") -> dict:
    return {"input": {"messages": [{"role": "user", "content": f"question {i}"}]},
            "preferred_output": [{"role": "assistant", "content": good}],
            "non_preferred_output": [{"role": "assistant", "content": bad}]}


@pytest.fixture
def dataset(monkeypatch):
    """A Dataset with a copy, a swapped pair and a bad role far from their first rows (other shards)."""
    datasets = pytest.importorskip("datasets")

    def refuse(*args, **kwargs):
        raise AssertionError("the example tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    # map(num_proc=...) puts a copy in place of os.environ (datasets' arrow_dataset.py); a module that holds
    # the original (rich's Console) would miss the later tests' monkeypatch.setenv: the original comes back
    monkeypatch.setattr(os, "environ", os.environ)
    rows = [pair(i) for i in range(ROWS)]
    rows[2400] = pair(5)                                      # duplicate-example of row 5
    rows[1500] = pair(10, "a poor one", "a fine answer")      # conflicting-preference with row 10
    rows[1999]["input"]["messages"][0]["role"] = "human"     # a record rule's finding, at its row
    return datasets.Dataset.from_list(rows)


def expected(dataset):
    from pftlint.api import lint_dataset

    result = lint_dataset(dataset, target="openai")
    found = {(f.line, f.rule) for f in result.findings}
    assert {(2401, "duplicate-example"), (1501, "conflicting-preference"), (2000, "invalid-role")} <= found
    return result


def test_the_datasets_example_gives_one_pass_findings(dataset):
    merged = example("shards_datasets").lint_in_shards(dataset)
    one_pass = expected(dataset)
    assert merged.findings == one_pass.findings
    assert (merged.records, merged.lines, merged.bytes) == (one_pass.records, one_pass.lines, one_pass.bytes)


@pytest.mark.optional
def test_the_dask_example_gives_one_pass_findings(dataset):
    pytest.importorskip("dask")
    merged = example("shards_dask").lint_in_shards(dataset)  # the local scheduler, processes
    one_pass = expected(dataset)
    assert merged.findings == one_pass.findings
    assert (merged.records, merged.lines, merged.bytes) == (one_pass.records, one_pass.lines, one_pass.bytes)


def test_the_readme_quotes_the_examples_as_they_are():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("shards_datasets.py", "shards_dask.py"):
        code = (REPO / "examples" / name).read_text(encoding="utf-8")
        assert f"(`examples/{name}`" in readme and f"```python\n{code}```" in readme, name
