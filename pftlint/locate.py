"""Turn a JSON path such as ``preferred_output[0].role`` into a column.

Only called when a record rule reports a problem, so it may re-scan the
record's text: the hot path never pays for it.
"""

from __future__ import annotations

import json
import re

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n]*")
_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def parse_path(path: str) -> list[str | int]:
    return [int(m.group(1)) if m.group(1) is not None else m.group(2) for m in _TOKEN.finditer(path)]


def column_of(text: str, path: str | None) -> int:
    """1-based character column of the value at ``path`` in ``text`` (or of its deepest existing parent)."""
    if not path:
        return 1
    try:
        return _walk(text, parse_path(path)) + 1
    except (ValueError, IndexError, RecursionError):
        return 1


def _walk(text: str, steps: list[str | int]) -> int:
    pos = _WS.match(text, 0).end()
    for step in steps:
        opener = text[pos:pos + 1]
        if isinstance(step, int) and opener == "[":
            found = _array_element(text, pos, step)
        elif isinstance(step, str) and opener == "{":
            found = _object_value(text, pos, step)
        else:
            return pos
        if found is None:
            return pos
        pos = found
    return pos


def _array_element(text: str, pos: int, index: int) -> int | None:
    pos = _WS.match(text, pos + 1).end()
    i = 0
    while pos < len(text) and text[pos] != "]":
        if i == index:
            return pos
        _, end = _DECODER.raw_decode(text, pos)
        pos = _WS.match(text, end).end()
        if text[pos:pos + 1] == ",":
            pos = _WS.match(text, pos + 1).end()
        i += 1
    return None


def _object_value(text: str, pos: int, key: str) -> int | None:
    pos = _WS.match(text, pos + 1).end()
    while pos < len(text) and text[pos] != "}":
        name, end = _DECODER.raw_decode(text, pos)
        pos = _WS.match(text, end).end() + 1  # past ':'
        pos = _WS.match(text, pos).end()
        if name == key:
            return pos
        _, end = _DECODER.raw_decode(text, pos)
        pos = _WS.match(text, end).end()
        if text[pos:pos + 1] == ",":
            pos = _WS.match(text, pos + 1).end()
    return None
