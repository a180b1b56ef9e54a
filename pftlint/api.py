"""The Python API, for notebooks and pipelines: findings as objects, no printing.

>>> from pftlint import lint_records
>>> result = lint_records([{"messages": [{"role": "user", "content": "Hi"}]}], method="supervised")
>>> [f.rule for f in result.findings]
['no-assistant-message']
"""

from __future__ import annotations

from typing import Any, Iterable

from .engine import Linter
from .models import FileResult, Report
from .selection import resolve
from .targets import load_target


def make_linter(
    *,
    target: str = "openai",
    method: str = "auto",
    select: list[str] | None = None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    rules: dict[str, dict[str, Any]] | None = None,
) -> Linter:
    """A Linter with the given settings (the same names as the config file, in snake_case)."""
    profile = load_target(target)
    active = resolve(profile, select, list(extend_select), list(ignore), rules)
    return Linter(profile, active, method)


def lint_path(*paths: str, **settings: Any) -> Report:
    """Lint files or directories; returns a Report with one FileResult per file."""
    from .discovery import discover

    return make_linter(**settings).run(discover(list(paths)))


def lint_records(records: Iterable[dict], name: str = "<records>", **settings: Any) -> FileResult:
    """Lint in-memory records as if each were one line of a JSONL file."""
    linter = make_linter(**settings)
    result = linter.lint_records(records, name)
    linter.finish(Report(files=[result]))
    return result


def lint_bytes(data: bytes, name: str = "<bytes>", **settings: Any) -> FileResult:
    """Lint the bytes of a file (``name`` is used for the extension check and messages)."""
    linter = make_linter(**settings)
    result = linter.lint_bytes(data, name)
    linter.finish(Report(files=[result]))
    return result
