"""Rule implementations, one module per area (a module that registers no rule holds helpers of one
area's rules: key_names for shape, json_schema for tools).

A rule's metadata (code, severity, scope, rationale) lives in its document in
``rules/``; this package holds only the code, registered by name:

- ``@record_rule(name, guard=...)``: ``check(record, options) -> Iterable[Problem]`` for each record
  (a :class:`pftlint.model.view.Record`, whatever format the record is in; ``openai_layout=True``: only
  records written in OpenAI's layout, for the rules that read the record as written); the optional ``guard(record, options) -> bool`` is a cheap
  test beside the rule: True means the rule surely reports nothing, and the engine skips it
  (``silent_when_typed``: a record that passed the typed decode; tests/test_guards.py proves each guard);
- ``@file_rule(name)``: ``check(file, options) -> Iterable[Problem]`` once per file, at its end;
- ``@dataset_rule(name)``: a class whose one instance per run sees every record (cross-record rules).
  It is built as ``cls(options)`` and has:
  ``begin_file(path)``; ``key(record, unit) -> small hashable or None`` (pure: it may run in a worker
  process, so it must not touch ``self``'s state; return digests, not records);
  ``observe(path, line, key) -> Iterable[Problem]`` (stateful, called in file order in the main
  process; problems without ``line`` are placed on that record);
  optionally ``observe_many(path, lines, keys) -> Iterable[tuple[line, Problem]]``: observe() over a
  run of records at once (the engine feeds runs; without it, record by record);
  ``end_file(path) -> Iterable[Problem]``; ``end_run() -> Iterable[tuple[path, Problem]]``;
  optionally ``crosses_files() -> bool``: True when its state outlives a file (the parallel engine
  then feeds a file's keys only once all its chunks are checked, so a fallback starts clean);
- ``@reader_rule(name)``: a rule the streaming reader detects (file structure, repeated keys): the
  reader reports what it found as an ``Issue`` holding plain data (``found``: counts, positions, a
  ``kind``, a key...), and the decorated ``words(found) -> str`` turns that into the finding's message.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable

READER, RECORD, FILE, DATASET = "reader", "record", "file", "dataset"


@dataclass(frozen=True)
class Implementation:
    name: str
    kind: str  # reader | record | file | dataset
    methods: tuple[str, ...]
    check: Any  # function (record/file), class (dataset) or None (reader)
    module: str
    guard: Any = None  # record rules: guard(record, options) -> True when the rule is surely silent
    # record rules: reads the record as OpenAI's layout writes it (the shape rules), so it runs on
    # records in that layout only; every other rule reads the view, whatever the format
    openai_layout: bool = False
    # record rules: also runs on a record in another format than its file's (the format rule itself)
    on_foreign: bool = False


_REGISTRY: dict[str, Implementation] = {}


def _register(name: str, kind: str, methods: tuple[str, ...], check: Any, module: str, guard: Any = None,
              openai_layout: bool = False, on_foreign: bool = False) -> None:
    if name in _REGISTRY:
        raise RuntimeError(f"rule {name!r} is implemented twice ({module}, {_REGISTRY[name].module})")
    _REGISTRY[name] = Implementation(name, kind, tuple(methods), check, module, guard, openai_layout, on_foreign)


def silent_when_typed(record, options: dict) -> bool:
    """The guard of the rules that a typed decode already proves (keys, types, roles)."""
    return record.typed


def record_rule(name: str, *, methods: tuple[str, ...] = ("dpo", "supervised"),
                guard: Callable | None = None, openai_layout: bool = False,
                on_foreign: bool = False) -> Callable:
    def wrap(fn: Callable) -> Callable:
        _register(name, RECORD, methods, fn, fn.__module__, guard, openai_layout, on_foreign)
        return fn
    return wrap


def file_rule(name: str) -> Callable:
    def wrap(fn: Callable) -> Callable:
        _register(name, FILE, ("dpo", "supervised"), fn, fn.__module__)
        return fn
    return wrap


def dataset_rule(name: str, *, methods: tuple[str, ...] = ("dpo", "supervised")) -> Callable:
    def wrap(cls: type) -> type:
        _register(name, DATASET, methods, cls, cls.__module__)
        return cls
    return wrap


def reader_rule(name: str) -> Callable:
    def wrap(fn: Callable) -> Callable:
        _register(name, READER, ("dpo", "supervised"), fn, fn.__module__)
        return fn
    return wrap


def reader_message(name: str, found: dict) -> str:
    """The message of a reader's finding: its rule's words for what was found."""
    return implementations()[name].check(found)


_LOADED: list[bool] = []


def implementations() -> dict[str, Implementation]:
    # Not "if not _REGISTRY": a rule module imported directly (by a command or a test)
    # must not hide the others. import_module returns modules already imported as they are.
    if not _LOADED:
        for info in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{info.name}")
        _LOADED.append(True)
    return _REGISTRY
