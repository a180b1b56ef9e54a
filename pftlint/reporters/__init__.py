"""Output formats, by name. Adding one is a module plus an entry here."""

from __future__ import annotations

import os
from typing import TextIO

from .base import Reporter
from .concise import ConciseReporter
from .github import GithubReporter
from .json import JsonReporter
from .sarif import SarifReporter
from .table import TableReporter

REPORTERS: dict[str, type[Reporter]] = {
    "table": TableReporter,
    "concise": ConciseReporter,
    "json": JsonReporter,
    "sarif": SarifReporter,
    "github": GithubReporter,
}

CHOICES = ("auto", *REPORTERS)


def format_names() -> tuple[str, ...]:
    """Every ``--output-format`` value, read when asked (reporters may be added to REPORTERS later)."""
    return ("auto", *REPORTERS)


def resolve_format(name: str, stream: TextIO) -> str:
    """``auto``: annotations in a GitHub Actions job, the Rich table on a terminal, concise lines otherwise."""
    if name != "auto":
        return name
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "table" if _isatty(stream) else "concise"


def use_color(stream: TextIO, no_color: bool = False) -> bool:
    """Colour on a terminal; never with --no-color or NO_COLOR (https://no-color.org); FORCE_COLOR forces it."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _isatty(stream)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
