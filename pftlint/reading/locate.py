"""Turn a JSON path such as ``("preferred_output", 0, "role")`` into a position in a record's text.

Only used when a record rule reports a problem, so the hot path never pays for it.
A :class:`Locator` serves every finding of one record: it remembers, for each array
and object it has entered, the start of every element or value it has passed, and
resumes from there. Each container is scanned at most once however many paths are
asked, so locating all findings of a record is linear in the record's size (times the
depth of the paths), where scanning from the start for each finding was quadratic.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n]*")
_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def parse_path(path: str) -> list[str | int]:
    """Segments of a path the reader rendered as text (its keys hold no '.' or '['; rules give tuples)."""
    return [int(m.group(1)) if m.group(1) is not None else m.group(2) for m in _TOKEN.finditer(path)]


def column_of(text: str, path: "tuple | str | None") -> int:
    """1-based character column of the value at ``path`` in ``text`` (or of its deepest existing parent)."""
    return Locator(text).offset(path) + 1


class _Scan:
    """How far one array or object has been scanned: the children found so far, and where to resume."""

    __slots__ = ("found", "cursor", "inside", "done")

    def __init__(self, cursor: int):
        self.found: list[int] | dict[str, int] = []
        self.cursor = cursor  # the next child's start, or (inside) the start of the child just recorded
        self.inside = False  # the cursor is at a recorded child that still has to be skipped
        self.done = False


class Locator:
    """Positions of JSON paths in one record's text; build one per record and ask it for every finding."""

    def __init__(self, text: str):
        self.text = text
        self._scans: dict[int, _Scan] = {}
        self._newlines: list[int] | None = None

    def offset(self, path: "tuple | str | None") -> int:
        """0-based index of the value at ``path`` (segments, or text from the reader), or of its deepest
        existing parent; 0 if unreadable."""
        if not path:
            return 0
        try:
            return self._walk(path if type(path) is tuple else parse_path(path))
        except (ValueError, IndexError, RecursionError):
            return 0

    def place(self, path: "tuple | str | None", first_column: int) -> tuple[int, int]:
        """(physical lines after the record's first line, column there) of ``path``.

        ``first_column`` is the column the record's text starts at on its first line.
        """
        offset = self.offset(path)
        if self._newlines is None:
            text = self.text
            self._newlines = [m.start() for m in re.finditer("\n", text)] if "\n" in text else []
        lines = bisect_left(self._newlines, offset)
        if not lines:
            return 0, first_column + offset
        return lines, offset - self._newlines[lines - 1]

    def _walk(self, steps) -> int:
        text = self.text
        pos = _WS.match(text, 0).end()
        for step in steps:
            opener = text[pos:pos + 1]
            if type(step) is int and opener == "[":
                found = self._element(pos, step)
            elif type(step) is str and opener == "{":
                found = self._value(pos, step)
            else:
                return pos
            if found is None:
                return pos
            pos = found
        return pos

    def _scan(self, pos: int, is_object: bool) -> _Scan:
        scan = self._scans.get(pos)
        if scan is None:
            scan = self._scans[pos] = _Scan(_WS.match(self.text, pos + 1).end())
            if is_object:
                scan.found = {}
        return scan

    def _skip(self, scan: _Scan) -> None:
        """Move the cursor past the recorded child and its comma."""
        text = self.text
        _, end = _DECODER.raw_decode(text, scan.cursor)
        pos = _WS.match(text, end).end()
        if text[pos:pos + 1] == ",":
            pos = _WS.match(text, pos + 1).end()
        scan.cursor, scan.inside = pos, False

    def _element(self, pos: int, index: int) -> int | None:
        scan = self._scan(pos, is_object=False)
        starts, text = scan.found, self.text
        while len(starts) <= index and not scan.done:
            if scan.inside:
                self._skip(scan)
            if scan.cursor >= len(text) or text[scan.cursor] == "]":
                scan.done = True
            else:
                starts.append(scan.cursor)
                scan.inside = True
        return starts[index] if index < len(starts) else None

    def _value(self, pos: int, key: str) -> int | None:
        scan = self._scan(pos, is_object=True)
        values, text = scan.found, self.text
        while key not in values and not scan.done:
            if scan.inside:
                self._skip(scan)
            cursor = scan.cursor
            if cursor >= len(text) or text[cursor] == "}":
                scan.done = True
                break
            name, end = _DECODER.raw_decode(text, cursor)
            start = _WS.match(text, _WS.match(text, end).end() + 1).end()  # past ':'
            if isinstance(name, str):
                values.setdefault(name, start)  # the first of duplicate keys, as a scan from the start finds
            scan.cursor, scan.inside = start, True
        return values.get(key)
