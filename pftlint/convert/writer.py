"""The output: JSONL written to a temporary file beside OUT, renamed over it only when complete."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from typing import BinaryIO, Iterator


class Sink:
    """Where converted lines go. ``keep = False`` before the block ends leaves OUT as it was."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.write = stream.write
        self.keep = True


@contextlib.contextmanager
def atomic(path: str) -> Iterator[Sink]:
    """A sink that becomes ``path`` only when the block ends without error (``-``: stdout).

    Leaving the block by an exception (an unreadable input, a full disk, Ctrl-C) removes
    the temporary file: OUT is never half written.
    """
    if path == "-":
        sink = Sink(sys.stdout.buffer)
        yield sink
        sys.stdout.buffer.flush()
        return
    from ..commands.check import _file_mode

    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                               dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as out:
            sink = Sink(out)
            yield sink
            if sink.keep:
                out.flush()
                os.fsync(out.fileno())
        if sink.keep:
            os.chmod(tmp, _file_mode(path))
            os.replace(tmp, path)
            tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
