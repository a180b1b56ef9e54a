"""The rule engine: runs the active rules over files and returns findings.

It knows nothing about output: it returns :class:`~pftlint.models.FileResult`
objects and never prints. One pass per file: the reader streams units, record
rules see each record as it arrives, dataset rules keep digests, file rules
run at the end.
"""

from __future__ import annotations

import io
import json
import os
import time
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from . import formats
from .locate import column_of
from .models import FileResult, Finding, Problem, Report
from .reader import FileStats, Issue, Reader, RecordUnit
from .record import Record
from .rules import DATASET, FILE, RECORD
from .selection import ActiveRule
from .targets import Target

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
        self._record_checks = {
            m: [(a.rule.impl.check, a) for a in rules.values()
                if a.rule.impl.kind == RECORD and m in a.rule.impl.methods]
            for m in formats.METHODS
        }
        self._file_checks = [(a.rule.impl.check, a) for a in rules.values() if a.rule.impl.kind == FILE]
        self._dataset = [(a.rule.impl.check(a.options), a) for a in rules.values() if a.rule.impl.kind == DATASET]

    # -- entry points -----------------------------------------------------
    def run(self, paths: Iterable[str]) -> Report:
        started = time.perf_counter()
        report = Report()
        for path in paths:
            report.files.append(self.lint_path(path))
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
        """Lint Python objects as if each were one line of a JSONL file."""
        lines = (json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)
        return self.lint_stream(_IterStream(lines), path, None)

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
        result = FileResult(path=path)
        findings = result.findings
        rules = self.rules
        reader = Reader(stream)
        units = iter(reader)
        head, sample = _sample(units)
        method, foreign = formats.decide_method(sample, self.method)
        result.method = method
        checks = self._record_checks[method]
        dataset = [(s, a) for s, a in self._dataset if method in a.rule.impl.methods]
        for state, _ in dataset:
            state.begin_file(path)
        wrong_format = rules.get("wrong-format")
        foreign_reported = False
        target = self.target
        for unit in chain(head, units):
            if type(unit) is RecordUnit:
                data = unit.data
                fmt = formats.detect(data)
                if fmt != method and fmt != formats.UNKNOWN:
                    if foreign and fmt == foreign:
                        if not foreign_reported and wrong_format:
                            findings.append(self._finding(path, wrong_format, _foreign_file(foreign, method, path),
                                                          unit.line, unit.column))
                        foreign_reported = True
                    elif wrong_format:
                        findings.append(self._finding(path, wrong_format, _foreign_record(fmt, method, path),
                                                      unit.line, unit.column))
                    continue
                record = Record(data, method, target, unit.line)
                for check, active in checks:
                    for problem in check(record, active.options):
                        findings.append(self._record_finding(path, active, problem, unit))
                for state, active in dataset:
                    key = state.key(record, unit)
                    if key is not None:
                        for problem in state.observe(path, unit.line, key):
                            findings.append(self._record_finding(path, active, problem, unit))
            else:
                active = rules.get(unit.rule)
                if active is not None:
                    findings.append(Finding(path, unit.line, unit.column, active.rule.code, unit.rule,
                                            active.severity, unit.message))
        stats = reader.stats
        result.records = stats.records
        result.lines = stats.lines
        result.bytes = stats.bytes
        context = FileContext(path, size, stats, method, target)
        for check, active in self._file_checks:
            for problem in check(context, active.options):
                findings.append(self._finding(path, active, problem, problem.line or 1, problem.column or 1))
        for state, active in dataset:
            for problem in state.end_file(path):
                findings.append(self._finding(path, active, problem, problem.line or 1, problem.column or 1))
        findings.sort()
        return result

    # -- findings ---------------------------------------------------------
    @staticmethod
    def _finding(path: str, active: ActiveRule, problem: Problem, line: int, column: int) -> Finding:
        return Finding(path, line, column, active.rule.code, active.rule.name, active.severity,
                       problem.message, problem.json_path)

    def _record_finding(self, path: str, active: ActiveRule, problem: Problem, unit: RecordUnit) -> Finding:
        line = problem.line or unit.line
        if problem.column is not None:
            column = problem.column
        else:
            column = unit.column + column_of(unit.text, problem.json_path) - 1
            # a pretty-printed record: the path may sit on a later physical line
            before = unit.text[: column - unit.column]
            newlines = before.count("\n")
            if newlines:
                line += newlines
                column = len(before) - before.rfind("\n")
        return Finding(path, line, column, active.rule.code, active.rule.name, active.severity,
                       problem.message, problem.json_path)


def _sample(units: Iterator) -> tuple[list, list[str]]:
    head, sample = [], []
    for unit in units:
        head.append(unit)
        if type(unit) is RecordUnit:
            sample.append(formats.detect(unit.data))
            if len(sample) >= SAMPLE_RECORDS:
                break
    return head, sample


def _convert_hint(fmt: str, method: str, path: str) -> str:
    to = " --to supervised" if method == formats.SUPERVISED else ""
    out = Path(path).stem + ".openai.jsonl" if path not in ("-", "<bytes>", "<records>") else "out.jsonl"
    return f"pftlint convert {path} -o {out}{to}"


def _foreign_file(fmt: str, method: str, path: str) -> Problem:
    return Problem(
        f"the file is in {formats.DESCRIPTIONS[fmt]} format, not {formats.DESCRIPTIONS[method]}; "
        f"convert it: {_convert_hint(fmt, method, path)}",
    )


def _foreign_record(fmt: str, method: str, path: str) -> Problem:
    if fmt in formats.METHODS:
        fix = ("keep supervised and preference records in separate files"
               if fmt != method else "")
        return Problem(
            f"this record is {formats.DESCRIPTIONS[fmt]}, but the file is {formats.DESCRIPTIONS[method]}; {fix}"
            + (" (or choose --method)" if fix else ""))
    return Problem(f"this record is in {formats.DESCRIPTIONS[fmt]} format, not {formats.DESCRIPTIONS[method]}; "
                   f"convert it: {_convert_hint(fmt, method, path)}")


class _IterStream(io.RawIOBase):
    """A binary stream over an iterator of lines (for lint_records)."""

    def __init__(self, lines: Iterator[bytes]):
        self._lines = lines

    def __iter__(self):
        return self._lines

    def readable(self) -> bool:
        return True
