"""A baseline: the findings a dataset had when it was recorded, left out of later reports.

``pftlint check --write-baseline FILE PATHS`` records every finding; ``--baseline FILE`` (or
``baseline = "FILE"`` in the configuration) then reports only the findings that are not in it.

A finding is identified by its file, its rule and a *fingerprint*, never by its line number:
the fingerprint hashes the finding's JSON path and the text of the record it is on (the line,
without surrounding whitespace and a byte-order mark). Inserting or deleting other records
moves a finding to another line but keeps its fingerprint; editing the record gives it a new
one. Findings about the whole file have no record, so their fingerprint is the rule and the
JSON path alone: those of file-scope rules (too few examples, a missing final newline...) and
those a dataset rule gives for the file as a whole (``length-bias``), which point at 1:1
without a JSON path (a dataset rule's finding about a record names a later record than the
first, or a JSON path). Equal
fingerprints are counted: a baseline with two blank lines hides two blank-line findings, a
third is reported.

Paths in the baseline file are relative to its folder, so it works from any working directory.
The GitLab report's fingerprints are these too (made unique by their occurrence).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable

from .engine.findings import FileResult, Finding, Report
from .errors import PftlintError
from .reading.reader import BOM
from .reporters.base import path_text

FORMAT = 1
KEY = "pftlint-baseline"


class BaselineError(PftlintError):
    """A baseline that cannot be read or used (exit status 2, one line)."""


def _scopes() -> dict[str, str]:
    from .engine.registry import all_rules

    return {rule.name: rule.doc.scope for rule in all_rules()}


def _line_digests(path: str, wanted: set[int]) -> dict[int, str]:
    """Line number -> digest of that line's text, for the ``wanted`` lines of the file (none for stdin)."""
    out: dict[int, str] = {}
    if path == "-" or not wanted:
        return out
    last = max(wanted)
    try:
        with open(path, "rb") as stream:
            for number, line in enumerate(stream, 1):
                if number in wanted:
                    if number == 1 and line.startswith(BOM):
                        line = line[len(BOM):]
                    out[number] = hashlib.sha256(line.strip()).hexdigest()
                if number >= last:
                    break
    except OSError:  # gone since it was checked: the findings keep an empty record text
        pass
    return out


def _about_file(finding: Finding, scope: str | None) -> bool:
    """Whether the finding is about the whole file rather than one record (see the module docstring)."""
    if scope == "file":
        return True
    return scope == "dataset" and finding.line == 1 and finding.column == 1 and not path_text(finding)


def file_fingerprints(result: FileResult, scopes: dict[str, str] | None = None) -> list[str]:
    """The fingerprint of each finding of ``result``, in order (equal for the same rule, path and record)."""
    scopes = _scopes() if scopes is None else scopes
    about_record = [not _about_file(f, scopes.get(f.rule)) for f in result.findings]
    digests = _line_digests(result.path, {f.line for f, rec in zip(result.findings, about_record) if rec})
    out = []
    for finding, rec in zip(result.findings, about_record):
        record = digests.get(finding.line, "") if rec else ""
        text = f"{finding.rule}\0{path_text(finding)}\0{record}"
        out.append(hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:20])
    return out


def unique_fingerprints(report: Report) -> list[str]:
    """One fingerprint per finding of the report (in order), unique and the same from run to run:
    file, rule, record and JSON path, and which occurrence of those it is (GitLab Code Quality)."""
    scopes = _scopes()
    out = []
    for fr in report.files:
        seen: Counter = Counter()
        for fingerprint in file_fingerprints(fr, scopes):
            seen[fingerprint] += 1
            text = f"{_portable(fr.path)}\0{fingerprint}\0{seen[fingerprint]}"
            out.append(hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32])
    return out


def _portable(path: str) -> str:
    return path.replace(os.sep, "/")


def _relative(path: str, folder: str) -> str:
    try:
        return _portable(os.path.relpath(os.path.abspath(path), folder))
    except ValueError:  # another drive (Windows)
        return _portable(os.path.abspath(path))


def refuse_stdin(paths: Iterable[str], flag: str) -> None:
    if "-" in paths:
        raise BaselineError(f"{flag} cannot match findings on standard input (the records cannot be read again); "
                            "check the file itself")


def baseline_text(report: Report, baseline_path: str) -> str:
    """The baseline file for ``report``: one finding per line (readable, and a small diff when refreshed)."""
    folder = os.path.dirname(os.path.abspath(baseline_path))
    scopes = _scopes()
    rows = []
    for fr in report.files:
        path = _relative(fr.path, folder)
        for finding, fingerprint in zip(fr.findings, file_fingerprints(fr, scopes)):
            # line and message are for people reading the file; matching uses path, rule and fingerprint
            rows.append({"path": path, "rule": finding.rule, "code": finding.code, "fingerprint": fingerprint,
                         "line": finding.line, "message": finding.message})
    rows.sort(key=lambda r: (r["path"], r["line"], r["rule"]))
    body = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in rows)
    return f'{{"{KEY}": {FORMAT}, "findings": [\n{body}\n]}}\n' if rows else f'{{"{KEY}": {FORMAT}, "findings": []}}\n'


@dataclass
class Baseline:
    """The recorded findings: (path relative to ``folder``, rule, fingerprint) -> how many."""

    folder: str
    counts: Counter

    def apply(self, report: Report) -> tuple[Report, int]:
        """``report`` without the findings the baseline holds, and how many were left out."""
        remaining = Counter(self.counts)
        scopes = _scopes()
        hidden = 0
        files = []
        for fr in report.files:
            if not fr.findings:
                files.append(fr)
                continue
            path = _relative(fr.path, self.folder)
            kept: list[Finding] = []
            for finding, fingerprint in zip(fr.findings, file_fingerprints(fr, scopes)):
                key = (path, finding.rule, fingerprint)
                if remaining[key] > 0:
                    remaining[key] -= 1
                    hidden += 1
                else:
                    kept.append(finding)
            files.append(replace(fr, findings=kept))
        return Report(files=files, seconds=report.seconds), hidden


def load_baseline(path: str) -> Baseline:
    """Read a baseline file written by ``--write-baseline``; BaselineError (one line) when it is not one."""
    try:
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
    except FileNotFoundError:
        raise BaselineError(f"--baseline {path}: no such file; record one with --write-baseline {path}") from None
    except OSError as exc:
        raise BaselineError(f"--baseline {path}: {exc.strerror or exc}") from None
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep
        raise BaselineError(f"--baseline {path}: not a pftlint baseline (not JSON); "
                            f"record one with --write-baseline {path}") from None
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get(KEY) != FORMAT or not isinstance(findings, list):
        raise BaselineError(f"--baseline {path}: not a pftlint baseline of format {FORMAT} "
                            f'(expected {{"{KEY}": {FORMAT}, "findings": [...]}}); '
                            f"record one with --write-baseline {path}")
    counts: Counter = Counter()
    for number, entry in enumerate(findings, 1):
        values = [entry.get(k) for k in ("path", "rule", "fingerprint")] if isinstance(entry, dict) else []
        if len(values) != 3 or not all(isinstance(v, str) and v for v in values):
            raise BaselineError(f"--baseline {path}: finding {number} needs the strings path, rule and fingerprint")
        counts[tuple(values)] += 1
    return Baseline(os.path.dirname(os.path.abspath(path)), counts)
