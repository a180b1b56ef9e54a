"""The Python API: lint paths, bytes or records; findings come back as objects and nothing is printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pftlint
from pftlint import FileResult, Finding, Report, Severity, lint_bytes, lint_path, lint_records
from pftlint.api import make_linter
from pftlint.reporters.base import path_text
import builders

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def pair(i: int, role: str = "user") -> dict:
    return builders.dpo(f"Name a prime number above {i * 10}.", f"{_prime_above(i * 10)} is prime.",
                        f"{i * 10 + 1}, probably.", role=role)


def _prime_above(n: int) -> int:
    n += 1
    while any(n % d == 0 for d in range(2, int(n ** 0.5) + 1)):
        n += 1
    return n


def test_lint_records_returns_findings_and_prints_nothing(capsys):
    records = [pair(i) for i in range(12)]
    records[3] = pair(3, role="human")
    result = lint_records(records)
    assert isinstance(result, FileResult)
    assert result.records == 12 and result.method == "dpo"
    assert [(f.rule, f.line, path_text(f)) for f in result.findings] == [("invalid-role", 4, "input.messages[0].role")]
    finding = result.findings[0]
    assert isinstance(finding, Finding) and finding.severity is Severity.ERROR and finding.code.startswith("PFT3")
    assert "human" in finding.message
    assert finding.to_dict()["rule"] == "invalid-role"
    assert capsys.readouterr() == ("", "")


def test_lint_records_accepts_a_generator_and_settings(capsys):
    result = lint_records((pair(i) for i in range(3)), name="three.jsonl", target="fireworks")
    assert result.path == "three.jsonl" and result.findings == []  # Fireworks needs 3 examples
    result = lint_records((pair(i) for i in range(2)), name="two.jsonl", target="fireworks")
    assert [f.rule for f in result.findings] == ["too-few-examples"]
    assert capsys.readouterr() == ("", "")


def test_settings_change_the_result():
    records = [pair(i, role="human" if i == 0 else "user") for i in range(2)]
    default = {f.rule for f in lint_records(records).findings}
    assert default == {"invalid-role", "too-few-examples"}
    assert {f.rule for f in lint_records(records, ignore=["too-few-examples"]).findings} == {"invalid-role"}
    assert {f.rule for f in lint_records(records, select=["PFT1"]).findings} == {"too-few-examples"}
    assert {f.rule for f in lint_records(records, target="together").findings} == {"invalid-role"}  # min 1
    levels = {f.rule: f.severity for f in
              lint_records(records, rules={"invalid-role": {"severity": "warning"}}).findings}
    assert levels["invalid-role"] is Severity.WARNING


def test_lint_records_with_bad_values_gives_findings_not_exceptions():
    records = [["not", "an", "object"], {"input": 3}, "text", None, {"messages": "x"}, {}]
    result = lint_records(records, ignore=["too-few-examples"])
    assert {f.line for f in result.findings} == {1, 2, 3, 4, 5, 6}


def test_lint_records_that_are_not_json():
    with pytest.raises(TypeError, match="record 2"):
        lint_records([pair(0), {"when": object()}])


def test_lint_path_files_and_directories(tmp_path, capsys):
    report = lint_path(EXAMPLES)
    assert isinstance(report, Report)
    by_name = {Path(fr.path).name: fr for fr in report.files}
    assert {"clean-dpo.jsonl", "clean-supervised.jsonl", "broken.jsonl"} <= set(by_name)
    assert by_name["clean-dpo.jsonl"].findings == [] and by_name["clean-supervised.jsonl"].method == "supervised"
    assert report.reaches(Severity.ERROR) and report.counts()["error"] >= 5
    assert {f.path for f in report.findings} == {str(EXAMPLES / "broken.jsonl")}
    single = lint_path(str(EXAMPLES / "clean-dpo.jsonl"))
    assert [fr.records for fr in single.files] == [12]
    assert capsys.readouterr() == ("", "")


def test_lint_path_errors(tmp_path):
    with pytest.raises(OSError, match="no such file"):
        lint_path(tmp_path / "missing.jsonl")
    with pytest.raises(OSError, match="no .jsonl"):
        lint_path(tmp_path)
    with pytest.raises(ValueError, match="unknown target"):
        lint_path(EXAMPLES, target="mars")
    with pytest.raises(ValueError, match="unknown method"):
        lint_records([], method="rlhf")
    with pytest.raises(ValueError, match="matches no rule"):
        lint_records([], select=["no-such-rule"])
    with pytest.raises(ValueError, match="keyword ignore: expected a list of rule selectors, not the string 'PFT1'"):
        lint_records([], ignore="PFT1")  # a lone string would be read letter by letter
    with pytest.raises(ValueError, match="keyword target: unknown target 'mars'"):
        lint_records([], target="mars")  # the keyword is named, as a file names its key and the CLI its flag


def test_lint_bytes():
    data = b"\xef\xbb\xbf" + b"".join(json.dumps(pair(i)).encode() + b"\n" for i in range(12))
    result = lint_bytes(data, "data.json")
    assert {f.rule for f in result.findings} == {"utf8-bom", "wrong-extension"}
    assert result.bytes == len(data)


def test_make_linter_is_reusable_across_files():
    linter = make_linter(select=["invalid-role"])
    report = linter.run([str(EXAMPLES / "broken.jsonl"), str(EXAMPLES / "clean-dpo.jsonl")])
    assert [len(fr.findings) for fr in report.files][1] == 0
    assert {f.rule for f in report.findings} == {"invalid-role"}


def test_public_names():
    for name in ("lint_path", "lint_records", "lint_bytes", "Finding", "FileResult", "Report", "Severity"):
        assert name in pftlint.__all__ and hasattr(pftlint, name)


def test_severity_is_ordered_by_how_bad_it_is():
    assert Severity.ERROR > Severity.WARNING > Severity.INFO
    assert Severity.INFO < Severity.WARNING < Severity.ERROR
    assert Severity.WARNING >= Severity.WARNING and Severity.WARNING <= Severity.WARNING
    assert not Severity.INFO > Severity.WARNING and not Severity.ERROR < Severity.INFO
    assert sorted([Severity.WARNING, Severity.ERROR, Severity.INFO]) == [Severity.INFO, Severity.WARNING,
                                                                       Severity.ERROR]
    assert max(Severity) is Severity.ERROR and min(Severity) is Severity.INFO


@pytest.mark.parametrize("call", [lambda **kw: lint_records([], **kw), lambda **kw: make_linter(**kw),
                                  lambda **kw: lint_bytes(b"", **kw)])
def test_an_unknown_keyword_is_a_value_error_with_a_did_you_mean(call):
    with pytest.raises(ValueError, match=r"^keyword targt: unknown setting \(settings: target, .*\); "
                                         r"did you mean 'target'\?$"):
        call(targt="openai")
    with pytest.raises(ValueError, match=r"^keyword foo: unknown setting \(settings: [a-z_, ]+\)$"):
        call(foo=1)
