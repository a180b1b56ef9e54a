"""Input readers: JSONL (streamed), a JSON array file, CSV / TSV (stdlib csv). Each yields ``Unit``s.

``open_input`` opens IN as ``pftlint check`` reads it: gzip (``.jsonl.gz``, ``.json.gz``) and
Parquet (``.parquet``, one row a JSON line; needs pftlint[parquet]) through pftlint.reading.sources.

A unit is one source record with the line it starts on, or the reason the line is not a
record. What stops the whole input (a file that is not UTF-8 text at all, a broken JSON array,
bytes that are not UTF-8 in a CSV) raises ``InputError``: one line for the user, exit status 2.
Every input is UTF-8 (a UTF-8 byte-order mark is allowed): the first bytes are checked as
``pftlint check`` checks them (UTF-16, gzip, zip, Parquet...), and lines are decoded as UTF-8,
never guessed one by one (``json.loads`` of bytes would take a line for UTF-16 or UTF-32).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import sys
from typing import BinaryIO, Iterable, Iterator, NamedTuple

from ..errors import PftlintError
from ..reading import sources
from ..reading.sniff import binary_kind
from .common import BAD_ROW, INVALID_JSON, NOT_AN_OBJECT, Skip

FORMATS = ("jsonl", "json", "csv", "tsv")
_BOM = codecs.BOM_UTF8


class InputError(PftlintError):
    """The input cannot be read on: one line for the user (the command adds the file's name)."""


class Unit(NamedTuple):
    line: int
    value: dict | None
    skip: Skip | None = None


def input_format(path: str, first: bytes) -> str:
    """jsonl, json (an array) or csv / tsv: from the extension, else from the first byte."""
    ext = os.path.splitext(path)[1].lower()
    if ext in (".csv", ".tsv"):
        return ext[1:]
    head = first.lstrip(_BOM).lstrip()[:1]
    if head == b"[":
        return "json"
    if head == b"{" or ext in (".jsonl", ".json", ".ndjson") or not head:
        return "jsonl"
    return "csv"


@contextlib.contextmanager
def open_input(path: str) -> Iterator[BinaryIO]:
    """IN as a binary stream: stdin (``-``), the text a packed file holds, or the file. A packed file that
    cannot be read (damaged, or Parquet without pyarrow) raises sources.SourceError, here or while read."""
    if path == "-":
        yield sys.stdin.buffer
    elif sources.kind(path) is not None:
        with sources.open_lines(path) as lines:
            yield io.BufferedReader(_Lines(lines, path), 1 << 16)
    else:
        with open(path, "rb", buffering=0) as raw:
            yield io.BufferedReader(_Named(raw, path), 1 << 16)


def units(stream: BinaryIO, path: str, fmt: str | None = None) -> Iterator[Unit]:
    """The records of an input, streamed (a JSON array is read whole)."""
    first = stream.readline()
    while first and not first.strip():  # leading blank lines: the format shows on the first one with text
        rest = stream.readline()
        if not rest:
            break
        first += rest
    kind = binary_kind(first[:8192])  # the reader sniffs the first 8 KiB too
    if kind is not None:
        raise InputError(f"the file is {kind}")
    fmt = fmt or input_format(path, first)
    if fmt == "json":
        return _array(first + stream.read())
    if fmt in ("csv", "tsv"):
        return _csv(first, stream, "\t" if fmt == "tsv" else ",")
    return _jsonl(first, stream)


def _record(value, line: int) -> Unit:
    if isinstance(value, dict):
        return Unit(line, value)
    return Unit(line, None, Skip(NOT_AN_OBJECT, f"the record is a JSON {_json_type(value)}, not an object"))


def _json_type(value) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


def _jsonl(first: bytes, stream: BinaryIO) -> Iterator[Unit]:
    lines = io.BytesIO(first)  # the lines read to tell the format, split as the stream splits them
    number = 0
    for raw in _chain(lines, stream):
        number += 1
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
        if not raw.strip():
            continue
        try:
            value = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            yield Unit(number, None, Skip(INVALID_JSON, "the line is not valid UTF-8"))
            continue
        except ValueError as exc:
            reason = getattr(exc, "msg", str(exc))
            column = getattr(exc, "colno", None)
            yield Unit(number, None, Skip(INVALID_JSON, f"the line is not valid JSON ({reason}"
                                                        + (f" at column {column})" if column else ")")))
            continue
        except RecursionError:
            yield Unit(number, None, Skip(INVALID_JSON, "the line nests too deep to read"))
            continue
        yield _record(value, number)


def _chain(lines, stream: BinaryIO) -> Iterator[bytes]:
    yield from lines
    yield from stream


def _array(data: bytes) -> Iterator[Unit]:
    """The items of a JSON array, each with the line it starts on (decoded item by item)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"line {_line_at(data, exc.start)}: the file is not valid UTF-8") from None
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if not text.startswith("[", pos):
        raise InputError("the file is not a JSON array; give JSONL records (one object per line) or an array")
    pos = _skip_space(text, pos + 1)
    if text.startswith("]", pos):
        return
    line, counted = 1, 0
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except ValueError as exc:
            where = _line_at(text, getattr(exc, "pos", pos))
            raise InputError(f"line {where}: the JSON array is broken ({getattr(exc, 'msg', exc)}); "
                             "fix it or give the records as JSONL") from None
        except RecursionError:
            raise InputError(f"line {line}: an item of the JSON array nests too deep to read") from None
        yield _record(value, line)
        pos = _skip_space(text, end)
        if text.startswith(",", pos):
            pos = _skip_space(text, pos + 1)
        elif text.startswith("]", pos):
            if text[pos + 1:].strip():
                raise InputError(f"line {_line_at(text, pos)}: text after the end of the JSON array")
            return
        else:
            raise InputError(f"line {_line_at(text, pos)}: the JSON array is broken (expected ',' or ']'); "
                             "fix it or give the records as JSONL")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line_at(text, pos: int) -> int:
    return text.count("\n" if isinstance(text, str) else b"\n", 0, pos) + 1


def _raise_field_limit() -> None:
    limit = sys.maxsize
    while True:  # the C long of some platforms is smaller than sys.maxsize
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


def _csv(first: bytes, stream: BinaryIO, delimiter: str) -> Iterator[Unit]:
    _raise_field_limit()  # a reply of more than 128 KiB is an ordinary field here
    text = io.TextIOWrapper(io.BufferedReader(_Prefixed(first, stream), 1 << 16), encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            return
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                yield Unit(line, None, Skip(BAD_ROW, f"the row has {len(row)} values but the header "
                                                          f"names {len(header)} columns"))
                continue
            yield Unit(line, dict(zip(header, row)))
    except UnicodeDecodeError:
        raise InputError(f"line {reader.line_num + 1}: the file is not valid UTF-8") from None
    except csv.Error as exc:
        raise InputError(f"line {reader.line_num}: the CSV is broken ({exc})") from None


class _Prefixed(io.RawIOBase):
    """A binary stream: the bytes already read, then the rest of the stream."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class _Named(io.RawIOBase):
    """A file's raw stream whose read errors name the file (EIO after the open names none by itself)."""

    def __init__(self, raw, path: str):
        self._raw = raw
        self._path = path

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            return self._raw.readinto(buffer)
        except OSError as exc:
            if exc.filename is None:
                exc.filename = self._path
            raise


class _Lines(io.RawIOBase):
    """A binary stream over an iterator of lines of bytes (sources.open_lines gives one)."""

    def __init__(self, lines: Iterable[bytes], path: str = ""):
        self._source = lines
        self._lines = iter(lines)
        self._line = memoryview(b"")
        self._path = path

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._line:
            line = next(self._lines, None)
            if line is None:
                damage = getattr(self._source, "damage", None)
                if damage is not None:  # the lines broke off: converting the part before would lose the rest
                    from ..rules.structure import PACKED_DAMAGE

                    raise sources.SourceError(f"{self._path}: {PACKED_DAMAGE[damage['file']](damage)}")
                return 0
            self._line = memoryview(line)
        n = min(len(buffer), len(self._line))
        buffer[:n] = self._line[:n]
        self._line = self._line[n:]
        return n
