"""Runs a :class:`~pftlint.engine.linter.Linter` over files: each in one pass, or a large one in chunks on
every core (pftlint.engine.parallel), with the same findings either way.

A chunk gives its findings (lines counted from the chunk's start), its counts and the dataset
rules' keys; the main process renumbers the lines, feeds the keys to the dataset rules in file
order and runs the file rules (``Linter.end_file``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import BinaryIO, Iterable, Iterator

from ..reading.reader import FileStats, Reader
from .findings import FileResult, Report
from .linter import Linter, sample_method
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
        self.stitcher: _Stitcher | None = None

    def one_pass(self, stream: BinaryIO, path: str, size: int | None) -> FileResult:
        return self.linter.lint_stream(stream, path, size)

    def prepare(self, stream: BinaryIO, path: str, size: int) -> bool:
        _, self.method, foreign = sample_method(iter(Reader(stream)), self.linter.method)
        return not foreign  # a foreign-format file skips record rules: one pass is fast

    def chunk(self, chunk: Chunk):
        findings: list = []

        def check(units):
            return self.linter.check_units(units, chunk.path, self.method, None, findings, observe=False)

        done = read_chunk(chunk, check, typed=True)
        if done is None:
            return None
        keyed, stats = done
        return findings, pack_keys(keyed), stats

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
        self.width = linter.dataset_width(method)
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
        observe, path, method = self.linter.observe, self.path, self.method
        for line, keys in unpack_keys(keyed, self.width):
            observe(path, method, line + offset, keys, findings)
        self.offset += stats.lines
        total = self.total
        total.lines += stats.lines
        total.bytes += stats.bytes
        total.records += stats.records
        total.content_lines += stats.content_lines
        total.ends_with_newline = stats.ends_with_newline

    def finish(self, size: int) -> FileResult:
        self.linter.end_file(self.result, self.total, size)
        return self.result


# Dataset keys travel back packed into one bytes object per chunk: a list of tuples of
# small objects costs ten times the memory in the main process while chunks wait their turn.
_NONE, _TRUE, _FALSE, _BYTES = 0, 1, 2, 3


def pack_keys(keyed: list[tuple[int, tuple]]):
    """(line, keys) pairs as one bytes object, or the list itself when a key is not None, a bool or short bytes."""
    out = bytearray()
    for line, keys in keyed:
        out += line.to_bytes(5, "little")
        for key in keys:
            if key is None:
                out.append(_NONE)
            elif key is True:
                out.append(_TRUE)
            elif key is False:
                out.append(_FALSE)
            elif type(key) is bytes and len(key) < 256:
                out.append(_BYTES)
                out.append(len(key))
                out += key
            else:
                return keyed  # another kind of key: sent as it is
    return bytes(out)


def unpack_keys(packed, width: int) -> Iterator[tuple[int, tuple]]:
    """The (line, keys) pairs of ``pack_keys``; ``width`` keys per record."""
    if not isinstance(packed, bytes):
        yield from packed
        return
    pos, size = 0, len(packed)
    while pos < size:
        line = int.from_bytes(packed[pos:pos + 5], "little")
        pos += 5
        keys = []
        for _ in range(width):
            kind = packed[pos]
            pos += 1
            if kind == _BYTES:
                n = packed[pos]
                keys.append(packed[pos + 1:pos + 1 + n])
                pos += 1 + n
            else:
                keys.append(None if kind == _NONE else kind == _TRUE)
        yield line, tuple(keys)
