"""JSON text that is not one record per line: what the reader needs to read it anyway.

- :class:`Document`: the lines of a JSON document pretty-printed over several lines, gathered
  until its brackets close (a record, a JSON array, ``{"data": [...]}``), and whether a new
  record started before it closed;
- :func:`array_items`: the elements of a JSON array, with where each starts in the text;
- :func:`records_under_key`: a document like ``{"data": [{...}, ...]}`` (the key and its records);
- :func:`split_glued`: records on one line joined (or ended) by a literal ``\\n``;
- :func:`strict_loads`: the reader's one JSON parse (``NaN`` and ``Infinity`` are not JSON),
  shared by the line-by-line path and the documents.
"""

from __future__ import annotations

import json
import re
from typing import Iterator

from ..model import formats

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n]*")
# JSON strings, removed before counting brackets: enough to follow nesting depth line
# by line, since a JSON string can never contain a raw newline. (Unrolled: no
# backtracking state per character, so a 200 MB string costs no memory.)
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_STRING_WITHOUT_ESCAPED_QUOTES = re.compile(r'"[^"]*"')  # 7x faster; valid when no \" occurs
# Separators a conversion script wrote as two literal characters instead of a line break.
LITERAL_SEPARATORS = ("\\r\\n", "\\n")
_LITERAL_NEWLINE = "\\n"


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON; write null, a number or a string instead")


# strict_loads(text): json.loads, but NaN, Infinity and -Infinity are errors. One decoder for the whole
# run: json.loads(text, parse_constant=...) would build a new JSONDecoder for every line, which costs a
# third of the parse itself.
_STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
strict_loads = _STRICT_DECODER.decode


def _depth(text: str) -> int:
    """Brackets opened minus brackets closed on this line, outside strings."""
    if '"' not in text:
        rest = text
    elif '\\"' in text:
        rest = _STRING.sub("", text)
    else:
        rest = _STRING_WITHOUT_ESCAPED_QUOTES.sub("", text)
    return rest.count("{") + rest.count("[") - rest.count("}") - rest.count("]")


class Document:
    """Lines of a JSON document pretty-printed over several lines."""

    __slots__ = ("lines", "first_line", "first_column", "last_line", "offset", "depth", "size",
                 "first_content", "is_object", "indented", "cut", "error")

    def __init__(self, text: str, line_no: int, offset: int, first_content: bool):
        self.lines: list[tuple[str, int]] = [(text, line_no)]
        self.first_line = line_no
        stripped = text.lstrip()
        self.first_column = len(text) - len(stripped) + 1
        self.last_line = line_no
        self.offset = offset
        self.depth = _depth(text)
        self.size = len(text)
        self.first_content = first_content  # nothing but blank lines before it
        self.is_object = stripped.startswith("{")
        self.indented = False  # a later line was indented: pretty-printed, not a cut-off line
        self.cut = False  # abandoned because a new record started
        self.error: ValueError | None = None

    def add(self, text: str, line_no: int) -> None:
        self.lines.append((text, line_no))
        self.last_line = line_no
        self.depth += _depth(text)
        self.size += len(text) + 1
        if not self.indented and text[:1] in (" ", "\t"):
            self.indented = True

    def restarts_at(self, text: str) -> bool:
        """Does ``text`` start a new record, so that this (object) document was never closed?

        Pretty-printers indent everything inside a record, so an unindented ``{``
        line is a new record: either ``{`` alone (the next pretty-printed record)
        or a complete record on one line. Arrays are exempt: their elements are
        often written unindented, one per line.
        """
        if not self.is_object or text[:1] != "{":
            return False
        if text.rstrip() == "{":
            self.cut = self.indented
        else:
            try:
                self.cut = isinstance(strict_loads(text), dict)
            except (ValueError, RecursionError):
                self.cut = False
        return self.cut

    def text(self) -> str:
        if len(self.lines) == 1:
            return self.lines[0][0]
        return "\n".join(t for t, _ in self.lines)


def split_glued(text: str) -> tuple[list[tuple[int, dict, str]], int | None] | None:
    """Records joined (or ended) by a literal backslash-n, or None.

    Returns (column, record, text) for each record, and the index of a literal
    separator after the last one (None when the line ends with the record).
    """
    if _LITERAL_NEWLINE not in text:
        return None
    pieces = []
    trailing = None
    pos = _WS.match(text, 0).end()
    while pos < len(text):
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except (ValueError, RecursionError):
            return None
        if not isinstance(value, dict):
            return None
        pieces.append((pos, value, text[pos:end]))
        pos = _WS.match(text, end).end()
        separator_at = pos
        pos = _past_separators(text, pos)
        if pos == separator_at and pos < len(text):
            return None
        trailing = separator_at if pos == len(text) and pos > separator_at else None
    if len(pieces) >= 2 or (pieces and trailing is not None):
        return pieces, trailing
    return None


def _past_separators(text: str, pos: int) -> int:
    """Past the literal separators (and the whitespace around them) at ``pos``."""
    while True:
        for separator in LITERAL_SEPARATORS:
            if text.startswith(separator, pos):
                pos = _WS.match(text, pos + len(separator)).end()
                break
        else:
            return pos


def array_items(text: str, start: int = 0) -> Iterator[tuple[int, object, str]]:
    """(character index, value, value text) of each element of the JSON array at ``start``."""
    pos = _WS.match(text, start).end() + 1  # past '['
    while True:
        pos = _WS.match(text, pos).end()
        if pos >= len(text) or text[pos] == "]":
            return
        value, end = _DECODER.raw_decode(text, pos)
        yield pos, value, text[pos:end]
        pos = _WS.match(text, end).end()
        if pos < len(text) and text[pos] == ",":
            pos += 1


_RECORD_KEYS = frozenset({"input", "messages", "preferred_output", "non_preferred_output",
                          "prompt", "chosen", "rejected", "completion"})


def records_under_key(value: dict) -> tuple[str, list] | None:
    """A document like {"data": [{...}, ...]}: the key and its list of records."""
    if _RECORD_KEYS.intersection(value) or formats.detect(value) != formats.UNKNOWN:
        return None  # a record itself (of any format pftlint reads: a Vertex record's completions hold
        # "completion" objects), perhaps pretty-printed
    for key, inner in value.items():
        if (isinstance(inner, list) and inner and all(isinstance(i, dict) for i in inner)
                and any(_RECORD_KEYS.intersection(i) for i in inner)):
            return key, inner
    return None
