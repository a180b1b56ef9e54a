"""One ``path:line:col: CODE [severity] message (json path)`` line per finding (editors, pre-commit).

A finding ``--fix`` repairs has ``[*]`` after its severity (``PFT101 [error] [*] ...``).
"""

from __future__ import annotations

from ..engine.findings import Report
from ..util.printable import printable, printable_path
from .base import Reporter, fixable_findings, path_text, summary_text


class ConciseReporter(Reporter):
    human = True

    def report(self, report: Report) -> None:
        write = self.stream.write
        fixable = fixable_findings(report)
        for finding in report.findings:  # one finding, one line: keys, values and file names escaped
            json_path = path_text(finding)
            where = f" ({printable(json_path)})" if json_path else ""
            mark = " [*]" if finding in fixable else ""
            write(f"{printable_path(finding.path)}:{finding.line}:{finding.column}: {finding.code} "
                  f"[{finding.severity.value}]{mark} {printable(finding.message)}{where}\n")
        write(f"Checked {summary_text(report, self.hidden, fixable)}.\n")
