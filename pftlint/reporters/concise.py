"""One ``path:line:col: CODE [severity] message`` line per finding (editors, pre-commit)."""

from __future__ import annotations

from ..engine.findings import Report
from ..util.printable import printable, printable_path
from .base import Reporter, path_text, summary_text


class ConciseReporter(Reporter):
    human = True

    def report(self, report: Report) -> None:
        write = self.stream.write
        for finding in report.findings:  # one finding, one line: keys, values and file names escaped
            where = f" ({printable(path_text(finding))})" if finding.json_path else ""
            write(f"{printable_path(finding.path)}:{finding.line}:{finding.column}: {finding.code} "
                  f"[{finding.severity.value}] {printable(finding.message)}{where}\n")
        write(f"Checked {summary_text(report)}.\n")
