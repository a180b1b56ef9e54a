"""Where ``check --output-file`` and ``convert -o`` write: never over an input, never half a file.

A regular file (or a path that does not exist yet) is written to a temporary file beside it
and renamed over it when complete, so no reader sees half of it. A symbolic link to a regular
file keeps being a link: the file it points to is replaced. Anything else (``/dev/null``, a
FIFO, a terminal, ``/proc/self/fd/1``) is opened and written through, never replaced or
removed. ``-``, or a path that is where standard output (or error) already goes, is written
to that stream. ``--fix`` has its own variant (pftlint.fix): it verifies the copy before the
rename and keeps the original's mode and owner.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from typing import IO, Iterator

STDIN = "-"


def identity(path: str) -> tuple[int, int] | None:
    """The file ``path`` names, through links (device, inode); ``-`` is standard input. None: no such file."""
    try:
        st = os.fstat(0) if path == STDIN else os.stat(path)
    except (OSError, ValueError):
        return None
    if path == STDIN and not stat.S_ISREG(st.st_mode):  # a pipe or terminal: nothing a report could overwrite
        return None
    return st.st_dev, st.st_ino


def read_as(output: str, inputs: list[str]) -> str | None:
    """The first of ``inputs`` that is the same file as ``output`` (by identity, not by name), if any."""
    if output == STDIN:
        return None
    mine = identity(output)
    if mine is None:
        return None
    return next((path for path in inputs if identity(path) == mine), None)


def standard_stream(path: str, binary: bool) -> IO | None:
    """sys.stdout for ``-`` or a path naming the file stdout writes to (/dev/stdout, the terminal); stderr alike."""
    streams = (sys.stdout, sys.stderr)
    if path == STDIN:
        chosen = sys.stdout
    else:
        mine = identity(path)
        chosen = None
        for stream in streams if mine is not None else ():
            with contextlib.suppress(OSError, ValueError, AttributeError):
                st = os.fstat(stream.fileno())
                if (st.st_dev, st.st_ino) == mine:
                    chosen = stream
                    break
    if chosen is None:
        return None
    return chosen.buffer if binary else chosen


def is_stdout(path: str) -> bool:
    """Whether writing ``path`` means writing standard output (``-``, /dev/stdout, /proc/self/fd/1...)."""
    return standard_stream(path, False) is sys.stdout


def file_mode(path: str) -> int:
    """The mode a plain ``open(path, "w")`` would leave: the existing file's, else 0666 minus the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


class Pending:
    """The file being written. Set ``keep = False`` before the block ends to leave ``path`` as it was."""

    def __init__(self, stream: IO):
        self.stream = stream
        self.write = stream.write
        self.keep = True


@contextlib.contextmanager
def replaced_when_done(path: str, mode: str = "wb", **open_args) -> Iterator[Pending]:
    """A temporary file beside ``path``, renamed over it when the block ends without error.

    Leaving the block by an exception (a full disk, Ctrl-C) removes the temporary file and
    leaves ``path`` untouched. Raises OSError when the folder cannot be written.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                               dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, mode, **open_args) as out:
            pending = Pending(out)
            yield pending
            if pending.keep:
                out.flush()
                os.fsync(out.fileno())
        if pending.keep:
            os.chmod(tmp, file_mode(path))
            os.replace(tmp, path)
            tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def written(path: str, mode: str = "wb", **open_args) -> Iterator[Pending]:
    """The output ``path``, written as the module says: replaced atomically only when it is a regular file.

    ``open_args`` apply to a file pftlint opens; standard output and error are used as they are.
    """
    stream = standard_stream(path, "b" in mode)
    if stream is not None:
        yield Pending(stream)
        stream.flush()
        return
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:  # a new file, or a link to one not created yet
        regular = True
    target = os.path.realpath(path)  # a link stays a link: the file it points to is replaced
    if not regular or identity(target) != identity(path):  # a device, FIFO, socket, /proc/self/fd/N
        with open(path, mode, **open_args) as out:
            yield Pending(out)
        return
    with replaced_when_done(target, mode, **open_args) as pending:
        yield pending
