"""The rule engine: runs the active rules over files and returns findings.

It knows nothing about output: it returns :class:`~pftlint.engine.findings.FileResult`
objects and never prints. One pass per file: the reader streams units, record
rules see each record as it arrives, dataset rules keep digests, file rules
run at the end. It knows nothing about processes either: pftlint.engine.runner lints a
large file in chunks on every core with the pieces of a pass the Linter offers
(``check_units``, ``begin_file``, ``observe``, ``end_file``).
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass
from itertools import chain, islice
from typing import BinaryIO, Callable, Iterable, Iterator

from ..model import formats
from ..model.layouts import view_of
from ..model.view import FileInfo
from ..profiles.targets import Target
from ..reading.locate import Locator
from ..reading.reader import FileStats, Issue, Reader, RecordUnit
from ..reading.streams import LineStream, record_lines
from ..rules import DATASET, FILE, RECORD, silent_when_typed
from .findings import FileResult, Finding, Problem, Report
from .selection import ActiveRule

# Records sampled at the start of a file to decide its method (auto) and format.
SAMPLE_RECORDS = 25


@dataclass(frozen=True)
class FileContext:
    """What file rules see once a file has been read."""

    path: str
    size: int | None
    stats: FileStats
    method: str
    target: Target


class Linter:
    """Lint files, byte strings or records with a fixed set of active rules.

    Dataset rules keep their state across the files of one run, so create one
    Linter per run (``run()`` does).
    """

    def __init__(self, target: Target, rules: dict[str, ActiveRule], method: str = "auto"):
        self.target = target
        self.rules = rules
        self.method = method
        record_rules = [a for a in rules.values() if a.rule.impl.kind == RECORD]
        self._record_checks = {
            m: [(a.rule.impl.check, a, a.rule.impl.guard) for a in record_rules
                if m in a.rule.impl.methods and not a.rule.impl.on_foreign]
            for m in formats.METHODS
        }
        # A typed record skips the rules whose guard is silent_when_typed (the shape rules) at no cost.
        self._typed_checks = {
            m: [c for c in checks if c[2] is not silent_when_typed] for m, checks in self._record_checks.items()
        }
        # A record in another format than OpenAI's: the rules that read the view, not the layout as written.
        self._other_checks = {
            m: [c for c in checks if not c[1].rule.impl.openai_layout] for m, checks in self._record_checks.items()
        }
        # The format rule: on a file's first record and on each record in another format than its file's.
        self._format_checks = {
            m: [(a.rule.impl.check, a, a.rule.impl.guard) for a in record_rules
                if m in a.rule.impl.methods and a.rule.impl.on_foreign]
            for m in formats.METHODS
        }
        self._file_checks = [(a.rule.impl.check, a) for a in rules.values() if a.rule.impl.kind == FILE]
        self._dataset = [(a.rule.impl.check(a.options), a) for a in rules.values() if a.rule.impl.kind == DATASET]
        self._dataset_by_method: dict[str, list] = {}

    # -- entry points -----------------------------------------------------
    def run(self, paths: Iterable[str], lint_file: Callable[[str], FileResult] | None = None) -> Report:
        """Lint every file, then the whole run. ``lint_file`` lints one path (default: ``lint_path``,
        one pass in this process; ``pftlint.engine.runner.run`` passes one that uses every core)."""
        started = time.perf_counter()
        report = Report()
        lint_file = lint_file or self.lint_path
        for path in paths:
            report.files.append(lint_file(path))
        self.finish(report)
        report.seconds = time.perf_counter() - started
        return report

    def lint_path(self, path: str) -> FileResult:
        """Lint one file ("-" is standard input). Raises OSError if it cannot be read."""
        if path == "-":
            import sys

            return self.lint_stream(sys.stdin.buffer, "-", None)
        with open(path, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            return self.lint_stream(stream, path, size)

    def lint_bytes(self, data: bytes, path: str = "<bytes>") -> FileResult:
        return self.lint_stream(io.BytesIO(data), path, len(data))

    def lint_records(self, records: Iterable[dict], path: str = "<records>") -> FileResult:
        """Lint Python objects as if each were one line of a JSONL file (written one at a time)."""
        return self.lint_stream(LineStream(record_lines(records)), path, None)

    def finish(self, report: Report) -> None:
        """Let dataset rules report what only the whole run shows (e.g. cross-file overlap)."""
        by_path = {fr.path: fr for fr in report.files}
        for state, active in self._dataset:
            for path, problem in state.end_run():
                fr = by_path.get(path)
                if fr is not None:
                    fr.findings.append(self._finding(path, active, problem, problem.line or 1, problem.column or 1))
        for fr in report.files:
            fr.findings.sort()

    # -- one stream -------------------------------------------------------
    def lint_stream(self, stream: BinaryIO, path: str, size: int | None) -> FileResult:
        """Lint one binary stream in one pass (``size``: its bytes, when known, for the file rules)."""
        reader = Reader(stream, typed=True)
        units = iter(reader)
        head, method, foreign = sample_method(units, self.method)
        result = FileResult(path=path, method=method)
        self.begin_file(path, method)
        if foreign is None and self._dataset_for(method):
            # records in runs: the dataset rules take each run's keys at once (at C speed when clean)
            width = self.dataset_width(method)
            for i, run in enumerate(_runs(chain(head, units), KEYED_RUN)):
                keyed = self.check_units(run, path, method, None, result.findings, observe=False,
                                         from_start=i == 0)  # the first run starts with the file's first record
                self.observe_columns(path, method, *key_columns(keyed, width), result.findings)
        else:
            self.check_units(chain(head, units), path, method, foreign, result.findings, observe=True,
                             from_start=True)
        self.end_file(result, reader.stats, size)
        return result

    def begin_file(self, path: str, method: str) -> None:
        for state, _ in self._dataset_for(method):
            state.begin_file(path)

    def end_file(self, result: FileResult, stats: FileStats, size: int | None) -> None:
        """File rules and the dataset rules' end of file, once every record was seen."""
        path, findings = result.path, result.findings
        result.records = stats.records
        result.lines = stats.lines
        result.bytes = stats.bytes
        context = FileContext(path, size, stats, result.method, self.target)
        for check, active in self._file_checks:
            for problem in check(context, active.options):
                findings.append(self._finding(path, active, problem, problem.line or 1, problem.column or 1))
        for state, active in self._dataset_for(result.method):
            for problem in state.end_file(path):
                findings.append(self._finding(path, active, problem, problem.line or 1, problem.column or 1))
        findings.sort()

    @property
    def crosses_files(self) -> bool:
        """Whether a dataset rule keeps state from one file to the next (cross-file overlap)."""
        return any(getattr(state, "crosses_files", _no)() for state, _ in self._dataset)

    def dataset_width(self, method: str) -> int:
        """How many dataset keys ``check_units`` gives per record of ``method``."""
        return len(self._dataset_for(method))

    def _dataset_for(self, method: str) -> list:
        found = self._dataset_by_method.get(method)
        if found is None:
            found = self._dataset_by_method[method] = [
                (s, a) for s, a in self._dataset if method in a.rule.impl.methods]
        return found

    def observe(self, path: str, method: str, line: int, keys: tuple, findings: list[Finding]) -> None:
        """Feed one record's dataset keys (in file order) to the dataset rules."""
        for (state, active), key in zip(self._dataset_for(method), keys):
            if key is not None:
                for problem in state.observe(path, line, key):
                    findings.append(self._finding(path, active, problem, problem.line or line, problem.column or 1))

    def observe_columns(self, path: str, method: str, lines, columns: list, findings: list[Finding]) -> None:
        """Feed a run of records' dataset keys to the dataset rules: ``lines`` in file order and one
        column of keys per rule (see key_columns); each rule takes the whole run at once."""
        for (state, active), keys in zip(self._dataset_for(method), columns):
            many = getattr(state, "observe_many", None)  # optional: the rule's C-speed path
            found = many(path, lines, keys) if many is not None else \
                [(line, problem) for line, key in zip(lines, keys) if key is not None
                 for problem in state.observe(path, line, key)]
            for line, problem in found:
                findings.append(self._finding(path, active, problem, problem.line or line, problem.column or 1))

    def check_units(self, units: Iterable, path: str, method: str, foreign: str | None,
                    findings: list[Finding], observe: bool, from_start: bool = False) -> list[tuple[int, tuple]]:
        """Run record rules over the units; dataset keys go to observe() now, or are returned.

        ``foreign``: the file's format when it is not ``method``'s OpenAI layout (None: it is).
        ``from_start``: the units start at the file's start (a whole file, or its first chunk), so their
        first record is the file's.
        Returning the keys lets a worker process check a chunk of a file while the
        main process feeds the keys to the dataset rules in file order.
        """
        typed_checks = self._typed_checks[method]
        loose_checks = self._record_checks[method]
        other_checks = self._other_checks[method]
        format_checks = self._format_checks[method]
        dataset = self._dataset_for(method)
        dataset_keys = [state.key for state, _ in dataset]
        keyed: list[tuple[int, tuple]] = []
        target = self.target
        file_format = foreign or method
        file = FileInfo(path, file_format, method)
        # a file of the other method (--method) is checked by the format rule alone
        readable = formats.METHOD_OF.get(file_format) == method
        # the loose records of the file's format: read as written in OpenAI's layout, or through the view
        own_loose = loose_checks if file_format == method else other_checks
        first = from_start
        for unit in units:
            if type(unit) is RecordUnit:
                data = unit.data
                fmt = formats.detect(data)  # a typed record's format is its shape's: no look
                if fmt == formats.UNKNOWN:
                    fmt = file_format  # read as the file's records are: their shape rules say what is wrong
                own = fmt == file_format and readable
                record = view_of(data, fmt, method if own else formats.METHOD_OF.get(fmt, method), target,
                                 unit.line, unit.raw, unit.parts)
                if own and not first:
                    checks = typed_checks if record.typed else own_loose
                else:  # the format rule's records: the file's first, and any in another format
                    record.file = file
                    checks = format_checks
                    if own:
                        checks = checks + (typed_checks if record.typed else own_loose)
                    if first:
                        record.first, first = True, False
                locator = None  # built at the record's first finding, shared by all its findings
                for check, active, guard in checks:
                    if guard is not None and guard(record, active.options):
                        continue  # the rule's own cheap test says it has nothing to report
                    for problem in check(record, active.options):
                        if locator is None:
                            locator = Locator(unit.text)
                        findings.append(self._record_finding(path, active, problem, unit, locator))
                if dataset and own:
                    keys = tuple([key(record, unit) for key in dataset_keys])
                    if observe:
                        self.observe(path, method, unit.line, keys, findings)
                    else:
                        keyed.append((unit.line, keys))
            else:
                active = self.rules.get(unit.rule)
                if active is not None:
                    findings.append(Finding(path, unit.line, unit.column, active.rule.code, unit.rule,
                                            active.severity, unit.message, unit.json_path))
        return keyed

    # -- findings ---------------------------------------------------------
    @staticmethod
    def _finding(path: str, active: ActiveRule, problem: Problem, line: int, column: int) -> Finding:
        return Finding(path, line, column, active.rule.code, active.rule.name, problem.cap(active.severity),
                       problem.message, problem.json_path)

    def _record_finding(self, path: str, active: ActiveRule, problem: Problem, unit: RecordUnit,
                        locator: Locator) -> Finding:
        line = problem.line or unit.line
        if problem.column is not None:
            column = problem.column
        else:
            # a pretty-printed record: the path may sit on a later physical line
            newlines, column = locator.place(problem.json_path, unit.column)
            line += newlines
        return Finding(path, line, column, active.rule.code, active.rule.name, problem.cap(active.severity),
                       problem.message, problem.json_path)


def _no() -> bool:
    return False


# Units per run in a one-pass lint: the keys of a run are held until it ends (a few hundred KB).
KEYED_RUN = 2048


def _runs(units: Iterable, size: int) -> Iterator[Iterator]:
    """The units in runs of ``size``; each run must be consumed before the next is taken."""
    units = iter(units)
    for first in units:
        yield chain((first,), islice(units, size - 1))


def key_columns(keyed: list[tuple[int, tuple]], width: int) -> tuple[list[int], list[tuple]]:
    """``check_units``' (line, keys) pairs as (lines, one column of keys per dataset rule)."""
    if not keyed:
        return [], [()] * width
    lines = [line for line, _ in keyed]
    return lines, list(zip(*[keys for _, keys in keyed]))


def sample_method(units: Iterator, requested: str) -> tuple[list, str, str | None]:
    """Read the first records to decide (head units, method, foreign format of the file)."""
    head, sample = _sample(units)
    method, foreign = formats.decide_method(sample, requested)
    return head, method, foreign


def _sample(units: Iterator) -> tuple[list, list[str]]:
    head, sample = [], []
    for unit in units:
        head.append(unit)
        if type(unit) is RecordUnit:
            sample.append(formats.detect(unit.data))
            if len(sample) >= SAMPLE_RECORDS:
                break
    return head, sample
