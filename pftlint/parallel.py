"""Lint one large file on several cores, with the same findings as one pass.

The file is cut into chunks at line boundaries. Each worker process reads its
own chunk from the file, line by line (no file bytes cross a process boundary), runs the
reader and the record rules over it and sends back its findings (lines counted
from the chunk's start), its counts and the dataset rules' keys. The main
process renumbers the lines, feeds the keys to the dataset rules in file order
and runs the file rules.

Chunks never start or end inside a run of blank lines, so blank-line findings
are the same as in one pass. A file whose structure needs context from beyond
one line (a JSON document over several lines, a JSON array, a line that is
not JSON) is linted again in one pass: those are broken files, where one pass
is the reference and speed matters less.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Iterator

from .models import FileResult
from .reader import FileStats, Issue, Reader

if TYPE_CHECKING:
    from .engine import Linter

MIN_CHUNK = 2 * 1024 * 1024
MAX_CHUNK = 8 * 1024 * 1024
# Reader issues whose meaning does not depend on lines outside the chunk.
LOCAL_ISSUES = frozenset({"blank-line", "invalid-utf8", "literal-newline-separator",
                           "crlf-line-endings", "missing-final-newline", "trailing-blank-lines",
                           "duplicate-key", "unpaired-surrogate"})

_LINTER: "Linter | None" = None  # inherited by forked workers


def lint_file_parallel(linter: "Linter", path: str, size: int) -> FileResult | None:
    """Lint ``path`` with ``linter.jobs`` processes; None when one pass must do it instead."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return None
    from .engine import sample_method

    with open(path, "rb") as stream:
        _, method, foreign = sample_method(iter(Reader(stream)), linter.method)
        if foreign:
            return None  # a foreign-format file skips record rules: one pass is fast
        chunk = max(MIN_CHUNK, min(MAX_CHUNK, size // (linter.jobs * 8)))
        bounds = boundaries(stream, size, chunk)
    if len(bounds) < 2:
        return None
    global _LINTER
    _LINTER = linter
    tasks = [(path, start, end, i == 0, i == len(bounds) - 1, method) for i, (start, end) in enumerate(bounds)]
    # Chunks are stitched as they arrive, while the workers go on, unless a dataset rule keeps
    # state across files: a fallback to one pass must then find that state untouched.
    incremental = not any(getattr(state, "crosses_files", _no)() for state, _ in linter._dataset)
    stitcher = _Stitcher(linter, path, method)
    waiting = []
    try:
        with ProcessPoolExecutor(max_workers=min(linter.jobs, len(tasks)), mp_context=context) as pool:
            for part in pool.map(_lint_chunk, tasks):
                if part is None:
                    pool.shutdown(cancel_futures=True)
                    return None
                if incremental:
                    stitcher.add(part)
                else:
                    waiting.append(part)
    finally:
        _LINTER = None
    for part in waiting:
        stitcher.add(part)
    return stitcher.finish(size)


def _no() -> bool:
    return False


def boundaries(stream, size: int, chunk: int) -> list[tuple[int, int]]:
    """(start, end) byte ranges; each later chunk starts a non-blank line that follows a non-blank line."""
    starts = [0]
    pos = chunk
    while pos < size:
        stream.seek(pos)
        prev_blank = not stream.readline().strip()
        start = None
        while True:
            here = stream.tell()
            line = stream.readline()
            if not line:
                break
            blank = not line.strip()
            if not blank and not prev_blank:
                start = here
                break
            prev_blank = blank
        if start is None:
            break
        starts.append(start)
        pos = start + chunk
    ends = starts[1:] + [size]
    return list(zip(starts, ends))


def _lint_chunk(task):
    path, start, end, first, last, method = task
    linter = _LINTER
    with open(path, "rb") as stream:
        reader = Reader(chunk_lines(stream, start, end), typed=True)
        seen: set[str] = set()
        findings: list = []
        keyed = linter.check_units(watch_issues(reader, seen), path, method, None, findings, observe=False)
    allowed = LOCAL_ISSUES if last else LOCAL_ISSUES - {"trailing-blank-lines", "missing-final-newline"}
    if seen - allowed or reader.stats.structure != "jsonl":
        return None
    return findings, _pack(keyed), reader.stats


def chunk_lines(stream, start: int, end: int) -> Iterator[bytes]:
    """The lines of bytes start..end, one at a time (a chunk is never held whole)."""
    stream.seek(start)
    position = start
    for line in stream:
        yield line
        position += len(line)
        if position >= end:
            return


# Dataset keys travel back packed into one bytes object per chunk: a list of tuples of
# small objects costs ten times the memory in the main process while chunks wait their turn.
_NONE, _TRUE, _FALSE, _BYTES = 0, 1, 2, 3


def _pack(keyed: list[tuple[int, tuple]]):
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


def _unpack(packed, width: int) -> Iterator[tuple[int, tuple]]:
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


def watch_issues(reader: Reader, seen: set[str]) -> Iterator:
    """The reader's units, passed on; the rules of its Issues are collected in ``seen``."""
    for unit in reader:
        if type(unit) is Issue:
            seen.add(unit.rule)
        yield unit


class _Stitcher:
    """Puts chunk results together in file order: lines renumbered, dataset keys observed."""

    def __init__(self, linter: "Linter", path: str, method: str):
        self.linter, self.path, self.method = linter, path, method
        self.result = FileResult(path=path, method=method)
        self.total = FileStats()
        self.offset = 0
        self.crlf_seen = False
        self.width = len(linter._dataset_for(method))
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
        for line, keys in _unpack(keyed, self.width):
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
