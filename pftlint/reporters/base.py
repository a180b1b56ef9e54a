"""What every reporter shares."""

from __future__ import annotations

from typing import TextIO

from ..engine.findings import Finding, Report, json_path_text


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors``, ``1,204 records``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def path_text(finding: Finding) -> str | None:
    """The finding's JSON path as text (``input.messages[1].role``), or None: what every reporter shows."""
    return json_path_text(finding.json_path)


def summary_text(report: Report) -> str:
    """``2 files, 182 records: 1 error, 1 warning, 0 info``: the line every human format ends with."""
    counts = report.counts()
    records = sum(fr.records for fr in report.files)
    return (f"{plural(len(report.files), 'file')}, {plural(records, 'record')}: "
            f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, {counts['info']:,} info")


class Reporter:
    """Writes a :class:`Report` to a text stream. Subclasses implement ``report``."""

    def __init__(self, stream: TextIO, *, color: bool = False):
        self.stream = stream
        self.color = color

    def report(self, report: Report) -> None:
        raise NotImplementedError

    @property
    def utf8(self) -> bool:
        """Whether the stream takes any text (else JSON output escapes non-ASCII as \\uXXXX)."""
        encoding = (getattr(self.stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
        return encoding in ("utf8", "utf8sig")
