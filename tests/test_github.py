"""``--output-format github``: GitHub Actions workflow commands, pinned line for line."""

from __future__ import annotations

import io
import json
import os

from conftest import REPO
from pftlint.engine.findings import FileResult, Finding, Report, Severity
from pftlint.reporters import resolve_format
from pftlint.reporters.github import GithubReporter, annotation, escape_data, escape_property

CLEAN = (REPO / "examples" / "clean-dpo.jsonl").read_text(encoding="utf-8").splitlines()


def render(*findings: Finding, records: int = 12) -> str:
    out = io.StringIO()
    GithubReporter(out).report(Report([FileResult("data/train.jsonl", "dpo", records, findings=list(findings))]))
    return out.getvalue()


def test_one_command_per_finding_by_severity():
    text = render(
        Finding("data/train.jsonl", 3, 138, "PFT301", "invalid-role", Severity.ERROR,
                "role 'human' is not a chat role; use 'user'", "input.messages[1].role"),
        Finding("data/train.jsonl", 10, 257, "PFT405", "special-token-in-content", Severity.WARNING,
                "the preferred reply contains '<|im_end|>'", None),
        Finding("data/train.jsonl", 13, 1, "PFT602", "duplicate-prompt", Severity.INFO, "same input as line 1"),
    )
    assert text.splitlines() == [
        "::error file=data/train.jsonl,line=3,col=138,title=PFT301 invalid-role::"
        "role 'human' is not a chat role; use 'user' (input.messages[1].role)",
        "::warning file=data/train.jsonl,line=10,col=257,title=PFT405 special-token-in-content::"
        "the preferred reply contains '<|im_end|>'",
        "::notice file=data/train.jsonl,line=13,col=1,title=PFT602 duplicate-prompt::same input as line 1",
        "Checked 1 file, 12 records: 1 error, 1 warning, 1 info.",
    ]


def test_escaping_follows_githubs_rules():
    assert escape_data("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext: a, b"
    assert escape_property("C:\\data,v2%\n.jsonl") == "C%3A\\data%2Cv2%25%0A.jsonl"
    # '%' first: an already escaped-looking text is escaped again, not decoded
    assert escape_data("%0A") == "%250A"
    finding = Finding("a:b,c.jsonl", 1, 2, "PFT301", "invalid-role", Severity.ERROR, "bad\nrole: 'x,y' 5%", "m[0].role")
    # a newline from the data is shown as \n (pftlint.util.printable) before GitHub's escaping
    assert annotation(finding) == ("::error file=a%3Ab%2Cc.jsonl,line=1,col=2,title=PFT301 invalid-role::"
                                   "bad\\nrole: 'x,y' 5% (m[0].role)".replace("5%", "5%25"))


def test_standard_input_has_no_file_property():
    finding = Finding("-", 4, 1, "PFT108", "invalid-json", Severity.ERROR, "invalid JSON")
    assert annotation(finding) == "::error title=PFT108 invalid-json::invalid JSON"


def test_absolute_paths_inside_the_working_directory_become_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inside = Finding(str(tmp_path / "d" / "x.jsonl"), 1, 1, "PFT108", "invalid-json", Severity.ERROR, "m")
    outside = Finding("/elsewhere/y.jsonl", 1, 1, "PFT108", "invalid-json", Severity.ERROR, "m")
    assert annotation(inside).startswith("::error file=d/x.jsonl,")
    assert annotation(outside).startswith("::error file=/elsewhere/y.jsonl,")


def test_cli_writes_annotations(run_cli, tmp_path):
    rows = [json.loads(line) for line in CLEAN]
    rows[2]["input"]["messages"][-1]["role"] = "100%"
    (tmp_path / "a:b,c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proc = run_cli("check", "--isolated", "--output-format", "github", "a:b,c.jsonl", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        "::error file=a%3Ab%2Cc.jsonl,line=3,col=138,title=PFT301 invalid-role::role '100%25' is not a chat role; "
        "use one of system, user, assistant, tool, function (input.messages[1].role)",
        "Checked 1 file, 12 records: 1 error, 0 warnings, 0 info.",
    ]


def test_auto_picks_github_in_github_actions(run_cli, monkeypatch):
    broken = str(REPO / "examples" / "broken.jsonl")
    in_actions = run_cli("check", "--isolated", broken, env={"GITHUB_ACTIONS": "true"})
    elsewhere = run_cli("check", "--isolated", broken)
    assert in_actions.returncode == elsewhere.returncode == 1
    assert in_actions.stdout.startswith("::error file=") and "::warning file=" in in_actions.stdout
    assert elsewhere.stdout.startswith(broken + ":")  # concise when piped, outside Actions
    # the same findings, one line each
    assert len(in_actions.stdout.splitlines()) == len(elsewhere.stdout.splitlines())
    explicit = run_cli("check", "--isolated", "--output-format", "concise", broken, env={"GITHUB_ACTIONS": "true"})
    assert explicit.stdout == elsewhere.stdout  # an explicit format wins
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert resolve_format("auto", io.StringIO()) == "concise"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert resolve_format("auto", io.StringIO()) == "github"
    assert resolve_format("json", io.StringIO()) == "json"
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert os.environ.get("GITHUB_ACTIONS") is None and resolve_format("auto", io.StringIO()) == "concise"
