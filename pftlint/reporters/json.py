"""One JSON document: the contract other tools parse (pinned by tests)."""

from __future__ import annotations

import json

from .. import __version__
from ..engine.findings import Report
from .base import Reporter, fixable_findings, path_text

SCHEMA_VERSION = 1


def report_to_dict(report: Report, hidden: int = 0) -> dict:
    """``hidden``: findings the baseline left out (``summary.baseline_hidden``)."""
    fixable = fixable_findings(report)
    return {
        "version": __version__,
        "schema": SCHEMA_VERSION,
        "findings": [{**f.to_dict(), "json_path": path_text(f) or None, "fixable": f in fixable}
                     for f in report.findings],
        "files": [fr.to_dict() for fr in report.files],
        "summary": {**report.counts(), "files": len(report.files),
                    "records": sum(fr.records for fr in report.files),
                    "fixable": len(fixable), "baseline_hidden": hidden,
                    "seconds": round(report.seconds, 3)},
    }


class JsonReporter(Reporter):
    def report(self, report: Report) -> None:
        json.dump(report_to_dict(report, self.hidden), self.stream, ensure_ascii=not self.utf8)
        self.stream.write("\n")
