"""Canonical JSON digests: what the dataset rules keep instead of records.

Two records are the same when their canonical JSON is the same: keys sorted, no
insignificant whitespace, as msgspec writes it (``Encoder(order="sorted")``: a typed
record's struct and the plain dict of the same JSON encode to the same bytes, so a record
gets the same digest whichever path read it). A digest is Python's 64-bit hash of those
bytes, computed in C: Python salts hashes per interpreter, so digests are compared within
one run only (worker processes are forked and share the salt); at 64 bits the chance that
two different values of a 10-million-record file share a digest is about 3e-6.

Digests are taken per top-level key (the input, each output) and the whole record's digest
combines the sorted keys with their parts' digests, so every byte is encoded once. On the
typed path the reader has already encoded the parts (to count their quotes): they are
reused. Several rules ask for digests of the same record in turn; :func:`canonical_record`
keeps the last record's parts for that (by identity: safe in any process, never stale).
"""

from __future__ import annotations

import json

import msgspec
from msgspec import UNSET

DIGEST_SIZE = 8

_SORTED = msgspec.json.Encoder(order="sorted").encode
# The escape hatch for a string holding a lone surrogate (only a loose record has one, and it can
# equal no other kind of value): json's canonical text, which escapes it.
_ASCII = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode
_FAILURES = (RecursionError, ValueError, TypeError, OverflowError)
_ABSENT = object()


def _finite(value) -> bool:
    """No infinity or NaN anywhere in a plain JSON value (msgspec would write them as null)."""
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is float:
            if node != node or node in (float("inf"), float("-inf")):
                return False
        elif kind is dict:
            stack.extend(node.values())
        elif kind is list:
            stack.extend(node)
    return True


def canonical(value) -> bytes | None:
    """The canonical JSON text of a value (a struct or plain JSON), or None if it cannot be encoded."""
    try:
        text = _SORTED(value)
    except UnicodeEncodeError:
        try:
            return _ASCII(value).encode("ascii")
        except _FAILURES:
            return None
    except _FAILURES:
        return None
    if b"null" in text and not _finite(value):  # json.loads reads 1e999 as inf: not a JSON value
        return None
    return text


def digest_of(text: bytes) -> bytes:
    return hash(text).to_bytes(DIGEST_SIZE, "little", signed=True)


def combine(*digests: bytes) -> bytes:
    """One digest standing for an ordered tuple of digests."""
    return hash(digests).to_bytes(DIGEST_SIZE, "little", signed=True)


class Canonical:
    """The canonical parts of one record (a typed struct or a plain dict), with digests on demand.

    ``encoded``: the parts' canonical texts by key, when the reader already has them. ``normal``: for a
    record in another format than OpenAI's, the record in OpenAI's layout (pftlint.model.view
    Record.normal): its parts are digested from there, so a pair has the same digests in every
    format, and the whole record from the record as written (every column).
    """

    __slots__ = ("source", "_encoded", "_normal", "_digests", "_record", "_prompt")

    def __init__(self, source, encoded: dict[str, bytes] | None = None, normal: dict | None = None,
                 normal_encoded: dict[str, bytes] | None = None):
        self.source = source
        self._encoded = encoded
        self._normal = normal
        self._record: bytes | None | bool = False  # False: not computed yet
        self._prompt: bytes | None | bool = False
        self._digests = {}
        if encoded is not None and type(source) is not dict:
            # a typed record whose parts the reader encoded (every present key, as written): the record's
            # digest at once, and its parts' (the normal layout's, when given) from their texts
            keys = sorted(encoded)
            written = {key: hash(encoded[key]).to_bytes(DIGEST_SIZE, "little", signed=True) for key in keys}
            self._record = hash((*keys, *written.values())).to_bytes(DIGEST_SIZE, "little", signed=True)
            if normal is None:
                self._digests = written
            elif normal_encoded is not None:
                self._digests = {key: hash(text).to_bytes(DIGEST_SIZE, "little", signed=True)
                                 for key, text in normal_encoded.items()}

    def _value(self, key: str):
        if self._normal is not None:
            return self._normal.get(key, _ABSENT)
        source = self.source
        if type(source) is dict:
            return source.get(key, _ABSENT)
        value = getattr(source, key, UNSET)
        return _ABSENT if value is UNSET else value

    def _keys(self) -> list[str]:
        source = self.source
        if type(source) is dict:
            return sorted(source)
        return sorted(k for k in source.__struct_fields__ if getattr(source, k) is not UNSET)

    def part(self, key: str) -> bytes | None:
        """The canonical text of the record's ``key`` (None if absent or not encodable)."""
        encoded = self._encoded
        if encoded is not None and key in encoded and self._normal is None:
            return encoded[key]
        value = self._value(key)
        return None if value is _ABSENT else canonical(value)

    def digest(self, key: str) -> bytes | None:
        """The digest of the record's ``key`` (None if absent)."""
        found = self._digests.get(key, _ABSENT)
        if found is not _ABSENT:
            return found
        digests = self._digests
        text = self.part(key)
        found = digests[key] = None if text is None else digest_of(text)
        return found

    def record(self) -> bytes | None:
        """The digest of the whole record as written: its sorted keys, each with its value's digest."""
        if self._record is False and self._normal is not None:  # the parts' digests are the normal layout's
            source = self.source
            keys = self._keys()
            digests = [canonical(source[key] if type(source) is dict else getattr(source, key)) for key in keys]
            self._record = None if None in digests else hash(
                (*keys, *[digest_of(text) for text in digests])).to_bytes(  # type: ignore[arg-type]
                DIGEST_SIZE, "little", signed=True)
        if self._record is False:
            keys = self._keys()
            digests = [self.digest(key) for key in keys]
            self._record = None if None in digests else \
                hash((*keys, *digests)).to_bytes(DIGEST_SIZE, "little", signed=True)  # type: ignore[arg-type]
        return self._record  # type: ignore[return-value]

    def supervised_prompt(self) -> bytes | None:
        """The digest of a chat record's input: its tools and the messages before the last assistant reply."""
        if self._prompt is False:
            self._prompt = self._compute_supervised_prompt()
        return self._prompt  # type: ignore[return-value]

    def _compute_supervised_prompt(self) -> bytes | None:
        messages = self._value("messages")
        if type(messages) is not list:
            return None
        last = len(messages)
        typed = type(self.source) is not dict and self._normal is None
        for i in range(len(messages) - 1, -1, -1):
            msg = messages[i]
            role = msg.role if typed else (msg.get("role") if type(msg) is dict else None)
            if role == "assistant":
                last = i
                break
        # tag N: no reply at all, so the prompt is the whole conversation
        text = canonical(messages[:last]) if last < len(messages) else canonical(messages)
        if text is None:
            return None
        tools = self.part("tools") or b""
        return digest_of(tools + (b"\x00S" if last < len(messages) else b"\x00N") + text)


_last: Canonical | None = None


def canonical_record(record) -> Canonical:
    """The :class:`Canonical` view of a record (:class:`pftlint.model.view.Record`), shared by the
    rules that look at the same record in turn."""
    global _last
    current = _last
    source = record.source
    if current is None or current.source is not source:
        if record.openai_layout:
            current = Canonical(source, record.parts)
        else:
            current = Canonical(source, record.parts, record.normal_parts(), record.normal_encoded())
        _last = current
    return current
