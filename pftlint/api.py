"""The Python API, for notebooks and pipelines: findings as objects, no printing.

>>> from pftlint import lint_records
>>> result = lint_records([{"messages": [{"role": "user", "content": "Hi"}]}],
...                       method="supervised", ignore=["too-few-examples"])
>>> [f.rule for f in result.findings]
['no-assistant-message']

``lint_dataset`` does the same for a ``datasets.Dataset`` (rows streamed, ``line`` = the 1-based row).

Settings are keyword arguments with the config file's names in snake_case:
``target``, ``method``, ``select``, ``extend_select``, ``ignore``, ``model`` and ``rules``
(per-rule ``{"rule-name": {"severity": ..., "<option>": ...}}``). They are checked
as the config file and the flags are (pftlint.profiles.config): bad settings raise
``ValueError`` naming the keyword; a path that cannot be read raises ``OSError``; a record
that is not JSON-serialisable raises ``TypeError``. Nothing is printed and no
file is written.
"""

from __future__ import annotations

import os
from typing import Any, Iterable

from .engine.findings import FileResult, Report
from .engine.linter import Linter
from .engine.selection import resolve
from .profiles.config import from_keywords
from .profiles.targets import load_target


def make_linter(
    *,
    target: str = "openai",
    method: str = "auto",
    select: list[str] | None = None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    rules: dict[str, dict[str, Any]] | None = None,
    model: str | None = None,
    tokenizer: str | None = None,
    max_length: int = 1024,
    truncation_mode: str = "keep_start",
) -> Linter:
    """A Linter with the given settings (the same names as the config file, in snake_case), checked as the
    config file and the flags are (pftlint.profiles.config): a bad one raises ValueError naming the keyword."""
    config = from_keywords(target=target, method=method, select=select, extend_select=extend_select,
                           ignore=ignore, rules=rules, model=model, tokenizer=tokenizer, max_length=max_length,
                           truncation_mode=truncation_mode)
    profile = load_target(config.target).with_model(config.model)  # model: its token limit (rules/models.toml)
    active = resolve(profile, config.select, config.extend_select, config.ignore, config.rules)
    return Linter(profile, active, config.method)


def lint_path(*paths: str | os.PathLike, **settings: Any) -> Report:
    """Lint files or directories (every ``*.jsonl`` inside); one FileResult per file in ``report.files``."""
    from .reading.discovery import discover

    from .engine import runner

    linter = make_linter(**settings)
    return runner.run(linter, discover([os.fspath(p) for p in paths]))


def lint_records(records: Iterable[Any], name: str = "<records>", **settings: Any) -> FileResult:
    """Lint in-memory records (dicts, as ``json.loads`` gives them) as if each were one line of a JSONL file.

    ``name`` stands for the file name in findings; give it a ``.jsonl`` ending to
    have the file-name rule check it. Records are serialised one at a time, so a
    generator over a large dataset is never held in memory.
    """
    linter = make_linter(**settings)
    result = linter.lint_records(records, name)
    linter.finish(Report(files=[result]))
    return result


def lint_dataset(dataset: Any, name: str = "<dataset>", **settings: Any) -> FileResult:
    """Lint a ``datasets.Dataset`` or ``IterableDataset`` (or any iterable of row dicts), row by row.

    The rows stream as the dataset yields them (a ``Dataset`` reads its memory-mapped table a
    batch at a time; nothing is materialised), each as one line: a finding's ``line`` is the
    1-based row. The null members Arrow adds where a row lacks a struct field or a column are
    dropped, as for Parquet (pftlint.reading.sources). The settings are lint_records'. Raises
    TypeError for a ``DatasetDict`` (pass one split) or a value JSON cannot write (naming the row).
    """
    from .reading.sources import row_lines
    from .reading.streams import LineStream

    if isinstance(dataset, dict):  # a DatasetDict (a dict of splits), or columns: iterating gives their names
        keys = ", ".join(repr(k) for k in list(dataset)[:5])
        raise TypeError(f"lint_dataset takes rows (a Dataset, an IterableDataset, dicts), not a dict of {keys}; "
                        "for a DatasetDict pass one split: dataset['train']")
    linter = make_linter(**settings)
    result = linter.lint_stream(LineStream(row_lines(dataset)), name, None)
    linter.finish(Report(files=[result]))
    return result


def lint_bytes(data: bytes, name: str = "<bytes>", **settings: Any) -> FileResult:
    """Lint the bytes of a file (``name`` is used for the extension check and messages)."""
    linter = make_linter(**settings)
    result = linter.lint_bytes(data, name)
    linter.finish(Report(files=[result]))
    return result
