"""JUnit XML (``--output-format junit``): for the test report views of GitLab
(``artifacts:reports:junit``), Jenkins (the JUnit plugin) and other CI servers.

One ``<testsuite>`` per file. In it, one ``<testcase>`` per rule with findings in the file,
``classname`` the file and ``name`` the rule (``PFT301 invalid-role``): GitLab keys a test by
the two and drops repeated keys, so one per rule keeps every finding. Its ``<failure>`` carries
the rule's findings, one line each (``line 3, column 138: [error] message (json path)``), and a
file without findings gets one passing test case, ``no findings``. Every finding is a failure,
whatever its severity: the test view shows them all, and pftlint's exit status (``--fail-on``)
still decides whether the job fails.

The XML is built with ElementTree, which escapes ``<``, ``&`` and quotes. Text from the data or
the file system first has its control characters made visible (pftlint.util.printable), and
what XML 1.0 cannot hold at all (lone surrogates from an undecodable file name, U+FFFE,
U+FFFF) becomes a ``\\uXXXX`` escape too, so the document stays well-formed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from ..engine.findings import Finding, Report
from ..util.printable import printable
from .base import Reporter, fixable_findings, path_text, plural

_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` as XML 1.0 can hold it: control characters escaped visibly, and the non-characters too."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", printable(text))


def failure_line(finding: Finding, fixable: bool) -> str:
    json_path = path_text(finding)
    where = f" ({json_path})" if json_path else ""
    mark = " [*]" if fixable else ""
    return f"line {finding.line}, column {finding.column}: [{finding.severity.value}]{mark} {finding.message}{where}"


def report_to_junit(report: Report) -> ET.Element:
    fixable = fixable_findings(report)
    root = ET.Element("testsuites", name="pftlint")
    total = failures = 0
    for fr in report.files:
        path = xml_text(fr.path)
        suite = ET.SubElement(root, "testsuite", name=path)
        cases = 0
        by_rule = sorted(fr.findings, key=lambda f: (f.code, f.line, f.column))
        for (code, rule), group in groupby(by_rule, key=lambda f: (f.code, f.rule)):
            found = list(group)
            case = ET.SubElement(suite, "testcase", name=f"{code} {rule}", classname=path, file=path,
                                 line=str(found[0].line), time="0")
            worst = max(f.severity for f in found)
            failure = ET.SubElement(case, "failure", type=worst.value,
                                    message=xml_text(f"{plural(len(found), 'finding')}: {found[0].message}"))
            failure.text = "\n".join(xml_text(failure_line(f, f in fixable)) for f in found)
            cases += 1
        failed = cases
        if not cases:
            ET.SubElement(suite, "testcase", name="no findings", classname=path, file=path, time="0")
            cases = 1
        suite.set("tests", str(cases))
        suite.set("failures", str(failed))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
        total += cases
        failures += failed
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("time", f"{report.seconds:.3f}")
    return root


class JunitReporter(Reporter):
    def report(self, report: Report) -> None:
        root = report_to_junit(report)
        ET.indent(root)
        text = ET.tostring(root, encoding="unicode")
        if not self.utf8:  # a stream that cannot take every character: XML character references
            text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n")
