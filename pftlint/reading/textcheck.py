"""What a record's JSON text shows and its decoded value hides: repeated keys, unpaired surrogates.

``json.loads`` keeps the last of two equal keys without a word, and turns ``"\\ud800"``
into a Python string that cannot be encoded as UTF-8. The reader calls
:func:`text_problems` on every record, so each check starts with a guard that costs
a C-level pass over the text and is sure never to miss a case; the precise Python
work runs only when the guard fires.

- Repeated keys (:func:`keys_surely_unique`, also the typed path's guard). Every JSON
  string (a key or a value) is written between two quotes, and a quote inside a string
  as ``\\"`` (or ``\\u0022``). The decoded value re-encoded as JSON writes the same
  quotes for every string it kept, so without ``\\u0022`` in the text the two quote
  counts are equal exactly when no string was dropped; a repeated key drops a key
  and its value, so it always breaks the equality.
- Unpaired surrogates. A surrogate can only come from a ``\\uD800``-``\\uDFFF``
  escape (raw surrogates are not UTF-8, so the reader never gets one), hence a
  regular expression for such an escape on the text; the decoded strings then
  decide (``\\\\ud800`` is an escaped backslash and text, and a pair is one
  character once decoded).
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

import msgspec

from .locate import column_of

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n]*")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTAINERS = (dict, list)


class TextProblem(NamedTuple):
    rule: str
    index: int  # where in the text (0-based character index)
    json_path: str
    found: dict  # what was found, for the rule's words (pftlint.rules.reader_message)


def text_problems(value: dict, text: str) -> list[TextProblem] | None:
    """The repeated keys and unpaired surrogates of one record (None when there are none)."""
    found = None
    try:
        if not keys_surely_unique(text, _encoded_quotes(value)):
            found = _repeated_keys(text)
        if _SURROGATE_ESCAPE.search(text) is not None:
            surrogates = _unpaired_surrogates(value, text)
            if surrogates:
                found = (found or []) + surrogates
    except (ValueError, IndexError, RecursionError):  # the text is the value's own JSON: cannot happen; be safe
        return found or None
    return found or None


# -- repeated keys -------------------------------------------------------------

def keys_surely_unique(text: str | bytes, encoded_quotes: int) -> bool:
    """No key of ``text`` (a str, or its UTF-8 bytes) was dropped when it was decoded: ``encoded_quotes``
    counts the quotes of the decoded value written back as JSON (a C-level count on each side)."""
    if type(text) is str:
        return text.count('"') == encoded_quotes and "\\u0022" not in text
    return text.count(b'"') == encoded_quotes and b"\\u0022" not in text


def _encoded_quotes(value: dict) -> int:
    try:
        return msgspec.json.encode(value).count(b'"')
    except (TypeError, ValueError, OverflowError):  # an unpaired surrogate (UnicodeEncodeError)...: look
        return -1


def _repeated_keys(text: str) -> list[TextProblem]:
    """Every key written a second (third...) time in its object, in text order: one pass over the text."""
    found: list[TextProblem] = []
    # One frame per open container: [its path, the keys seen (None for an array), element index]
    frames: list[list] = []
    path = ""
    pos = _WS.match(text, 0).end()
    while True:
        char = text[pos:pos + 1]
        if char in ("{", "["):
            inner = _WS.match(text, pos + 1).end()
            if text[inner:inner + 1] in ("}", "]"):
                pos = inner + 1
            elif char == "[":
                frames.append([path, None, 0])
                path, pos = f"{path}[0]", inner
                continue
            else:
                frames.append([path, set(), 0])
                path, pos = _key(text, inner, frames[-1], found)
                continue
        else:
            pos = _DECODER.raw_decode(text, pos)[1]
        # A value ended: step to the next member, closing the containers that end here.
        while frames:
            frame = frames[-1]
            pos = _WS.match(text, pos).end()
            if text[pos:pos + 1] != ",":
                frames.pop()
                pos += 1
                continue
            pos = _WS.match(text, pos + 1).end()
            frame[2] += 1
            if frame[1] is None:
                path = f"{frame[0]}[{frame[2]}]"
            else:
                path, pos = _key(text, pos, frame, found)
            break
        else:
            return found


def _key(text: str, pos: int, frame: list, found: list[TextProblem]) -> tuple[str, int]:
    """Read the key at ``pos``: (the path of its value, where the value starts); note a repeat."""
    key, end = _DECODER.raw_decode(text, pos)
    parent, seen = frame[0], frame[1]
    path = f"{parent}.{_shown(key)}" if parent else _shown(key)
    if key in seen:
        found.append(TextProblem("duplicate-key", pos, path, {"key": key}))  # worded by pftlint.rules.shape
    else:
        seen.add(key)
    colon = _WS.match(text, end).end() + 1
    return path, _WS.match(text, colon).end()


# -- unpaired surrogates -------------------------------------------------------

def _unpaired_surrogates(value: dict, text: str) -> list[TextProblem]:
    found: list[TextProblem] = []
    stack: list[tuple[object, list]] = [(value, [])]
    while stack:
        node, steps = stack.pop()
        if type(node) is dict:
            items = node.items()
        elif type(node) is list:
            items = enumerate(node)
        else:
            continue
        for key, item in items:
            child = steps + [key]
            in_key = type(key) is str and _SURROGATE.search(key) is not None
            if in_key or (type(item) is str and _SURROGATE.search(item) is not None):
                found.append(_surrogate_problem(text, child, key if in_key else item, in_key))
            if type(item) in _CONTAINERS:
                stack.append((item, child))
    found.sort(key=lambda p: p.index)
    return found


def _surrogate_problem(text: str, steps: list, string: str, in_key: bool) -> TextProblem:
    char = _SURROGATE.search(string).group()
    index = column_of(text, _path(steps, str)) - 1
    return TextProblem("unpaired-surrogate", index, _path(steps, _shown),
                       {"escape": f"\\u{ord(char):04x}", "high": char < "\udc00", "in_key": in_key})


def _path(steps: list, name) -> str:
    out = ""
    for step in steps:
        if type(step) is int:
            out += f"[{step}]"
        else:
            out += f".{name(step)}" if out else name(step)
    return out


def _shown(key: str) -> str:
    """A key as a path shows it: an unpaired surrogate, which no terminal can print, as its escape."""
    if _SURROGATE.search(key) is None:
        return key
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", key)
