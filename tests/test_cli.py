"""The command line, through the real console script (and main() where a fake is needed).

Exit status: 0 no finding reaches --fail-on, 1 one does, 2 usage, config or I/O
error with one line on stderr and never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, pftlint_command
from pftlint.engine import linter as engine
from pftlint.engine import parallel
from pftlint.cli import main
from pftlint.engine.catalog import rule_docs
from pftlint.reporters import REPORTERS, format_names, resolve_format, use_color
import builders

EXAMPLES = REPO / "examples"
CLEAN = EXAMPLES / "clean-dpo.jsonl"
BROKEN = EXAMPLES / "broken.jsonl"
CONCISE_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>PFT\d{3}) "
                          r"\[(?P<severity>error|warning|info)\] (?P<message>.+)$")


def record(role: str = "user", good: str = "Paris is the capital of France.", bad: str = "Lyon.") -> dict:
    return builders.dpo("What is the capital of France?", good, bad, role=role)


def write_jsonl(path: Path, records: list[dict], n: int = 12, prefix: bytes = b"") -> Path:
    """``n`` distinct clean records, with ``records`` replacing the first ones."""
    rows = [record(good=f"Paris is the capital of France ({i}).", bad=f"Lyon ({i}).") for i in range(n)]
    rows[: len(records)] = records
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(prefix + b"".join(json.dumps(r).encode() + b"\n" for r in rows))
    return path


def assert_one_line_error(proc, *words: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("pftlint: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0], (word, proc.stderr)


# -- exit status ---------------------------------------------------------------

def test_clean_example_exits_0(run_cli):
    proc = run_cli("check", str(CLEAN))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert "0 errors" in proc.stdout


def test_broken_example_exits_1_with_findings(run_cli):
    proc = run_cli("check", "--output-format", "concise", str(BROKEN))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    findings = [line for line in proc.stdout.splitlines() if CONCISE_LINE.match(line)]
    assert len(findings) >= 5
    assert proc.stderr == ""


@pytest.mark.parametrize(("args", "words"), [
    (["check", "missing.jsonl"], ["missing.jsonl", "no such file"]),
    (["check", "emptydir"], ["emptydir", "no .jsonl"]),
    (["check", "data.jsonl/"], ["data.jsonl/", "not a directory"]),
    (["check", "--select", "no-such-rule", "data.jsonl"], ["--select", "no-such-rule"]),
    (["check", "--ignore", "PFT999", "data.jsonl"], ["--ignore", "PFT999"]),
    (["check", "--extend-select", "bogus", "data.jsonl"], ["--extend-select", "bogus"]),
    (["check", "--target", "nowhere", "data.jsonl"], ["--target", "nowhere", "openai"]),
    (["check", "--method", "rlhf", "data.jsonl"], ["--method"]),
    (["check", "--fail-on", "fatal", "data.jsonl"], ["--fail-on"]),
    (["check", "--output-format", "xml", "data.jsonl"], ["--output-format", "xml"]),
    (["check", "--config", "nowhere.toml", "data.jsonl"], ["nowhere.toml"]),
    (["check", "--config", "emptydir", "data.jsonl"], ["emptydir", "directory"]),
    (["check", "--no-such-flag"], ["--no-such-flag"]),
    (["frobnicate"], ["frobnicate"]),
    (["rule", "no-such-rule"], ["no-such-rule"]),
])
def test_usage_and_io_errors_exit_2_with_one_line(run_cli, tmp_path, args, words):
    (tmp_path / "emptydir").mkdir()
    (tmp_path / "emptydir" / "notes.txt").write_text("not jsonl")
    write_jsonl(tmp_path / "data.jsonl", [])
    proc = run_cli(*args, cwd=tmp_path)
    assert_one_line_error(proc, *words)
    assert proc.stdout == ""


def test_no_command_prints_help_and_exits_2(run_cli):
    proc = run_cli()
    assert proc.returncode == 2
    assert "check" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_exits_2(run_cli, tmp_path):
    path = write_jsonl(tmp_path / "secret.jsonl", [])
    path.chmod(0)
    try:
        proc = run_cli("check", str(path))
    finally:
        path.chmod(0o644)
    assert_one_line_error(proc, "secret.jsonl", "ermission denied")


def test_file_that_fails_to_open_exits_2(tmp_path, monkeypatch, capsys):
    """What an unreadable file does even as root: open() raises PermissionError."""
    path = write_jsonl(tmp_path / "inside" / "secret.jsonl", [])

    def denied(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(parallel, "open", denied, raising=False)
    status = main(["check", "--isolated", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.strip() == f"pftlint: error: {path}: Permission denied"


def test_internal_error_is_one_line(monkeypatch, capsys, tmp_path):
    path = write_jsonl(tmp_path / "data.jsonl", [])

    def boom(self, paths, lint_file=None):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(engine.Linter, "run", boom)
    monkeypatch.delenv("PFTLINT_DEBUG", raising=False)
    assert main(["check", "--isolated", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "kaboom" in err and "Traceback" not in err


def test_fail_on_sets_the_threshold(run_cli, tmp_path):
    bom = write_jsonl(tmp_path / "bom.jsonl", [], prefix=b"\xef\xbb\xbf")  # utf8-bom: a warning for openai
    assert run_cli("check", "--isolated", str(bom)).returncode == 0
    assert run_cli("check", "--isolated", "--fail-on", "warning", str(bom)).returncode == 1
    assert run_cli("check", "--isolated", "--fail-on", "info", str(bom)).returncode == 1
    assert run_cli("check", "--isolated", "--target", "together", str(bom)).returncode == 1  # an error there
    assert run_cli("check", "--isolated", "--target", "azure", "--fail-on", "info", str(bom)).returncode == 0


# -- paths ----------------------------------------------------------------------

def test_directories_are_searched_recursively(run_cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [])
    write_jsonl(tmp_path / "deep" / "er" / "b.jsonl", [record(role="human")])
    write_jsonl(tmp_path / ".hidden" / "c.jsonl", [record(role="human")])
    write_jsonl(tmp_path / "node_modules" / "d.jsonl", [record(role="human")])
    (tmp_path / "notes.json").write_text("[]")
    proc = run_cli("check", "--isolated", "--output-format", "json", cwd=tmp_path)  # default path: .
    doc = json.loads(proc.stdout)
    assert sorted(Path(f["path"]).name for f in doc["files"]) == ["a.jsonl", "b.jsonl"]
    assert {(Path(f["path"]).name, f["rule"]) for f in doc["findings"]} == {("b.jsonl", "invalid-role")}
    assert proc.returncode == 1
    # a folder named explicitly is searched even when hidden
    proc = run_cli("check", "--isolated", "--output-format", "json", ".hidden", cwd=tmp_path)
    assert [Path(f["path"]).name for f in json.loads(proc.stdout)["files"]] == ["c.jsonl"]


def test_a_file_named_twice_is_checked_once(run_cli, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [])
    proc = run_cli("check", "--isolated", "--output-format", "json", str(path), str(tmp_path), str(path))
    assert len(json.loads(proc.stdout)["files"]) == 1


def test_stdin(run_cli):
    data = CLEAN.read_bytes()
    proc = run_cli("check", "--isolated", "--output-format", "json", "-", input=data)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["files"][0]["path"] == "-" and doc["files"][0]["records"] == data.count(b"\n")
    proc = run_cli("check", "--isolated", "--output-format", "concise", "-",
                   input=json.dumps(record(role="bot")).encode() + b"\n")
    assert proc.returncode == 1
    assert re.search(r"^-:1:\d+: PFT\d+ \[error\] .*'bot'", proc.stdout, re.M), proc.stdout


def test_python_dash_m(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pftlint", "check", "--isolated", str(CLEAN)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "0 errors" in proc.stdout


# -- selection ------------------------------------------------------------------

def rules_found(run_cli, *args) -> set[str]:
    proc = run_cli("check", "--isolated", "--output-format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return {f["rule"] for f in json.loads(proc.stdout)["findings"]}


def test_select_ignore_extend_select(run_cli):
    everything = rules_found(run_cli, str(BROKEN))
    assert {"invalid-role", "blank-line", "identical-outputs", "wrong-type"} <= everything
    assert rules_found(run_cli, "--select", "invalid-role", str(BROKEN)) == {"invalid-role"}
    assert rules_found(run_cli, "--select", "PFT301,blank-line", str(BROKEN)) == {"invalid-role", "blank-line"}
    # repeatable, and comma lists
    assert rules_found(run_cli, "--select", "invalid-role", "--select", "blank-line,identical-outputs",
                       str(BROKEN)) == {"invalid-role", "blank-line", "identical-outputs"}
    assert rules_found(run_cli, "--select", "PFT1", str(BROKEN)) == {r for r in everything if r in _area("structure")}
    ignored = rules_found(run_cli, "--ignore", "invalid-role", "--ignore", "PFT1", str(BROKEN))
    assert ignored == everything - {"invalid-role"} - _area("structure")
    # off-by-default rules need --extend-select
    crlf = BROKEN.read_bytes().replace(b"\n", b"\r\n")
    proc = run_cli("check", "--isolated", "--output-format", "json", "--extend-select", "crlf-line-endings",
                   "--select", "blank-line", "-", input=crlf)
    assert {f["rule"] for f in json.loads(proc.stdout)["findings"]} == {"blank-line", "crlf-line-endings"}


def _area(area: str) -> set[str]:
    return {d.name for d in rule_docs() if d.area == area}


# -- output formats --------------------------------------------------------------

def test_concise_format(run_cli):
    proc = run_cli("check", "--isolated", "--output-format", "concise", str(BROKEN))
    lines = proc.stdout.splitlines()
    matched = [CONCISE_LINE.match(line) for line in lines[:-1]]
    assert all(matched), [line for line, m in zip(lines, matched) if not m]
    assert {m["path"] for m in matched} == {str(BROKEN)}
    assert all(int(m["line"]) >= 1 and int(m["col"]) >= 1 for m in matched)
    assert re.fullmatch(r"Checked 1 file, \d+ records: \d+ errors?, \d+ warnings?, \d+ info\.", lines[-1])
    # the same findings as the JSON document, in the same order
    doc = json.loads(run_cli("check", "--isolated", "--output-format", "json", str(BROKEN)).stdout)
    assert [(int(m["line"]), int(m["col"]), m["code"]) for m in matched] == \
        [(f["line"], f["column"], f["code"]) for f in doc["findings"]]


def test_json_contract(run_cli, tmp_path):
    bad = write_jsonl(tmp_path / "bad.jsonl", [record(role="human")])
    proc = run_cli("check", "--isolated", "--output-format", "json", str(bad), str(CLEAN))
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert {"version", "findings", "files", "summary"} <= set(doc)
    from pftlint import __version__
    assert doc["version"] == __version__
    assert len(doc["findings"]) == 1
    finding = doc["findings"][0]
    assert {"path", "line", "column", "code", "rule", "severity", "message", "json_path"} <= set(finding)
    assert finding["path"] == str(bad)
    assert finding["rule"] == "invalid-role" and re.fullmatch(r"PFT\d{3}", finding["code"])
    assert finding["severity"] == "error"
    assert finding["json_path"] == "input.messages[0].role"
    assert finding["line"] == 1  # 1-based: the first record
    # the column points at the role's value on that line, 1-based
    first_line = bad.read_text().splitlines()[0]
    assert first_line[finding["column"] - 1:].startswith('"human"') or \
        first_line[finding["column"] - 1:].startswith('"role"'), finding["column"]
    assert isinstance(finding["message"], str) and "human" in finding["message"]
    files = {Path(f["path"]).name: f for f in doc["files"]}
    assert files["bad.jsonl"]["method"] == "dpo" and files["bad.jsonl"]["records"] == 12
    assert files["clean-dpo.jsonl"]["records"] == len(CLEAN.read_text().splitlines())
    assert {"error": 1, "warning": 0, "info": 0}.items() <= doc["summary"].items()


def test_json_lines_are_1_based_for_file_level_findings(run_cli, tmp_path):
    path = tmp_path / "blank.jsonl"
    path.write_text("\n" + json.dumps(record()) + "\n")
    doc = json.loads(run_cli("check", "--isolated", "--output-format", "json", str(path)).stdout)
    blank = [f for f in doc["findings"] if f["rule"] == "blank-line"]
    assert [(f["line"], f["column"]) for f in blank] == [(1, 1)]


def _table(run_cli, columns: int, *paths: str, **env) -> str:
    proc = run_cli("check", "--isolated", "--output-format", "table", *paths,
                   env={"COLUMNS": str(columns), **env})
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


@pytest.mark.parametrize("extra", [-12, -1, 0, 1, 12])
def test_table_never_cuts_a_path_that_fits(run_cli, tmp_path, extra):
    """Whatever the checkout's path, it stays whole on one line: one wider than the terminal on a line of
    its own, left for the terminal to fold (copying it still gives it whole)."""
    columns = 60
    name = "d" * (columns - len("/clean-dpo.jsonl") - 2 + extra) + "/clean-dpo.jsonl"
    (tmp_path / name).parent.mkdir()
    (tmp_path / name).write_bytes(CLEAN.read_bytes())
    proc = run_cli("check", "--isolated", "--output-format", "table", name, cwd=tmp_path,
                   env={"COLUMNS": str(columns)})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert any(name in line for line in lines), lines
    assert all(len(line) <= columns or line.split()[-1] == name for line in lines), lines  # "✓ PATH"
    assert re.search(r"12\s+records\s+\(dpo\):\s+no\s+findings", proc.stdout)


HEADER = re.compile(r"^\s+\d+:\d+  (error|warning|info)\s+PFT\d+ [a-z0-9-]+( \[\*\])?$")


@pytest.mark.parametrize("columns", [60, 80, 160])
def test_table_format(run_cli, columns):
    """A header line per finding, the message under it (tests/test_table.py checks the wrapping)."""
    out = _table(run_cli, columns, str(BROKEN), str(CLEAN))
    lines = out.splitlines()
    assert max(len(line) for line in lines if "pftlint convert" not in line) <= columns
    assert lines[0].startswith(str(BROKEN))
    for rule in ("invalid-role", "identical-outputs", "blank-line"):
        assert any(HEADER.match(line) and line.endswith(f" {rule}") for line in lines), rule
    assert re.search(r"^\s+3:\d+  error\s+PFT301 invalid-role$", out, re.M)
    assert re.search(r"✓ .*clean-dpo\.jsonl\s+12\s+records\s+\(dpo\):\s+no\s+findings", out)
    assert re.search(r"2 files, \d+ records: \d+ errors?, \d+ warnings?, \d+ info\s+\(\d+\.\d\ds\)$", lines[-1])
    assert "┃" not in out and "│" not in out  # no table borders eating the width


def assert_tables_closed(out: str) -> None:
    """Every row of a Rich table ends with its right border: nothing was cropped."""
    ends = {"┏": "┓", "┃": "┃", "┡": "┩", "│": "│", "└": "┘"}
    for line in out.splitlines():
        if line[:1] in ends:
            assert line.rstrip().endswith(ends[line[0]]), f"cropped row: {line!r}"


def test_table_caps_rows_per_file(run_cli, tmp_path, monkeypatch):
    from pftlint.reporters import table

    path = write_jsonl(tmp_path / "many.jsonl", [record(role="human")] * (table.MAX_ROWS + 7), n=table.MAX_ROWS + 7)
    out = _table(run_cli, 120, "--select", "invalid-role", str(path))
    assert out.count("invalid-role") == table.MAX_ROWS
    assert "and 7 more findings" in out


def test_color(run_cli):
    ansi = re.compile(r"\x1b\[")
    assert ansi.search(_table(run_cli, 100, str(BROKEN), NO_COLOR="", FORCE_COLOR="1"))
    assert not ansi.search(_table(run_cli, 100, str(BROKEN), NO_COLOR="1", FORCE_COLOR="1"))
    proc = run_cli("check", "--isolated", "--output-format", "table", "--no-color", str(BROKEN),
                   env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert not ansi.search(proc.stdout)


class _Stream:
    def __init__(self, tty: bool):
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_resolve_format_and_color(monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert resolve_format("auto", _Stream(True)) == "table"
    assert resolve_format("auto", _Stream(False)) == "concise"
    assert resolve_format("json", _Stream(True)) == "json"
    assert set(format_names()) == {"auto", *REPORTERS} and {"table", "concise", "json"} <= set(REPORTERS)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert use_color(_Stream(True)) and not use_color(_Stream(False))
    assert not use_color(_Stream(True), no_color=True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(_Stream(True))


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_auto_is_table_on_a_terminal_and_concise_in_a_pipe(tmp_path):
    from conftest import on_terminal

    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    env.pop("GITHUB_ACTIONS", None)
    cmd = [*pftlint_command(), "check", "--isolated", str(BROKEN)]
    status, on_tty = on_terminal(cmd, env, cwd=tmp_path)
    assert status == 1
    assert any(HEADER.match(re.sub(r"\x1b\[[0-9;]*m", "", line)) for line in on_tty.splitlines())
    piped = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path).stdout
    assert not any(HEADER.match(line) for line in piped.splitlines())
    assert CONCISE_LINE.match(piped.splitlines()[0])


def test_statistics(run_cli):
    doc = json.loads(run_cli("check", "--isolated", "--output-format", "json", str(BROKEN)).stdout)
    expected = {}
    for f in doc["findings"]:
        expected[f["rule"]] = expected.get(f["rule"], 0) + 1
    proc = run_cli("check", "--isolated", "--statistics", "--output-format", "concise", str(BROKEN))
    assert proc.returncode == 1
    rows = [line.split() for line in proc.stdout.splitlines()[:-1]]
    assert {row[2]: int(row[0]) for row in rows} == expected
    assert proc.stdout.splitlines()[-1] == f"{sum(expected.values())} findings in 1 file."
    stats = json.loads(run_cli("check", "--isolated", "--statistics", "--output-format", "json",
                               str(BROKEN)).stdout)
    assert {s["rule"]: s["count"] for s in stats["statistics"]} == expected


def test_broken_pipe_is_quiet(tmp_path):
    path = write_jsonl(tmp_path / "big.jsonl", [record(role="human")] * 3000, n=3000)
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen([*pftlint_command(), "check", "--isolated", "--output-format", "concise", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    status = proc.wait(timeout=120)
    assert b"invalid-role" not in first or CONCISE_LINE.match(first.decode().rstrip("\n"))
    assert err == "", err
    assert status == 1  # the verdict stands: the file has errors


def test_version(run_cli):
    from pftlint import __version__

    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"pftlint {__version__}"


# -- pftlint rules / pftlint rule ----------------------------------------------

def test_rules_json_lists_every_rule(run_cli):
    proc = run_cli("rules", "--output-format", "json")
    assert proc.returncode == 0
    rules = json.loads(proc.stdout)
    docs = rule_docs()
    assert [r["name"] for r in rules] == [d.name for d in docs]
    for r, d in zip(rules, docs):
        assert r["code"] == d.code and r["severity"] == d.severity
        assert set(r["targets"]) == {"openai", "azure", "together", "fireworks", "trl", "vertex", "nova"}
        assert all(level in ("error", "warning", "info", "off") for level in r["targets"].values())
    bom = next(r for r in rules if r["name"] == "utf8-bom")
    assert bom["targets"]["azure"] == "off"
    # under trl a JSON array, any file name, few examples and extra columns are fine (its profile's data)
    for name in ("json-array", "wrong-extension", "too-few-examples", "unknown-key"):
        assert next(r for r in rules if r["name"] == name)["targets"]["trl"] == "off"


@pytest.mark.parametrize("columns", [80, 160])
def test_rules_table(run_cli, columns):
    proc = run_cli("rules", "--output-format", "table", env={"COLUMNS": str(columns)})
    assert proc.returncode == 0
    assert max(len(line) for line in proc.stdout.splitlines()) <= columns
    assert_tables_closed(proc.stdout)
    for d in rule_docs():
        assert re.search(rf"│ {d.code} │ {re.escape(d.name)}\b", proc.stdout), d.name
    assert re.search(r"utf8-bom.*azure: off", proc.stdout)
    assert ("Summary" in proc.stdout) == (columns >= 110)


@pytest.mark.parametrize("key", ["json-array", "PFT101", "pft101"])
def test_rule_document(run_cli, key):
    proc = run_cli("rule", key, env={"COLUMNS": "100"})
    assert proc.returncode == 0, proc.stderr
    doc = next(d for d in rule_docs() if d.name == "json-array")
    assert f"{doc.name} ({doc.code})" in proc.stdout
    assert "Why is this bad?" in proc.stdout and "Use instead" in proc.stdout
    assert "```" not in proc.stdout and "## " not in proc.stdout  # rendered, not raw Markdown
    data = json.loads(run_cli("rule", key, "--output-format", "json").stdout)
    assert data["name"] == "json-array" and data["documentation"] == doc.text


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_stay_valid_json_on_an_ascii_console(run_cli, tmp_path, fmt):
    path = tmp_path / "données.jsonl"
    path.write_text('{"messages": [{"role": "human", "content": "☃ é"}]}\n', encoding="utf-8")
    proc = run_cli("check", "--isolated", "--output-format", fmt, str(path), env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)  # \uXXXX escapes, not backslash-replaced bytes
    text = json.dumps(doc, ensure_ascii=False)
    assert ("donn%C3%A9es" if fmt == "sarif" else "données") in text  # SARIF URIs are percent-encoded


@pytest.mark.parametrize("command", ["check", "stats"])
def test_help_names_every_target_and_every_file_kind_a_folder_search_finds(run_cli, command):
    from pftlint.profiles.targets import all_targets

    text = " ".join(run_cli(command, "--help").stdout.split())
    targets = text.split("--target NAME", 2)[-1].split(" --", 1)[0]
    assert all(t.name in targets for t in all_targets()), targets
    for pattern in ("*.jsonl,", "*.jsonl.gz", "*.json.gz", "*.parquet"):
        assert pattern in text, pattern


def test_rules_piped_are_one_whole_line_per_rule(run_cli):
    """Piped (grep, cut), `pftlint rules` prints every rule on one tab-separated line, never cut at 80 columns."""
    proc = run_cli("rules", env={"COLUMNS": "80"})
    assert proc.returncode == 0
    rows = [line.split("\t") for line in proc.stdout.splitlines()]
    docs = rule_docs()
    assert [row[:2] for row in rows] == [[d.code, d.name] for d in docs]
    assert all(len(row) == 5 for row in rows)
    bom = next(row for row in rows if row[1] == "utf8-bom")
    assert "azure: off" in bom[3] and bom[4] == next(d.summary for d in docs if d.name == "utf8-bom")
    assert proc.stdout == run_cli("rules", "--output-format", "text").stdout


@pytest.mark.parametrize("command", [["check", "--isolated"], ["stats", "--isolated"],
                                     ["convert", "-o", "out.jsonl"]])
def test_a_read_error_after_the_open_names_the_file(run_cli, command, tmp_path):
    """/proc/self/mem opens, then every read fails with EIO: the one line still names the file."""
    if not os.path.exists("/proc/self/mem"):
        pytest.skip("no /proc")
    proc = run_cli(*command, "/proc/self/mem", cwd=tmp_path)
    assert not (tmp_path / "out.jsonl").exists()
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("pftlint: error: /proc/self/mem: "), proc.stderr


@pytest.mark.parametrize("args, meant", [(["convert", "x.jsonl", "-o", "y.jsonl", "--to", "vertx"], "vertex"),
                                         (["convert", "x.jsonl", "-o", "y.jsonl", "--from", "tr"], "trl"),
                                         (["rules", "--output-format", "tabl"], "table"),
                                         (["chek", "x.jsonl"], "check")])
def test_any_invalid_choice_gets_a_did_you_mean(run_cli, args, meant):
    proc = run_cli(*args)
    assert proc.returncode == 2 and f"; did you mean '{meant}'?" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
