"""Canonical JSON digests: what the dataset rules keep instead of records.

Two records are the same when their canonical JSON is the same: keys sorted,
no insignificant whitespace (``json.dumps(value, sort_keys=True,
separators=(",", ":"))``). A digest is the 16-byte BLAKE2b hash of that text,
so a rule stores about a hundred bytes per record whatever the record's size.
``ensure_ascii`` stays on: it defines the same equality as ``False`` and is
faster to hash (the text is ASCII, and a lone surrogate cannot break encoding).

Canonicalising costs about as much as parsing, so it is done once per record,
split at the record's top-level keys, and every byte is hashed once: a part's
digest (the input, an output) hashes its text, and the whole-record digest
hashes the sorted keys with their parts' digests. Several rules ask for
digests of the same record in turn; :func:`canonical_record` keeps the last
record's parts for that (by identity, so it is safe in any process and never
serves a stale record).
"""

from __future__ import annotations

import json
from hashlib import blake2b

DIGEST_SIZE = 16

_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode


def _fast_encoder():
    """The C encoder built once (json.dumps builds one per call); None if unavailable."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        iterencode = make(None, None, encoder.encode_basestring_ascii, None, ":", ",", True, False, False)
        sample = {"b": [1, 2.5, None, True], "a": "\u00e9\ud800\n"}
        if "".join(iterencode(sample, 0)) != _ENCODE(sample):
            return None
    except Exception:  # a different C signature in some Python version: use the slow path
        return None
    return lambda value: "".join(iterencode(value, 0))


_ENCODE = _fast_encoder() or _ENCODE
_KEY = json.encoder.encode_basestring_ascii  # an object key as the encoder writes it (C)
# Errors a value from json.loads could still raise while being encoded (deep nesting).
_FAILURES = (RecursionError, ValueError, TypeError, OverflowError)


def canonical(value) -> str | None:
    """The canonical JSON text of a value, or None if it cannot be encoded."""
    try:
        return _ENCODE(value)
    except _FAILURES:
        return None


def _hash(text: str) -> bytes:
    return blake2b(text.encode("ascii"), digest_size=DIGEST_SIZE).digest()


def combine(*digests: bytes) -> bytes:
    """One digest standing for an ordered tuple of digests."""
    if set(map(len, digests)) == _ONLY_PLAIN:  # (C-level test; no generator per call)
        return _quick(digests)
    return blake2b(b"".join(digests), digest_size=DIGEST_SIZE).digest()


def _quick(parts: tuple) -> bytes:
    """A DIGEST_SIZE digest of plain digests (see plain_digest): Python's tuple hash, zero-padded."""
    return _PAD + hash(parts).to_bytes(8, "little", signed=True)


class Canonical:
    """The canonical parts of one record (a dict), with digests derived on demand."""

    __slots__ = ("data", "_parts", "_digests", "_record", "_prompt")

    def __init__(self, data: dict):
        self.data = data
        self._parts: dict[str, str | None] = {}
        self._digests: dict[str, bytes | None] = {}
        self._record: bytes | None | bool = False  # False: not computed yet
        self._prompt: bytes | None | bool = False

    def part(self, key: str) -> str | None:
        """The canonical text of ``data[key]`` (None if absent or not encodable)."""
        parts = self._parts
        if key in parts:
            return parts[key]
        data = self.data
        text = canonical(data[key]) if key in data else None
        parts[key] = text
        return text

    def digest(self, key: str) -> bytes | None:
        """The digest of ``data[key]`` (None if absent)."""
        digests = self._digests
        if key in digests:
            return digests[key]
        value = self.data.get(key, _ABSENT)
        plain = plain_digest(value)
        if plain is not None:
            digests[key] = plain
            return plain
        text = self.part(key)
        value = digests[key] = None if text is None else _hash(text)
        return value

    def record(self) -> bytes | None:
        """The digest of the whole record: its sorted keys, each with its value's digest."""
        if self._record is False:
            keys = sorted(self.data)
            digests = [self.digest(key) for key in keys]
            if None not in digests and set(map(len, digests)) == _ONLY_PLAIN:
                self._record = _quick((*keys, *digests))  # type: ignore[arg-type]
                return self._record
            pieces = []
            for key in sorted(self.data):
                value = self.digest(key)
                if value is None:
                    self._record = None
                    return None
                pieces.append(_KEY(key).encode("ascii"))
                pieces.append(value)
            self._record = blake2b(b"".join(pieces), digest_size=DIGEST_SIZE).digest()
        return self._record  # type: ignore[return-value]

    def supervised_prompt(self) -> bytes | None:
        """The digest of a chat record's input: its tools and the messages before the last assistant reply."""
        if self._prompt is False:
            self._prompt = self._compute_supervised_prompt()
        return self._prompt  # type: ignore[return-value]

    def _compute_supervised_prompt(self) -> bytes | None:
        messages = self.data.get("messages")
        if not isinstance(messages, list):
            return None
        last = len(messages)
        for i in range(len(messages) - 1, -1, -1):
            msg = messages[i]
            if isinstance(msg, dict) and msg.get("role") == "assistant":
                last = i
                break
        if "tools" not in self.data:
            # tag N: no reply at all, which the canonical path also tells apart
            plain = _plain_messages(messages[:last], b"S" if last < len(messages) else b"N")
            if plain is not None:
                return plain
        text = self.part("messages")
        if text is None:
            return None
        if last < len(messages):
            # The canonical list is "[m0,m1,...]": the prompt is its prefix before the
            # last assistant reply, so only the (short) tail is encoded a second time.
            tail = canonical(messages[last:])
            if tail is None:
                return None
            text = text[: len(text) - len(tail) + 1]  # keeps "[m0,...,m(k-1)," (or "[")
        tools = self.part("tools") or ""
        return _hash(f"{tools}\x00{text}")


# -- plain values -------------------------------------------------------------
# Most values that the dataset rules digest are plain message lists, every message exactly
# {"role": str, "content": str}. Their digest is built from Python's own string hashes
# (computed in C, once per string) instead of canonical JSON text, which costs as much as
# parsing. It depends only on the value, never on how the record was written, so equal
# values always get equal digests; a plain digest (9 bytes, tagged) can never equal a
# canonical one (16 bytes). Python salts string hashes per interpreter: digests are compared
# within one run only (worker processes are forked, so they share the salt). At 64 bits, the
# chance that two different values of a 10-million-record file share a digest is ~3e-6.
_ABSENT = object()
_PLAIN_SIZE = 9  # a tag byte and a 64-bit hash
_PAD = bytes(DIGEST_SIZE - 8)
_ONLY_PLAIN = {_PLAIN_SIZE}
_PLAIN_KEYS = frozenset({"role", "content"})


def _plain_messages(messages: object, tag: bytes) -> bytes | None:
    if type(messages) is not list:
        return None
    flat: list[str] = []
    for msg in messages:
        if type(msg) is not dict or msg.keys() != _PLAIN_KEYS:
            return None
        role, content = msg["role"], msg["content"]
        if type(role) is not str or type(content) is not str:
            return None
        flat.append(role)
        flat.append(content)
    return tag + hash(tuple(flat)).to_bytes(8, "little", signed=True)


def plain_digest(value: object) -> bytes | None:
    """The digest of a plain message list (tag L) or of {"messages": plain list} (tag I); else None."""
    if type(value) is list:
        return _plain_messages(value, b"L")
    if type(value) is dict and len(value) == 1 and "messages" in value:
        return _plain_messages(value["messages"], b"I")
    return None


_last: Canonical | None = None


def canonical_record(data: dict) -> Canonical:
    """The :class:`Canonical` view of ``data``, shared by the rules that look at the same record in turn."""
    global _last
    current = _last
    if current is None or current.data is not data:
        current = _last = Canonical(data)
    return current
