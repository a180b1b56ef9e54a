"""The streaming reader: bytes in, records and structural problems out.

It reads a file once, line by line, and never holds more than one line in
memory, except while it reassembles a JSON document that was pretty-printed
over several lines (a broken file: it then holds that one document). It knows
the file-level mistakes itself (BOM, blank lines, JSON arrays, records glued
by a literal ``\\n``...) and reports them as :class:`Issue` units named after
the catalog rule they belong to (:mod:`pftlint.reading.issues`; JSON text that is
not one record per line is taken apart by :mod:`pftlint.reading.documents`).
Everything else is handed on as :class:`RecordUnit` for the record rules.

The hot path (a valid line of a record shape, for the engine's readers) costs one
``bytes.decode``, one typed msgspec decode (:mod:`pftlint.model.typed`: it rejects
unpaired surrogates) and a quote count against the re-encoded value (repeated keys,
which the decoded value hides). A line that fails the typed decode takes the precise
path: ``json.loads`` and the guards of :mod:`pftlint.reading.textcheck` (a count of quotes, a
walk over the decoded containers, one regular-expression search); everything else
happens only on lines that fail.

A file that is not text is reported once (``invalid-utf8`` at line 1) and then
only counted, never checked (:mod:`pftlint.reading.sniff` tells from its first bytes).
A packed file whose lines broke off (a truncated gzip, a damaged Parquet file: the
stream's ``damage``, :mod:`pftlint.reading.sources`) is reported the same way, once,
after the records read before the damage.

A literal ``\\n`` (or ``\\r\\n``) between records or after the last record of a
line is ``literal-newline-separator``; the records are still checked.

What counts as blank: a line that is empty or holds only whitespace
(``str.isspace``: spaces, tabs, a stray ``\\r``, form feeds, no-break spaces).
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Union

from ..model.typed import DECODERS, NOT_THIS_SHAPE, encoded_parts
from .documents import Document, array_items, records_under_key, split_glued, strict_loads
from .issues import (Issue, invalid_json, invalid_json_found, invalid_utf8, json_kind, literal_newline_separator,
                     not_an_object)
from .locate import column_of
from .sniff import binary_code, head_sample, read_head, replay
from .textcheck import TextProblem, keys_surely_unique, text_problems
from .textfile import TextWatch

BOM = b"\xef\xbb\xbf"
# A multi-line document larger than this is not reassembled (the file is broken
# anyway): each of its lines is then reported on its own.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
# Lines longer than this are sliced through a memoryview (no copies); shorter ones as bytes.
_BIG_LINE = 1 << 20


class RecordUnit:
    """A JSON object found in the file, with where it starts.

    ``text`` is the JSON text of this record alone (for locating JSON paths); a typed record keeps its
    line's bytes and makes the str only when something reads it (a finding, a rule that reads the text).
    """

    __slots__ = ("data", "line", "column", "raw", "offset", "parts")

    def __init__(self, data, line: int, column: int, text: str | bytes, offset: int, parts: dict | None = None):
        self.data = data
        self.line = line
        self.column = column
        self.raw = text  # the text, or its UTF-8 bytes (valid: the decode succeeded) until first read
        self.offset = offset  # byte offset of the physical line it starts on
        self.parts = parts  # a typed record's top-level values as canonical JSON (pftlint.model.canonical)

    @property
    def text(self) -> str:
        if type(self.raw) is not str:
            self.raw = str(self.raw, "utf-8")
        return self.raw

    def __eq__(self, other) -> bool:
        return type(other) is RecordUnit and (self.data, self.line, self.column, self.text, self.offset,
                                              self.parts) == (other.data, other.line, other.column, other.text,
                                                              other.offset, other.parts)

    def __repr__(self) -> str:
        return f"RecordUnit(line={self.line}, column={self.column}, offset={self.offset})"


Unit = Union[RecordUnit, Issue]


def _record(value: dict, line: int, column: int, text: str, offset: int) -> list[Unit]:
    """The record's unit, followed by what its text shows that the decoded value hides."""
    unit = RecordUnit(value, line, column, text, offset)
    problems = text_problems(value, text)
    if problems is None:
        return [unit]
    return [unit, *(_placed(problem, unit) for problem in problems)]


def _placed(problem: TextProblem, unit: RecordUnit) -> Issue:
    """An Issue at the line and column of ``problem.index`` (a pretty-printed record spans lines)."""
    text, index = unit.text, problem.index
    newlines = text.count("\n", 0, index)
    if newlines:
        line, column = unit.line + newlines, index - text.rfind("\n", 0, index)
    else:
        line, column = unit.line, unit.column + index
    return Issue(problem.rule, line, column, problem.found, problem.json_path)


@dataclass(slots=True)
class FileStats:
    """What the reader counted; complete once the unit stream is exhausted."""

    lines: int = 0
    bytes: int = 0
    records: int = 0
    content_lines: int = 0
    ends_with_newline: bool = True
    # "jsonl"; "json-array" or "multiline" for files that are one JSON document or
    # hold pretty-printed records; "binary" for a file that is not text at all.
    structure: str = "jsonl"

    def add(self, part: "FileStats") -> None:
        """Count ``part`` (the next piece of the same file: a chunk, a shard) in."""
        self.lines += part.lines
        self.bytes += part.bytes
        self.records += part.records
        self.content_lines += part.content_lines
        self.ends_with_newline = part.ends_with_newline


class Reader:
    """Iterate over the units of one binary stream: ``for unit in Reader(f)``."""

    def __init__(self, stream: BinaryIO, typed: bool = False):
        self._stream = stream
        # typed: try the C decoders of the record shapes first (pftlint.model); the one that fitted
        # last goes first. Off for the readers that need the JSON objects themselves (fix, stats).
        self._decoders = list(DECODERS) if typed else None
        self.stats = FileStats()
        self._pending_blank: list[int] = []  # blank lines not yet known to be trailing
        self._crlf_line = 0
        self._multiline_first: int | None = None
        self._multiline_last = 0
        self._multiline_count = 0
        self._refeeding = False
        # A JSON array on the first line: a json-array file if nothing follows it,
        # otherwise one line that is an array (decided at the next content line).
        self._held: tuple[list | dict, str, int, int] | None = None

    # -- public -----------------------------------------------------------
    def __iter__(self) -> Iterator[Unit]:
        stats = self.stats
        offset = 0
        line_no = 0
        doc: Document | None = None
        typed = self._decoders is not None
        lines = iter(self._stream)
        watch = TextWatch()  # a text file is one finding, not one per line
        head = read_head(lines)
        if head and head[0][:3] != BOM:
            binary = binary_code(head_sample(head))
            if binary is not None:
                yield Issue("invalid-utf8", 1, 1, {"file": binary})
                self._drain(head, lines)
                return
        for raw in replay(head, lines):
            line_no += 1
            start = offset
            size = len(raw)
            offset += size
            fast = typed
            if size > _BIG_LINE:
                raw = memoryview(raw)  # slice and decode a huge line without copying it
                fast = False  # held once, as text: the path below lets the bytes go before decoding
            if raw[-1:] == b"\n":
                raw = raw[:-1]
                if raw[-1:] == b"\r":
                    raw = raw[:-1]
                    if not self._crlf_line:
                        self._crlf_line = line_no
            else:
                stats.ends_with_newline = False
            # The hot path: a line that opens an object, in the middle of JSON lines, decoded typed
            # from its bytes (msgspec checks the UTF-8 itself); any other line takes the path below.
            if fast and raw[:1] == b"{" and doc is None and self._held is None and not self._pending_blank:
                unit = self._typed(raw, line_no, start)
                if unit is not None:
                    stats.content_lines += 1
                    yield unit
                    continue
            if line_no == 1 and raw[:3] == BOM:
                raw = raw[3:]
                yield Issue("utf8-bom", 1, 1)
            try:
                text = str(raw, "utf-8")
            except UnicodeDecodeError as exc:
                yield invalid_utf8(bytes(raw), exc, line_no)
                text = str(raw, "utf-8", "replace")
            raw = None  # a huge line is held once, as text
            if doc is not None:
                if doc.restarts_at(text):
                    yield from self._abandon(doc)
                    doc = None
                else:
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
            if self._held is not None:
                yield from self._release_held(alone=False)
            if self._pending_blank:
                blanks = self._flush_blanks_as_inner()
                if not watch.text_file:  # in a text file, its blank lines are not worth a finding each
                    yield blanks
            result = self._line(text, line_no, start)
            if watch.active:
                held, result = watch.see(result, text, stats.content_lines)
                yield from held
                typed = self._decoders is not None and not watch.held  # records seen by the watch while it holds
            if type(result) is Document:
                doc = result
            else:
                yield from result
        stats.lines = line_no
        stats.bytes = offset
        yield from watch.finish()
        damage = getattr(self._stream, "damage", None)  # a packed file that broke off (reading.sources)
        if damage is not None:  # its end is unknown: no end-of-file finding, and the file is not counted
            stats.content_lines = max(stats.content_lines, 1)  # not empty-file: the finding says what it is
            stats.structure = "binary"
            yield Issue("invalid-utf8", 1, 1, damage)
            return
        if doc is not None:
            yield from self._abandon(doc)
        if self._held is not None:
            yield from self._release_held(alone=True)
        yield from self._end_of_file()

    def _drain(self, head: deque, lines: Iterator[bytes]) -> None:
        """Count the lines of a file that is not text, without checking them."""
        stats = self.stats
        line_no = offset = 0
        for raw in replay(head, lines):
            line_no += 1
            offset += len(raw)
        stats.lines, stats.bytes = line_no, offset
        stats.content_lines = 1  # not empty-file: the finding already says what the file is
        stats.structure = "binary"

    # -- one physical line ------------------------------------------------
    def _line(self, text: str, line_no: int, offset: int):
        if self._decoders is not None:
            unit = self._typed(text, line_no, offset)
            if unit is not None:
                return (unit,)
        try:
            value = strict_loads(text)
        except RecursionError:
            return [Issue("not-an-object", line_no, 1, {"kind": "too-deep", "line": True})]
        except ValueError as exc:
            return self._unparsable(text, line_no, offset, exc)
        if isinstance(value, dict):
            if self.stats.content_lines == 1 and records_under_key(value) is not None and not self._refeeding:
                self._held = (value, text, line_no, offset)  # {"data": [...]} on one line
                return ()
            self.stats.records += 1
            return _record(value, line_no, 1, text, offset)
        if isinstance(value, list) and self.stats.content_lines == 1 and not self._refeeding:
            self._held = (value, text, line_no, offset)
            return ()
        return [not_an_object(value, line_no)]

    def _typed(self, line: bytes | str, line_no: int, offset: int) -> RecordUnit | None:
        """The record's unit if the line (its bytes, or its text) fits a typed shape and its text hides
        nothing; else None."""
        decoders = self._decoders
        for i, decode in enumerate(decoders):
            try:
                value = decode(line)
            except NOT_THIS_SHAPE:
                continue
            if i:
                decoders.insert(0, decoders.pop(i))
            break
        else:
            return None
        # msgspec rejects unpaired surrogates, but keeps the last of repeated keys silently: the
        # precise path takes the line unless its quotes are exactly those of the decoded value
        # (textcheck.keys_surely_unique; the top-level keys are not in ``parts``: two quotes each).
        parts = encoded_parts(value)
        if not keys_surely_unique(line, 2 * len(parts) + sum([part.count(b'"') for part in parts.values()])):
            return None
        self.stats.records += 1
        # the decode succeeded, so the bytes are valid UTF-8: the str is made when read (a memoryview's
        # buffer may be reused, so it is made now)
        text = line if type(line) is str or type(line) is bytes else str(line, "utf-8")
        return RecordUnit(value, line_no, 1, text, offset, parts)

    def _unparsable(self, text: str, line_no: int, offset: int, exc: ValueError):
        split = split_glued(text)
        if split is not None:
            glued, trailing = split
            units: list[Unit] = [literal_newline_separator(text, glued, trailing, line_no)]
            for column, value, piece in glued:
                self.stats.records += 1
                units.extend(_record(value, line_no, column + 1, piece, offset))
            return units
        # A document pretty-printed over several lines: the parser ran out of text
        # with brackets still open. (An error in the middle of the line is just that.)
        if (not self._refeeding and isinstance(exc, json.JSONDecodeError)
                and exc.pos >= len(text.rstrip()) and text.lstrip()[:1] in ("{", "[")):
            doc = Document(text, line_no, offset, first_content=self.stats.content_lines == 1)
            doc.error = exc  # the error of the first line alone: no need to parse it again if nothing follows
            return doc
        return [invalid_json(exc, line_no, text)]

    def _release_held(self, alone: bool) -> Iterator[Unit]:
        value, text, line_no, offset = self._held
        self._held = None
        if isinstance(value, dict):
            if alone:
                yield from self._wrapped_document(records_under_key(value), text, Document(text, line_no, offset, True))
            else:
                self.stats.records += 1
                yield from _record(value, line_no, 1, text, offset)
        elif alone:
            yield from self._array(value, text, line_no, offset)
        else:
            yield not_an_object(value, line_no)

    # -- whole-file JSON and pretty-printed records ------------------------
    def _array(self, value: list, text: str, line_no: int, offset: int) -> Iterator[Unit]:
        records = sum(isinstance(item, dict) for item in value)
        yield Issue("json-array", line_no, 1, {"elements": len(value), "records": records})
        self.stats.structure = "json-array"
        for col, item, piece in array_items(text):
            if isinstance(item, dict):
                self.stats.records += 1
                yield from _record(item, line_no, col + 1, piece, offset)
            else:
                yield Issue("not-an-object", line_no, col + 1, {"kind": "element", "json": json_kind(item)})

    def _finish_document(self, doc: Document) -> Iterator[Unit]:
        text = doc.text()
        try:
            value = strict_loads(text)
        except (ValueError, RecursionError):
            yield from self._abandon(doc)
            return
        if isinstance(value, list) and doc.first_content:
            yield from self._array_document(value, text, doc)
            return
        if isinstance(value, dict):
            inner = records_under_key(value) if doc.first_content else None
            if inner is not None:
                yield from self._wrapped_document(inner, text, doc)
                return
            self.stats.records += 1
            if self._multiline_first is None:
                self._multiline_first = doc.first_line
                self._multiline_last = doc.last_line
            self._multiline_count += 1
            yield from _record(value, doc.first_line, doc.first_column, text, doc.offset)
            return
        yield Issue("not-an-object", doc.first_line, 1,
                    {"kind": "document", "json": json_kind(value), "first": doc.first_line, "last": doc.last_line})

    def _array_document(self, value: list, text: str, doc: Document) -> Iterator[Unit]:
        records = sum(isinstance(item, dict) for item in value)
        self.stats.structure = "json-array"
        yield Issue("json-array", doc.first_line, 1,
                    {"first": doc.first_line, "last": doc.last_line, "records": records})
        yield from self._items_at_lines(array_items(text), text, doc)

    def _wrapped_document(self, inner: tuple[str, list], text: str, doc: Document) -> Iterator[Unit]:
        key, items = inner
        self.stats.structure = "json-array"
        yield Issue("json-array", doc.first_line, 1, {"records": len(items), "key": key})
        start = column_of(text, key) - 1  # an index into the text (column_of counts from its start)
        if text[start:start + 1] != "[":  # cannot happen for a document that parsed; be safe anyway
            for item in items:
                self.stats.records += 1
                yield from _record(item, doc.first_line, 1, json.dumps(item, ensure_ascii=False), doc.offset)
            return
        yield from self._items_at_lines(array_items(text, start), text, doc)

    def _items_at_lines(self, items, text: str, doc: Document) -> Iterator[Unit]:
        """Units for the elements of an array inside a multi-line document, each at its own line."""
        line, counted = doc.first_line, 0
        for pos, item, piece in items:
            line += text.count("\n", counted, pos)
            counted = pos
            column = pos - text.rfind("\n", 0, pos)
            if isinstance(item, dict):
                self.stats.records += 1
                yield from _record(item, line, column, piece, doc.offset)
            else:
                yield Issue("not-an-object", line, column, {"kind": "element", "json": json_kind(item)})

    def _abandon(self, doc: Document) -> Iterator[Unit]:
        """A multi-line document that does not parse: one finding where it breaks, then go on after it."""
        lines = doc.lines
        first_no = lines[0][1]
        resume = len(lines)
        text = doc.text()
        try:
            if len(lines) == 1 and doc.error is not None:
                raise doc.error
            strict_loads(text)
        except RecursionError:
            yield Issue("not-an-object", first_no, 1, {"kind": "too-deep", "line": False})
        except ValueError as exc:
            if not isinstance(exc, json.JSONDecodeError):
                yield invalid_json(exc, first_no, text)
            elif exc.pos >= len(text.rstrip()):
                yield Issue("invalid-json", first_no, 1,
                            {"kind": "unclosed", "first": first_no, "last": doc.last_line, "cut": doc.cut})
            else:
                index = exc.lineno - 1
                broken = lines[index][0] if index < len(lines) else ""
                # An error at the very start of a line that opens a new record means the
                # document above was left unclosed: read that line again on its own.
                indent = len(broken) - len(broken.lstrip())
                if index > 0 and broken.lstrip().startswith("{") and exc.colno <= indent + 1:
                    resume = index
                yield Issue("invalid-json", first_no + index, exc.colno,
                            {**invalid_json_found(exc, broken), "document_line": True if index == 0 else first_no})
        else:  # parsed, but larger than MAX_DOCUMENT_BYTES
            yield Issue("invalid-json", first_no, 1, {"kind": "too-large", "mib": MAX_DOCUMENT_BYTES >> 20})
            resume = 1
        if resume >= len(lines):
            return
        self._refeeding = True
        try:
            for line_text, line_no in lines[resume:]:
                if line_text.strip():
                    yield from self._line(line_text, line_no, doc.offset)
        finally:
            self._refeeding = False

    # -- blank lines and end of file --------------------------------------
    def _flush_blanks_as_inner(self) -> Issue:
        lines, self._pending_blank = self._pending_blank, []
        before = self.stats.content_lines <= 1 and not self.stats.records
        return Issue("blank-line", lines[0], 1, {"count": len(lines), "before_records": before})

    def _end_of_file(self) -> Iterator[Unit]:
        stats = self.stats
        if self._multiline_first is not None:
            yield Issue("multiline-record", self._multiline_first, 1,
                        {"count": self._multiline_count, "first": self._multiline_first,
                         "last": self._multiline_last})
            if stats.structure == "jsonl":
                stats.structure = "multiline"
        if stats.content_lines == 0:
            yield Issue("empty-file", 1, 1, {"whitespace": bool(stats.bytes)})
            return
        if self._pending_blank:
            lines = self._pending_blank
            yield Issue("trailing-blank-lines", lines[0], 1, {"count": len(lines)})
        if self._crlf_line:
            yield Issue("crlf-line-endings", self._crlf_line, 1)
        if not stats.ends_with_newline and not self._pending_blank:
            yield Issue("missing-final-newline", stats.lines, 1)
