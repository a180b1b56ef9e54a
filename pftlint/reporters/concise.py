"""One ``path:line:col: CODE [severity] message`` line per finding (editors, pre-commit)."""

from __future__ import annotations

from ..models import Report
from .base import Reporter


class ConciseReporter(Reporter):
    human = True

    def report(self, report: Report) -> None:
        write = self.stream.write
        for finding in report.findings:
            where = f" ({finding.json_path})" if finding.json_path else ""
            write(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} "
                  f"[{finding.severity.value}] {finding.message}{where}\n")
        counts = report.counts()
        records = sum(f.records for f in report.files)
        files = len(report.files)
        write(f"Checked {files} file{'s' if files != 1 else ''} ({records:,} records): "
              f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info.\n")
