"""Output formats, by name. Adding one is a module plus an entry here.

A format's module is imported when the format is used: the table needs Rich,
which the other formats (and every CI or pre-commit run) do without.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import MutableMapping
from typing import Iterator, TextIO

from .base import Reporter


class _Reporters(MutableMapping):
    """Format name -> reporter class, importing ``pftlint.reporters.<module>`` on first use."""

    def __init__(self, where: dict[str, str]):
        self._where = dict(where)  # name -> "module:Class"
        self._classes: dict[str, type[Reporter]] = {}

    def __getitem__(self, name: str) -> type[Reporter]:
        found = self._classes.get(name)
        if found is None:
            module, _, attr = self._where[name].partition(":")
            found = self._classes[name] = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
        return found

    def __setitem__(self, name: str, reporter: type[Reporter]) -> None:
        self._where[name] = ""
        self._classes[name] = reporter

    def __delitem__(self, name: str) -> None:
        del self._where[name]
        self._classes.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


REPORTERS: MutableMapping[str, type[Reporter]] = _Reporters({
    "table": "table:TableReporter",
    "concise": "concise:ConciseReporter",
    "json": "json:JsonReporter",
    "sarif": "sarif:SarifReporter",
    "github": "github:GithubReporter",
    "gitlab": "gitlab:GitlabReporter",
    "junit": "junit:JunitReporter",
})

def format_names() -> tuple[str, ...]:
    """Every ``--output-format`` value, read when asked (reporters may be added to REPORTERS later)."""
    return ("auto", *REPORTERS)


def resolve_format(name: str, stream: TextIO) -> str:
    """``auto``: annotations in a GitHub Actions job, the Rich table on a terminal, concise lines otherwise."""
    if name != "auto":
        return name
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "table" if is_terminal(stream) else "concise"


def use_color(stream: TextIO, no_color: bool = False) -> bool:
    """Colour on a terminal; never with --no-color or NO_COLOR (https://no-color.org); FORCE_COLOR forces it."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_terminal(stream)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
