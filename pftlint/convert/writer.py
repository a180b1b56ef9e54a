"""The output: JSONL written to a temporary file beside OUT, renamed over it only when complete."""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator

from ..atomic import Pending, replaced_when_done


@contextlib.contextmanager
def atomic(path: str) -> Iterator[Pending]:
    """A sink that becomes ``path`` only when the block ends without error (``-``: stdout).

    Leaving the block by an exception (an unreadable input, a full disk, Ctrl-C) removes
    the temporary file: OUT is never half written. ``sink.keep = False`` leaves OUT as it was.
    """
    if path == "-":
        sink = Pending(sys.stdout.buffer)
        yield sink
        sys.stdout.buffer.flush()
        return
    with replaced_when_done(path, "wb", buffering=1 << 20) as sink:
        yield sink
