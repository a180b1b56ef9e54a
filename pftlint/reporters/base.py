"""What every reporter shares: the summary line, where a finding is, which findings --fix repairs."""

from __future__ import annotations

import functools
import os
from typing import Iterable, TextIO

from ..engine.findings import FileResult, Finding, Report, json_path_text


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors``, ``1,204 records``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def path_text(finding: Finding) -> str:
    """The finding's JSON path as text (``input.messages[1].role``; empty when it has none).

    Every reporter prints a JSON path through here: paths are tuples of keys and indexes,
    rendered by the one renderer (a key holding ``.`` or ``[`` is quoted: ``["a.b"]``).
    """
    return json_path_text(finding.json_path) or ""


def relative_path(path: str) -> str:
    """Relative to the working directory (the checkout in CI) when the file is inside it, with ``/``."""
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive (Windows)
            relative = os.pardir
        if not relative.startswith(os.pardir):
            path = relative
    return path.replace(os.sep, "/")


def fixable_rules(file: FileResult) -> frozenset[str]:
    """The rules whose findings in this file ``--fix`` repairs (pftlint.fix knows which and when: it reads a
    file with findings of fixable rules again, to refuse what ``--fix`` would refuse)."""
    from ..fix import repairable

    rules = repairable({f.rule for f in file.findings}) if file.findings else frozenset()
    if not rules:
        return rules
    try:
        st = os.stat(file.path)
        version = (st.st_mtime_ns, st.st_size, st.st_ino)
    except (OSError, ValueError):
        version = None
    return _fixable_rules_in(file.path, rules, version)


@functools.lru_cache(maxsize=64)
def _fixable_rules_in(path: str, rules: frozenset[str], version: tuple | None) -> frozenset[str]:
    # one scan per file and version, however many reports a run writes (the terminal's and --output-file's)
    from ..fix import fixable_rules_in

    return fixable_rules_in(path, rules)


def fixable_findings(report: Report) -> set[Finding]:
    """Every finding of the report that ``--fix`` repairs."""
    out: set[Finding] = set()
    for fr in report.files:
        rules = fixable_rules(fr)
        if rules:
            out.update(f for f in fr.findings if f.rule in rules)
    return out


def summary_text(report: Report, hidden: int = 0, fixable: Iterable[Finding] | None = None) -> str:
    """``2 files, 182 records: 1 error, 1 warning, 0 info (1 fixable with --fix)``: the line every
    human format ends with; ``hidden``: findings the baseline left out (said when there are any)."""
    counts = report.counts()
    records = sum(fr.records for fr in report.files)
    text = (f"{plural(len(report.files), 'file')}, {plural(records, 'record')}: "
            f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, {counts['info']:,} info")
    notes = []
    n_fixable = len(fixable_findings(report) if fixable is None else set(fixable))
    if n_fixable:
        notes.append(f"{n_fixable:,} fixable with --fix")
    if hidden:
        notes.append(f"{plural(hidden, 'finding')} hidden by the baseline")
    return f"{text} ({'; '.join(notes)})" if notes else text


class Reporter:
    """Writes a :class:`Report` to a text stream. Subclasses implement ``report``.

    ``hidden``: how many findings the baseline left out of the report (the summary says so).
    """

    def __init__(self, stream: TextIO, *, color: bool = False, hidden: int = 0):
        self.stream = stream
        self.color = color
        self.hidden = hidden

    def report(self, report: Report) -> None:
        raise NotImplementedError

    @property
    def utf8(self) -> bool:
        """Whether the stream takes any text (else JSON output escapes non-ASCII as \\uXXXX)."""
        encoding = (getattr(self.stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
        return encoding in ("utf8", "utf8sig")
