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

What one pass decides from the first records of a file (its method and format: which rules read each
record, and where wrong-format speaks), each shard decides from its own first records, or takes from
``file_format``; :func:`merge` decides it again from the first records of the whole dataset and refuses
a shard read otherwise, naming the ``method`` and ``file_format`` to lint every shard with. What one
pass says only at a file's first record (wrong-format's file finding) each shard keeps for its own first
record, and merge uses it from the first shard that has records.
"""

from __future__ import annotations

import io
from array import array
from collections import Counter
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
    #: the format its records were read in (the method's own OpenAI layout, or another format)
    file_format: str
    #: the formats of its first records (SAMPLE_RECORDS at most): with the earlier shards', the whole's sample
    sample: list[str]
    #: the record and line rules' findings, at their lines in the whole dataset (a record in another
    #: format than the method is reported as one: the whole may turn out to be in that format, see merge)
    findings: list[Finding]
    #: the dataset rules' keys: the lines of the keyed records, and one column of keys per dataset rule
    lines: array
    columns: list[tuple]
    stats: FileStats = field(default_factory=FileStats)
    #: what one pass adds at the shard's first record if it is the dataset's first (wrong-format's file
    #: finding): merge keeps it for the first shard that has records, unless that shard holds row 0
    first_extra: list[Finding] = field(default_factory=list)
    #: a shard of one row: that row read as a whole file (what one pass over a dataset of one row gives)
    alone: "ShardResult | None" = None

    @property
    def end(self) -> int:
        """The line after the shard's last row."""
        return self.first + self.rows


# A line after a shard's one row that is no record (JSON, not an object): its finding is dropped.
NOT_ALONE = b"0\n"


def lint_shard(linter: Linter, lines: Iterable[bytes], name: str, first: int,
               settings: dict[str, Any], file_format: str | None = None) -> ShardResult:
    """Lint the JSON ``lines`` (one per row) as the shard whose first line is line ``first`` of the whole
    dataset; ``linter`` is fresh (its dataset rules are not used). ``file_format``: the dataset's format
    (a pftlint.model.formats name), else decided from the shard's own first records."""
    if file_format is not None and file_format not in formats.METHOD_OF:
        raise ValueError(f"file_format {file_format!r} is not a format pftlint reads "
                         f"(one of {', '.join(sorted(formats.METHOD_OF))})")
    lines = iter(lines)
    head = list(islice(lines, 2))
    if len(head) != 1:
        return _read(linter, chain(head, lines), name, first, settings, file_format)
    # One line: the reader takes a file of one line that is an array, or an object holding records under a
    # key, as one JSON document. Read as one row among others, and kept as a file alone, for merge to choose.
    shard = _read(linter, (head[0], NOT_ALONE), name, first, settings, file_format)
    shard.findings = [finding for finding in shard.findings if finding.line != first + 1]
    stats = shard.stats
    stats.lines -= 1
    stats.bytes -= len(NOT_ALONE)
    stats.content_lines -= 1
    shard.rows -= 1
    shard.alone = _read(linter, head, name, first, settings, file_format)
    return shard


def _read(linter: Linter, lines: Iterable[bytes], name: str, first: int, settings: dict[str, Any],
          file_format: str | None) -> ShardResult:
    reader = Reader(LineStream(lines), typed=True)
    units = iter(reader)
    head, method, foreign = sample_method(units, linter.method)
    if file_format is not None:
        method = formats.METHOD_OF[file_format] if linter.method == "auto" else linter.method
        foreign = None if file_format == method else file_format
    sample = [formats.detect(unit.data) for unit in head if type(unit) is RecordUnit]
    findings: list[Finding] = []
    first_record = next((unit for unit in head if type(unit) is RecordUnit), None)
    keyed = linter.check_units(chain(head, units), name, method, foreign, findings, observe=False,
                               from_start=first == 1)  # only the dataset's first row is the file's first record
    lines, columns = key_columns(keyed, linter.dataset_width(method))
    first_extra: list[Finding] = []
    if first != 1 and first_record is not None:  # the dataset's first record, if no earlier shard has one
        as_first: list[Finding] = []
        linter.check_units((first_record,), name, method, foreign, as_first, observe=False, from_start=True)
        mine = Counter(_said(f) for f in findings if f.line == first_record.line)
        for finding in as_first:  # those not already among the record's findings (Findings compare by place)
            if mine[_said(finding)]:
                mine[_said(finding)] -= 1
            else:
                first_extra.append(finding)
    shift = first - 1  # the reader counts the shard's own lines from 1
    if shift:
        findings = _shifted(findings, shift)
        first_extra = _shifted(first_extra, shift)
        lines = [line + shift for line in lines]
    return ShardResult(name=name, first=first, rows=reader.stats.lines, settings=settings, method=method,
                       file_format=foreign or method, sample=sample, findings=findings, lines=array("q", lines),
                       columns=columns, stats=reader.stats, first_extra=first_extra)


def _said(finding: Finding) -> tuple:
    return finding.column, finding.rule, finding.message, finding.json_path


def _shifted(findings: list[Finding], shift: int) -> list[Finding]:
    return [replace(finding, line=finding.line + shift) for finding in findings]


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
    file_format = foreign or method
    for shard in ordered:
        if shard.stats.records and (shard.method, shard.file_format) != (method, file_format):
            raise ValueError(f"the shard of rows {shard.first - 1} to {shard.end - 2} (0-based) of {name} was read as "
                             f"{shard.method} records in the {shard.file_format} format, but the dataset's first "
                             f"records read as {method} in {file_format}; lint every shard with "
                             f"method={method!r}, file_format={file_format!r}")
    result = FileResult(path=name, method=method)
    linter.begin_file(name, method)
    total = FileStats()
    first_seen = False
    for shard in ordered:
        if not first_seen and shard.stats.records:
            first_seen = True
            # before the record's other findings, as one pass says them (empty for the shard holding row 0)
            result.findings.extend(shard.first_extra)
        result.findings.extend(shard.findings)
        if shard.lines:
            linter.observe_columns(name, method, shard.lines, shard.columns, result.findings)
        total.add(shard.stats)
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
