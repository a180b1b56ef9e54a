"""The one driver that reads a large file on every core, for ``check`` (pftlint.engine.runner) and ``stats``.

:func:`run_file` decides per file: standard input, a small file, a single core or a platform
without ``fork`` are done in one pass; a large file is cut into chunks at line boundaries, and
forked worker processes and the main process take the chunks one at a time from a shared
counter (the main process does its share instead of waiting; it takes fewer chunks when it is
busy putting results together). Each process reads its own chunk from the file, line by line
(no file bytes cross a process boundary). The main process gets the chunks' results in file
order and hands them to the job, which puts them together.

Chunks never start or end inside a run of blank lines, so blank-line findings are the same as
in one pass. A chunk whose structure needs context from beyond one line (a JSON document over
several lines, a JSON array, a line that is not JSON) makes the whole file go through one pass
again: those are broken files, where one pass is the reference and speed matters less.

What is done with a file is a :class:`FileJob`: how to do it in one pass, what one chunk gives,
and how the chunks' results are put together.
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from typing import Any, BinaryIO, Callable, ContextManager, Iterator, NamedTuple

from ..errors import PftlintError
from ..reading import sources
from ..reading.reader import FileStats, Issue, Reader

# Smaller files are done in one process: starting workers would cost more than it saves.
PARALLEL_MIN_BYTES = 8 * 1024 * 1024
MIN_CHUNK = 2 * 1024 * 1024
MAX_CHUNK = 8 * 1024 * 1024
# Reader issues whose meaning does not depend on lines outside the chunk.
LOCAL_ISSUES = frozenset({"blank-line", "invalid-utf8", "literal-newline-separator",
                           "crlf-line-endings", "missing-final-newline", "trailing-blank-lines",
                           "duplicate-key", "unpaired-surrogate"})
# Only the last chunk sees the end of the file.
END_ISSUES = frozenset({"trailing-blank-lines", "missing-final-newline"})
# How often the main process, waiting for a chunk, checks that the workers are alive.
WAIT_SECONDS = 0.5

_JOB: "FileJob | None" = None  # inherited by forked workers
# Told the bytes read so far, about every MiB, by every process (check's progress bar, which
# must share what it counts with the forked workers); None: nobody listens.
on_read: "Callable[[int], None] | None" = None
READ_STEP = 1 << 20


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Chunk(NamedTuple):
    """Bytes ``start`` to ``end`` of the file at ``path``; ``last``: the chunk that ends the file."""

    path: str
    start: int
    end: int
    last: bool


class FileJob:
    """What :func:`run_file` does with one file. Subclasses implement every method but ``running``."""

    #: Results are given to ``add`` as they arrive, while the workers go on. False when ``add``
    #: changes state that a fallback to one pass must find untouched: they are then added once
    #: every chunk is done.
    incremental = True

    def one_pass(self, stream: BinaryIO, path: str, size: int | None) -> Any:
        """The whole file in this process, in one pass."""
        raise NotImplementedError

    def prepare(self, stream: BinaryIO, path: str, size: int) -> bool:
        """Before the chunks (e.g. sample the method); False: do the file in one pass instead."""
        return True

    def chunk(self, chunk: Chunk) -> Any:
        """One chunk's result (in a worker or the main process); None: do the file in one pass."""
        raise NotImplementedError

    def add(self, part: Any, chunk: Chunk) -> None:
        """A chunk's result, in the main process, in file order."""
        raise NotImplementedError

    def finish(self, size: int) -> Any:
        """The file's result once every chunk was added."""
        raise NotImplementedError

    def running(self) -> ContextManager:
        """Entered once the workers are forked, around the chunks (e.g. a progress bar's thread)."""
        return nullcontext()


def run_file(job: FileJob, path: str, jobs: int) -> Any:
    """Do ``job`` on ``path`` ("-": standard input) with up to ``jobs`` processes. Raises OSError if it cannot be
    read, naming ``path`` (a read that fails after the open, EIO on /proc/self/mem, names no file by itself)."""
    try:
        return _run_file(job, path, jobs)
    except OSError as exc:
        # (not our own errors, which are OSErrors too: their message already names the file)
        if exc.filename is None and not isinstance(exc, (BrokenPipeError, PftlintError)):
            exc.filename = path
        raise


def _run_file(job: FileJob, path: str, jobs: int) -> Any:
    if path == "-":
        return job.one_pass(sys.stdin.buffer, "-", None)
    if sources.kind(path):  # gzip or Parquet: the JSON lines inside, in one pass (size: the lines' bytes)
        with sources.open_lines(path) as lines:
            return job.one_pass(lines, path, None)
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        if jobs > 1 and size >= PARALLEL_MIN_BYTES:
            result = _in_chunks(job, stream, path, size, jobs)
            if result is not None:
                return result
            stream.seek(0)
        if on_read is not None:
            from ..reading.streams import LineStream

            return job.one_pass(LineStream(_told(stream)), path, size)
        return job.one_pass(stream, path, size)


def _in_chunks(job: FileJob, stream: BinaryIO, path: str, size: int, jobs: int) -> Any:
    import multiprocessing  # imported here, as pickle, queue and signal are: a small file starts no worker

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return None
    if not job.prepare(stream, path, size):
        return None
    bounds = boundaries(stream, size, max(MIN_CHUNK, min(MAX_CHUNK, size // (jobs * 8))))
    if len(bounds) < 2:
        return None
    chunks = [Chunk(path, start, end, i == len(bounds) - 1) for i, (start, end) in enumerate(bounds)]
    counter = context.Value("q", 0)  # the next chunk to take, for every process
    results = context.Queue()  # (index, result) from the workers; a queue's feeder thread never blocks them
    global _JOB
    _JOB = job
    workers = [context.Process(target=_work, args=(chunks, counter, results), daemon=True)
               for _ in range(min(jobs, len(chunks)) - 1)]
    done = False
    try:
        for worker in workers:
            worker.start()
        _JOB = None
        with job.running():
            if not _share(job, chunks, counter, results, workers):
                return None
        done = True
    finally:
        _JOB = None
        for worker in workers:
            if done:
                worker.join()
            else:  # a fallback or an error: what the workers still do is not needed
                worker.terminate()
                worker.join()
        results.close()
    return job.finish(size)


def _take(counter, total: int) -> int | None:
    with counter.get_lock():
        index = counter.value
        counter.value = index + 1
    return index if index < total else None


def _work(chunks: list[Chunk], counter, results) -> None:
    """A worker: take chunks until none is left; a result of None stops every process."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    job = _JOB
    while (index := _take(counter, len(chunks))) is not None:
        try:
            part = job.chunk(chunks[index])
        except Exception as exc:  # raised again in the main process, as one pass would raise it
            results.put((index, _Failure(_picklable(exc))))
            return
        results.put((index, part))
        if part is None:
            return


class _Failure(NamedTuple):
    error: BaseException


def _picklable(exc: Exception) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _share(job: FileJob, chunks: list[Chunk], counter, results, workers: list) -> bool:
    """The main process's side: take chunks while any is left, add results in file order.

    False when a chunk asked for one pass.
    """
    import queue

    total = len(chunks)
    arrived: dict[int, Any] = {}
    added = 0
    waiting = []  # not incremental: every result, added at the end

    def receive(index: int, part: Any) -> bool:
        nonlocal added
        if isinstance(part, _Failure):
            raise part.error
        if part is None:
            with counter.get_lock():
                counter.value = total  # the other processes take no further chunk
            return False
        arrived[index] = part
        while added in arrived:
            ready = (arrived.pop(added), chunks[added])
            if job.incremental:
                job.add(*ready)
            else:
                waiting.append(ready)
            added += 1
        return True

    while added < total:
        index = _take(counter, total)
        if index is not None:
            if not receive(index, job.chunk(chunks[index])):
                return False
            while True:  # what the workers finished meanwhile
                try:
                    item = results.get_nowait()
                except queue.Empty:
                    break
                if not receive(*item):
                    return False
        else:
            if not receive(*_next_result(results, workers)):
                return False
    for ready in waiting:
        job.add(*ready)
    return True


def _next_result(results, workers: list) -> tuple[int, Any]:
    import queue

    while True:
        try:
            return results.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            dead = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
            if dead or all(w.exitcode is not None for w in workers) and results.empty():
                raise RuntimeError(f"a worker process stopped (exit status {dead[0] if dead else 0}) "
                                   "before its chunk was done")


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


def read_chunk(chunk: Chunk, consume: Callable[[Iterator], Any],
               typed: bool = False) -> tuple[Any, FileStats] | None:
    """``consume`` over the reader's units of the chunk: (its result, the chunk's counts), or None
    when the chunk is not plain JSON lines on its own (the file then needs one pass). ``typed``:
    records decoded into the typed model (the record rules' view), else plain dicts."""
    seen: set[str] = set()
    with open(chunk.path, "rb") as stream:
        reader = Reader(chunk_lines(stream, chunk.start, chunk.end), typed=typed)
        result = consume(_watch_issues(reader, seen))
    allowed = LOCAL_ISSUES if chunk.last else LOCAL_ISSUES - END_ISSUES
    if seen - allowed or reader.stats.structure != "jsonl":
        return None
    return result, reader.stats


def chunk_lines(stream, start: int, end: int) -> Iterator[bytes]:
    """The lines of bytes start..end, one at a time (a chunk is never held whole)."""
    stream.seek(start)
    position = told = start
    for line in stream:
        yield line
        position += len(line)
        if on_read is not None and (position - told >= READ_STEP or position >= end):
            on_read(position - told)
            told = position
        if position >= end:
            return


def _told(lines) -> Iterator[bytes]:
    """The lines, telling ``on_read`` how many bytes went by (to the end, whatever the size said)."""
    pending = 0
    for line in lines:
        yield line
        pending += len(line)
        if pending >= READ_STEP:
            on_read(pending)
            pending = 0
    if pending:
        on_read(pending)


def _watch_issues(reader: Reader, seen: set[str]) -> Iterator:
    """The reader's units, passed on; the rules of its Issues are collected in ``seen``."""
    for unit in reader:
        if type(unit) is Issue:
            seen.add(unit.rule)
        yield unit
