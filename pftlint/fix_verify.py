"""What proves that a fix loses and changes no record (pftlint.fix relies on both).

- Before a record is rewritten (put on one line with ``json.dumps``): :func:`repeated_key` finds a
  key that one of its objects repeats, at any depth, whose first value the parsed record would lose.
- After the fixed file is written: :func:`same_records` reads it again and compares it with the
  original record by record (same count, same order, same values with the same types and key
  order, every key/value pair of every object compared in order, so that a lost duplicate key
  fails the comparison).
"""

from __future__ import annotations

import json
import re
from itertools import zip_longest
from typing import BinaryIO, Iterator

from .reading.issues import Issue
from .reading.reader import Reader, RecordUnit


# -- before: a record whose rewrite would lose a value ---------------------------

class _DuplicateKey(ValueError):
    """Raised by the parser hook below: an object repeats a key."""


def _unique_keys(pairs: list) -> dict:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _DuplicateKey
    return value


_UNIQUE_KEYS = json.JSONDecoder(object_pairs_hook=_unique_keys)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')


def repeated_key(text: str) -> tuple[int, str, str] | None:
    """(offset in ``text``, key, its JSON path) of the first key an object of the record ``text``
    repeats, at any depth; None when every object's keys are unique."""
    try:
        _UNIQUE_KEYS.decode(text)  # the C parser: the common case costs one more parse
        return None
    except _DuplicateKey:
        pass
    except (ValueError, RecursionError):
        pass  # the scan below is iterative and does not need valid JSON to finish
    # Where is it? Only the strings and the punctuation matter (the text parsed as JSON).
    stack: list[list] = []  # per open container: [keys seen (None in an array), key or index, a key is next]
    for match in _TOKEN.finditer(text):
        token = match.group()
        top = stack[-1] if stack else None
        if token == "{":
            stack.append([set(), "", True])
        elif token == "[":
            stack.append([None, 0, False])
        elif token in ("}", "]"):
            if stack:
                stack.pop()
        elif top is None:
            continue
        elif token == ",":
            if top[0] is None:
                top[1] += 1
            else:
                top[2] = True
        elif token == ":":
            top[2] = False
        elif top[0] is not None and top[2]:
            key = json.loads(token)
            if key in top[0]:
                path = "".join(f"[{item[1]}]" if item[0] is None else f".{item[1]}" for item in stack[:-1])
                return match.start(), key, f"{path}.{key}".lstrip(".")
            top[0].add(key)
            top[1] = key
    return None


# -- after: the fixed file against the original -----------------------------

def _numbered_pairs(pairs: list) -> dict:
    # "0:input", "1:input": a repeated key stays, in its place; an object still differs from an array.
    return {f"{i}:{key}": value for i, (key, value) in enumerate(pairs)}


_EVERY_PAIR = json.JSONDecoder(object_pairs_hook=_numbered_pairs)


def _strict(text: str) -> str:
    """Equal for equal JSON texts with the same types and the same key/value pairs in the same order
    (``1``, ``1.0`` and ``true`` differ; so do ``{"a": 1, "a": 2}`` and ``{"a": 2}``)."""
    return json.dumps(_EVERY_PAIR.decode(text), ensure_ascii=True)


def same_records(original: BinaryIO, fixed: BinaryIO, allowed: frozenset[str]) -> str | None:
    """Why ``fixed`` does not hold exactly the records of ``original``, in order, or has a reader finding
    of a rule not in ``allowed``; None when it holds exactly those records and no other finding."""
    left: list[Issue] = []

    def records(stream: BinaryIO, issues: list[Issue] | None) -> Iterator[RecordUnit]:
        for unit in Reader(stream):
            if type(unit) is RecordUnit:
                yield unit
            elif issues is not None:
                issues.append(unit)

    number = 0
    for number, (a, b) in enumerate(zip_longest(records(original, None), records(fixed, left)), 1):
        if a is None or b is None:
            return f"record {number} is {'extra' if a is None else 'missing'} in the fixed file"
        if a.text != b.text:
            try:
                same = _strict(a.text) == _strict(b.text)
            except (ValueError, RecursionError):
                same = False
            if not same:
                return f"record {number} (line {a.line}) would change"
        bad = [i for i in left if i.rule not in allowed]
        if bad:
            return f"the fixed file has {bad[0].rule} at line {bad[0].line}"
    bad = [i for i in left if i.rule not in allowed]
    if bad:
        return f"the fixed file has {bad[0].rule} at line {bad[0].line}"
    if not number:
        return "the fixed file holds no records"
    return None
