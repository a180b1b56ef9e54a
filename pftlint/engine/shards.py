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

What one pass decides from the first records of a file, each shard decides from its own: :func:`merge`
decides it again from the first records of the whole dataset. Whether the whole file is in a foreign
format (reported once, at its first record, instead of at each) is settled there, as a shard keeps the
lines of its records in other formats. The method (``method="auto"``) decides every record rule: a shard
read as another method than the whole is refused (pass ``method``).
"""

from __future__ import annotations

import io
from array import array
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from typing import Any, Iterable, Iterator

from ..model import formats
from ..reading.reader import FileStats, Reader, RecordUnit
from ..reading.streams import LineStream
from ..rules.dataset import OVERLAP, same_file
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
    #: the formats of its first records (SAMPLE_RECORDS at most): with the earlier shards', the whole's sample
    sample: list[str]
    #: the record and line rules' findings, at their lines in the whole dataset (a record in another
    #: format than the method is reported as one: the whole may turn out to be in that format, see merge)
    findings: list[Finding]
    #: the dataset rules' keys: the lines of the keyed records, and one column of keys per dataset rule
    lines: array
    columns: list[tuple]
    stats: FileStats = field(default_factory=FileStats)
    #: the lines of its records in another format than the method, by format
    others: dict[str, array] = field(default_factory=dict)
    #: by format of ``others``: what one pass says at the first such record when the whole file is in it
    foreign_findings: dict[str, list[Finding]] = field(default_factory=dict)
    #: a shard of one row: that row read as a whole file (what one pass over a dataset of one row gives)
    alone: "ShardResult | None" = None

    @property
    def end(self) -> int:
        """The line after the shard's last row."""
        return self.first + self.rows


# A line after a shard's one row that is no record (JSON, not an object): its finding is dropped.
NOT_ALONE = b"0\n"


def lint_shard(linter: Linter, lines: Iterable[bytes], name: str, first: int,
               settings: dict[str, Any]) -> ShardResult:
    """Lint the JSON ``lines`` (one per row) as the shard whose first line is line ``first`` of the whole
    dataset; ``linter`` is fresh (its dataset rules are not used)."""
    lines = iter(lines)
    head = list(islice(lines, 2))
    if len(head) != 1:
        return _read(linter, chain(head, lines), name, first, settings)
    # One line: the reader takes a file of one line that is an array, or an object holding records under a
    # key, as one JSON document. Read as one row among others, and kept as a file alone, for merge to choose.
    shard = _read(linter, (head[0], NOT_ALONE), name, first, settings)
    shard.findings = [finding for finding in shard.findings if finding.line != first + 1]
    stats = shard.stats
    stats.lines -= 1
    stats.bytes -= len(NOT_ALONE)
    stats.content_lines -= 1
    shard.rows -= 1
    shard.alone = _read(linter, head, name, first, settings)
    return shard


def _read(linter: Linter, lines: Iterable[bytes], name: str, first: int, settings: dict[str, Any]) -> ShardResult:
    reader = Reader(LineStream(lines), typed=True)
    units = iter(reader)
    head, method, _ = sample_method(units, linter.method)  # the whole's foreign format is merge's to decide
    sample = [formats.detect(unit.data) for unit in head if type(unit) is RecordUnit]
    findings: list[Finding] = []
    others: dict[str, list[int]] = {}
    firsts: dict[str, RecordUnit] = {}
    units = _note_others(chain(head, units), method, others, firsts)
    keyed = linter.check_units(units, name, method, None, findings, observe=False)
    lines, columns = key_columns(keyed, linter.dataset_width(method))
    foreign_findings = {}
    for fmt, unit in firsts.items():  # what one pass says at this record when the whole file is in its format
        said: list[Finding] = []
        linter.check_units((unit,), name, method, fmt, said, observe=False)
        foreign_findings[fmt] = said
    shift = first - 1  # the reader counts the shard's own lines from 1
    if shift:
        findings = _shifted(findings, shift)
        lines = [line + shift for line in lines]
        others = {fmt: [line + shift for line in found] for fmt, found in others.items()}
        foreign_findings = {fmt: _shifted(said, shift) for fmt, said in foreign_findings.items()}
    return ShardResult(name=name, first=first, rows=reader.stats.lines, settings=settings, method=method,
                       sample=sample, findings=findings, lines=array("q", lines), columns=columns,
                       stats=reader.stats, others={fmt: array("q", found) for fmt, found in others.items()},
                       foreign_findings=foreign_findings)


def _shifted(findings: list[Finding], shift: int) -> list[Finding]:
    return [replace(finding, line=finding.line + shift) for finding in findings]


def _note_others(units: Iterator, method: str, others: dict[str, list[int]], firsts: dict) -> Iterator:
    """The units, passed on; the lines of the records in another format than ``method`` go into
    ``others`` by format, the first record of each format into ``firsts``."""
    for unit in units:
        if type(unit) is RecordUnit:
            fmt = formats.detect(unit.data)
            if fmt != method and fmt != formats.UNKNOWN:
                found = others.get(fmt)
                if found is None:
                    found = others[fmt] = []
                    firsts[fmt] = unit
                found.append(unit.line)
        yield unit


def in_order(shards: list[ShardResult]) -> list[ShardResult]:
    """The shards with rows, in dataset order; ValueError unless together they hold every row once, from the first."""
    if not shards:
        raise ValueError("merge_shards needs the ShardResult of every shard; it was given none")
    for shard in shards:
        if not isinstance(shard, ShardResult):
            raise ValueError(f"merge_shards takes what lint_shard returns, not {type(shard).__name__}")
    names = sorted({shard.name for shard in shards})
    if len(names) > 1:
        raise ValueError(f"the shards belong to different datasets (names {', '.join(map(repr, names[:3]))}); "
                         "merge each dataset's shards apart, or all of them with merge_run")
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
    if not ordered:  # no rows at all: one pass over nothing (empty-file)
        return linter.lint_stream(io.BytesIO(b""), name, None)
    if len(ordered) == 1 and ordered[0].alone is not None:  # the whole dataset is one row
        ordered = [ordered[0].alone]
    sample = list(islice(chain.from_iterable(shard.sample for shard in ordered), SAMPLE_RECORDS))
    method, foreign = formats.decide_method(sample, linter.method)
    for shard in ordered:
        if shard.stats.records and shard.method != method:
            raise ValueError(f"the shard of rows {shard.first - 1} to {shard.end - 2} (0-based) was read as "
                             f"{shard.method}, but the dataset's first records read as {method}; lint every "
                             f"shard with method={method!r}")
    result = FileResult(path=name, method=method)
    linter.begin_file(name, method)
    total = FileStats()
    reported_foreign = False
    for shard in ordered:
        findings = shard.findings
        in_foreign = shard.others.get(foreign) if foreign is not None else None
        if in_foreign:  # a file in a foreign format is reported once, at its first record, not at each
            lines = set(in_foreign)
            findings = [f for f in findings if not (f.rule == "wrong-format" and f.line in lines)]
            if not reported_foreign:
                findings.extend(shard.foreign_findings[foreign])
                reported_foreign = True
        result.findings.extend(findings)
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


def merge_run(linter: Linter, shards: list[ShardResult]) -> list[FileResult]:
    """The files of one run, each put together from its shards (by name), as one pass over the files gives
    them: the validation file of train-validation-overlap first (its digests are kept for the others),
    then the others by name. ``linter`` must be fresh; its dataset rules see every file in turn."""
    by_name: dict[str, list[ShardResult]] = {}
    for shard in shards:
        if not isinstance(shard, ShardResult):
            raise ValueError(f"merge_run takes what lint_shard returns, not {type(shard).__name__}")
        by_name.setdefault(shard.name, []).append(shard)
    if not by_name:
        raise ValueError("merge_run needs the ShardResults of every dataset of the run; it was given none")
    overlap = linter.rules.get(OVERLAP)
    validation = overlap.options.get("validation") if overlap is not None else None
    names = sorted(by_name, key=lambda name: (not (validation and same_file(name, validation)), name))
    return [merge(linter, by_name[name]) for name in names]
