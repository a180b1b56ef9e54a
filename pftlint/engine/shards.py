"""Sharded runs: parts of one dataset linted apart (other processes or machines), then put together with
exactly the findings of one pass over the whole.

A shard is a run of consecutive rows that knows where it starts in the whole dataset. Linting it
(:func:`lint_shard`) runs the record rules, as a chunk of the parallel driver does
(pftlint.engine.parallel), and keeps what the dataset rules need from each record: its keys (digests,
a flag for length-bias, never the record) with the record's line in the whole dataset.
:func:`merge` puts the shards back in dataset order and feeds those keys to one set of dataset rules
(``Linter.observe_columns``, the path a one-pass lint takes), so duplicates, conflicts and
length-bias across shards are found, and worded, by the same code as in one pass. The file rules
then run once over the shards' counts (``Linter.end_file``).

What one pass decides from the first records (the method under ``method="auto"``, a file in a foreign
format) each shard decides from its own: :func:`merge` decides it again from the first records of the
whole dataset and refuses shards that were read otherwise (their record findings would differ).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from typing import Any, BinaryIO, Iterator

from ..model import formats
from ..reading.reader import FileStats, Reader, RecordUnit
from .findings import FileResult, Finding
from .linter import SAMPLE_RECORDS, Linter, key_columns, sample_method


@dataclass
class ShardResult:
    """What one shard leaves for :func:`merge` (picklable: plain values, digests, no record)."""

    name: str
    #: the line (1-based row) of the shard's first row in the whole dataset, and how many rows it has
    first: int
    rows: int
    #: the keywords the shard was linted with; every shard of a merge must have the same
    settings: dict[str, Any]
    method: str
    foreign: str | None
    #: the formats of its first records (SAMPLE_RECORDS at most): with the earlier shards', the whole's sample
    sample: list[str]
    #: the record and line rules' findings, at their lines in the whole dataset
    findings: list[Finding]
    #: the dataset rules' keys: the lines of the keyed records, and one column of keys per dataset rule
    lines: array
    columns: list[tuple]
    stats: FileStats = field(default_factory=FileStats)
    #: the line of its first record in the foreign format (one pass reports a foreign file once)
    foreign_line: int | None = None

    @property
    def end(self) -> int:
        """The line after the shard's last row."""
        return self.first + self.rows


def lint_shard(linter: Linter, stream: BinaryIO, name: str, first: int, settings: dict[str, Any]) -> ShardResult:
    """Lint the JSON lines of ``stream`` as the shard whose first line is line ``first`` of the whole dataset."""
    reader = Reader(stream, typed=True)
    units = iter(reader)
    head, method, foreign = sample_method(units, linter.method)
    sample = [formats.detect(unit.data) for unit in head if type(unit) is RecordUnit]
    findings: list[Finding] = []
    spotted: list[int] = []
    units = chain(head, units)
    if foreign is not None:
        units = _spot_foreign(units, foreign, spotted)
    keyed = linter.check_units(units, name, method, foreign, findings, observe=False)
    lines, columns = key_columns(keyed, linter.dataset_width(method))
    shift = first - 1  # the reader counts the shard's own lines from 1
    if shift:
        findings = [replace(finding, line=finding.line + shift) for finding in findings]
        lines = [line + shift for line in lines]
    return ShardResult(name=name, first=first, rows=reader.stats.lines, settings=settings, method=method,
                       foreign=foreign, sample=sample, findings=findings, lines=array("q", lines),
                       columns=columns, stats=reader.stats,
                       foreign_line=spotted[0] + shift if spotted else None)


def _spot_foreign(units: Iterator, foreign: str, spotted: list[int]) -> Iterator:
    """The units, passed on; the line of the first record in the ``foreign`` format goes into ``spotted``."""
    for unit in units:
        if not spotted and type(unit) is RecordUnit and formats.detect(unit.data) == foreign:
            spotted.append(unit.line)
        yield unit


def in_order(shards: list[ShardResult]) -> list[ShardResult]:
    """The shards in dataset order; ValueError unless together they hold every row once, from the first."""
    if not shards:
        raise ValueError("merge_shards needs the ShardResult of every shard; it was given none")
    for shard in shards:
        if not isinstance(shard, ShardResult):
            raise ValueError(f"merge_shards takes what lint_shard returns, not {type(shard).__name__}")
    names = sorted({shard.name for shard in shards})
    if len(names) > 1:
        raise ValueError(f"the shards belong to different datasets (names {', '.join(map(repr, names[:3]))}); "
                         "merge each dataset's shards apart")
    ordered = sorted((shard for shard in shards if shard.rows), key=lambda shard: shard.first)
    expected = 1
    for shard in ordered:
        if shard.first > expected:
            raise ValueError(f"rows {expected - 1} to {shard.first - 2} (0-based) are in no shard; "
                             "merge the shards of the whole dataset")
        if shard.first < expected:
            raise ValueError(f"rows {shard.first - 1} to {min(expected, shard.end) - 2} (0-based) are in two "
                             "shards; give each row to one shard (or pass each ShardResult once)")
        expected = shard.end
    return ordered


def merge(linter: Linter, shards: list[ShardResult]) -> FileResult:
    """The findings of one pass over the shards' rows, put together; ``linter`` must be fresh (no file seen)."""
    ordered = in_order(shards)
    name = shards[0].name
    sample = list(islice(chain.from_iterable(shard.sample for shard in ordered), SAMPLE_RECORDS))
    method, foreign = formats.decide_method(sample, linter.method)
    for shard in ordered:
        if shard.stats.records and (shard.method, shard.foreign) != (method, foreign):
            advice = (f"lint every shard with method={method!r}" if shard.method != method else
                      "the dataset mixes formats: lint it in one pass (lint_dataset), which reads the whole as its "
                      "first records")
            raise ValueError(f"the shard of rows {shard.first - 1} to {shard.end - 2} (0-based) was read as "
                             f"{_reading(shard.method, shard.foreign)}, but the dataset's first records read as "
                             f"{_reading(method, foreign)}; {advice}")
    result = FileResult(path=name, method=method)
    linter.begin_file(name, method)
    total = FileStats()
    reported_foreign = False
    for shard in ordered:
        drop = None
        if shard.foreign_line is not None:  # one pass reports a file in a foreign format once, at its first record
            drop = shard.foreign_line if reported_foreign else None
            reported_foreign = True
        result.findings.extend(finding for finding in shard.findings
                               if not (finding.line == drop and finding.rule == "wrong-format"))
        if shard.lines:
            linter.observe_columns(name, method, shard.lines, shard.columns, result.findings)
        stats = shard.stats
        total.lines += stats.lines
        total.bytes += stats.bytes
        total.records += stats.records
        total.content_lines += stats.content_lines
        total.ends_with_newline = stats.ends_with_newline
    linter.end_file(result, total, None)
    return result


def _reading(method: str, foreign: str | None) -> str:
    return method if foreign is None else f"{method} (the file in {foreign} format)"
