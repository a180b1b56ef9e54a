"""What the reader reports about a file's structure: :class:`Issue`, and the issues of text that
does not parse as records, built here as plain data (``found``) that pftlint.rules.structure words.

One constructor per rule that needs more than a line and a column: ``invalid_utf8``,
``invalid_json`` (with :func:`invalid_json_found`: the parser's reason and the likely cause),
``not_an_object`` and ``literal_newline_separator``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .documents import LITERAL_SEPARATORS, strict_loads


@dataclass(slots=True)
class Issue:
    """A file or line problem found by the reader; ``rule`` is a catalog name, ``found`` what the
    reader saw (counts, positions, a kind: plain data), which the rule's module words."""

    rule: str
    line: int
    column: int
    found: dict = field(default_factory=dict)
    json_path: str | None = None  # for a problem inside a record (a repeated key, an unpaired surrogate)

    @property
    def message(self) -> str:
        from ..rules import reader_message  # the words live with the rules (pftlint.rules.structure)

        return reader_message(self.rule, self.found)


def invalid_utf8(raw: bytes, exc: UnicodeDecodeError, line_no: int) -> Issue:
    """invalid-utf8 at the first byte of the line that is not UTF-8 (its column counted in characters)."""
    column = len(raw[: exc.start].decode("utf-8")) + 1
    return Issue("invalid-utf8", line_no, column, {"bytes": raw[exc.start:exc.end]})


def json_kind(value) -> str:
    """The JSON type of a decoded value that is not an object: 'array', 'string', 'null'..."""
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def not_an_object(value, line_no: int) -> Issue:
    """not-an-object for a line holding another JSON value, with what it holds (a record as a string,
    a list of messages or of objects)."""
    found = {"kind": "line", "json": json_kind(value)}
    if isinstance(value, str):
        try:
            inner = strict_loads(value)
        except (ValueError, RecursionError):
            inner = None
        if isinstance(inner, dict):
            found["holds"] = "record-string"  # double-encoded JSON
    elif isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
        found["holds"] = "messages" if all("role" in i for i in value) else "objects"
        found["count"] = len(value)
    return Issue("not-an-object", line_no, 1, found)


_PYTHON_LITERALS = ("True", "False", "None")
# A JSON string (skipped), or one of the constants Python writes and JSON has not (group 1).
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def invalid_json_found(exc: json.JSONDecodeError, text: str) -> dict:
    """What an invalid-json finding found: the parser's reason, and the likely cause where one is clear."""
    msg = exc.msg.removesuffix(" at")
    pos = exc.colno - 1
    char = text[pos] if 0 <= pos < len(text) else ""
    if not char and msg.startswith("Invalid control character"):  # a line of a document, its line break cut off
        char = "\n"
    cause = "parser"
    if char == "\0":
        cause = "nul-in-string" if msg.startswith("Invalid control character") else "nul-bytes"
    elif msg.startswith("Invalid control character"):
        cause = "control-character"
    elif char == "'":
        cause = "single-quote"
    elif msg == "Expecting value" and text.startswith(_PYTHON_LITERALS, pos):
        cause = "python-literal"
    elif msg == "Unterminated string starting":  # Python's "Unterminated string starting at": where, in the words
        cause = "unterminated-string"
    elif msg == "Extra data":
        cause = "extra-data"
    elif msg == "Expecting property name enclosed in double quotes" and text[:pos].rstrip().endswith(","):
        cause = "trailing-comma-object"
    elif msg == "Expecting value" and text[:pos].rstrip().endswith(","):
        cause = "trailing-comma-array"
    found = {"kind": "syntax", "cause": cause, "msg": msg, "char": char}
    if cause == "unterminated-string":
        found["column"] = exc.colno
    return found


def invalid_json(exc: ValueError, line_no: int, text: str) -> Issue:
    """invalid-json for a text the parser rejected: its syntax, or a value it refused (NaN, Infinity)."""
    if isinstance(exc, json.JSONDecodeError):
        return Issue("invalid-json", line_no, exc.colno, invalid_json_found(exc, text))
    line, column = line_no, 1
    constant = _CONSTANT.search(text)  # the NaN or Infinity the parser refused (not inside a string)
    while constant is not None and constant.group(1) is None:
        constant = _CONSTANT.search(text, constant.end())
    if constant is not None:  # the text may be a document over several lines
        at = constant.start(1)
        line += text.count("\n", 0, at)
        column = at - text.rfind("\n", 0, at)
    return Issue("invalid-json", line, column, {"kind": "value", "reason": str(exc)})


def literal_newline_separator(text: str, glued: list[tuple[int, dict, str]], trailing: int | None,
                              line_no: int) -> Issue:
    """literal-newline-separator for a line that split_glued cut into records: at the separator after
    one record, or after the first of several."""
    if len(glued) == 1:
        separator = next(s for s in LITERAL_SEPARATORS if text.startswith(s, trailing))
        return Issue("literal-newline-separator", line_no, trailing + 1, {"records": 1, "separator": separator})
    first_column, first_piece = glued[0][0], glued[0][2]
    return Issue("literal-newline-separator", line_no, first_column + len(first_piece) + 1,
                 {"records": len(glued), "trailing": trailing is not None})
