"""Runs a :class:`~pftlint.engine.linter.Linter` over files: each in one pass, or a large one in chunks on
every core (pftlint.engine.parallel), with the same findings either way.

A chunk gives its findings (lines counted from the chunk's start), its counts and the dataset
rules' keys; the main process renumbers the lines, feeds the keys to the dataset rules in file
order and runs the file rules (``Linter.end_file``).
"""

from __future__ import annotations

from array import array
from dataclasses import replace
from typing import BinaryIO, Iterable

from ..reading.reader import FileStats, Reader
from .findings import FileResult, Report
from .linter import Linter, key_columns, sample_method
from .parallel import Chunk, FileJob, available_cores, read_chunk, run_file


def run(linter: Linter, paths: Iterable[str], jobs: int = 0) -> Report:
    """Lint ``paths`` ("-": standard input) and the whole run; ``jobs`` processes at most (0: one per core)."""
    jobs = jobs if jobs > 0 else available_cores()
    return linter.run(paths, lambda path: lint_file(linter, path, jobs))


def lint_file(linter: Linter, path: str, jobs: int) -> FileResult:
    """One file, in chunks when it is large and ``jobs`` > 1. Raises OSError if it cannot be read."""
    return run_file(_CheckJob(linter), path, jobs)


class _CheckJob(FileJob):
    def __init__(self, linter: Linter):
        self.linter = linter
        # A dataset rule that keeps state across files: a fallback to one pass must find it untouched.
        self.incremental = not linter.crosses_files
        self.method = ""
        self.foreign: str | None = None  # the file's format when not the method's OpenAI layout
        self.stitcher: _Stitcher | None = None

    def one_pass(self, stream: BinaryIO, path: str, size: int | None) -> FileResult:
        return self.linter.lint_stream(stream, path, size)

    def prepare(self, stream: BinaryIO, path: str, size: int) -> bool:
        # every format is read into the one view, so a file in any format is checked in chunks
        _, self.method, self.foreign = sample_method(iter(Reader(stream, typed=True)), self.linter.method)
        return True

    def chunk(self, chunk: Chunk):
        findings: list = []

        def check(units):
            # the first chunk holds the file's first record (the format rule's file finding)
            return self.linter.check_units(units, chunk.path, self.method, self.foreign, findings, observe=False,
                                           from_start=chunk.start == 0)

        done = read_chunk(chunk, check, typed=True)
        if done is None:
            return None
        keyed, stats = done
        lines, columns = key_columns(keyed, self.linter.dataset_width(self.method))
        # keys travel as one tuple per dataset rule (pickled in C), lines as one array
        return findings, (array("q", lines), columns), stats

    def add(self, part, chunk: Chunk) -> None:
        if self.stitcher is None:
            self.stitcher = _Stitcher(self.linter, chunk.path, self.method)
        self.stitcher.add(part)

    def finish(self, size: int) -> FileResult:
        return self.stitcher.finish(size)


class _Stitcher:
    """Puts chunk results together in file order: lines renumbered, dataset keys observed."""

    def __init__(self, linter: Linter, path: str, method: str):
        self.linter, self.path, self.method = linter, path, method
        self.result = FileResult(path=path, method=method)
        self.total = FileStats()
        self.offset = 0
        self.crlf_seen = False
        linter.begin_file(path, method)

    def add(self, part) -> None:
        chunk_findings, keyed, stats = part
        findings, offset = self.result.findings, self.offset
        for finding in chunk_findings:
            if finding.rule == "crlf-line-endings":
                if self.crlf_seen:
                    continue
                self.crlf_seen = True
            findings.append(replace(finding, line=finding.line + offset) if offset else finding)
        lines, columns = keyed
        if columns and columns[0]:
            if offset:
                lines = [line + offset for line in lines]
            self.linter.observe_columns(self.path, self.method, lines, columns, findings)
        self.offset += stats.lines
        self.total.add(stats)

    def finish(self, size: int) -> FileResult:
        self.linter.end_file(self.result, self.total, size)
        return self.result
