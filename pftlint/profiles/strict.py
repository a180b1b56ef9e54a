"""Strict checks for pftlint's own data files: target profiles, the models table, rule front matter.

Those files ship with pftlint and are read on every run, so they are checked by
these few functions (instant to import) rather than by a schema library, and as
strictly: a missing or unknown key, or a value of the wrong type, is a
:class:`CatalogError` naming the file and the key. This is the one path for shipped
data (a user's settings go through pftlint.profiles.config instead); tests/test_profiles.py
loads every shipped file through it, and tests/test_packaging.py the wheel's copy.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any, Callable, NoReturn



class CatalogError(Exception):
    """A rule document, target profile or the models table is malformed (a packaging bug)."""

#: ``check(value, where)`` returns the value (converted: lists become tuples or frozensets) or raises.
Check = Callable[[Any, str], Any]


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def fail(where: str, expected: str, value: Any) -> NoReturn:
    raise CatalogError(f"{where}: expected {expected}, not {_kind(value)} ({value!r:.60})")


def string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        fail(where, "a string", value)
    return value


def integer(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        fail(where, "an integer", value)
    return value


def boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        fail(where, "a boolean", value)
    return value


def number(value: Any, where: str) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        fail(where, "a number", value)
    return float(value)


def one_of(*choices: str) -> Check:
    def check(value: Any, where: str) -> str:
        if not isinstance(value, str) or value not in choices:
            fail(where, "one of " + ", ".join(map(repr, choices)), value)
        return value
    return check


def list_of(item: Check, into: Callable = tuple) -> Check:
    def check(value: Any, where: str):
        if not isinstance(value, list):
            fail(where, "a list", value)
        return into(item(v, f"{where}[{i}]") for i, v in enumerate(value))
    return check


def table_of(item: Check) -> Check:
    def check(value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            fail(where, "a table", value)
        return {k: item(v, f"{where}.{k}") for k, v in value.items()}
    return check


def build(cls: type, data: Any, where: str, checks: dict[str, Check]):
    """An instance of the dataclass ``cls`` from a TOML table.

    ``checks`` maps each field name to its check. Keys are the field names in
    kebab-case (``min-examples``); every key must be known, every field without a
    default present.
    """
    if not isinstance(data, dict):
        fail(where, "a table", data)
    values = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in checks or "_" in key:
            known = ", ".join(f.name.replace("_", "-") for f in fields(cls) if f.name in checks)
            raise CatalogError(f"{where}: unknown key {key!r} (known keys: {known})")
        values[name] = checks[name](value, f"{where}: {key}")
    for f in fields(cls):
        if f.name in checks and f.name not in values and f.default is MISSING and f.default_factory is MISSING:
            raise CatalogError(f"{where}: missing key {f.name.replace('_', '-')!r}")
    return cls(**values)
