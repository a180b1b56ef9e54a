"""The settings side of ``pftlint check``, through the real console script (issue "the CLI" items 1, 3, 4, 9, 10).

Scoped ignores and excludes, the closest configuration of each file, --show-settings and
--show-files, flags that contradict each other, did-you-mean, and standard input named by
--stdin-filename. Each project is built in a temporary folder and pftlint is run from
another folder, so nothing depends on the working directory unless the test says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO

BOM = b"\xef\xbb\xbf"


def record(i: int, role: str = "user") -> dict:
    return {"input": {"messages": [{"role": role, "content": f"Question {i}: what is {i} + {i}?"}]},
            "preferred_output": [{"role": "assistant", "content": f"{i} + {i} = {2 * i}."}],
            "non_preferred_output": [{"role": "assistant", "content": f"It is {2 * i + 1}."}]}


def dataset(path: Path, *, human: bool = True, blank: bool = False, bom: bool = False, start: int = 0) -> Path:
    """12 records (``start`` numbers them): line 1's role is 'human' (invalid-role, PFT301), optionally a BOM
    (utf8-bom, PFT106) and a blank line after line 2 (blank-line, PFT104, fixable)."""
    rows = [json.dumps(record(start + i, "human" if human and i == 0 else "user")).encode() for i in range(12)]
    if blank:
        rows.insert(2, b"")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((BOM if bom else b"") + b"\n".join(rows) + b"\n")
    return path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """The working directory: a folder outside every project of the test."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def findings(proc) -> dict[str, set[str]]:
    """path (as printed) -> rule names, from a JSON report."""
    assert proc.returncode in (0, 1), (proc.returncode, proc.stdout, proc.stderr)
    doc = json.loads(proc.stdout)
    found: dict[str, set[str]] = {f["path"]: set() for f in doc["files"]}
    for f in doc["findings"]:
        found.setdefault(f["path"], set()).add(f["rule"])
    return found


def one_line_error(proc, *words: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("pftlint: error: ") and "Traceback" not in proc.stderr
    for word in words:
        assert word in proc.stderr, (word, proc.stderr)
    return proc.stderr


def check_json(run_cli, cwd: Path, *args: str):
    return run_cli("check", "--output-format", "json", *args, cwd=cwd)


# -- 1. scoped ignores ------------------------------------------------------------------------

def test_per_file_ignores_are_relative_to_the_config_folder(tmp_path, elsewhere, run_cli):
    project = tmp_path / "proj"
    write(project / "pyproject.toml", '[tool.pftlint]\n[tool.pftlint.per-file-ignores]\n'
                                      '"data/legacy/*.jsonl" = ["PFT3"]\n"small.jsonl" = ["utf8-bom"]\n'
                                      '[tool.pftlint.extend-per-file-ignores]\n"data/**/b.jsonl" = ["PFT1"]\n')
    legacy = dataset(project / "data" / "legacy" / "a.jsonl", bom=True)
    deep = dataset(project / "data" / "legacy" / "deep" / "a.jsonl", bom=True)  # * stays in one folder
    small = dataset(project / "data" / "x" / "small.jsonl", bom=True)  # a glob without / is a name
    extended = dataset(project / "data" / "x" / "y" / "b.jsonl", bom=True)
    plain = dataset(project / "data" / "c.jsonl", bom=True)
    found = findings(check_json(run_cli, elsewhere, str(project / "data")))
    assert found[str(legacy)] == {"utf8-bom"}  # PFT3 (invalid-role) ignored here
    assert found[str(deep)] == found[str(plain)] == {"invalid-role", "utf8-bom"}
    assert found[str(small)] == {"invalid-role"}
    assert found[str(extended)] == {"invalid-role"}  # PFT1 (utf8-bom) ignored by extend-per-file-ignores
    # run from inside the project: the same files, the same answer
    inside = findings(check_json(run_cli, project / "data", "legacy/a.jsonl", "c.jsonl"))
    assert inside == {"legacy/a.jsonl": {"utf8-bom"}, "c.jsonl": {"invalid-role", "utf8-bom"}}


def test_a_per_file_ignore_also_stops_its_fix(tmp_path, elsewhere, run_cli):
    project = tmp_path / "proj"
    write(project / "pftlint.toml", '[per-file-ignores]\n"keep/*" = ["blank-line"]\n')
    kept = dataset(project / "keep" / "a.jsonl", human=False, blank=True)
    fixed = dataset(project / "fix" / "a.jsonl", human=False, blank=True)
    before = kept.read_bytes()
    proc = run_cli("check", "--fix", "--output-format", "concise", str(project), cwd=elsewhere)
    assert proc.returncode == 1, proc.stderr  # a file changed
    assert kept.read_bytes() == before
    assert b"\n\n" not in fixed.read_bytes()
    assert f"Fixed {fixed}" in proc.stderr and str(kept) not in proc.stderr


def test_exclude_in_config_skips_folder_searches_and_named_files_only_when_forced(tmp_path, elsewhere, run_cli):
    project = tmp_path / "proj"
    write(project / "pyproject.toml", '[tool.pftlint]\nexclude = ["data/raw"]\nextend-exclude = ["*.tmp.jsonl"]\n')
    raw = dataset(project / "data" / "raw" / "r.jsonl")
    tmp = dataset(project / "data" / "x.tmp.jsonl")
    kept = dataset(project / "data" / "train.jsonl")
    listed = run_cli("check", "--show-files", str(project), cwd=elsewhere)
    assert listed.returncode == 0 and listed.stdout.splitlines() == [str(kept)]
    named = findings(check_json(run_cli, elsewhere, str(raw), str(kept)))
    assert set(named) == {str(raw), str(kept)}  # named on the command line: checked
    forced = findings(check_json(run_cli, elsewhere, "--force-exclude", str(raw), str(tmp), str(kept)))
    assert set(forced) == {str(kept)}
    only_excluded = check_json(run_cli, elsewhere, "--force-exclude", str(raw))
    assert only_excluded.returncode == 0 and json.loads(only_excluded.stdout)["files"] == []
    assert "every path given is excluded" in only_excluded.stderr
    named_folder = run_cli("check", "--show-files", "--force-exclude", str(project / "data" / "raw"), cwd=elsewhere)
    assert named_folder.returncode == 0 and named_folder.stdout == ""


def test_exclude_flags_are_relative_to_the_working_directory(tmp_path, run_cli):
    project = tmp_path / "proj"
    write(project / "pftlint.toml", 'exclude = ["a"]\nextend-exclude = ["b"]\n')
    for name in ("a", "b", "c", "d"):
        dataset(project / name / "t.jsonl")

    def shown(*flags: str) -> list[str]:
        proc = run_cli("check", "--show-files", *flags, ".", cwd=project)
        assert proc.returncode == 0, proc.stderr
        return sorted(Path(line).parent.name for line in proc.stdout.splitlines())

    assert shown() == ["c", "d"]
    assert shown("--exclude", "c") == ["a", "d"]  # --exclude replaces exclude, extend-exclude stays
    assert shown("--extend-exclude", "c,d") == []
    assert shown("--exclude", "c", "--extend-exclude", "d") == ["a"]
    # the flag's globs are relative to the working directory, not to the configuration's folder
    proc = run_cli("check", "--show-files", "--exclude", "proj/c", str(project), cwd=tmp_path)
    assert sorted(Path(p).parent.name for p in proc.stdout.splitlines()) == ["a", "d"]


def test_a_name_glob_matches_below_its_folder_only(tmp_path, run_cli):
    outer = tmp_path / "data"  # a folder named like the glob, above the configuration
    project = outer / "proj"
    write(project / "pftlint.toml", 'exclude = ["data"]\n')
    inner = dataset(project / "data" / "t.jsonl")
    top = dataset(project / "t.jsonl")
    proc = run_cli("check", "--show-files", str(project), cwd=tmp_path)
    assert proc.stdout.splitlines() == [str(top)] and str(inner) not in proc.stdout


@pytest.mark.parametrize(("body", "words"), [
    ('per-file-ignores = ["a"]', "per-file-ignores: expected a table of globs and rule selectors, not a list"),
    ('[per-file-ignores]\n"*.jsonl" = "PFT1"', "per-file-ignores.'*.jsonl': expected a list of rule selectors"),
    ('[per-file-ignores]\n"*.jsonl" = ["invalid-rol"]',
     "per-file-ignores.'*.jsonl': 'invalid-rol' matches no rule (see `pftlint rules`); did you mean 'invalid-role'?"),
    ('exclude = "data"', "exclude: expected a list of paths or globs, not the string 'data'"),
    ('extend-exclude = [""]', "extend-exclude: expected paths or globs (non-empty strings), not the string ''"),
])
def test_bad_scoped_settings_are_one_line_errors(tmp_path, run_cli, body, words):
    write(tmp_path / "pftlint.toml", body + "\n")
    dataset(tmp_path / "t.jsonl")
    one_line_error(run_cli("check", cwd=tmp_path), f"pftlint.toml: {words}")


# -- 3. the closest configuration of each file ---------------------------------------------------

def test_each_file_gets_its_closest_config_whatever_the_working_directory(tmp_path, elsewhere, run_cli):
    project = tmp_path / "proj"
    write(project / "pyproject.toml", '[tool.pftlint]\nignore = ["invalid-role"]\n')
    write(project / "azure" / "pftlint.toml", 'target = "azure"\n')  # azure: a BOM is fine
    write(project / "plain" / "pyproject.toml", '[project]\nname = "x"\n')  # no [tool.pftlint]: look further up
    top = dataset(project / "top.jsonl", bom=True)
    azure = dataset(project / "azure" / "deep" / "a.jsonl", bom=True)
    plain = dataset(project / "plain" / "p.jsonl", bom=True)
    expected = {str(top): {"utf8-bom"}, str(azure): {"invalid-role"}, str(plain): {"utf8-bom"}}
    assert findings(check_json(run_cli, elsewhere, str(project))) == expected
    assert findings(check_json(run_cli, project / "azure", str(top), str(azure), str(plain))) == expected
    # --config: one file for all; --isolated: none
    assert findings(check_json(run_cli, elsewhere, "--config", str(project / "azure" / "pftlint.toml"),
                               str(project))) == {p: {"invalid-role"} for p in expected}
    assert findings(check_json(run_cli, elsewhere, "--isolated", str(project))) == \
        {p: {"invalid-role", "utf8-bom"} for p in expected}


def test_a_file_with_no_config_above_it_gets_the_working_directory_one(tmp_path, run_cli):
    project = tmp_path / "proj"
    write(project / "pftlint.toml", 'ignore = ["invalid-role"]\n')
    outside = dataset(tmp_path / "outside" / "o.jsonl")
    assert findings(check_json(run_cli, project, str(outside))) == {str(outside): set()}
    assert findings(check_json(run_cli, tmp_path, str(outside))) == {str(outside): {"invalid-role"}}


@pytest.mark.parametrize("command", ["check", "stats"])
def test_config_and_isolated_together_are_refused(tmp_path, run_cli, command):
    write(tmp_path / "pftlint.toml", "")
    dataset(tmp_path / "t.jsonl")
    one_line_error(run_cli(command, "--config", "pftlint.toml", "--isolated", cwd=tmp_path),
                   "cannot use --config with --isolated")


def test_validation_files_per_settings_group(tmp_path, elsewhere, run_cli):
    """Each group of files with the same settings is one Linter: its validation file is compared with its own
    training files. A validation file named by two groups is listed once, with the overlaps of both."""
    project = tmp_path / "proj"
    valid = dataset(project / "valid.jsonl", human=False, start=100)
    write(project / "a" / "pftlint.toml", 'validation = "../valid.jsonl"\n')
    write(project / "b" / "pftlint.toml", 'target = "azure"\n')  # names no validation file
    shared_rows = valid.read_bytes().splitlines(keepends=True)
    train_a = dataset(project / "a" / "t.jsonl", human=False)
    train_a.write_bytes(train_a.read_bytes() + shared_rows[0])  # valid.jsonl's line 1
    train_b = dataset(project / "b" / "t.jsonl", human=False)
    train_b.write_bytes(train_b.read_bytes() + shared_rows[1])  # valid.jsonl's line 2: b compares nothing
    found = findings(check_json(run_cli, elsewhere, str(project)))
    overlap = "train-validation-overlap"
    assert overlap in found[str(train_a)] and overlap not in found[str(train_b)]
    assert str(valid) not in found or overlap in found[str(valid)]
    # --validation on the command line: every group compares with it; valid.jsonl listed once
    proc = check_json(run_cli, elsewhere, "--validation", str(valid), str(project / "a"), str(project / "b"))
    doc = json.loads(proc.stdout)
    assert [f["path"] for f in doc["files"]].count(str(valid)) == 1
    valid_lines = {f["line"] for f in doc["findings"] if f["path"] == str(valid) and f["rule"] == overlap}
    assert valid_lines == {1, 2}
    assert {f["path"] for f in doc["findings"] if f["rule"] == overlap} == {str(valid), str(train_a), str(train_b)}


# -- 4. --show-settings, --show-files ------------------------------------------------------------

def test_show_settings_says_where_each_setting_comes_from(tmp_path, elsewhere, run_cli):
    project = tmp_path / "proj"
    config = write(project / "pyproject.toml",
                   '[tool.pftlint]\ntarget = "together"\nmethod = "dpo"\nignore = ["utf8-bom"]\n'
                   'exclude = ["raw"]\n[tool.pftlint.per-file-ignores]\n"legacy/*" = ["PFT3"]\n'
                   '"other/*" = ["PFT1"]\n[tool.pftlint.rules.file-too-large]\nmax-bytes = 1000\n')
    legacy = dataset(project / "legacy" / "a.jsonl")
    proc = run_cli("check", "--show-settings", "--select", "PFT1,PFT3", str(legacy), cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"Settings for {legacy}"
    settings = dict(line.split(": ", 1) for line in lines[1:] if not line.startswith("  ") and ": " in line)
    assert settings["config file"] == f"{config} (the closest to the file)"
    assert (settings["target"], settings["method"]) == ("together", "dpo")
    assert settings["select"] == '["PFT1", "PFT3"]' and settings["ignore"] == '["utf8-bom"]'
    assert settings["exclude"] == json.dumps([str(project / "raw")])
    assert f'  "{project}/legacy/*" = ["PFT3"] (applies to this file)' in lines
    assert f'  "{project}/other/*" = ["PFT1"]' in lines
    rules = [line.split()[1] for line in lines if line.startswith("  PFT")]
    assert rules and all(not r.startswith("PFT3") for r in rules)  # PFT3 is off for this file
    assert "invalid-role" in settings["rules"] and "utf8-bom" not in rules and "json-array" in rules
    assert any(line.startswith("  PFT111 file-too-large") and "max-bytes=1000" in line for line in lines)
    isolated = run_cli("check", "--show-settings", "--isolated", str(legacy), cwd=elsewhere)
    assert "config file: none (--isolated)" in isolated.stdout and "target: openai" in isolated.stdout


def test_show_files_lists_what_check_would_check_in_order(tmp_path, run_cli):
    for name in ("v.jsonl", "data/a.jsonl", "data/sub/b.jsonl", "data/.hidden/h.jsonl", "data/v2.json"):
        dataset(tmp_path / name)
    proc = run_cli("check", "--show-files", "--validation", "v.jsonl", "data", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.splitlines() == ["v.jsonl", "data/a.jsonl", "data/sub/b.jsonl"]


# -- 9. contradictions and did-you-mean -------------------------------------------------------

@pytest.mark.parametrize(("flags", "first", "second"), [
    (["--config", "pftlint.toml", "--isolated"], "--config", "--isolated"),
    (["-q", "--diff"], "--quiet", "--diff"),
    (["--fix", "--diff"], "--fix", "--diff"),
    (["--statistics", "--diff"], "--statistics", "--diff"),
    (["--diff", "--output-format", "json"], "--diff", "--output-format json"),
    (["--diff", "--output-format", "sarif"], "--diff", "--output-format sarif"),
    (["--diff", "--output-format", "json", "--output-file", "-"], "--diff", "--output-format json"),
    (["--show-files", "--show-settings"], "--show-settings", "--show-files"),
    (["--show-files", "--fix"], "--show-files", "--fix"),
    (["--show-settings", "--output-file", "r.json"], "--show-settings", "--output-file"),
    (["--stdin-filename", "x.jsonl", "t.jsonl"], "--stdin-filename", "PATHs that do not read standard input"),
])
def test_flags_that_cannot_both_apply(tmp_path, run_cli, flags, first, second):
    write(tmp_path / "pftlint.toml", "")
    data = dataset(tmp_path / "t.jsonl", blank=True)
    before = data.read_bytes()
    args = flags if "t.jsonl" in flags else [*flags, "t.jsonl"]
    one_line_error(run_cli("check", *args, cwd=tmp_path), f"cannot use {first} with {second}")
    assert data.read_bytes() == before and not (tmp_path / "r.json").exists()


def test_a_diff_beside_a_machine_report_needs_the_report_in_a_file(tmp_path, run_cli):
    data = dataset(tmp_path / "t.jsonl", blank=True)
    write(tmp_path / "pftlint.toml", 'output-format = "json"\n')
    one_line_error(run_cli("check", "--diff", "t.jsonl", cwd=tmp_path),
                   "cannot use --diff with output-format = 'json' (from ", "pftlint.toml)", "--output-file")
    proc = run_cli("check", "--diff", "--output-file", "report.json", "t.jsonl", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout.startswith("---")  # the diff on stdout
    report = json.loads((tmp_path / "report.json").read_text())  # the report of the file as it is
    assert "blank-line" in {f["rule"] for f in report["findings"]}
    fix = run_cli("check", "--fix", "--output-format", "json", "t.jsonl", cwd=tmp_path)  # Fixed ... on stderr
    assert fix.returncode == 1 and json.loads(fix.stdout)["files"] and data.read_bytes().count(b"\n\n") == 0


@pytest.mark.parametrize(("args", "words"), [
    (["--select", "invalid-rol"], "--select: 'invalid-rol' matches no rule (see `pftlint rules`); "
                                  "did you mean 'invalid-role'?"),
    (["--ignore", "INVALID_ROLE"], "did you mean 'invalid-role'?"),
    (["--target", "opneai"], "--target: unknown target 'opneai' (choose from azure, fireworks, nova, openai, together, trl, vertex); "
                             "did you mean 'openai'?"),
    (["--method", "sft"], "--method: unknown method 'sft' (choose from auto, dpo, supervised); "
                          "did you mean 'supervised'?"),
    (["--output-format", "jsno"], "did you mean 'json'?"),
    (["--fail-on", "warn"], "--fail-on: unknown severity 'warn' (choose from error, warning, info); "
                            "did you mean 'warning'?"),
    (["--selct", "PFT1"], "unrecognized arguments: --selct; did you mean '--select'? (see `pftlint check --help`)"),
])
def test_unknown_names_get_a_did_you_mean(tmp_path, run_cli, args, words):
    dataset(tmp_path / "t.jsonl")
    one_line_error(run_cli("check", *args, "t.jsonl", cwd=tmp_path), words)


def test_a_code_prefix_that_matches_nothing_gets_no_guess(tmp_path, run_cli):
    dataset(tmp_path / "t.jsonl")
    message = one_line_error(run_cli("check", "--select", "PFT9", "t.jsonl", cwd=tmp_path), "'PFT9' matches no rule")
    assert "did you mean" not in message


@pytest.mark.parametrize(("body", "words"), [
    ('fail_on = "warning"', "unknown key 'fail_on' (known keys: "),
    ('fail_on = "warning"', "did you mean 'fail-on'?"),
    ('per-file-ignore = {}', "did you mean 'per-file-ignores'?"),
    ('[rules.invalid-rol]\nseverity = "info"', "rules.invalid-rol: no such rule (see `pftlint rules`); "
                                               "did you mean 'invalid-role'?"),
    ('[rules.file-too-large]\nmax-byte = 3', "rules.file-too-large: unknown option 'max-byte' (options: max-bytes); "
                                            "did you mean 'max-bytes'?"),
])
def test_config_names_get_a_did_you_mean(tmp_path, run_cli, body, words):
    write(tmp_path / "pftlint.toml", body + "\n")
    dataset(tmp_path / "t.jsonl")
    one_line_error(run_cli("check", cwd=tmp_path), words)


def test_a_misspelt_command_gets_a_did_you_mean(run_cli):
    one_line_error(run_cli("chek", "x.jsonl"), "invalid choice: 'chek'", "did you mean 'check'?")


# -- 10. standard input named by --stdin-filename ----------------------------------------------

def test_stdin_filename_names_the_findings_and_picks_the_settings(tmp_path, elsewhere, run_cli):
    project = tmp_path / "proj"
    write(project / "pyproject.toml", '[tool.pftlint]\n[tool.pftlint.per-file-ignores]\n"legacy/*" = ["PFT3"]\n')
    write(project / "azure" / "pftlint.toml", 'target = "azure"\n')
    data = dataset(tmp_path / "data.jsonl", bom=True).read_bytes()
    name = str(project / "legacy" / "a.jsonl")  # need not exist

    def lint(*args: str) -> dict[str, set[str]]:
        return findings(run_cli("check", "--output-format", "json", *args, input=data, cwd=elsewhere))

    assert lint("--stdin-filename", name, "-") == {name: {"utf8-bom"}}  # per-file-ignores applied
    assert lint("--stdin-filename", name) == {name: {"utf8-bom"}}  # no PATH: - is implied
    azure = str(project / "azure" / "x.jsonl")
    assert lint("--stdin-filename", azure) == {azure: {"invalid-role"}}  # its closest configuration
    assert lint("-") == {"-": {"invalid-role", "utf8-bom"}}  # unnamed: the working directory's settings
    json_name = str(project / "x.json")
    assert "wrong-extension" in lint("--stdin-filename", json_name)[json_name]  # the name is checked too


def test_stdin_filename_with_force_exclude_skips_an_excluded_name(tmp_path, run_cli):
    write(tmp_path / "pftlint.toml", 'exclude = ["raw"]\n')
    data = dataset(tmp_path / "t.jsonl").read_bytes()
    skipped = run_cli("check", "--force-exclude", "--stdin-filename", "raw/x.jsonl", input=data, cwd=tmp_path)
    assert skipped.returncode == 0 and "PFT" not in skipped.stdout
    checked = run_cli("check", "--stdin-filename", "raw/x.jsonl", input=data, cwd=tmp_path)
    assert checked.returncode == 1 and "raw/x.jsonl:1:" in checked.stdout


def test_stdin_filename_gives_the_convert_hint_a_real_path(tmp_path, run_cli):
    trl = b"".join(json.dumps({"prompt": f"Q{i}?", "chosen": f"A{i}.", "rejected": f"B{i}."}).encode() + b"\n"
                   for i in range(12))
    proc = run_cli("check", "--output-format", "json", "--stdin-filename", "data/trl.jsonl", input=trl,
                   cwd=tmp_path)
    messages = [f["message"] for f in json.loads(proc.stdout)["findings"] if f["rule"] == "wrong-format"]
    assert messages and all("pftlint convert data/trl.jsonl -o data/trl.openai.jsonl" in m for m in messages)
    assert not any("convert - " in m for m in messages)


@pytest.mark.parametrize("value", ["", "-"])
def test_stdin_filename_must_name_a_file(run_cli, value):
    one_line_error(run_cli("check", "--stdin-filename", value, input=b""), "--stdin-filename: expected the file name")


# -- --help ---------------------------------------------------------------------------------------

def test_check_help_groups_the_flags(run_cli):
    proc = run_cli("check", "--help")
    assert proc.returncode == 0
    sections: dict[str, list[str]] = {}
    current = ""
    for line in proc.stdout.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            current = line[:-1]
        elif line.startswith("  --") or line.startswith("  -q"):
            sections.setdefault(current, []).append(line.split()[0].rstrip(","))
    assert {"--select", "--ignore", "--target", "--method", "--fail-on"} <= set(sections["rule selection"])
    assert {"--output-format", "--output-file", "--quiet", "--statistics"} <= set(sections["output"])
    assert sections["fixing"] == ["--fix", "--diff"]
    assert {"--exclude", "--extend-exclude", "--force-exclude", "--stdin-filename", "--show-files",
            "--validation"} <= set(sections["files"])
    assert sections["configuration"] == ["--config", "--isolated", "--show-settings"]
    from pftlint.profiles.targets import all_targets

    flat = " ".join(proc.stdout.split())
    assert all(f" {t.name}" in flat.rsplit("--target NAME", 1)[1].split("--model", 1)[0] for t in all_targets())


def test_a_trainer_flag_no_rule_reads_gets_a_note(run_cli):
    clean = str(REPO / "examples" / "clean-dpo.jsonl")
    idle = run_cli("check", "--isolated", "--max-length", "50", "--truncation-mode", "keep_end", clean)
    assert idle.returncode == 0
    notes = [line for line in idle.stderr.splitlines() if line.startswith("pftlint: note: ")]
    assert [line.split()[2] for line in notes] == ["--max-length", "--truncation-mode"], idle.stderr
    assert all("under --target openai" in line and "--target trl" in line for line in notes)
    used = run_cli("check", "--isolated", "--target", "trl", "--max-length", "50", clean)
    assert "pftlint: note" not in used.stderr and "max_length 50" in used.stdout
