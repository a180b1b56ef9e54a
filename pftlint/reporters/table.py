"""A Rich table per file, then a summary: for a person at a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..models import Report
from .base import Reporter

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class TableReporter(Reporter):
    human = True

    def report(self, report: Report) -> None:
        console = Console(file=self.stream, force_terminal=self.color, no_color=not self.color,
                          highlight=False, soft_wrap=False)
        for fr in report.files:
            method = fr.method or "?"
            if not fr.findings:
                console.print(Text.assemble(("✓ ", "green"), (fr.path, "bold"),
                                            f"  {fr.records:,} records ({method}): no findings"))
                continue
            table = Table(title=Text(f"{fr.path}  ({fr.records:,} records, {method})", style="bold"),
                          title_justify="left", expand=False, show_lines=False)
            table.add_column("Line:Col", justify="right", no_wrap=True)
            table.add_column("Severity", no_wrap=True)
            table.add_column("Code", no_wrap=True)
            table.add_column("Rule", no_wrap=True)
            table.add_column("Message", overflow="fold")
            for f in fr.findings:
                message = f.message + (f"  [{f.json_path}]" if f.json_path else "")
                table.add_row(f"{f.line}:{f.column}", Text(f.severity.value, style=STYLE[f.severity.value]),
                              f.code, f.rule, message)
            console.print(table)
        counts = report.counts()
        records = sum(f.records for f in report.files)
        summary = Text.assemble(
            f"{len(report.files)} file{'s' if len(report.files) != 1 else ''}, {records:,} records: ",
            (f"{counts['error']} errors", STYLE["error"] if counts["error"] else ""), ", ",
            (f"{counts['warning']} warnings", STYLE["warning"] if counts["warning"] else ""), ", ",
            f"{counts['info']} info  ({report.seconds:.2f}s)",
        )
        console.print(summary)
