"""Value objects shared by the reader, the engine, the rules and the reporters."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Union

# A JSON path as segments: object keys (str) and array indexes (int), e.g. ("input", "messages", 1, "role").
# Never parsed back from text: a key may hold '.', '[' or anything else.
JsonPath = tuple[Union[str, int], ...]

# A key written bare after '.' (or first): anything without the characters the path syntax uses.
_BARE_KEY = re.compile(r'[^.\[\]"]+\Z')


def json_path_text(path: "JsonPath | str | None") -> str | None:
    """The path as people read it: ``preferred_output[0].role``; a key that needs it quoted, ``["a.b"]``.

    The one renderer of paths (reporters call it through ``pftlint.reporters.base.path_text``).
    A str is a path the reader already rendered (repeated keys, unpaired surrogates): it is kept.
    """
    if path is None or isinstance(path, str):
        return path
    pieces = []
    for step in path:
        if type(step) is int:
            pieces.append(f"[{step}]")
        elif _BARE_KEY.match(step):
            pieces.append(f".{step}" if pieces else step)
        else:
            pieces.append(f"[{json.dumps(step, ensure_ascii=False)}]")
    return "".join(pieces)



class Severity(str, Enum):
    """How bad a finding is. Ordered: ``INFO < WARNING < ERROR`` (as values they are strings, which
    would sort the other way: comparisons between severities use this order, never the text's)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __lt__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Severity):
            return NotImplemented
        return _RANK[self] < _RANK[other]

    def __le__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Severity):
            return NotImplemented
        return _RANK[self] <= _RANK[other]

    def __gt__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Severity):
            return NotImplemented
        return _RANK[self] > _RANK[other]

    def __ge__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Severity):
            return NotImplemented
        return _RANK[self] >= _RANK[other]


# Declared from the worst down: the last member ranks lowest.
_RANK = {severity: rank for rank, severity in enumerate(reversed(Severity))}


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule reports. The engine turns it into a :class:`Finding`.

    Record rules leave ``line`` and ``column`` empty: the engine fills in the
    record's line and locates ``json_path`` inside it. File and line rules set
    them themselves.
    """

    message: str
    json_path: JsonPath | None = None
    line: int | None = None
    column: int | None = None
    # At most this severity: a rule may lower its configured severity for one finding
    # (example-too-long: a supervised example is truncated, not rejected), never raise it.
    severity: "Severity | None" = None

    def cap(self, severity: "Severity") -> "Severity":
        """The finding's severity: the configured one, lowered to this problem's cap."""
        cap = self.severity
        return cap if cap is not None and cap < severity else severity


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One reported problem, located in a file. Sorts by position."""

    path: str
    line: int
    column: int
    code: str
    rule: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    json_path: "JsonPath | str | None" = field(default=None, compare=False)  # str: rendered by the reader

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "json_path": json_path_text(self.json_path),
        }


@dataclass(slots=True)
class FileResult:
    """Everything the engine learned about one file."""

    path: str
    method: str | None = None  # "dpo", "supervised" or None when undecided
    records: int = 0
    lines: int = 0
    bytes: int = 0
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "method": self.method,
            "records": self.records,
            "lines": self.lines,
            "bytes": self.bytes,
        }


@dataclass(slots=True)
class Report:
    """The result of one run over one or more files."""

    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def findings(self) -> list[Finding]:
        return [f for fr in self.files for f in fr.findings]

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for f in self.findings:
            counts[f.severity.value] += 1
        return counts

    def reaches(self, threshold: Severity) -> bool:
        return any(f.severity >= threshold for f in self.findings)
