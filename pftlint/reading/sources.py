"""How a packed file becomes lines of JSON for the reader: gzip-compressed text, and Parquet tables.

``*.gz`` (``data.jsonl.gz``, ``data.json.gz``) is decompressed as it is read, a buffer at a time:
the reader sees the text inside, so every rule applies to that text as it would to the file
unpacked. ``*.parquet`` is read row group by row group, a batch of rows at a time (never the whole
table) through pyarrow, the optional extra ``pftlint[parquet]``; each row becomes one line of JSON,
so the reader's line number is the 1-based row and the rules see the same records as in a JSONL
file. The text of those lines is pftlint's own, so the rules about a file's text (blank lines, BOM,
line endings, final newline, repeated keys) have nothing to say about a Parquet file.

Arrow gives every row of a struct column every field any row has, filling the absent ones with
null (and ``datasets`` does the same with columns). A null written on purpose is stored the same
way: the two cannot be told apart, so every null member of an object is dropped, at any depth
(items of lists are kept). A Parquet row therefore never gets an "is null" finding; when the key
is required the "missing key" finding shows instead. Values JSON has no type for: NaN and
infinities are null (as pandas' JSON export writes them, so dropped too), dates and times ISO 8601
text, decimals numbers, binary values their UTF-8 text (base64 when they are not UTF-8); any other
value is an error naming its row. The rows of a ``datasets.Dataset`` (``pftlint.api.lint_dataset``)
are written the same way (:func:`row_lines`).

A file that cannot be read to its end (a truncated or corrupt gzip stream, a file that is not
Parquet, a damaged row group, a row JSON cannot hold) is not an error of the run: its lines stop
there, and :class:`PackedLines` keeps what broke them (``damage``, plain data) for the reader, which
reports it as one ``invalid-utf8`` finding of the file. Only a missing extra (pyarrow) raises
:class:`SourceError` (exit status 2): that is the machine's problem, not the file's.
"""

from __future__ import annotations

import json
import math
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from ..errors import PftlintError
from .streams import LineStream

GZIP = "gzip"
PARQUET = "parquet"
# The names a directory search picks up besides *.jsonl (pftlint.reading.discovery).
PACKED_SUFFIXES = (".jsonl.gz", ".json.gz", ".parquet")
# Rows converted to Python objects at a time: a batch is held in memory, never the table.
PARQUET_BATCH_ROWS = 1024
PARQUET_EXTRA = "pip install 'pftlint[parquet]'"


class SourceError(PftlintError, OSError):
    """A packed file that cannot be read to its end, or that needs an extra that is not installed."""


class RowError(TypeError):
    """A row holding a value JSON cannot write (a map with bytes keys...)."""


class PackedLines(LineStream):
    """The lines of JSON inside a packed file; ``damage``: what stopped them before the end (None: read whole).

    ``damage`` is plain data for the reader's ``invalid-utf8`` finding (pftlint.rules.structure words
    it): ``file`` (``gzip-damaged``, ``parquet-damaged``, ``parquet-row``), ``after`` (the lines or rows
    read before), ``reason`` (the library's first line).
    """

    def __init__(self, lines_of: Callable[[Callable[[dict], None]], Iterator[bytes]]):
        self.damage: dict | None = None
        self._source = lines_of(self._damaged)
        super().__init__(self._source)

    def _damaged(self, found: dict) -> None:
        self.damage = found

    def close(self) -> None:
        self._source.close()  # a Parquet file read only in part is closed now, not when collected
        super().close()


def kind(path: str) -> str | None:
    """GZIP or PARQUET for a packed file (by its name), None for a text file or standard input."""
    lowered = path.lower()
    if lowered.endswith(".gz"):
        return GZIP
    if lowered.endswith(".parquet"):
        return PARQUET
    return None


@contextmanager
def open_lines(path: str) -> Iterator[PackedLines]:
    """The lines of JSON a packed file holds, as a stream for the reader. Raises SourceError (an OSError)
    when pyarrow is missing, OSError when the file cannot be opened; damage inside is the stream's ``damage``."""
    found = kind(path)
    if found == GZIP:
        with open(path, "rb") as raw:
            stream = PackedLines(lambda damaged: _gzip_lines(raw, damaged))
            with stream:
                yield stream
    elif found == PARQUET:
        parquet = _pyarrow_parquet(path)
        open(path, "rb").close()  # a missing or unreadable file is the run's OSError, as for JSONL
        stream = PackedLines(lambda damaged: _parquet_lines(parquet, path, damaged))
        with stream:
            yield stream
    else:
        raise ValueError(f"{path} is not a packed file")


def _gzip_lines(raw, damaged: Callable[[dict], None]) -> Iterator[bytes]:
    import gzip  # here, not at the top: a run over plain JSONL never loads it
    import zlib

    line = 0
    try:
        with gzip.GzipFile(fileobj=raw, mode="rb") as text:
            for line, data in enumerate(text, 1):
                yield data
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        damaged({"file": "gzip-damaged", "after": line, "reason": _reason(exc)})


def _parquet_lines(parquet, path: str, damaged: Callable[[dict], None]) -> Iterator[bytes]:
    try:
        table = parquet.ParquetFile(path)
    except Exception as exc:  # pyarrow.ArrowInvalid, OSError...: each says why in its first line
        damaged({"file": "parquet-damaged", "after": None, "reason": _reason(exc)})
        return
    rows = 0

    def batches() -> Iterator[dict]:
        nonlocal rows
        # One row group at a time: over the whole file at once, pyarrow's reader holds on to
        # memory as it goes (measured: 4x more at 500 MB); row group by row group it stays flat.
        for group in range(table.num_row_groups):
            for batch in table.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group]):
                for row in batch.to_pylist(maps_as_pydicts="lossy"):
                    rows += 1
                    yield row

    try:
        yield from row_lines(batches())
    except RowError as exc:
        damaged({"file": "parquet-row", "after": rows - 1, "reason": str(exc)})
    except Exception as exc:  # a damaged page or row group: pyarrow's errors (ArrowInvalid, OSError...)
        damaged({"file": "parquet-damaged", "after": rows, "reason": _reason(exc)})
    finally:
        table.close()


def row_lines(rows: Iterable[Any]) -> Iterator[bytes]:
    """Each row of a table (a dict, as Arrow or ``datasets`` gives it) as one line of JSON, its nulls dropped."""
    dumps = json.JSONEncoder(ensure_ascii=False, default=_json_value, allow_nan=False).encode
    for number, row in enumerate(rows, 1):
        try:
            text = dumps(without_nulls(row))
        except (TypeError, ValueError) as exc:  # e.g. a map whose keys are bytes
            raise RowError(f"row {number} cannot be written as JSON: {exc}") from None
        yield text.encode("utf-8", "surrogatepass") + b"\n"


def without_nulls(value: Any) -> Any:
    """``value`` with every null member of an object dropped, at any depth, and NaN and infinities as null.

    Arrow fills a struct field a row lacks with null, indistinguishable from a null the data
    holds: both are read as an absent key (see the module's docstring).
    """
    kind_ = type(value)
    if kind_ is dict:
        out = {}
        for key, item in value.items():
            item = without_nulls(item)
            if item is not None:
                out[key] = item
        return out
    if kind_ is list:
        return [without_nulls(item) for item in value]
    if kind_ is float and not math.isfinite(value):
        return None
    return value


def _json_value(value: Any) -> Any:
    """What JSON has for the Arrow values it has no type for (the JSON encoder's ``default``)."""
    import base64  # rare values: imported when one is met
    import datetime
    import decimal

    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(data).decode("ascii")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    raise TypeError(f"a {type(value).__name__} value has no JSON form")


def _pyarrow_parquet(path: str):
    try:
        import pyarrow.parquet as parquet
    except ImportError:
        raise SourceError(f"{path}: reading Parquet needs pyarrow: {PARQUET_EXTRA}") from None
    return parquet


def _reason(exc: BaseException) -> str:
    """The first line of an exception's message (pyarrow's can run over several)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
