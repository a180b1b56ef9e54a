"""The Python API, for notebooks and pipelines: findings as objects, no printing.

>>> from pftlint import lint_records
>>> result = lint_records([{"messages": [{"role": "user", "content": "Hi"}]}],
...                       method="supervised", ignore=["too-few-examples"])
>>> [f.rule for f in result.findings]
['no-assistant-message']

Settings are keyword arguments with the config file's names in snake_case:
``target``, ``method``, ``select``, ``extend_select``, ``ignore`` and ``rules``
(per-rule ``{"rule-name": {"severity": ..., "<option>": ...}}``). Bad settings
raise ``ValueError``; a path that cannot be read raises ``OSError``; a record
that is not JSON-serialisable raises ``TypeError``. Nothing is printed and no
file is written.
"""

from __future__ import annotations

import os
from typing import Any, Iterable

from .engine import Linter
from .findings import FileResult, Report
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
    model: str | None = None,
) -> Linter:
    """A Linter with the given settings (the same names as the config file, in snake_case)."""
    from .catalog import target_names

    if target not in target_names():
        raise ValueError(f"unknown target {target!r} (choose from {', '.join(target_names())})")
    if method not in ("auto", "dpo", "supervised"):
        raise ValueError(f"unknown method {method!r} (choose from auto, dpo, supervised)")
    for name, value in (("select", select), ("extend_select", extend_select), ("ignore", ignore)):
        if isinstance(value, str):  # a lone string would be read letter by letter
            raise TypeError(f"{name} takes a list of rule selectors, not the string {value!r}")
    profile = load_target(target).with_model(model)  # model: its token limit (rules/models.toml)
    active = resolve(profile, list(select) if select is not None else None, list(extend_select), list(ignore), rules)
    return Linter(profile, active, method)


def lint_path(*paths: str | os.PathLike, **settings: Any) -> Report:
    """Lint files or directories (every ``*.jsonl`` inside); one FileResult per file in ``report.files``."""
    from .discovery import discover

    from . import runner

    linter = make_linter(**settings)
    return runner.run(linter, discover([os.fspath(p) for p in paths]))


def lint_records(records: Iterable[Any], name: str = "<records>", **settings: Any) -> FileResult:
    """Lint in-memory records (dicts, as ``json.loads`` gives them) as if each were one line of a JSONL file.

    ``name`` stands for the file name in findings; give it a ``.jsonl`` ending to
    have the file-name rule check it. Records are serialised one at a time, so a
    generator over a large dataset is never held in memory.
    """
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
