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
from functools import lru_cache
from typing import Iterable

from ..engine.findings import Problem, Severity
from ..model import formats
from ..model.typed import ChatRecord, PreferenceRecord, TrlRecord
from ..model.view import CHOSEN, PROMPT, REJECTED
from ..profiles.targets import load_target
from ..reading.locate import Locator
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
# A field's type is the one most of the file's first DECIDING records give it (ties: the first seen), as
# the file's format is decided from a sample: one odd record among them is the one reported.
DECIDING = 100


def _walk(value: object, path: str, where: tuple, out: dict, depth: int = 0) -> None:
    """Add (path, type) -> where first seen for ``value`` and what it holds; null and empty lists unify
    with any type. ``path`` collapses list items to ``[]``; ``where`` is the JSON path as written."""
    kind = type(value)
    if kind is dict:
        entry = (path, "object")
        if entry not in out:
            out[entry] = where
        if depth < _DEPTH:
            prefix = path + "." if path else ""
            for key, item in value.items():
                if type(item) is str:  # the common leaf (a role, a content): no call
                    entry = (prefix + key, "text")
                    if entry not in out:
                        out[entry] = (*where, key)
                elif item is not None:
                    _walk(item, prefix + key, (*where, key), out, depth + 1)
    elif kind is list:
        if value:
            entry = (path, "list")
            if entry not in out:
                out[entry] = where
            if depth < _DEPTH:
                inner = path + "[]"
                text_entry = (inner, "text")
                for i, item in enumerate(value):
                    if type(item) is str:
                        if text_entry not in out:
                            out[text_entry] = (*where, i)
                    else:
                        _walk(item, inner, (*where, i), out, depth + 1)
    else:
        name = _TYPE_NAMES.get(kind)
        if name is not None:  # not null (nor anything JSON does not make)
            entry = (path, name)
            if entry not in out:
                out[entry] = where


def signature(data: object) -> tuple:
    """((field path, type), JSON path where first seen) of a record, sorted: list items collapse to ``[]``."""
    out: dict = {}
    if type(data) is dict:
        for key, item in data.items():
            _walk(item, key, (key,), out)
    return tuple(sorted(out.items()))


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


@lru_cache(maxsize=256)
def _keys_pattern(keys: tuple) -> re.Pattern:
    """A record's top-level keys, each followed by its colon (a JSON string followed by ':' is a key)."""
    return re.compile('"(%s)"[ \t\r\n]*:[ \t\r\n]*' % "|".join(re.escape(key) for key in keys))


def _places(record, unit, sig: tuple) -> tuple:
    """(name, (physical lines after the record's first, column)) of each top-level column, in the record as
    written: one search of the text at C speed; a key name that is also written deeper is found by walking
    the top level (pftlint.reading.locate)."""
    text = unit.text if unit is not None else record.text
    first_column = unit.column if unit is not None else 1
    data = record.raw
    columns = tuple(data) if type(data) is dict else tuple(dict.fromkeys([where[0] for _, where in sig]))
    if not text or not columns:
        return ()
    found: dict[str, int] = {}
    twice = []
    for match in _keys_pattern(columns).finditer(text):
        name = match.group(1)
        if name in found:
            twice.append(name)
        else:
            found[name] = match.end()
    if twice:
        locator = Locator(text)
        for name in twice:
            found[name] = locator.offset((name,))
    places = []
    for name, offset in found.items():
        newlines = text.count("\n", 0, offset)
        places.append((name, (newlines, offset - text.rfind("\n", 0, offset)) if newlines else
                       (0, first_column + offset)))
    return tuple(places)


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
    """Each field's type: the majority of the first DECIDING records (held until then), later fields' the
    first record's; each record where a field has another type is reported, at that field."""

    def __init__(self, options: dict):
        self.options = options
        self.begin_file("")

    def begin_file(self, path):
        self._types: dict[str, tuple[str, int]] | None = None  # field -> (its type, the first line with it)
        self._held: list[tuple[int, tuple]] = []  # (line, key) of the first records, until the types are decided
        self._last: tuple | None = None  # the last signature observed while every field of it matched

    def key(self, record, unit):
        if record.openai_layout:  # OpenAI's layouts go to an API, not through Arrow (and take text or parts)
            return None
        sig = None
        if record.typed:
            constant = _TYPED.get(type(record.source))
            text = record.text
            if constant is not None and text and _UNFIXED(text) is None:
                sig = constant
        if sig is None:
            sig = signature(record.raw if record.raw is not None else record.mapping())
        return sig, _places(record, unit, sig)

    def observe(self, path, line, key):
        if self._types is None:
            self._held.append((line, key))
            if len(self._held) < DECIDING:
                return _NONE
            return self._decide()
        return self._compare(line, key)

    def observe_many(self, path, lines, keys):
        # a run whose records all have the types decided (a clean file, record after record)
        types = self._types
        if types is None:
            return observe_each(self, path, lines, keys)
        last = self._last
        for key in keys:
            if key is None or key[0] is last:
                continue
            for (field, kind), _ in key[0]:
                first = types.get(field)
                if first is None or first[0] != kind:
                    return observe_each(self, path, lines, keys)
            last = key[0]
        self._last = last
        return _NONE

    def _decide(self) -> list:
        """The types from the held records (most records' type, ties to the first seen), and the held
        records' findings."""
        counts: dict[str, dict[str, list[int]]] = {}  # field -> type -> [records, first line]
        for line, (sig, _) in self._held:
            for (field, kind), _ in sig:
                tally = counts.setdefault(field, {}).setdefault(kind, [0, line])
                tally[0] += 1
        # the type most records give the field; ties: the one seen first
        self._types = {field: max(((kind, first) for kind, (_, first) in kinds.items()),
                                  key=lambda kind_first: (kinds[kind_first[0]][0], -kind_first[1]))
                       for field, kinds in counts.items()}
        held, self._held = self._held, []
        found = []
        for line, key in held:
            found.extend(self._compare(line, key))
        return found

    def _compare(self, line: int, key: tuple) -> list:
        sig, places = key
        if sig is self._last:  # the same signature object as a record that matched (typed records share one)
            return _NONE
        types = self._types
        found = []
        reported = None
        odd = False
        for (field, kind), where in sig:
            decided = types.get(field)
            if decided is None:
                types[field] = (kind, line)
            elif decided[0] != kind:
                odd = True
                if field != reported:
                    reported = field
                    found.append(self._problem(field, kind, *decided, line, where, dict(places).get(where[0])))
        if not odd:
            self._last = sig
        return found

    @staticmethod
    def _problem(field: str, kind: str, first_kind: str, first_line: int, line: int, where: tuple,
                 place: tuple | None) -> Problem:
        column = _column(field)
        cap = None if column in TRAINER_COLUMNS else Severity.WARNING
        where_text = "elsewhere in this record" if first_line == line else f"on line {first_line}"
        newlines, col = place if place else (0, None)
        return Problem(f"'{field}' is {_ARTICLE[kind]} here but {_ARTICLE[first_kind]} {where_text}, as in most "
                       "records: Arrow holds one type per column, so datasets fails to load the file (\"changed "
                       f"from {first_kind} to {kind}\"), or from 4.7 reads the column as untyped JSON; write it as "
                       f"{_ARTICLE[first_kind]} in every record" + _TOOLS_HINT.get(column, ""),
                       json_path=where, line=line + newlines, column=col, severity=cap)

    def end_file(self, path):
        found = self._decide() if self._types is None and self._held else _NONE
        self.begin_file(path)
        return found

    def end_run(self):
        return _NONE
