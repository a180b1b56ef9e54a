"""A Rich table per file, then a summary: for a person at a terminal.

Text from the data or the file system goes in as ``Text`` (never parsed as Rich markup, so a
key holding ``[bold red]`` prints as written), with its control characters escaped.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..engine.findings import Report
from ..util.printable import printable, printable_path
from .base import Reporter, path_text, plural, summary_text

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
# Rows shown per file: a person does not read more, and Rich would take minutes
# to lay out a million rows. The rest is counted; concise or json shows them all.
MAX_ROWS = 500
# From this width on, the rule's name has a column of its own.
WIDE = 100


class TableReporter(Reporter):
    human = True

    def report(self, report: Report) -> None:
        console = Console(file=self.stream, force_terminal=self.color, no_color=not self.color,
                          highlight=False, soft_wrap=False, emoji=False)
        wide = console.width >= WIDE
        for fr in report.files:
            method = fr.method or "?"
            path = printable_path(fr.path)
            if not fr.findings:
                console.print(Text.assemble(("✓ ", "green"), (path, "bold"),
                                            f"  {plural(fr.records, 'record')} ({method}): no findings"),
                              soft_wrap=True)  # a long path: let the terminal wrap it, not break it
                continue
            table = Table(title=Text(f"{path}  ({plural(fr.records, 'record')}, {method})", style="bold"),
                          title_justify="left", expand=False, show_lines=False)
            table.add_column("Line:Col", justify="right", no_wrap=True)
            table.add_column("Severity", no_wrap=True)
            table.add_column("Code", no_wrap=True)
            if wide:
                table.add_column("Rule", overflow="fold")
            table.add_column("Message", overflow="fold", ratio=1)
            for f in fr.findings[:MAX_ROWS]:
                # narrow terminals: the rule's name leads the message instead of taking a column
                message = Text() if wide else Text(f"{f.rule}: ", style="bold")
                message.append(printable(f.message))
                if f.json_path:
                    message.append(f"  [{printable(path_text(f))}]", style="dim")
                cells = [f"{f.line}:{f.column}", Text(f.severity.value, style=STYLE[f.severity.value]), f.code]
                table.add_row(*cells, *([f.rule] if wide else []), message)
            console.print(table)
            hidden = len(fr.findings) - MAX_ROWS
            if hidden > 0:
                console.print(Text(f"… and {plural(hidden, 'more finding')} in {path} "
                                   "(--output-format concise lists them all; --statistics counts them per rule)"))
        counts = report.counts()
        summary = Text(summary_text(report))
        for level in ("error", "warning"):
            if counts[level]:
                summary.highlight_words([plural(counts[level], level)], STYLE[level])
        summary.append(f"  ({report.seconds:.2f}s)", style="dim")
        console.print(summary)
