"""No output can be made to run terminal escapes or forge GitHub workflow commands.

Record keys (in messages and JSON paths) and file names hold ESC [2J (clear the screen),
ESC ] 0;...BEL (retitle the terminal), C1 CSI (U+009B), DEL, Rich markup and a newline
followed by ``::error::INJECTED``. Every human output, every stderr line and the ``github``
format must show them as visible escapes, never start a line with ``::`` that pftlint did not
write itself, and never hold ``##[`` (the runner's legacy command form, matched anywhere).
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO

CLEAN = (REPO / "examples" / "clean-dpo.jsonl").read_text(encoding="utf-8").splitlines()
HOSTILE = "\x1b[2J\x1b]0;PWNED\x07\x9b31m\x7f\t[bold red]\r\n::error::INJECTED ##[error]legacy"
NAME = f"::error::{HOSTILE}.jsonl"  # a file name may hold all of it ('/' and NUL aside)
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
ANNOTATION = re.compile(r"::(error|warning|notice) (file=[^:\n]*,line=\d+,col=\d+,)?title=PFT\d+ [a-z-]+::")


def assert_safe(text: str, annotations: int = 0) -> None:
    """No control character but the line ends, no ``##[``, no ``::`` line but ``annotations`` of pftlint's."""
    assert not CONTROL.search(text), repr(CONTROL.search(text).group())
    assert "##[" not in text
    commands = [line for line in text.splitlines() if line.lstrip().startswith("::")]
    assert len(commands) == annotations, commands
    for line in commands:
        assert ANNOTATION.match(line), line
    assert "INJECTED" in text  # the hostile text is still shown, escaped


@pytest.fixture
def hostile(tmp_path):
    """key.jsonl: a message with the hostile key (unknown-key); NAME: a clean file with 2 trailing blank lines."""
    record = json.loads(CLEAN[0])
    record["input"]["messages"][1][HOSTILE] = 1
    (tmp_path / "key.jsonl").write_text("\n".join([json.dumps(record), *CLEAN[1:]]) + "\n", encoding="utf-8")
    (tmp_path / NAME).write_text("\n".join(CLEAN) + "\n\n\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["concise", "table"])
def test_human_reports_escape_keys_and_file_names(run_cli, hostile, fmt):
    proc = run_cli("check", "--isolated", "--output-format", fmt, "key.jsonl", NAME, cwd=hostile)
    assert proc.returncode == 1, proc.stderr
    assert_safe(proc.stdout)
    assert "\\x1b[2J" in proc.stdout and "\\u009b" in proc.stdout.replace("\n", "").replace(" ", "").replace("│", "")
    if fmt == "table":
        assert "[bold red]" in proc.stdout  # shown as written, not taken as Rich markup


def test_github_annotations_escape_keys_and_file_names(run_cli, hostile):
    proc = run_cli("check", "--isolated", "key.jsonl", NAME, cwd=hostile, env={"GITHUB_ACTIONS": "true"})
    assert proc.returncode == 1, proc.stderr
    assert_safe(proc.stdout, annotations=2)  # unknown-key in key.jsonl, trailing-blank-lines in NAME


@pytest.mark.parametrize("fmt", ["gitlab", "junit"])
def test_ci_reports_escape_keys_and_file_names(run_cli, hostile, fmt):
    """GitLab's widget and test views show the text in a browser, Jenkins too: control characters (bidirectional
    overrides included) are shown as escapes, and the documents still parse."""
    import xml.etree.ElementTree as ET

    proc = run_cli("check", "--isolated", "--output-format", fmt, "key.jsonl", NAME, cwd=hostile)
    assert proc.returncode == 1, proc.stderr
    assert_safe(proc.stdout)
    parsed = json.dumps(json.loads(proc.stdout)) if fmt == "gitlab" else \
        " ".join(ET.fromstring(proc.stdout.encode()).itertext()) + ET.tostring(ET.fromstring(proc.stdout.encode()),
                                                                                encoding="unicode")
    assert "\\x1b[2J" in parsed and "\\u009b" in parsed  # what a viewer shows after decoding
    if fmt == "gitlab":
        texts = [v for issue in json.loads(proc.stdout) for v in (issue["description"], issue["location"]["path"])]
    else:
        root = ET.fromstring(proc.stdout.encode())
        texts = [*root.itertext(), *(v for e in root.iter() for v in e.attrib.values())]
    for text in texts:  # decoded, as the consumer sees it
        assert not CONTROL.search(text.replace("\n", "")), repr(text)


def test_statistics_and_stats_escape_file_names(run_cli, hostile):
    statistics = run_cli("check", "--isolated", "--statistics", "--output-format", "table", ".", cwd=hostile)
    assert statistics.returncode == 1 and not CONTROL.search(statistics.stdout), statistics.stdout
    proc = run_cli("stats", "--isolated", NAME, cwd=hostile)
    assert proc.returncode == 0, proc.stderr
    assert_safe(proc.stdout)


@pytest.mark.parametrize("flag", ["--fix", "--diff"])
def test_fixed_lines_on_stderr_escape_the_file_name(run_cli, hostile, flag):
    proc = run_cli("check", "--isolated", flag, "--select", "PFT1", NAME, cwd=hostile,
                   env={"GITHUB_ACTIONS": "true"})
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("Fixed ./::error::" if flag == "--fix" else "Would fix ./::error::")
    assert_safe(proc.stderr)


def test_not_fixed_line_escapes_the_file_name(run_cli, hostile):
    (hostile / NAME).write_text("\n".join([*CLEAN, "{not json"]) + "\n\n\n", encoding="utf-8")
    proc = run_cli("check", "--isolated", "--fix", "--select", "PFT1", NAME, cwd=hostile)
    assert proc.stderr.startswith("Not fixed ./::error::"), proc.stderr
    assert_safe(proc.stderr)


def test_error_line_escapes_the_file_name(run_cli, tmp_path):
    proc = run_cli("check", "--isolated", "missing" + HOSTILE, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.startswith("pftlint: error: missing")
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert_safe(proc.stderr)


def test_convert_lines_escape_keys_and_file_names(run_cli, tmp_path):
    source = f"in{HOSTILE}.jsonl"
    rows = [{HOSTILE: 1}, {"prompt": "p", "chosen": "c", "rejected": "r"}]
    (tmp_path / source).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proc = run_cli("convert", source, "-o", f"out{HOSTILE}.jsonl", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("in\\x1b[2J") and ": skipped: " in lines[0], lines
    assert any(line.startswith("wrote 1 record to out\\x1b[2J") for line in lines), lines
    assert_safe(proc.stderr)


def test_printable_escapes_every_control_character():
    from pftlint.util.printable import printable, printable_path

    assert printable("plain text, ünïcode, \\n as written") == "plain text, ünïcode, \\n as written"
    assert printable("a\x1b[2Jb\nc\rd\te\x7ff\x9bg\x00h\u2028i") == \
        "a\\x1b[2Jb\\nc\\rd\\te\\x7ff\\u009bg\\x00h\\u2028i"
    assert printable("x ##[error]y") == "x ##\\x5berror]y"
    assert printable_path("::error::x.jsonl") == "./::error::x.jsonl"
    assert printable_path("  ::x") == "./  ::x"
    assert printable_path("data/::x.jsonl") == "data/::x.jsonl"
    assert printable(printable(HOSTILE)) == printable(HOSTILE)  # escaping twice changes nothing more
