"""The Python API, for notebooks and pipelines: findings as objects, no printing.

>>> from pftlint import lint_records
>>> result = lint_records([{"messages": [{"role": "user", "content": "Hi"}]}],
...                       method="supervised", ignore=["too-few-examples"])
>>> [f.rule for f in result.findings]
['no-assistant-message']

``lint_dataset`` does the same for a ``datasets.Dataset`` (rows streamed, ``line`` = the 1-based row).
``lint_shard`` and ``merge_shards`` lint a dataset in shards (other processes or machines) with the
findings of one ``lint_dataset`` pass over the whole, duplicates and conflicts across shards included;
``merge_run`` merges the shards of several datasets of one run (a training and a validation set).

Settings are keyword arguments with the config file's names in snake_case:
``target``, ``method``, ``select``, ``extend_select``, ``ignore``, ``model`` and ``rules``
(per-rule ``{"rule-name": {"severity": ..., "<option>": ...}}``). They are checked
as the config file and the flags are (pftlint.profiles.config): bad settings raise
``ValueError`` naming the keyword; a path that cannot be read raises ``OSError``; a record
that is not JSON-serialisable raises ``TypeError``. Nothing is printed and no
file is written.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Mapping
from typing import Any, Iterable, Iterator

from .engine.findings import FileResult, Report
from .engine.linter import Linter
from .engine.selection import resolve
from .engine.shards import ShardResult
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
    **unknown: Any,
) -> Linter:
    """A Linter with the given settings (the same names as the config file, in snake_case), checked as the
    config file and the flags are (pftlint.profiles.config): a bad one raises ValueError naming the keyword."""
    if unknown:  # a ValueError like every other bad setting, not Python's TypeError
        from .profiles.config import ConfigError
        from .util.suggest import did_you_mean

        name = next(iter(unknown))
        known = [k for k in make_linter.__kwdefaults__ if k != "unknown"]
        raise ConfigError(f"keyword {name}: unknown setting (settings: {', '.join(known)}){did_you_mean(name, known)}")
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
        raise TypeError(_splits_message("lint_dataset", dataset))
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


def lint_shard(rows: Any, *, offset: int | None = None, index: Iterable[int] | None = None,
               name: str = "<dataset>", file_format: str | None = None, **settings: Any) -> ShardResult:
    """Lint one shard of a dataset: consecutive rows that say where they start in the whole dataset.

    ``rows`` is what lint_dataset takes (a ``Dataset``, an ``IterableDataset``, row dicts) or a batch
    of columns (``{"column": [values...]}``, as ``Dataset.map(batched=True)`` passes). Where the rows
    are in the whole dataset is given by exactly one of ``offset``, the 0-based row of the shard's
    first row, or ``index``, the 0-based row of every row (``with_indices=True``'s indices; they must
    be consecutive). ``file_format`` names the dataset's format (``"trl"``, ``"dpo"``...: what
    merge_shards asks for when a shard's own first records said otherwise); by default each shard
    decides it from its first records, as one pass does from the file's. The ShardResult holds the findings of the shard's records, at their rows in the
    whole dataset, and the dataset rules' digests with their rows (never the records): it pickles
    small, for another process or machine. ``merge_shards`` puts the shards together. Raises
    ValueError for a missing, doubled or inconsistent position, else what lint_dataset raises.
    """
    from .engine import shards

    start, count = _shard_start(offset, index)
    if isinstance(rows, Mapping):
        if not all(isinstance(column, (list, tuple)) for column in rows.values()):
            raise TypeError(_splits_message("lint_shard", rows) + ", or a batch of columns (lists)")
        rows = _batch_rows(rows)
    linter = make_linter(**settings)
    result = shards.lint_shard(linter, _row_lines(_Counted(rows), start), name, start + 1, settings, file_format)
    if count is not None and count != result.rows:
        raise ValueError(f"index has {count} entries for a shard of {result.rows} rows; give one index per row")
    return result


def merge_shards(results: Iterable[ShardResult], **settings: Any) -> FileResult:
    """The findings of one lint_dataset pass over the whole dataset, from the ShardResults of all its shards.

    The shards may come in any order (they are put in dataset order) but must hold every row of the
    dataset once, from row 0, and have been linted with the same settings and name. ``settings``,
    when given, must be those; without them the shards' are used. Findings across shards (a
    duplicate of a row of another shard, a swapped pair, length-bias over the whole) are worded and
    placed as one pass places them; the result is sorted as lint_dataset's. Raises ValueError for
    missing or overlapping rows, shards of different datasets or settings, or shards whose first
    records made them read another method or format than the whole dataset's first records (lint them
    again with the ``method`` and ``file_format`` the error names).
    """
    from .engine import shards

    results = list(results)
    linter = _merge_linter(results, settings)
    result = shards.merge(linter, results)
    linter.finish(Report(files=[result]))
    return result


def merge_run(results: Iterable[ShardResult], **settings: Any) -> Report:
    """The Report of one run over several datasets (a training set and its validation set), from the
    ShardResults of all their shards, each dataset known by the ``name`` its shards were linted with.

    What lint_path gives for the same rows as files of those names, train-validation-overlap
    included (``rules={"train-validation-overlap": {"validation": "<name of the validation set>"}}``):
    the validation set comes first, then the others by name. Raises what merge_shards raises, per dataset.
    """
    from .engine import shards

    results = list(results)
    linter = _merge_linter(results, settings)
    report = Report(files=shards.merge_run(linter, results))
    linter.finish(report)
    return report


def _merge_linter(results: list, settings: dict[str, Any]) -> Linter:
    """A fresh Linter with the shards' settings; ValueError when the shards (or ``settings``) disagree."""
    known = _settings_text(settings) if settings else None
    for shard in results:
        if isinstance(shard, ShardResult):
            text = _settings_text(shard.settings)
            if known is None:
                known = text
            elif text != known:
                raise ValueError(f"the shards were linted with different settings ({known} and {text}); "
                                 "lint every shard, and merge them, with the same keywords")
    if not settings:
        settings = next((shard.settings for shard in results if isinstance(shard, ShardResult)), {})
    return make_linter(**settings)


def _splits_message(caller: str, rows: Mapping) -> str:
    keys = ", ".join(repr(k) for k in list(rows)[:5])
    return (f"{caller} takes rows (a Dataset, an IterableDataset, dicts), not a dict of {keys}; "
            "for a DatasetDict pass one split: dataset['train']")


def _shard_start(offset: Any, index: Iterable[int] | None) -> tuple[int, int | None]:
    """The 0-based row of the shard's first row, from exactly one of ``offset`` and ``index``, and how
    many rows ``index`` names (None for ``offset``)."""
    if (offset is None) == (index is None):
        raise ValueError("lint_shard needs where its rows are in the whole dataset, once: offset= (the 0-based row "
                         "of its first row) or index= (the 0-based row of each row), not "
                         + ("both" if offset is not None else "neither"))
    if offset is not None:
        try:
            start = None if isinstance(offset, bool) else operator.index(offset)
        except TypeError:
            start = None
        if start is None or start < 0:
            raise ValueError(f"offset must be a row number (an int >= 0), not {offset!r}")
        return start, None
    try:
        rows = [int(i) for i in index] if not isinstance(index, (str, bytes)) else None
    except (TypeError, ValueError):
        rows = None
    if rows is None:
        raise ValueError(f"index must be a sequence of row numbers, not {type(index).__name__}")
    if not rows:
        return 0, 0
    if rows[0] < 0 or rows != list(range(rows[0], rows[0] + len(rows))):
        raise ValueError(f"index must be consecutive rows from a row >= 0 (a shard is a run of rows: "
                         f"Dataset.shard(..., contiguous=True)); it starts {rows[:4]}")
    return rows[0], len(rows)


def _batch_rows(batch: Mapping) -> Iterator[dict]:
    """The rows of a batch of columns (a dict of equal-length lists)."""
    columns = list(batch.keys())
    values = [batch[column] for column in columns]
    lengths = {len(v) for v in values}
    if len(lengths) > 1:
        raise ValueError(f"the columns of the batch have different lengths ({sorted(lengths)}); pass rows or "
                         "a batch of equal columns")
    return (dict(zip(columns, row)) for row in zip(*values))


class _Counted:
    """The rows, counting how many were taken (to name a row that JSON cannot write by its row in the whole)."""

    def __init__(self, rows: Iterable[Any]):
        self.rows = rows
        self.taken = 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            self.taken += 1
            yield row


def _row_lines(rows: "_Counted", start: int) -> Iterator[bytes]:
    from .reading.sources import RowError, row_lines

    try:
        yield from row_lines(rows)
    except RowError as exc:
        reason = str(exc).partition(" cannot be written as JSON: ")[2] or str(exc)
        raise RowError(f"row {start + rows.taken} cannot be written as JSON: {reason}") from None


def _settings_text(settings: dict[str, Any]) -> str:
    """The settings as canonical JSON, to compare the shards' (a list and a tuple, a set in any order, alike)."""
    import json

    def plain(value: Any) -> Any:
        if isinstance(value, (set, frozenset)):
            return sorted(value, key=repr)
        return os.fspath(value) if isinstance(value, os.PathLike) else repr(value)

    return json.dumps(settings, sort_keys=True, default=plain)
