"""``--output-format sarif``: SARIF 2.1.0 that validates against the OASIS schema and carries every rule."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from conftest import REPO, SHARED, pftlint_command
from pftlint import __version__
from pftlint.engine.findings import FileResult, Finding, Report, Severity
from pftlint.engine.registry import all_rules
from pftlint.reporters.sarif import full_description, report_to_sarif

SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
CLEAN = (REPO / "examples" / "clean-dpo.jsonl").read_text(encoding="utf-8").splitlines()
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def findings_of_every_severity() -> str:
    """Clean records with an error (role 'human'), a warning (a chat-template token) and, with
    --extend-select duplicate-prompt, an info finding (a second pair for the first record's prompt)."""
    rows = [json.loads(line) for line in CLEAN]
    rows[1]["input"]["messages"][-1]["role"] = "human"
    rows[2]["preferred_output"][0]["content"] += "<|im_end|>"
    extra = json.loads(CLEAN[0])
    extra["preferred_output"][0]["content"] = "A different preferred reply to the same prompt."
    rows.append(extra)
    return "".join(json.dumps(r) + "\n" for r in rows)


@pytest.fixture
def schema_validator():
    if not SCHEMA.is_file():
        pytest.skip("../shared/schemas is absent")
    from jsonschema import Draft4Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> tuple[dict, dict]:
    """SARIF and JSON for one project folder (a file in a folder with a space, and a clean file),
    checked from inside it: (sarif document, json document)."""
    root = tmp_path_factory.mktemp("sarif")
    (root / "train data").mkdir()
    (root / "train data" / "dpo set.jsonl").write_text(findings_of_every_severity(), encoding="utf-8")
    (root / "clean.jsonl").write_text("\n".join(CLEAN) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    docs = []
    for fmt in ("sarif", "json"):
        proc = subprocess.run([*pftlint_command(), "check", "--isolated", "--extend-select", "duplicate-prompt",
                               "--output-format", fmt, "train data", "clean.jsonl"],
                              capture_output=True, text=True, cwd=root, env=env, timeout=300)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        docs.append(json.loads(proc.stdout))
    return docs[0], docs[1]


def test_output_validates_against_the_sarif_schema(outputs, schema_validator):
    doc, _ = outputs
    errors = sorted(schema_validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert doc["version"] == "2.1.0" and "sarif-schema-2.1.0" in doc["$schema"]
    assert len(doc["runs"]) == 1
    assert {r["level"] for r in doc["runs"][0]["results"]} == {"error", "warning", "note"}


def test_no_findings_is_valid_sarif_too(run_cli, tmp_path, schema_validator):
    (tmp_path / "clean.jsonl").write_text("\n".join(CLEAN) + "\n", encoding="utf-8")
    proc = run_cli("check", "--isolated", "--output-format", "sarif", "clean.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["runs"][0]["results"] == []
    assert not list(schema_validator.iter_errors(doc))


def test_driver_carries_every_rule_with_its_document(outputs):
    doc, _ = outputs
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "pftlint" and driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    rules = all_rules()
    assert [r["id"] for r in driver["rules"]] == [r.code for r in rules]  # off-by-default rules too
    for descriptor, rule in zip(driver["rules"], rules):
        d = rule.doc
        assert descriptor["name"] == d.name
        assert descriptor["shortDescription"]["text"] == d.summary
        assert descriptor["help"]["text"] == descriptor["help"]["markdown"] == d.text
        assert descriptor["defaultConfiguration"]["level"] == LEVELS[d.severity]
        assert descriptor["defaultConfiguration"]["enabled"] is d.enabled
        full = descriptor["fullDescription"]["text"]
        assert full and "\n" not in full and full != d.summary, d.name  # every document has "What it does"
        assert full.split()[:4] == d.text.split("## What it does", 1)[1].split()[:4], d.name


def test_results_match_the_json_findings(outputs):
    doc, plain = outputs
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(plain["findings"]) == 3
    for result, finding in zip(results, plain["findings"]):
        assert result["ruleId"] == finding["code"]
        assert rules[result["ruleIndex"]]["id"] == finding["code"]
        assert result["level"] == LEVELS[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["region"] == {"startLine": finding["line"], "startColumn": finding["column"]}
        # relative to the working directory, percent-encoded, resolved against %SRCROOT%
        assert physical["artifactLocation"] == {"uri": "train%20data/dpo%20set.jsonl", "uriBaseId": "%SRCROOT%"}
        if finding["json_path"]:
            assert location["logicalLocations"][0]["fullyQualifiedName"] == finding["json_path"]
    role = next(r for r in results if r["ruleId"] == "PFT301")
    assert role["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert run["columnKind"] == "unicodeCodePoints"
    root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root.startswith("file:///") and root.endswith("/")


def test_paths_outside_the_working_directory_and_stdin(tmp_path):
    inside, outside = tmp_path / "work", tmp_path / "elsewhere"
    inside.mkdir()

    def finding(path: str) -> Finding:
        return Finding(path, 3, 7, "PFT301", "invalid-role", Severity.WARNING, "role 'human'...", None)

    report = Report([FileResult(str(inside / "a.jsonl"), findings=[finding(str(inside / "a.jsonl"))]),
                     FileResult(str(outside / "b.jsonl"), findings=[finding(str(outside / "b.jsonl"))]),
                     FileResult("-", findings=[finding("-")])])
    results = report_to_sarif(report, cwd=inside)["runs"][0]["results"]
    where = [r["locations"][0]["physicalLocation"] for r in results]
    assert where[0]["artifactLocation"] == {"uri": "a.jsonl", "uriBaseId": "%SRCROOT%"}
    assert where[1]["artifactLocation"] == {"uri": (outside / "b.jsonl").as_uri()}
    assert "uri" not in where[2]["artifactLocation"]
    assert where[2]["region"] == {"startLine": 3, "startColumn": 7}
    assert [r["level"] for r in results] == ["warning"] * 3
    assert "logicalLocations" not in results[0]["locations"][0]


def test_a_code_outside_the_catalog_has_no_rule_index():
    report = Report([FileResult("a.jsonl", findings=[
        Finding("a.jsonl", 1, 1, "PFT999", "not-a-rule", Severity.ERROR, "x")])])
    (result,) = report_to_sarif(report)["runs"][0]["results"]
    assert result["ruleId"] == "PFT999" and "ruleIndex" not in result


def test_full_description_is_the_what_it_does_section():
    text = "# r (PFT1)\n\n## What it does\nChecks\nthe  thing.\n\n## Why is this bad?\nBecause.\n"
    assert full_description(text, "summary") == "Checks the thing."
    assert full_description("# r\n\nno sections\n", "summary") == "summary"
    assert re.fullmatch(r"\S.*\S", full_description(all_rules()[0].doc.text, "x"))
