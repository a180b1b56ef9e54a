"""``--output-format gitlab`` and ``junit``, through the console script, against what their consumers expect.

GitLab Code Quality (docs.gitlab.com/ci/testing/code_quality, "Code Quality report format"): a
JSON array of objects with ``description``, ``check_name``, ``fingerprint`` (unique: GitLab
keeps one issue per fingerprint and compares the branches' reports by it), ``severity`` (info,
minor, major, critical or blocker) and ``location.path`` (relative to the repository root) with
``location.lines.begin``. JUnit (GitLab's unit test reports, Jenkins' JUnit plugin): well-formed
XML, ``testsuites`` > ``testsuite`` > ``testcase`` with ``classname`` and ``name`` (GitLab keys
a test by the two and ignores repeats), ``failure`` elements carrying the text, and the
``tests`` / ``failures`` counts Jenkins reads.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO

CLEAN = (REPO / "examples" / "clean-dpo.jsonl").read_text(encoding="utf-8").splitlines()
BROKEN = REPO / "examples" / "broken.jsonl"
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def dataset(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def with_problems() -> list[str]:
    """Clean records: two with role 'human' (errors), one with a template token (a warning), a blank line
    (fixable) between records."""
    rows = [json.loads(line) for line in CLEAN]
    rows[1]["input"]["messages"][-1]["role"] = "human"
    rows[4]["input"]["messages"][-1]["role"] = "human"
    rows[2]["preferred_output"][0]["content"] += "<|im_end|>"
    lines = [json.dumps(r) for r in rows]
    return lines[:6] + [""] + lines[6:]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_text(dataset(with_problems()), encoding="utf-8")
    (tmp_path / "data" / "clean.jsonl").write_text(dataset(CLEAN), encoding="utf-8")
    return tmp_path


def gitlab(run_cli, cwd, *paths) -> list[dict]:
    proc = run_cli("check", "--isolated", "--output-format", "gitlab", *paths, cwd=cwd)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def test_gitlab_report_has_the_documented_fields(run_cli, project):
    issues = gitlab(run_cli, project, "data")
    plain = json.loads(run_cli("check", "--isolated", "--output-format", "json", "data", cwd=project).stdout)
    assert isinstance(issues, list) and len(issues) == len(plain["findings"]) == 4
    for issue, finding in zip(issues, plain["findings"]):
        assert isinstance(issue["description"], str) and finding["message"] in issue["description"]
        assert issue["check_name"] == finding["code"]
        assert issue["severity"] in SEVERITIES
        assert issue["severity"] == {"error": "major", "warning": "minor", "info": "info"}[finding["severity"]]
        assert issue["location"] == {"path": "data/train.jsonl", "lines": {"begin": finding["line"]}}
        assert isinstance(issue["fingerprint"], str) and len(issue["fingerprint"]) >= 16
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # unique, also for two equal problems
    fixable = [i for i in issues if i["check_name"] == "PFT104"]
    assert len(fixable) == 1 and "fixable with pftlint check --fix" in fixable[0]["description"]


def test_gitlab_fingerprints_are_stable_across_runs_and_moved_records(run_cli, project):
    before = gitlab(run_cli, project, "data")
    assert gitlab(run_cli, project, "data") == before  # the same run, the same report
    lines = with_problems()
    record = json.loads(CLEAN[0])
    record["preferred_output"][0]["content"] = "A new clean reply."
    (project / "data" / "train.jsonl").write_text(dataset([json.dumps(record)] + lines), encoding="utf-8")
    after = gitlab(run_cli, project, "data")
    assert [i["location"]["lines"]["begin"] for i in after] == [i["location"]["lines"]["begin"] + 1 for i in before]
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]  # not new in the MR widget


def test_gitlab_paths_are_relative_to_the_working_directory(run_cli, project):
    issues = gitlab(run_cli, project, str(project / "data" / "train.jsonl"))
    assert {i["location"]["path"] for i in issues} == {"data/train.jsonl"}


def test_gitlab_with_no_findings_is_an_empty_array(run_cli, project):
    proc = run_cli("check", "--isolated", "--output-format", "gitlab", "data/clean.jsonl", cwd=project)
    assert proc.returncode == 0 and json.loads(proc.stdout) == []


def junit(run_cli, cwd, *paths) -> tuple[str, ET.Element]:
    proc = run_cli("check", "--isolated", "--output-format", "junit", *paths, cwd=cwd)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return proc.stdout, ET.fromstring(proc.stdout.encode("utf-8"))  # well-formed, or this raises


def test_junit_one_testcase_per_file_and_rule_with_the_findings(run_cli, project):
    _, root = junit(run_cli, project, "data/train.jsonl", "data/clean.jsonl")
    plain = json.loads(run_cli("check", "--isolated", "--output-format", "json", "data/train.jsonl",
                               cwd=project).stdout)["findings"]
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["data/train.jsonl", "data/clean.jsonl"]
    train, clean = suites
    cases = train.findall("testcase")
    keys = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(set(keys)) == len(keys)  # GitLab drops test cases with a repeated (classname, name)
    assert {name for _, name in keys} == {f"{f['code']} {f['rule']}" for f in plain}
    role = next(c for c in cases if c.get("name") == "PFT301 invalid-role")
    (failure,) = role.findall("failure")
    assert failure.get("type") == "error" and failure.get("message").startswith("2 findings: role 'human'")
    assert [line.split(":")[0] for line in failure.text.splitlines()] == \
        [f"line {f['line']}, column {f['column']}" for f in plain if f["code"] == "PFT301"]
    blank = next(c for c in cases if c.get("name") == "PFT104 blank-line")
    assert "[*]" in blank.find("failure").text  # fixable
    # a clean file passes: one test case, no failure
    (ok,) = clean.findall("testcase")
    assert ok.get("name") == "no findings" and ok.find("failure") is None
    # the counts Jenkins reads
    for suite in suites:
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
    assert int(root.get("tests")) == len(cases) + 1 and int(root.get("failures")) == len(cases)


def test_junit_escapes_markup_and_control_characters(run_cli, tmp_path):
    record = json.loads(CLEAN[0])
    record["input"]["messages"][-1]["<&\"'>\x1b\x00key"] = 1
    name = "a<&\"'>\x1bb.jsonl"
    (tmp_path / name).write_text(dataset([json.dumps(record)] + CLEAN[1:]), encoding="utf-8")
    text, root = junit(run_cli, tmp_path, name)
    assert "\x1b" not in text and "\x00" not in text
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "a<&\"'>\\x1bb.jsonl"  # escaped for XML, control character made visible
    failure = suite.find("testcase/failure")
    assert "unknown key '<&\"\\'>\\x1b\\x00key'" in failure.text  # the message: made visible
    assert '["<&\\"\'>\\u001b\\u0000key"]' in failure.text  # the JSON path: a quoted key, JSON-escaped


def test_junit_takes_a_file_name_that_is_not_utf8(run_cli, tmp_path):
    import os

    raw = os.fsencode(str(tmp_path)) + b"/bad-\xff.jsonl"
    with open(raw, "wb") as out:
        out.write(dataset(CLEAN).encode() + b"\n\n")
    _, root = junit(run_cli, tmp_path, ".")
    assert root.find("testsuite").get("name") == "./bad-\\udcff.jsonl"


@pytest.mark.parametrize("fmt", ["gitlab", "junit"])
def test_statistics_has_no_ci_form(run_cli, project, fmt):
    proc = run_cli("check", "--isolated", "--statistics", "--output-format", fmt, "data", cwd=project)
    assert proc.returncode == 2 and f"--statistics has no {fmt} form" in proc.stderr


@pytest.mark.parametrize("fmt", ["gitlab", "junit"])
def test_output_file_gets_the_ci_report_and_the_terminal_the_human_one(run_cli, project, fmt):
    proc = run_cli("check", "--isolated", "--output-format", fmt, "--output-file", f"report.{fmt}", "data",
                   cwd=project)
    assert proc.returncode == 1 and proc.stdout.splitlines()[-1].startswith("Checked 2 files")
    text = (project / f"report.{fmt}").read_text(encoding="utf-8")
    assert (json.loads(text) if fmt == "gitlab" else ET.fromstring(text.encode()))
