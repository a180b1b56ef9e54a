"""The file as the columns a trainer loads: what kind each field is, record after record.

``datasets`` reads a JSON Lines file into Arrow columns of one type each, and TRL decides
whether rows are conversational from the kind of their prompt and replies (SOURCES.md §7 T3,
T8, T11). Both rules are dataset rules: their verdict needs the records before (and, for a
file-level ``mixed-prompt-types``, after) the one at hand. Keys are small and pure:
``mixed-prompt-types`` a short text of the record's kinds, ``column-type-change`` a tuple of
(field path, type) signatures, with list items collapsed to ``[]`` as Arrow types them.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..engine.findings import Problem, Severity
from ..model import formats
from ..model.typed import ChatRecord, PreferenceRecord, TrlRecord
from ..model.view import CHOSEN, PROMPT, REJECTED
from ..profiles.targets import load_target
from . import dataset_rule
from .dataset import observe_each
from .formats import convert_command

_NONE: tuple = ()

# -- PFT607 mixed-prompt-types ------------------------------------------------------------
_SIDES = (PROMPT, CHOSEN, REJECTED, "completion")
_LETTER = {"text": "t", "messages": "m"}
_KIND_WORDS = {"t": "text", "m": "a message list"}
_CLEAN = ""  # a TRL record whose parts are all of one kind


def _mix_words(mix: str) -> str:
    """'tmm-' -> "prompt is text, chosen and rejected are message lists"."""
    groups: dict[str, list[str]] = {}
    for side, letter in zip(_SIDES, mix):
        if letter in _KIND_WORDS:
            groups.setdefault(letter, []).append(side)
    parts = []
    for letter, sides in groups.items():
        plural = len(sides) > 1
        kind = "text" if letter == "t" else ("message lists" if plural else "a message list")
        parts.append(f"{' and '.join(sides)} {'are' if plural else 'is'} {kind}")
    return ", ".join(parts)


_H4_MIX = "tmm-"  # HuggingFaceH4's UltraFeedback: a text prompt, message-list replies


@dataset_rule("mixed-prompt-types", methods=("dpo",))
class MixedPromptTypes:
    """One finding for a file whose every TRL record has the same mix; else one per mixed record."""

    def __init__(self, options: dict):
        self.options = options
        self._reset()

    def _reset(self) -> None:
        self._mix: str | None = None  # the mix of the file's first mixed record
        self._pending: list[int] = []  # lines of records with that mix, while every record might have it
        self._uniform = True  # no clean record and no other mix seen yet

    def begin_file(self, path: str) -> None:
        self._reset()

    def key(self, record, unit):
        if record.format not in (formats.TRL, formats.TRL_UNPAIRED):
            return None
        kinds = record.kinds
        if kinds is None:
            return None
        get, letter = kinds.get, _LETTER.get
        mix = letter(get(PROMPT), "-") + letter(get(CHOSEN), "-") + letter(get(REJECTED), "-") + \
            letter(get("completion"), "-")
        return mix if "t" in mix and "m" in mix else _CLEAN

    def observe(self, path, line, key):
        if self._uniform:
            if key == _CLEAN or (self._mix is not None and key != self._mix):
                self._uniform = False
                found = [self._problem(self._mix, pending) for pending in self._pending]
                self._pending = []
                if key != _CLEAN:
                    found.append(self._problem(key))
                return found
            self._mix = key
            self._pending.append(line)
            return _NONE
        return (self._problem(key),) if key != _CLEAN else _NONE

    def observe_many(self, path, lines, keys):
        if keys.count(None) == len(keys):
            return _NONE
        return observe_each(self, path, lines, keys)

    def _problem(self, mix: str, line: int | None = None) -> Problem:
        return Problem(f"{_mix_words(mix)}: TRL reads a row as conversational or not from one of them, picked at "
                       "random, and then fails on the others (from TRL 0.29); write all of them as text or all "
                       "as message lists", line=line)

    def end_file(self, path):
        pending, mix = self._pending, self._mix
        self._reset()
        if not pending:
            return _NONE
        fix = "write all of them as text or all as message lists"
        if mix == _H4_MIX:
            trl = load_target("trl")
            fix = ("drop the prompt column (TRL then takes the prompt from the turns chosen and rejected share), "
                   f"or rewrite the file: {convert_command(formats.TRL, formats.DPO, path, trl)}")
        layout = "HuggingFaceH4's UltraFeedback layout, " if mix == _H4_MIX else ""
        count = f"{len(pending)} record{'s' if len(pending) > 1 else ''}"
        return (Problem(f"in every record, {_mix_words(mix)} ({layout}{count}): TRL from 0.29 fails on such rows, "
                        f"whichever kind it picks; {fix}", line=pending[0]),)

    def end_run(self) -> Iterable[tuple[str, Problem]]:
        return _NONE


# -- PFT606 column-type-change -------------------------------------------------------------
_TYPE_NAMES = {str: "text", int: "number", float: "number", bool: "boolean", dict: "object", list: "list"}
_DEPTH = 24  # deeper values are not walked (nothing real nests that far; RecursionError is never risked)
# The columns TRL's trainers read (an error under the trl profile); others are carried along and dropped.
TRAINER_COLUMNS = frozenset({"prompt", "chosen", "rejected", "completion", "messages", "tools", "label"})
# Keys whose presence in a typed record's text means its types are not fixed by the struct (list[Any],
# or optional keys the constant signature leaves out): such a record is walked.
_UNFIXED = re.compile(r"\"(?:tool_calls|tools|function_call|functions|name|weight|refusal|tool_call_id|"
                      r"parallel_tool_calls)\"").search


def _walk(value: object, path: str, out: set, depth: int = 0) -> None:
    """Add (path, type) for ``value`` and what it holds; null and empty lists unify with any type."""
    kind = type(value)
    if kind is dict:
        out.add((path, "object"))
        if depth < _DEPTH:
            prefix = path + "." if path else ""
            for key, item in value.items():
                item_kind = type(item)
                if item_kind is str:  # the common leaf (a role, a content): no call
                    out.add((prefix + key, "text"))
                elif item is not None:
                    _walk(item, prefix + key, out, depth + 1)
    elif kind is list:
        if value:
            out.add((path, "list"))
            if depth < _DEPTH:
                inner = path + "[]"
                for item in value:
                    if type(item) is str:
                        out.add((inner, "text"))
                    else:
                        _walk(item, inner, out, depth + 1)
    else:
        name = _TYPE_NAMES.get(kind)
        if name is not None:  # not null (nor anything JSON does not make)
            out.add((path, name))


def signature(data: object) -> tuple:
    """The (field path, type) pairs of a record, sorted: list items collapse to ``[]``."""
    out: set = set()
    if type(data) is dict:
        for key, item in data.items():
            _walk(item, key, out)
    return tuple(sorted(out))


def _message(role: str) -> dict:
    return {"role": role, "content": "x"}


# What the typed shapes fix (role and content text, the containers), for records whose text holds
# none of the keys a struct leaves open: no walk, no parse.
_TYPED = {
    PreferenceRecord: signature({"input": {"messages": [_message("user")]}, "preferred_output": [_message("a")],
                                 "non_preferred_output": [_message("a")]}),
    ChatRecord: signature({"messages": [_message("user")]}),
    TrlRecord: signature({"prompt": [_message("user")], "chosen": [_message("a")], "rejected": [_message("a")]}),
}


def _column(path: str) -> str:
    """The top-level column of a field path."""
    for i, char in enumerate(path):
        if char == "." or char == "[":
            return path[:i]
    return path


_TOOLS_HINT = {"tools": " (or the whole column as a JSON text, which TRL decodes)"}
_ARTICLE = {"text": "text", "number": "a number", "boolean": "a boolean", "object": "an object", "list": "a list"}


@dataset_rule("column-type-change")
class ColumnTypeChange:
    def __init__(self, options: dict):
        self.options = options
        self._seen: dict[str, tuple[str, int]] = {}  # field path -> (its first type, the line it was seen on)
        self._reported: set[str] = set()
        self._last: tuple | None = None  # the last signature observed: every field of it is in _seen

    def begin_file(self, path):
        self._seen, self._reported, self._last = {}, set(), None

    def key(self, record, unit):
        if record.openai_layout:  # OpenAI's layouts go to an API, not through Arrow (and take text or parts)
            return None
        if record.typed:
            constant = _TYPED.get(type(record.source))
            text = record.text
            if constant is not None and text and _UNFIXED(text) is None:
                return constant
        data = record.raw if record.raw is not None else record.mapping()
        return signature(data)

    def observe(self, path, line, key):
        if key is self._last:  # the same signature object as the record before (typed records share one)
            return _NONE
        self._last = key
        seen = self._seen
        found = []
        for field, kind in key:
            first = seen.get(field)
            if first is None:
                seen[field] = (kind, line)
            elif first[0] != kind and field not in self._reported:
                self._reported.add(field)
                found.append(self._problem(field, kind, *first, line))
        return found

    def observe_many(self, path, lines, keys):
        # a run whose records all have the signature of an earlier one (a clean file, record after record)
        seen = self._seen
        last = None
        for key in keys:
            if key is None or key is last:
                continue
            for field, kind in key:
                first = seen.get(field)
                if first is None or first[0] != kind:
                    return observe_each(self, path, lines, keys)
            last = key
        return _NONE

    @staticmethod
    def _problem(field: str, kind: str, first_kind: str, first_line: int, line: int) -> Problem:
        column = _column(field)
        cap = None if column in TRAINER_COLUMNS else Severity.WARNING
        where = "elsewhere in this record" if first_line == line else f"on line {first_line}"
        return Problem(f"'{field}' is {_ARTICLE[kind]} here but {_ARTICLE[first_kind]} {where}: Arrow "
                       "holds one type per column, so datasets fails to load the file (\"changed from "
                       f"{first_kind} to {kind}\"), or from 4.7 reads the column as untyped JSON; write it as "
                       f"{_ARTICLE[first_kind]} in every record" + _TOOLS_HINT.get(column, ""),
                       severity=cap)

    def end_file(self, path):
        self._seen, self._reported, self._last = {}, set(), None
        return _NONE

    def end_run(self):
        return _NONE
