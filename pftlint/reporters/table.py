"""Findings for a person at a terminal: per file a title, per finding a header line and its message.

```
examples/broken.jsonl  (11 records, dpo)
   3:138  error    PFT301 invalid-role
          role 'human' is not a chat role; use 'user' (input.messages[1].role)
```

The message gets the width of the terminal (its text starts under the severity). Lines break
at spaces only: a path, a rule name, a JSON path or a suggested command is never cut
(pftlint.reporters.wrap), and a path longer than the line has a line of its own. ``[*]``
after the rule: ``--fix`` repairs it. Text from the data or the file system goes in as
``Text`` (never parsed as Rich markup, so a key holding ``[bold red]`` prints as written),
with its control characters escaped.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from ..engine.findings import FileResult, Report
from ..util.printable import printable, printable_path
from .base import Reporter, fixable_findings, path_text, plural, summary_text
from .wrap import Unit, words, wrapped

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
# Findings shown per file: a person does not read more, and a million would take long to lay
# out. The rest is counted; concise or json shows them all.
MAX_ROWS = 500
SEVERITY_WIDTH = max(len(s) for s in STYLE)


class TableReporter(Reporter):
    human = True

    def report(self, report: Report) -> None:
        console = Console(file=self.stream, force_terminal=self.color, no_color=not self.color,
                          highlight=False, soft_wrap=True, emoji=False)
        self.console, self.width = console, console.width
        fixable = fixable_findings(report)
        for fr in report.files:
            self.file(fr, fixable)
            if fr.findings:
                console.print()  # a blank line ends a file's findings
        counts = report.counts()
        units = words(summary_text(report, self.hidden, fixable))
        for level in ("error", "warning"):  # colour the counts: "12 errors," is two units
            if counts[level]:
                number, word = plural(counts[level], level).split(" ")
                for i in range(len(units) - 1):
                    if units[i].text == number and units[i + 1].text.rstrip(",") == word:
                        units[i], units[i + 1] = Unit(number, STYLE[level]), Unit(units[i + 1].text, STYLE[level])
        self.write(units + [Unit(f"({report.seconds:.2f}s)", "dim")])

    def write(self, units: list[Unit], indent: int = 0) -> None:
        """The units at the console's width, each line starting with ``indent`` spaces."""
        self.console.print(wrapped(units, self.width, indent))

    def file(self, fr: FileResult, fixable: set) -> None:
        method = fr.method or "?"
        path = Unit(printable_path(fr.path), "bold")
        if not fr.findings:
            self.write([Unit("✓", "green", glued=True), path, *words(f"{plural(fr.records, 'record')} ({method}): no findings")])
            return
        self.write([path, *words(f"({plural(fr.records, 'record')}, {method})", "bold")])
        shown = fr.findings[:MAX_ROWS]
        where = max(len(f"{f.line}:{f.column}") for f in shown)
        indent = 2 + where + 2  # the message starts under the severity
        for f in shown:
            head = Text(f"  {f.line}:{f.column}".rjust(where + 2) + "  ")
            head.append(f.severity.value.ljust(SEVERITY_WIDTH), style=STYLE[f.severity.value])
            head.append(f"  {f.code} ")
            head.append(f.rule, style="bold")
            if f in fixable:
                head.append(" [*]")
            self.console.print(head)  # at most 8 + 7 + 7 + a rule name: never broken
            message = words(printable(f.message))
            json_path = path_text(f)
            if json_path:
                message.append(Unit(f"({printable(json_path)})", "dim"))
            self.write(message, indent)
        hidden = len(fr.findings) - MAX_ROWS
        if hidden > 0:
            self.write([*words(f"… and {plural(hidden, 'more finding')} in"), path,
                        *words("(--output-format concise lists them all; --statistics counts them per rule)")])
