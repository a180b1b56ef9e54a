"""Is the file text at all? Its first bytes decide, before any line is read.

A file that is not text is reported once (``invalid-utf8`` at line 1) and then
only counted, never checked: known magic numbers (gzip, zip, Parquet, PNG, PDF,
UTF-16...), and otherwise its first 8 KiB (see
:func:`binary_code`: control bytes where the first line does not start a record,
or many of them where it is not UTF-8), so that a JSONL file with a raw NUL or a
Windows-1252 byte in one record keeps its findings line by line.

The reader reads those first lines once (:func:`read_head`), samples them
(:func:`head_sample`) and then reads on from the first of them (:func:`replay`).
"""

from __future__ import annotations

import codecs
from collections import deque
from itertools import chain
from typing import Iterator

# Files that are not UTF-8 text at all, recognised by their first bytes: one finding, not one per line
# (named here, described by pftlint.rules.structure.BINARY_FILES).
_BINARY_MAGIC = (
    (b"\xff\xfe", "utf-16-le-bom"),
    (b"\xfe\xff", "utf-16-be-bom"),
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"PAR1", "parquet"),
    (b"\x7fELF", "elf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    # PDF starts with a line of text, but its content is compressed binary streams: not a JSONL file either.
    (b"%PDF-", "pdf"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"SQLite format 3\x00", "sqlite"),
)
# Any other file is taken for binary data from its first 8 KiB (see binary_code).
_SNIFF_BYTES = 8192
# C0 control bytes no text file holds: not tab, LF, VT, FF, CR, nor ESC (colour codes in a captured log).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0e, 0x1b), *range(0x1c, 0x20)])


def read_head(lines: Iterator[bytes]) -> deque:
    """The first lines of the file, at least _SNIFF_BYTES of them (or all of a smaller file)."""
    head: deque = deque()
    size = 0
    for raw in lines:
        head.append(raw)
        size += len(raw)
        if size >= _SNIFF_BYTES:
            break
    return head


def head_sample(head: deque) -> bytes:
    """The first _SNIFF_BYTES of the file (without copying a huge first line whole)."""
    parts, size = [], 0
    for raw in head:
        parts.append(raw[:_SNIFF_BYTES - size])
        size += len(parts[-1])
    return b"".join(parts)


def replay(head: deque, lines: Iterator[bytes]) -> Iterator[bytes]:
    """The head lines, then the rest; a head line is let go once it is read.

    (Not ``yield from lines``: closing a generator closes what it delegates to, here the file.)
    """
    return chain(_popped(head), lines)


def _popped(head: deque) -> Iterator[bytes]:
    while head:
        yield head.popleft()


def binary_kind(sample: bytes) -> str | None:
    """What the file is, in words, when its first bytes show it is not UTF-8 text (else None)."""
    code = binary_code(sample)
    if code is None:
        return None
    from ..rules.structure import BINARY_FILES

    return BINARY_FILES[code]


def binary_code(sample: bytes) -> str | None:
    """Which kind of file it is when its first bytes show it is not UTF-8 text (else None).

    Beyond the magic numbers, the first 8 KiB decide: C0 control bytes (NUL and
    the others no text holds; not tab, line breaks, form feed or ESC) make a file
    binary when its first non-blank line is not the start of a JSON record
    (neither ``{`` nor ``[``) and they are a NUL or 1/16 of the sample; or when
    that line starts like a record but is not valid UTF-8 and they are 1/16 of
    the sample (random bytes hold about 1/9). A JSONL file with a raw NUL or a
    Windows-1252 byte in a record keeps its findings line by line.
    """
    for magic, kind in _BINARY_MAGIC:
        if sample.startswith(magic):
            return kind
    if len(sample) >= 4 and sample[1] == 0 and sample[3] == 0 and sample[:1] in (b"{", b"["):
        return "utf-16-le"
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if not controls:
        return None
    many = controls * 16 >= len(sample)
    first = sample.lstrip().split(b"\n", 1)[0]
    if first[:1] in (b"{", b"["):
        binary = many and not _is_utf8(first)
    else:
        binary = many or b"\0" in sample
    if not binary:
        return None
    return "binary"


def _is_utf8(data: bytes) -> bool:
    """Valid UTF-8, but for a character cut at the end of the sample."""
    try:
        codecs.utf_8_decode(data, "strict", False)
    except UnicodeDecodeError:
        return False
    return True
