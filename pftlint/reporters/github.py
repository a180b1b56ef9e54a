"""GitHub Actions workflow commands (``--output-format github``): one annotation per finding.

``::error file=data.jsonl,line=3,col=138,title=PFT301 invalid-role::role 'human' ...``
(warning -> ``::warning``, info -> ``::notice``). GitHub's escaping: in the message
``%``, CR and LF become ``%25``, ``%0D``, ``%0A``; in the properties also ``:`` and
``,`` (``%3A``, ``%2C``). Text from the data or the file system (messages, JSON paths, file
names) first has its control characters made visible (pftlint.util.printable), so that neither the
log viewer nor the runner acts on them. The run ends with the plain summary line for the log.
"""

from __future__ import annotations

import os

from ..engine.findings import Finding, Report
from ..util.printable import printable
from .base import Reporter, path_text, summary_text

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}

_DATA = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})


def escape_data(text: str) -> str:
    return text.translate(_DATA)


def escape_property(text: str) -> str:
    return text.translate(_PROPERTY)


def annotation_path(path: str) -> str:
    """Relative to the working directory (the checkout in a workflow) when the file is inside it."""
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive (Windows)
            relative = os.pardir
        if not relative.startswith(os.pardir):
            path = relative
    return path.replace(os.sep, "/")


def annotation(finding: Finding) -> str:
    message = printable(finding.message + (f" ({path_text(finding)})" if finding.json_path else ""))
    title = f"title={escape_property(f'{finding.code} {finding.rule}')}"
    if finding.path == "-":  # standard input: no file to annotate, the log line says it all
        properties = title
    else:
        properties = (f"file={escape_property(printable(annotation_path(finding.path)))},"
                      f"line={finding.line},col={finding.column},{title}")
    return f"::{COMMANDS[finding.severity.value]} {properties}::{escape_data(message)}"


class GithubReporter(Reporter):
    def report(self, report: Report) -> None:
        write = self.stream.write
        for finding in report.findings:
            write(annotation(finding) + "\n")
        write(f"Checked {summary_text(report)}.\n")
