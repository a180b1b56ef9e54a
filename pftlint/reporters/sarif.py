"""SARIF 2.1.0 (``--output-format sarif``): GitHub code scanning and other SARIF viewers.

One run. The tool driver lists every rule of the catalog (not only the active
ones), so a viewer can show the documentation of any result's rule; results
point at their rule by ``ruleId`` (the code) and ``ruleIndex``. Artifact URIs
are relative to the working directory (``uriBaseId`` ``%SRCROOT%``), which is
what GitHub's upload action resolves against the repository root. Columns are
1-based code points, as in every other pftlint output.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..engine.findings import Finding, Report
from .base import Reporter, path_text

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/pftlint/"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}

_WHAT_IT_DOES = re.compile(r"^## What it does[ \t]*\n(.*?)(?=^## |\Z)", re.S | re.M)


def full_description(text: str, summary: str) -> str:
    """The document's "What it does" section as one paragraph (the summary if it has none)."""
    match = _WHAT_IT_DOES.search(text)
    body = " ".join(match.group(1).split()) if match else ""
    return body or summary


def rule_descriptor(rule) -> dict:
    doc = rule.doc
    return {
        "id": doc.code,
        "name": doc.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": full_description(doc.text, doc.summary)},
        "help": {"text": doc.text, "markdown": doc.text},
        "defaultConfiguration": {"level": LEVELS[doc.severity], "enabled": doc.enabled},
        "properties": {"tags": [doc.area], "scope": doc.scope, "fixable": doc.fixable},
    }


def artifact_location(path: str, cwd: Path) -> dict:
    """The file as a URI relative to the working directory; absolute outside it; none for stdin."""
    if path == "-":
        return {"description": {"text": "standard input"}}
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(cwd)
    except ValueError:
        return {"uri": absolute.as_uri()}
    # the file name's own bytes, percent-encoded: a name that is not UTF-8 cannot be encoded as text
    return {"uri": quote(os.fsencode(relative.as_posix()), safe="/"), "uriBaseId": SRCROOT}


def result(finding: Finding, index: dict[str, int], cwd: Path) -> dict:
    location: dict = {
        "physicalLocation": {
            "artifactLocation": artifact_location(finding.path, cwd),
            "region": {"startLine": finding.line, "startColumn": finding.column},
        }
    }
    if finding.json_path:
        location["logicalLocations"] = [{"fullyQualifiedName": path_text(finding), "kind": "member"}]
    out: dict = {"ruleId": finding.code}
    if finding.code in index:
        out["ruleIndex"] = index[finding.code]
    out.update(level=LEVELS[finding.severity.value], message={"text": finding.message}, locations=[location])
    return out


def report_to_sarif(report: Report, cwd: str | os.PathLike | None = None) -> dict:
    from ..engine.registry import all_rules

    root = Path(os.path.abspath(cwd or os.getcwd()))
    rules = [rule_descriptor(r) for r in all_rules()]
    index = {r["id"]: i for i, r in enumerate(rules)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pftlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": [result(f, index, root) for f in report.findings],
        }],
    }


class SarifReporter(Reporter):
    def report(self, report: Report) -> None:
        json.dump(report_to_sarif(report), self.stream, ensure_ascii=not self.utf8, indent=2)
        self.stream.write("\n")
