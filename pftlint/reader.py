"""The streaming reader: bytes in, records and structural problems out.

It reads a file once, line by line, and never holds more than one line in
memory, except while it reassembles a JSON document that was pretty-printed
over several lines (a broken file: it then holds that one document). It knows
the file-level mistakes itself (BOM, blank lines, JSON arrays, records glued
by a literal ``\\n``...) and reports them as :class:`Issue` units named after
the catalog rule they belong to. Everything else is handed on as
:class:`RecordUnit` for the record rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Union

BOM = b"\xef\xbb\xbf"
_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n]*")
# Strings (skipped whole) and brackets: enough to follow nesting depth line by line,
# since a JSON string can never contain a raw newline.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_LITERAL_NEWLINE = "\\n"
# A multi-line document larger than this is not reassembled (the file is broken
# anyway): each of its lines is then reported on its own.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024


@dataclass(slots=True)
class RecordUnit:
    """A JSON object found in the file, with where it starts."""

    data: dict
    line: int
    column: int
    text: str  # the JSON text of this record alone (for locating JSON paths)
    offset: int  # byte offset of the physical line it starts on


@dataclass(slots=True)
class Issue:
    """A file or line problem found by the reader; ``rule`` is a catalog name."""

    rule: str
    line: int
    column: int
    message: str


Unit = Union[RecordUnit, Issue]


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def _loads(text: str):
    return json.loads(text, parse_constant=_reject_constant)


def _depth(text: str) -> int:
    depth = 0
    for match in _STRUCTURE.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(slots=True)
class FileStats:
    """What the reader counted; complete once the unit stream is exhausted."""

    lines: int = 0
    bytes: int = 0
    records: int = 0
    content_lines: int = 0
    ends_with_newline: bool = True
    # Files that are one JSON document (json-array, multiline) have no line-wise records.
    structure: str = "jsonl"


class Reader:
    """Iterate over the units of one binary stream: ``for unit in Reader(f)``."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self.stats = FileStats()
        self._pending_blank: list[int] = []  # blank lines not yet known to be trailing
        self._crlf_line = 0
        self._multiline_first: int | None = None
        self._multiline_count = 0
        self._refeeding = False

    # -- public -----------------------------------------------------------
    def __iter__(self) -> Iterator[Unit]:
        stats = self.stats
        offset = 0
        line_no = 0
        doc: _Document | None = None
        for raw in self._stream:
            line_no += 1
            start = offset
            offset += len(raw)
            if raw.endswith(b"\n"):
                raw = raw[:-1]
                if raw.endswith(b"\r"):
                    raw = raw[:-1]
                    if not self._crlf_line:
                        self._crlf_line = line_no
            else:
                stats.ends_with_newline = False
            if line_no == 1 and raw.startswith(BOM):
                raw = raw[3:]
                yield Issue("utf8-bom", 1, 1, "the file starts with a UTF-8 byte-order mark (EF BB BF)")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                if doc is not None:
                    yield from self._abandon(doc)
                    doc = None
                column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
                stats.content_lines += 1
                blank = self._flush_blanks_as_inner()
                if blank is not None:
                    yield blank
                yield Issue(
                    "invalid-utf8", line_no, column,
                    f"byte 0x{raw[exc.start]:02X} at column {column} is not valid UTF-8; "
                    "re-encode the file as UTF-8",
                )
                continue
            if doc is not None:
                doc.add(text, line_no)
                if doc.depth > 0 and doc.size < MAX_DOCUMENT_BYTES:
                    continue
                yield from self._finish_document(doc)
                doc = None
                continue
            if not text.strip():
                self._pending_blank.append(line_no)
                continue
            stats.content_lines += 1
            blank = self._flush_blanks_as_inner()
            if blank is not None:
                yield blank
            result = self._line(text, line_no, start)
            if isinstance(result, _Document):
                doc = result
            else:
                yield from result
        stats.lines = line_no
        stats.bytes = offset
        if doc is not None:
            yield from self._abandon(doc)
        yield from self._end_of_file()

    # -- one physical line ------------------------------------------------
    def _line(self, text: str, line_no: int, offset: int):
        try:
            value = _loads(text)
        except RecursionError:
            return [Issue("not-an-object", line_no, 1,
                          "the JSON is nested too deeply to parse; each line must be one record object")]
        except ValueError as exc:
            return self._unparsable(text, line_no, offset, exc)
        if isinstance(value, dict):
            self.stats.records += 1
            return [RecordUnit(value, line_no, 1, text, offset)]
        if isinstance(value, list) and self.stats.content_lines == 1:
            return self._array(value, text, line_no, offset)
        kind = _json_kind(value)
        return [Issue("not-an-object", line_no, 1,
                      f"this line is a JSON {kind}, not an object; each line must be one record object")]

    def _unparsable(self, text: str, line_no: int, offset: int, exc: ValueError):
        stripped = text.lstrip()
        glued = _split_glued(text)
        if glued is not None:
            units: list[Unit] = [Issue(
                "literal-newline-separator", line_no, glued[0][0] + len(glued[0][2]) + 1,
                f"{len(glued)} records are glued into this one line by the two characters '\\n' "
                "(a literal backslash-n, e.g. from json.dumps(x) + '\\\\n'); write a real newline between records",
            )]
            for column, value, piece in glued:
                self.stats.records += 1
                units.append(RecordUnit(value, line_no, column + 1, piece, offset))
            return units
        if not self._refeeding and stripped[:1] in ("{", "[") and _depth(text) > 0:
            return _Document(text, line_no, offset, first_content=self.stats.content_lines == 1)
        return [_invalid_json(exc, line_no, text)]

    # -- whole-file JSON and pretty-printed records ------------------------
    def _array(self, value: list, text: str, line_no: int, offset: int) -> list[Unit]:
        records = [item for item in value if isinstance(item, dict)]
        units: list[Unit] = [Issue(
            "json-array", line_no, 1,
            f"the file is one JSON array holding {_plural(len(value), 'element')} "
            f"({_plural(len(records), 'record')}) instead of JSONL; write one record object per line",
        )]
        self.stats.structure = "json-array"
        for col, item, piece in _array_items(text):
            if isinstance(item, dict):
                self.stats.records += 1
                units.append(RecordUnit(item, line_no, col + 1, piece, offset))
            else:
                units.append(Issue("not-an-object", line_no, col + 1,
                                   f"this array element is a JSON {_json_kind(item)}, not a record object"))
        return units

    def _finish_document(self, doc: "_Document") -> Iterator[Unit]:
        text = doc.text()
        try:
            value = _loads(text)
        except (ValueError, RecursionError):
            yield from self._abandon(doc)
            return
        if isinstance(value, list) and doc.first_content:
            yield from self._array_document(value, text, doc)
            return
        if isinstance(value, dict):
            inner = _records_under_key(value) if doc.first_content else None
            if inner is not None:
                key, items = inner
                self.stats.structure = "json-array"
                yield Issue(
                    "json-array", doc.first_line, 1,
                    f"the file is one JSON document holding {_plural(len(items), 'record')} under "
                    f"'{key}' instead of JSONL; write one record object per line",
                )
                for item in items:
                    self.stats.records += 1
                    yield RecordUnit(item, doc.first_line, 1, json.dumps(item, ensure_ascii=False), doc.offset)
                return
            self.stats.records += 1
            if self._multiline_first is None:
                self._multiline_first = doc.first_line
                self._multiline_last = doc.last_line
            self._multiline_count += 1
            yield RecordUnit(value, doc.first_line, 1, text, doc.offset)
            return
        yield Issue("not-an-object", doc.first_line, 1,
                    f"this JSON {_json_kind(value)} spans lines {doc.first_line}-{doc.last_line}; "
                    "each line must be one record object")

    def _array_document(self, value: list, text: str, doc: "_Document") -> Iterator[Unit]:
        records = sum(isinstance(item, dict) for item in value)
        self.stats.structure = "json-array"
        yield Issue(
            "json-array", doc.first_line, 1,
            f"the file is one JSON array (lines {doc.first_line}-{doc.last_line}) holding "
            f"{_plural(records, 'record')} instead of JSONL; write one record object per line",
        )
        for col, item, piece in _array_items(text):
            line = doc.first_line + text.count("\n", 0, col)
            if isinstance(item, dict):
                self.stats.records += 1
                yield RecordUnit(item, line, 1, piece, doc.offset)
            else:
                yield Issue("not-an-object", line, 1,
                            f"this array element is a JSON {_json_kind(item)}, not a record object")

    def _abandon(self, doc: "_Document") -> Iterator[Unit]:
        """A multi-line document that does not parse: report where it breaks, re-read what follows singly."""
        lines = doc.lines
        first_no = lines[0][1]
        resume = 1
        try:
            _loads(doc.text())
        except RecursionError:
            yield Issue("not-an-object", first_no, 1, "the JSON is nested too deeply to parse")
        except ValueError as exc:
            if isinstance(exc, json.JSONDecodeError):
                index = exc.lineno - 1
                broken = lines[index][0] if index < len(lines) else ""
                # An error at the very start of a line that opens a new record means the
                # document above was left unclosed: read that line again on its own.
                starts_record = broken.lstrip().startswith("{") and exc.colno <= len(broken) - len(broken.lstrip()) + 1
                resume = index if starts_record and index > 0 else index + 1
                yield Issue("invalid-json", first_no + index, exc.colno,
                            f"invalid JSON in the record that starts on line {first_no}: "
                            f"{_describe(exc, broken)}; fix the syntax")
            else:
                yield Issue("invalid-json", first_no, 1, f"invalid JSON: {exc}")
        else:  # parsed, but larger than MAX_DOCUMENT_BYTES
            yield Issue("invalid-json", first_no, 1,
                        "a JSON document starts here and runs over more than "
                        f"{MAX_DOCUMENT_BYTES >> 20} MiB of lines; write one record object per line")
        self._refeeding = True
        try:
            for text, line_no in lines[resume:]:
                if not text.strip():
                    continue
                yield from self._line(text, line_no, doc.offset)
        finally:
            self._refeeding = False

    # -- blank lines and end of file --------------------------------------
    def _flush_blanks_as_inner(self) -> Issue | None:
        if not self._pending_blank:
            return None
        lines, self._pending_blank = self._pending_blank, []
        if self.stats.content_lines <= 1 and not self.stats.records:
            where = "before the first record"
        else:
            where = "between records"
        more = f" (lines {lines[0]}-{lines[-1]})" if len(lines) > 1 else ""
        return Issue("blank-line", lines[0], 1,
                     f"{_plural(len(lines), 'empty line')} {where}{more}; delete "
                     f"{'them' if len(lines) > 1 else 'it'}: every line of JSONL must be a record")

    def _end_of_file(self) -> Iterator[Unit]:
        stats = self.stats
        if self._multiline_first is not None:
            yield Issue(
                "multiline-record", self._multiline_first, 1,
                f"{_plural(self._multiline_count, 'record')} pretty-printed over several lines "
                f"(the first spans lines {self._multiline_first}-{self._multiline_last}); "
                "write each record on one line (json.dumps without indent)",
            )
            stats.structure = "multiline"
        if stats.content_lines == 0:
            yield Issue("empty-file", 1, 1,
                        "the file holds no records" + (" (only whitespace)" if stats.bytes else ""))
            return
        if self._pending_blank:
            lines = self._pending_blank
            yield Issue("trailing-blank-lines", lines[0], 1,
                        f"{_plural(len(lines), 'empty line')} after the last record; delete "
                        f"{'them' if len(lines) > 1 else 'it'} (one newline ending the last record is enough)")
        if self._crlf_line:
            yield Issue("crlf-line-endings", self._crlf_line, 1,
                        "lines end with CRLF (\\r\\n); use LF (\\n) line endings")
        if not stats.ends_with_newline and not self._pending_blank:
            yield Issue("missing-final-newline", stats.lines, 1,
                        "the last record is not followed by a newline; end the file with \\n")


class _Document:
    """Lines of a JSON document pretty-printed over several lines."""

    __slots__ = ("lines", "first_line", "last_line", "offset", "depth", "size", "first_content")

    def __init__(self, text: str, line_no: int, offset: int, first_content: bool):
        self.lines: list[tuple[str, int]] = [(text, line_no)]
        self.first_line = line_no
        self.last_line = line_no
        self.offset = offset
        self.depth = _depth(text)
        self.size = len(text)
        self.first_content = first_content  # nothing but blank lines before it

    def add(self, text: str, line_no: int) -> None:
        self.lines.append((text, line_no))
        self.last_line = line_no
        self.depth += _depth(text)
        self.size += len(text) + 1

    def text(self) -> str:
        return "\n".join(t for t, _ in self.lines)


def _json_kind(value) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def _describe(exc: json.JSONDecodeError, text: str) -> str:
    msg = exc.msg.removesuffix(" at")
    pos = exc.colno - 1
    if msg.startswith("Invalid control character") and pos < len(text):
        char = text[pos]
        name = "a NUL byte" if char == "\0" else f"the control character {char!r}"
        return f"{name} at column {exc.colno} (inside a string it must be escaped, e.g. \\n or \\u0000)"
    return f"{msg} at column {exc.colno}"


def _invalid_json(exc: ValueError, line_no: int, text: str) -> Issue:
    if isinstance(exc, json.JSONDecodeError):
        return Issue("invalid-json", line_no, exc.colno,
                     f"invalid JSON: {_describe(exc, text)}; fix the syntax of this line")
    return Issue("invalid-json", line_no, 1, f"invalid JSON: {exc}")


def _split_glued(text: str) -> list[tuple[int, dict, str]] | None:
    """Records joined by a literal backslash-n: return (column, record, text) for each, or None."""
    if _LITERAL_NEWLINE not in text:
        return None
    pieces = []
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
        if text.startswith(_LITERAL_NEWLINE, pos):
            pos = _WS.match(text, pos + 2).end()
        elif pos < len(text):
            return None
    return pieces if len(pieces) >= 2 else None


def _array_items(text: str) -> Iterator[tuple[int, object, str]]:
    """(character index, value, value text) of each element of a JSON array text."""
    pos = _WS.match(text, 0).end() + 1  # past '['
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


def _records_under_key(value: dict) -> tuple[str, list] | None:
    """A document like {"data": [{...}, ...]}: the key and its list of records."""
    if _RECORD_KEYS.intersection(value):
        return None  # a record itself, pretty-printed
    for key, inner in value.items():
        if (isinstance(inner, list) and inner and all(isinstance(i, dict) for i in inner)
                and any(_RECORD_KEYS.intersection(i) for i in inner)):
            return key, inner
    return None
