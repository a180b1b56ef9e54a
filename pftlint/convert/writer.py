"""The output: JSONL written to a temporary file beside OUT, renamed over it only when complete."""

from __future__ import annotations

import contextlib
from typing import Iterator

from ..util.atomic import Pending, written


@contextlib.contextmanager
def atomic(path: str) -> Iterator[Pending]:
    """A sink that becomes ``path`` only when the block ends without error (``-``: stdout).

    Leaving the block by an exception (an unreadable input, a full disk, Ctrl-C) removes
    the temporary file: OUT is never half written. ``sink.keep = False`` leaves OUT as it was.
    A device or FIFO (``/dev/null``, ``/dev/stdout``) is written through (pftlint.util.atomic).
    """
    with written(path, "wb", buffering=1 << 20) as sink:
        yield sink
