"""GitLab Code Quality (``--output-format gitlab``): the JSON array GitLab reads from
``artifacts:reports:codequality`` and shows in the merge request widget and diff.

Each finding is an object with the fields GitLab documents as required: ``description``,
``check_name`` (the rule's code), ``fingerprint``, ``severity`` and ``location`` (``path``
relative to the working directory, the checkout in a job, and ``lines.begin``). The
fingerprint is unique per finding and the same from run to run: it hashes the file, the rule,
the record's content and the JSON path (pftlint.baseline), not the line, so inserting a record
above a finding does not make GitLab report it as new. GitLab's five severities: error ->
``major``, warning -> ``minor``, info -> ``info``. The description is the message (with the
rule's name and the JSON path) with control characters made visible (pftlint.util.printable): a
reviewer's browser shows what the data holds, not what a bidirectional override makes it look like.
"""

from __future__ import annotations

import json

from ..engine.findings import Report
from ..util.printable import printable
from .base import Reporter, fixable_findings, path_text, relative_path

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def report_to_gitlab(report: Report) -> list[dict]:
    from ..baseline import unique_fingerprints

    fixable = fixable_findings(report)
    issues = []
    for finding, fingerprint in zip(report.findings, unique_fingerprints(report)):
        json_path = path_text(finding)
        description = f"{finding.rule}: {finding.message}" + (f" ({json_path})" if json_path else "")
        if finding in fixable:
            description += " [fixable with pftlint check --fix]"
        issues.append({
            "description": printable(description),
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity.value],
            "location": {"path": printable(relative_path(finding.path)), "lines": {"begin": finding.line}},
        })
    return issues


class GitlabReporter(Reporter):
    def report(self, report: Report) -> None:
        json.dump(report_to_gitlab(report), self.stream, ensure_ascii=not self.utf8, indent=2)
        self.stream.write("\n")
