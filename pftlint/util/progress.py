"""Progress bars for long runs: Rich, on stderr, only on a terminal, only for files over a few MB.

Nothing is drawn when stderr is piped or redirected, so logs and CI output stay clean.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import BinaryIO, Iterator, TextIO

from ..reporters import is_terminal

# A file at least this large gets a progress bar.
PROGRESS_MIN_BYTES = 4 * 1024 * 1024


# Whether bars may be coloured: each command sets it for its run from --no-color (the bars are made deep
# inside the engine and stats, so the flag reaches them here); NO_COLOR in the environment works anyway.
_COLOUR = {"allowed": True}


def allow_colour(allowed: bool) -> None:
    """Colour the progress bars of this run, or not (``--no-color``)."""
    _COLOUR["allowed"] = allowed


def _wanted(total: int | None, stream: TextIO) -> bool:
    return bool(total) and total >= PROGRESS_MIN_BYTES and is_terminal(stream)  # a terminal, whatever NO_COLOR says


def _bar(stream: TextIO):
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), "[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                    TimeElapsedColumn(), console=Console(file=stream, no_color=not _COLOUR["allowed"] or None),
                    transient=True)


class ByteProgress:
    """Bytes read from one file, advanced as its lines are consumed (``pftlint stats``)."""

    def __init__(self, path: str, size: int | None, stream: TextIO | None = None):
        stream = stream or sys.stderr
        self.bar = None
        if _wanted(size, stream):
            self.bar = _bar(stream)
            from rich.markup import escape

            from .printable import printable  # the description is Rich markup: a file name is text, not markup
            self.task = self.bar.add_task(escape(printable(os.path.basename(path))), total=size)

    def wrap(self, lines: BinaryIO) -> Iterator[bytes]:
        if self.bar is None:
            yield from lines
            return
        pending = 0
        with self.bar:
            for line in lines:
                pending += len(line)
                if pending >= 1 << 20:
                    self.bar.advance(self.task, pending)
                    pending = 0
                yield line


class FilesProgress:
    """``pftlint check``'s bar over the bytes of every file: call it with a path once that file is done.

    ``read(n)`` counts bytes as they are read, from any process: the count lives in shared memory,
    so forked workers that inherit this object add to it too (pftlint.engine.parallel.on_read), and
    a thread moves the bar from it a few times a second. None when no bar is drawn.
    """

    POLL_SECONDS = 0.2

    def __init__(self, bar=None, task=None, sizes: dict[str, int] | None = None):
        self.bar, self.task, self.sizes = bar, task, sizes or {}
        self.finished = 0  # the bytes of the files done
        self.read = None
        if bar is None:
            return
        import multiprocessing
        import threading

        self.shared = multiprocessing.Value("q", 0)  # bytes read of the file being checked, by every process
        self.read = self._read
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _read(self, n: int) -> None:
        with self.shared.get_lock():
            self.shared.value += n

    def _poll(self) -> None:
        while not self.stop.wait(self.POLL_SECONDS):
            self.show()

    def show(self) -> None:
        """Move the bar to the bytes done and read so far (never past the total: a re-read counts twice)."""
        total = sum(self.sizes.values())
        self.bar.update(self.task, completed=min(total, self.finished + self.shared.value))

    def __call__(self, path: str) -> None:
        if self.bar is None:
            return
        self.finished += self.sizes.get(path, 0)
        with self.shared.get_lock():
            self.shared.value = 0
        self.show()

    def close(self) -> None:
        if self.bar is not None:
            self.stop.set()
            self.thread.join()


@contextmanager
def files_progress(paths: list[str], stream: TextIO | None = None) -> Iterator[FilesProgress]:
    """For ``pftlint check``: a bar over the bytes of the files, on a terminal, when one is large.

    Yields a :class:`FilesProgress` (call it after each file; a no-op when no bar is drawn).
    """
    stream = stream or sys.stderr
    sizes = {}
    for path in paths:
        try:
            sizes[path] = os.path.getsize(path) if path != "-" else 0
        except OSError:
            sizes[path] = 0
    if not _wanted(max(sizes.values(), default=0), stream):
        yield FilesProgress()
        return
    with _bar(stream) as bar:
        task = bar.add_task(f"checking {len(paths)} file{'s' if len(paths) != 1 else ''}", total=sum(sizes.values()))
        progress = FilesProgress(bar, task, sizes)
        try:
            yield progress
        finally:
            progress.close()


def tracked(paths: list[str], done) -> Iterator[str]:
    """The paths, calling ``done(path)`` once each has been processed (when the next is asked for)."""
    for path in paths:
        yield path
        done(path)
