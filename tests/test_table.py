"""The table for people, rendered by the console script at 60, 80 and 100 columns.

The message gets the width; a path, a rule name, a JSON path or a suggested command is never
cut (a line breaks at spaces only; what is wider than the line has a line of its own).
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import REPO

BROKEN = REPO / "examples" / "broken.jsonl"
LONG_DIR = "a-folder-with-a-rather-long-name/and-another-level-below-it"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("table")
    (root / LONG_DIR).mkdir(parents=True)
    shutil.copy(BROKEN, root / LONG_DIR / "broken-training-file-with-a-long-name.jsonl")
    shutil.copy(BROKEN, root / "broken.jsonl")
    return root


def render(run_cli, root, width: int) -> str:
    proc = run_cli("check", "--isolated", "--output-format", "table", ".", cwd=root, env={"COLUMNS": str(width)})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout


def findings(run_cli, root) -> list[dict]:
    return json.loads(run_cli("check", "--isolated", "--output-format", "json", ".", cwd=root).stdout)["findings"]


def unbreakable(f: dict) -> list[str]:
    """What must stay on one line: the path, the rule, the JSON path and a suggested command."""
    out = [f["path"], f"{f['code']} {f['rule']}"]
    if f["json_path"]:
        out.append(f"({f['json_path']})")
    command = re.search(r"pftlint [a-z]+ [^;]*", f["message"])
    if command:
        out.append(command.group().strip())
    return out


@pytest.mark.parametrize("width", [60, 80, 100])
def test_nothing_is_cut_and_lines_fit(run_cli, project, width):
    text = render(run_cli, project, width)
    lines = text.splitlines()
    found = findings(run_cli, project)
    whole = {u for f in found for u in unbreakable(f)}
    assert any(u.startswith("pftlint convert ") for u in whole)  # the test has a command to keep whole
    for line in lines:
        if len(line) > width:  # only a unit wider than the line, alone on it
            assert line.strip() in whole, (width, line)
    for f in found:
        for unit in unbreakable(f):
            assert any(unit in line for line in lines), (width, unit)


@pytest.mark.parametrize("width", [60, 80, 100])
def test_every_message_is_there_word_for_word_under_its_header(run_cli, project, width):
    lines = render(run_cli, project, width).splitlines()
    found = findings(run_cli, project)
    header = re.compile(r"^\s+(\d+):(\d+)  (error|warning|info)\s+(PFT\d+) ([a-z0-9-]+)( \[\*\])?$")
    blocks = []
    for i, line in enumerate(lines):
        m = header.match(line)
        if m:
            body = []
            for follow in lines[i + 1:]:
                if not follow.startswith(" " * 10) or header.match(follow):
                    break
                body.append(follow.strip())
            blocks.append((int(m[1]), int(m[2]), m[4], " ".join(body)))
    expected = sorted((f["line"], f["column"], f["code"],
                       " ".join((f["message"] + (f" ({f['json_path']})" if f["json_path"] else "")).split()))
                      for f in found)
    assert sorted(blocks) == expected


def test_the_message_gets_the_width(run_cli, project):
    """At 100 columns a message starts 10 columns in: 90 for the text, not the 29 of a rule column."""
    lines = render(run_cli, project, 100).splitlines()
    longest = max(len(line) for line in lines if line.startswith(" " * 10))
    assert longest > 80
    narrow = render(run_cli, project, 60).splitlines()
    assert len(narrow) > len(lines)  # narrower: more lines, nothing lost (the tests above)


def test_a_clean_file_and_the_summary_wrap_at_words(run_cli, tmp_path):
    name = "a-clean-file-whose-name-is-long-enough-to-fill-most-of-a-narrow-terminal.jsonl"
    shutil.copy(REPO / "examples" / "clean-dpo.jsonl", tmp_path / name)
    proc = run_cli("check", "--isolated", "--output-format", "table", name, cwd=tmp_path, env={"COLUMNS": "60"})
    lines = proc.stdout.splitlines()
    assert lines[0] == f"✓ {name}" and lines[1] == "12 records (dpo): no findings"
    assert all(len(line) <= 60 for line in lines[1:])
    assert " ".join(lines[2:]).startswith("1 file, 12 records: 0 errors, 0 warnings, 0 info (")
