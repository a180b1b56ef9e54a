"""One ``path:line:col: CODE [severity] message`` line per finding (editors, pre-commit)."""

from __future__ import annotations

from ..models import Report
from .base import Reporter, summary_text


class ConciseReporter(Reporter):
    human = True

    def report(self, report: Report) -> None:
        write = self.stream.write
        for finding in report.findings:
            where = f" ({finding.json_path})" if finding.json_path else ""
            message = finding.message
            if "\n" in message or "\r" in message:  # one finding, one line
                message = message.replace("\r", "\\r").replace("\n", "\\n")
            write(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} "
                  f"[{finding.severity.value}] {message}{where}\n")
        write(f"Checked {summary_text(report)}.\n")
