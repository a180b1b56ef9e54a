"""Byte streams the reader takes, and the standard output after its reader has gone.

:class:`LineStream` lets anything that yields lines of bytes (in-memory records, a stream with
a progress bar around it) be read as a file; :func:`record_lines` writes Python records as JSONL
lines, one at a time, for it.
"""

from __future__ import annotations

import io
import json
import os
import sys
from typing import Any, Iterable, Iterator


class LineStream(io.RawIOBase):
    """A read-only binary stream over an iterator of lines (``for line in stream`` gives them back)."""

    def __init__(self, lines: Iterable[bytes]):
        self._lines = iter(lines)

    def __iter__(self) -> Iterator[bytes]:
        return self._lines

    def readable(self) -> bool:
        return True


def record_lines(records: Iterable[Any]) -> Iterator[bytes]:
    """Each record as one line of JSON in UTF-8 (an unpaired surrogate is kept, for the reader to report).

    Raises TypeError naming the record (counted from 1) that ``json.dumps`` cannot write.
    """
    for number, record in enumerate(records, 1):
        try:
            text = json.dumps(record, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"record {number} cannot be written as JSON: {exc}") from None
        yield text.encode("utf-8", "surrogatepass") + b"\n"


def silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
