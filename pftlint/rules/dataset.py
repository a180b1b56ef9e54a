"""Dataset rules: what only the whole file (or the whole run) shows.

Each rule keeps digests, never records (:mod:`pftlint.model.canonical`): a dict from
a 16-byte digest to the line that first had it, about a hundred bytes per
record. ``key()`` is pure (it may run in a worker process); ``observe()``
holds the state. Per-file state is dropped at the end of each file, so a file
linted alone or with others gets the same findings; only
``train-validation-overlap`` compares files.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from typing import Iterable

from ..engine.findings import Problem
from ..model.canonical import DIGEST_SIZE, canonical_record, combine
from ..model.view import is_message, text_of
from . import dataset_rule
from .content import side_names

_NONE: tuple = ()


class _PerFile:
    """A dataset rule whose state is one file's: reset at each file's start and end."""

    def __init__(self, options: dict):
        self.options = options
        self._seen: dict = {}

    def begin_file(self, path: str) -> None:
        self._seen = {}

    def end_file(self, path: str) -> Iterable[Problem]:
        self._seen = {}
        return _NONE

    def end_run(self) -> Iterable[tuple[str, Problem]]:
        return _NONE

    def observe_many(self, path: str, lines, keys: tuple) -> Iterable[tuple[int, Problem]]:
        """observe() over a run of records (their lines and keys, in file order): (line, problem) pairs.

        At C speed (a dict and a set operation) when no key repeats an earlier one, the common case;
        otherwise record by record.
        """
        if None not in keys:
            batch = dict(zip(keys, lines))
            seen = self._seen
            if len(batch) == len(keys) and seen.keys().isdisjoint(batch):
                seen.update(batch)
                return _NONE
        return observe_each(self, path, lines, keys)

    def _earlier(self, digest: bytes, line: int) -> int | None:
        """The line that first had ``digest``, or None (and ``line`` becomes that line)."""
        seen = self._seen
        first = seen.get(digest)
        if first is None:
            seen[digest] = line
        return first


def observe_each(state, path: str, lines, keys: tuple) -> list[tuple[int, Problem]]:
    """``state.observe`` record by record over a run of records (None keys skipped)."""
    found = []
    observe = state.observe
    for line, key in zip(lines, keys):
        if key is not None:
            for problem in observe(path, line, key):
                found.append((line, problem))
    return found


def _input_digest(record) -> bytes | None:
    """The digest of a record's input: DPO ``input``; for chat records, everything before the last reply."""
    canon = canonical_record(record)
    if record.method == "dpo":
        return canon.digest("input")
    return canon.supervised_prompt()


def _kind(record) -> bytes:
    """A record's kind, the first byte of its keys: b"d"/b"s", preference or chat in OpenAI's layout;
    b"D"/b"S" in another format (whose findings name no OpenAI path)."""
    if record.openai_layout:
        return b"d" if record.method == "dpo" else b"s"
    return b"D" if record.method == "dpo" else b"S"


def _input_path(kind: bytes) -> tuple | None:
    return ("input",) if kind == b"d" else ("messages",) if kind == b"s" else None


@dataset_rule("duplicate-example")
class DuplicateExample(_PerFile):
    def key(self, record, unit):
        return canonical_record(record).record()

    def observe(self, path, line, key):
        first = self._earlier(key, line)
        if first is None:
            return _NONE
        return (Problem(f"this record repeats the record on line {first} (the same JSON, ignoring key order and "
                        "spacing); delete the copy: a repeated example is trained on twice as often"),)


@dataset_rule("duplicate-prompt")
class DuplicatePrompt(_PerFile):
    def key(self, record, unit):
        digest = _input_digest(record)
        return None if digest is None else _kind(record) + digest

    def observe(self, path, line, key):
        first = self._earlier(key, line)
        if first is None:
            return _NONE
        return (Problem(f"the same input as the record on line {first}; if this was not meant, check how the "
                        "file was joined (repeated inputs weigh more in training)", json_path=_input_path(key[:1])),)


_OPENAI, _OTHER_LAYOUT = b"O", b"X"


@dataset_rule("conflicting-preference", methods=("dpo",))
class ConflictingPreference(_PerFile):
    def key(self, record, unit):
        canon = canonical_record(record)
        prompt = canon.digest("input")
        if prompt is None:
            return None
        preferred = canon.digest("preferred_output")
        rejected = canon.digest("non_preferred_output")
        if preferred is None or rejected is None or preferred == rejected:
            return None
        # one bytes object, not a tuple: keys may travel between processes in bulk; the last byte says
        # whether the record is in OpenAI's layout (how the finding names the replies and where it points)
        return combine(prompt, preferred, rejected) + combine(prompt, rejected, preferred) + \
            (_OPENAI if record.openai_layout else _OTHER_LAYOUT)

    def observe(self, path, line, key):
        pair, swapped = key[:DIGEST_SIZE], key[DIGEST_SIZE:2 * DIGEST_SIZE]
        seen = self._seen
        other = seen.get(swapped)
        if pair not in seen:
            seen[pair] = line
        if other is None:
            return _NONE
        if key[-1:] == _OPENAI:
            return (Problem(f"lines {other} and {line} have the same input and the same two replies, but preferred "
                            f"and non-preferred are swapped; the two cancel out in training: keep the record "
                            f"with the right label and delete the other", json_path=("preferred_output",)),)
        return (Problem(f"lines {other} and {line} have the same prompt and the same two replies, but the chosen and "
                        f"the rejected reply are swapped; the two cancel out in training: keep the record "
                        f"with the right label and delete the other"),)

    def observe_many(self, path, lines, keys):
        if None in keys:
            return observe_each(self, path, lines, keys)
        pairs = [key[:DIGEST_SIZE] for key in keys]
        swapped = [key[DIGEST_SIZE:2 * DIGEST_SIZE] for key in keys]
        seen = self._seen
        # reversed: a pair that occurs twice in the run keeps its first line
        first = dict(zip(reversed(pairs), reversed(lines)))
        if not (seen.keys().isdisjoint(swapped) and first.keys().isdisjoint(swapped)):
            return observe_each(self, path, lines, keys)  # a swapped pair: some record conflicts
        if seen.keys().isdisjoint(first):
            seen.update(first)
        else:  # an exact repeat of an earlier pair (duplicate-example's): the first line stays
            for pair, line in first.items():
                seen.setdefault(pair, line)
        return _NONE



def _reply_length(items) -> int | None:
    """Characters of the text and tool-call arguments of one output list (the view's); None if not a list."""
    if items is None:
        return None
    total = 0
    for msg in items:
        if not is_message(msg):
            continue
        text = text_of(msg.content)
        if text:
            total += len(text)
        calls = msg.tool_calls
        if isinstance(calls, list):
            for call in calls:
                function = call.get("function") if isinstance(call, dict) else None
                arguments = function.get("arguments") if isinstance(function, dict) else None
                if isinstance(arguments, str):
                    total += len(arguments)
    return total


# One-sided 95% normal quantile: a small file must beat the threshold beyond chance.
_Z = 1.6448536269514722


def _wilson_lower(successes: int, n: int) -> float:
    """The lower end of the one-sided 95% Wilson score interval of a share."""
    p = successes / n
    z2 = _Z * _Z
    centre = p + z2 / (2 * n)
    spread = _Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - spread) / (1 + z2 / n)


# length-bias's keys: True / False (the chosen reply longer, or not) for a pair in OpenAI's layout, whose
# wording the finding keeps; (longer, name of the chosen reply) for a pair of another format, one shared
# tuple per name so that a run of keys pickles small
_LONGER_KEYS: dict[tuple[bool, str], tuple[bool, str]] = {}


def _length_key(record, longer: bool):
    if record.openai_layout:
        return longer
    name = side_names(record)[0]
    key = (longer, name)
    return _LONGER_KEYS.setdefault(key, key)


def _is_longer(key) -> bool:
    return key is True or (isinstance(key, tuple) and key[0])


def _chosen_name(key) -> str | None:
    """The name a key gives the chosen reply: None for OpenAI's layout."""
    return key[1] if isinstance(key, tuple) else None


@dataset_rule("length-bias", methods=("dpo",))
class LengthBias:
    def __init__(self, options: dict):
        self.options = options
        self._pairs = 0
        self._longer = 0
        self._names: Counter = Counter()  # pairs per name of the chosen reply (None: OpenAI's layout)

    def begin_file(self, path):
        self._pairs = self._longer = 0
        self._names = Counter()

    def key(self, record, unit):
        preferred = _reply_length(record.preferred)
        rejected = _reply_length(record.rejected)
        if preferred is None or rejected is None:
            return None
        return _length_key(record, preferred > rejected)

    def observe(self, path, line, key):
        self._pairs += 1
        if _is_longer(key):
            self._longer += 1
        self._names[_chosen_name(key)] += 1
        return _NONE

    def observe_many(self, path, lines, keys):
        for key, count in Counter(keys).items():  # a handful of distinct keys, counted in C
            if key is not None:
                self._pairs += count
                if _is_longer(key):
                    self._longer += count
                self._names[_chosen_name(key)] += count
        return _NONE

    def end_file(self, path):
        pairs, longer, names = self._pairs, self._longer, self._names
        self._pairs = self._longer = 0
        self._names = Counter()
        threshold, minimum = self.options["threshold"], self.options["min-pairs"]
        if pairs == 0 or pairs < minimum:
            return _NONE
        if longer / pairs <= threshold or _wilson_lower(longer, pairs) <= threshold:
            return _NONE
        share = f"in {longer / pairs:.0%} of pairs ({longer} of {pairs}); DPO learns that longer is better: " \
                "add pairs where the better reply is the shorter one"
        # the file is named as most of its pairs name their replies
        chosen = max(names.items(), key=lambda item: item[1])[0]
        if chosen is None:
            return (Problem(f"the preferred reply is the longer one {share}, or trim the padded preferred replies"),)
        return (Problem(f"{chosen} is the longer one {share}, or trim {chosen} where it is padded"),)

    def end_run(self):
        return _NONE


def same_file(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return os.path.normpath(os.path.abspath(a)) == os.path.normpath(os.path.abspath(b))


OVERLAP = "train-validation-overlap"


@dataset_rule(OVERLAP)
class TrainValidationOverlap:
    """Records (or inputs) of the validation file that a training file of the run also has.

    The validation file's digests are kept for the whole run. Training files
    linted after it are checked as they stream (nothing of theirs is kept);
    training files linted before it keep their digests until it comes.
    ``pftlint check`` lints the validation file first.
    """

    def __init__(self, options: dict):
        self.options = options
        self._validation = options["validation"]
        self._in_validation = False
        self._valid_done = False
        self._valid_records: dict[bytes, int] = {}
        self._valid_inputs: dict[bytes, int] = {}
        self._pending: dict[str, tuple[dict, dict]] = {}  # training files read before the validation file
        self._current: tuple[dict, dict] | None = None
        self._valid_path = ""
        # validation line -> (training path, training line, same whole record?, how many training records)
        self._valid_hits: dict[int, list] = {}
        self._late: list[tuple[str, Problem]] = []  # findings for files already finished

    def key(self, record, unit):
        if not self._validation:  # immutable option: the rule is idle without a validation file
            return None
        whole = canonical_record(record).record()
        if whole is None:
            return None
        # one bytes object: b"d" or b"s" (preference or chat record), the record's digest, its input's
        return _kind(record) + whole + (_input_digest(record) or b"")

    def observe_many(self, path, lines, keys):
        if not self._validation:  # every key is None
            return _NONE
        return observe_each(self, path, lines, keys)

    def crosses_files(self) -> bool:
        """True when state outlives a file (the engine must not restart a file it has fed)."""
        return bool(self._validation)

    def begin_file(self, path):
        self._current = None
        self._in_validation = bool(self._validation) and not self._valid_done and same_file(path, self._validation)
        if self._in_validation:
            self._valid_path = path
        elif self._validation and not self._valid_done:
            self._current = self._pending[path] = ({}, {})

    def observe(self, path, line, key):
        json_path = _input_path(key[:1])
        whole, prompt = key[1:1 + DIGEST_SIZE], key[1 + DIGEST_SIZE:] or None
        if self._in_validation:
            return self._observe_validation(line, whole, prompt, json_path)
        if self._current is not None:  # the validation file comes later
            records, inputs = self._current
            records.setdefault(whole, line)
            if prompt is not None:
                inputs.setdefault(prompt, line)
            return _NONE
        if not self._valid_done:
            return _NONE
        other = self._valid_records.get(whole)
        same = other is not None
        if not same and prompt is not None:
            other = self._valid_inputs.get(prompt)
        if other is None:
            return _NONE
        self._hit(other, path, line, same)
        return (_problem(self._valid_path, other, same, "the validation file", () if same else json_path),)

    def _observe_validation(self, line, whole, prompt, json_path):
        self._valid_records.setdefault(whole, line)
        if prompt is not None:
            self._valid_inputs.setdefault(prompt, line)
        for train_path, (records, inputs) in self._pending.items():
            other = records.get(whole)
            same = other is not None
            if not same and prompt is not None:
                other = inputs.get(prompt)
            if other is not None:
                self._hit(line, train_path, other, same)
                self._late.append((train_path, _problem(self._valid_path, line, same, "the validation file",
                                                       () if same else json_path, line=other)))
        return _NONE

    def _hit(self, valid_line, train_path, train_line, same):
        hit = self._valid_hits.get(valid_line)
        if hit is None:
            self._valid_hits[valid_line] = [train_path, train_line, same, 1]
        else:
            hit[3] += 1
            if same and not hit[2]:
                hit[:3] = [train_path, train_line, same]

    def end_file(self, path):
        if self._in_validation:
            self._in_validation = False
            self._valid_done = True
            self._pending.clear()
        self._current = None
        return _NONE

    def end_run(self):
        late, self._late = self._late, []
        for valid_line, (train_path, train_line, same, count) in sorted(self._valid_hits.items()):
            problem = _problem(train_path, train_line, same, "a training file", (), line=valid_line,
                               more=count - 1)
            late.append((self._valid_path, problem))
        self._valid_hits = {}
        return late


def _problem(other_path: str, other_line: int, same: bool, role: str, json_path: tuple, line: int | None = None,
             more: int = 0) -> Problem:
    where = f"line {other_line} of {other_path} ({role})"
    if more:
        where += f", and {more} more training record{'s' if more > 1 else ''}"
    if same:
        text = f"this record is also {where}"
    else:
        text = f"this record's input is also the input of {where}"
    return Problem(f"{text}; remove it from one of the two files: the validation loss of examples the model "
                   "trained on says nothing", json_path=json_path or None, line=line)
