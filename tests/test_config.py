"""Configuration: [tool.pftlint] in the nearest pyproject.toml, or pftlint.toml; the command line wins.

Most cases run main() in-process (fast); the search from the working directory
and a bad key are also checked through the real console script.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pftlint.cli import main
from pftlint.profiles.config import Config, ConfigError
from pftlint.profiles.config_files import load_config

BOM_RECORD = b'\xef\xbb\xbf'


def rec(role: str = "user", i: int = 0) -> dict:
    return {"input": {"messages": [{"role": role, "content": f"Question {i}: what is {i} + {i}?"}]},
            "preferred_output": [{"role": "assistant", "content": f"{i} + {i} = {2 * i}."}],
            "non_preferred_output": [{"role": "assistant", "content": f"It is {2 * i + 1}."}]}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A folder with data.jsonl: one record with role 'human' (invalid-role, an error) after a BOM (utf8-bom)."""
    rows = [rec("human", 0)] + [rec("user", i) for i in range(1, 12)]
    (tmp_path / "data.jsonl").write_bytes(BOM_RECORD + b"".join(json.dumps(r).encode() + b"\n" for r in rows))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def lint(capsys, *args: str) -> tuple[int, dict | None, str]:
    """main() with JSON output: (status, document or None, stderr)."""
    status = main(["check", "--output-format", "json", *args])
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out.strip() else None), err


def rules_of(doc: dict) -> dict[str, str]:
    return {f["rule"]: f["severity"] for f in doc["findings"]}


def pyproject(folder: Path, body: str) -> Path:
    """A pyproject.toml with ``body`` as [tool.pftlint] (``[rules.x]`` becomes ``[tool.pftlint.rules.x]``)."""
    body = re.sub(r"^\[rules\.", "[tool.pftlint.rules.", body, flags=re.M)
    path = folder / "pyproject.toml"
    path.write_text('[project]\nname = "data"\nversion = "1"\n\n[tool.pftlint]\n' + body)
    return path


def test_no_config_gives_defaults(project, capsys):
    status, doc, _ = lint(capsys)
    assert status == 1
    assert rules_of(doc) == {"invalid-role": "error", "utf8-bom": "warning"}


def test_pyproject_settings(project, capsys):
    pyproject(project, 'ignore = ["invalid-role"]\nfail-on = "warning"\n')
    status, doc, _ = lint(capsys)
    assert rules_of(doc) == {"utf8-bom": "warning"}
    assert status == 1  # fail-on = warning from the file


def test_nearest_pyproject_from_a_subfolder(project, capsys, monkeypatch):
    pyproject(project, 'target = "azure"\n')  # azure: a BOM is fine
    sub = project / "sub" / "deeper"
    sub.mkdir(parents=True)
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no [tool.pftlint]: keep searching
    monkeypatch.chdir(sub)
    status, doc, _ = lint(capsys, str(project / "data.jsonl"))
    assert rules_of(doc) == {"invalid-role": "error"}


def test_pftlint_toml_top_level_keys(project, capsys):
    (project / "pftlint.toml").write_text('select = ["utf8-bom"]\n')
    pyproject(project, 'select = ["invalid-role"]\n')  # pftlint.toml comes first in the same folder
    _, doc, _ = lint(capsys)
    assert rules_of(doc) == {"utf8-bom": "warning"}


def test_pftlint_toml_tool_table(project, capsys):
    (project / "pftlint.toml").write_text('[tool.pftlint]\nselect = ["utf8-bom"]\n')
    _, doc, _ = lint(capsys)
    assert rules_of(doc) == {"utf8-bom": "warning"}


def test_every_key(project, capsys):
    (project / "data.txt").write_bytes((project / "data.jsonl").read_bytes())
    pyproject(project, """
select = ["PFT1", "invalid-role"]
extend-select = ["missing-final-newline"]
ignore = ["utf8-bom"]
target = "together"
method = "dpo"
fail-on = "info"
output-format = "concise"

[rules.invalid-role]
severity = "info"

[rules.file-too-large]
max-bytes = 100
""")
    status = main(["check", "data.txt"])
    out = capsys.readouterr().out
    assert status == 1  # fail-on info
    assert "PFT" in out and out.splitlines()[-1].startswith("Checked ")  # concise from the file
    found = {line.split(" [")[0].split(": ")[-1] for line in out.splitlines()[:-1]}
    codes = {line.split(": ")[1].split(" ")[0] for line in out.splitlines()[:-1]}
    assert all(code.startswith("PFT1") or code == "PFT301" for code in codes), found
    assert "[info] role 'human'" in out  # severity from [rules.invalid-role]
    assert "over the configured limit" in out  # the max-bytes option reached the rule
    assert "byte-order mark" not in out  # ignored
    assert "wrong-extension" not in out and any("PFT110" in line for line in out.splitlines())


def test_per_rule_severity_and_target_severity(project, capsys):
    pyproject(project, 'target = "together"\n[rules.invalid-role]\nseverity = "warning"\n')
    _, doc, _ = lint(capsys)
    assert rules_of(doc) == {"invalid-role": "warning", "utf8-bom": "error"}  # together: a BOM is an error


def test_method_from_config(project, capsys):
    (project / "sft.jsonl").write_text(
        json.dumps({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}) + "\n")
    pyproject(project, 'method = "dpo"\nselect = ["wrong-format"]\n')
    status, doc, _ = lint(capsys, "sft.jsonl")
    assert doc["files"][0]["method"] == "dpo"
    status, doc, _ = lint(capsys, "--method", "auto", "sft.jsonl")
    assert doc["files"][0]["method"] == "supervised" and status == 0


# -- the command line wins ---------------------------------------------------------

def test_cli_flags_win(project, capsys):
    pyproject(project, 'target = "azure"\nfail-on = "warning"\noutput-format = "concise"\n')
    status, doc, _ = lint(capsys, "--target", "openai", "--fail-on", "error", "--ignore", "invalid-role")
    assert rules_of(doc) == {"utf8-bom": "warning"}  # openai from the CLI: the BOM is reported
    assert status == 0  # fail-on error from the CLI
    assert doc["version"]  # --output-format json beat the file's concise


def test_cli_ignore_and_extend_select_add_select_replaces(project, capsys):
    pyproject(project, 'ignore = ["utf8-bom"]\nextend-select = ["missing-final-newline"]\n')
    (project / "nonl.jsonl").write_bytes((project / "data.jsonl").read_bytes().rstrip(b"\n"))
    _, doc, _ = lint(capsys, "nonl.jsonl")
    assert set(rules_of(doc)) == {"invalid-role", "missing-final-newline"}
    _, doc, _ = lint(capsys, "--ignore", "invalid-role", "nonl.jsonl")  # adds to the file's ignore
    assert set(rules_of(doc)) == {"missing-final-newline"}
    _, doc, _ = lint(capsys, "--extend-select", "crlf-line-endings", "nonl.jsonl")  # adds, nothing to find
    assert set(rules_of(doc)) == {"invalid-role", "missing-final-newline"}
    _, doc, _ = lint(capsys, "--select", "PFT1", "nonl.jsonl")  # replaces select and extend-select
    assert set(rules_of(doc)) == set()  # utf8-bom still ignored by the file; missing-final-newline is off
    _, doc, _ = lint(capsys, "--select", "invalid-role,utf8-bom", "nonl.jsonl")
    assert set(rules_of(doc)) == {"invalid-role"}


def test_isolated_and_explicit_config(project, capsys, tmp_path_factory):
    pyproject(project, 'ignore = ["invalid-role", "utf8-bom"]\n')
    status, doc, _ = lint(capsys)
    assert status == 0 and rules_of(doc) == {}
    status, doc, _ = lint(capsys, "--isolated")
    assert set(rules_of(doc)) == {"invalid-role", "utf8-bom"}
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "strict.toml"
    elsewhere.write_text('fail-on = "warning"\nignore = ["invalid-role"]\n')
    status, doc, _ = lint(capsys, "--config", str(elsewhere))
    assert status == 1 and rules_of(doc) == {"utf8-bom": "warning"}


# -- bad configuration: exit 2, one line naming the key --------------------------

@pytest.mark.parametrize(("body", "words"), [
    ('colour = "red"\n', ["unknown key 'colour'"]),
    ('target = "mars"\n', ["target", "mars", "openai"]),
    ('method = "rlhf"\n', ["method"]),
    ('fail-on = "never"\n', ["fail-on"]),
    ('output-format = "xml"\n', ["output-format", "xml"]),
    ('select = "PFT1"\n', ["select"]),
    ('select = ["PFT9"]\n', ["select", "PFT9"]),
    ('ignore = ["no-such-rule"]\n', ["ignore", "no-such-rule"]),
    ('extend-select = ["nope"]\n', ["extend-select", "nope"]),
    ('[rules.invalid-role]\nseverity = "fatal"\n', ["rules.invalid-role.severity", "fatal"]),
    ('[rules.no-such-rule]\nseverity = "error"\n', ["rules.no-such-rule"]),
    ('[rules.file-too-large]\nmax-megabytes = 3\n', ["rules.file-too-large", "max-megabytes", "max-bytes"]),
    ('[rules.file-too-large]\nmax-bytes = "big"\n', ["rules.file-too-large.max-bytes", "int"]),
    ('rules = 3\n', ["rules"]),
    ('select = [\n', ["invalid TOML"]),
])
def test_bad_config_exits_2_naming_the_key(project, capsys, body, words):
    path = pyproject(project, body)
    status = main(["check"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"pftlint: error: {path}"), err
    for word in words:
        assert word in err, (word, err)


def test_explicit_config_errors(project, capsys):
    (project / "other").mkdir()
    (project / "other" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    for args, words in ((["--config", "other"], ["other", "directory"]),
                        (["--config", "other/pyproject.toml"], ["no [tool.pftlint]"]),
                        (["--config", "missing.toml"], ["missing.toml", "not found"])):
        assert main(["check", *args]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and all(w in err for w in words), err


def test_config_that_is_not_utf8(project, capsys):
    (project / "pftlint.toml").write_bytes(b'target = "\xff"\n')
    assert main(["check"]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_load_config_api(project):
    assert load_config(isolated=True) == (Config(), None)
    pyproject(project, 'fail-on = "info"\n[rules.invalid-role]\nseverity = "warning"\n')
    config, path = load_config()
    assert path == project / "pyproject.toml"
    assert config.fail_on == "info" and config.rules == {"invalid-role": {"severity": "warning"}}
    with pytest.raises(ConfigError):
        load_config("nowhere.toml")


# -- through the console script -----------------------------------------------------

def test_console_script_reads_the_config_of_its_working_directory(project, run_cli):
    pyproject(project, 'ignore = ["invalid-role"]\noutput-format = "json"\n')
    proc = run_cli("check", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert rules_of(json.loads(proc.stdout)) == {"utf8-bom": "warning"}
    proc = run_cli("check", "--isolated", "--output-format", "concise", cwd=project)
    assert proc.returncode == 1 and "PFT301" in proc.stdout


def test_console_script_bad_key(project, run_cli):
    pyproject(project, 'fail_on = "warning"\n')
    proc = run_cli("check", cwd=project)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "unknown key 'fail_on'" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- one path: a file key, a flag and an API keyword are checked alike ----------------------

BAD_VALUES = [  # (key, value, words of the message)
    ("method", "rlhf", "unknown method 'rlhf' (choose from auto, dpo, supervised)"),
    ("method", "", "unknown method ''"),
    ("fail-on", "never", "unknown severity 'never' (choose from error, warning, info)"),
    ("target", "mars", "unknown target 'mars' (choose from azure, fireworks, nova, openai, together, trl, vertex)"),
    ("output-format", "xml", "unknown output format 'xml' (choose from auto, "),
    ("model", "gpt-5", "model 'gpt-5' is not a fine-tunable model pftlint knows"),
    ("model", "ft:gpt-9:org::x", "fine-tuned model 'ft:gpt-9:org::x' has base 'gpt-9'"),
    ("select", ["PFT9"], "'PFT9' matches no rule"),
    ("ignore", ["nope"], "'nope' matches no rule"),
    ("extend-select", ["PFT1", "invalid_role"], "'invalid_role' matches no rule"),
    ("target", 3, "expected a target (azure, fireworks, nova, openai, together, trl, vertex), not an integer 3"),
    ("method", ["dpo"], "expected a method (auto, dpo, supervised), not a list ['dpo']"),
    ("model", 4, "expected a string, not an integer 4"),
    ("validation", True, "expected a string, not a boolean True"),
]
API_KEYWORDS = {"target", "method", "select", "extend-select", "ignore", "model", "rules"}


def _message(call) -> str:
    with pytest.raises(ConfigError) as caught:
        call()
    assert isinstance(caught.value, ValueError)  # what the API promises
    return str(caught.value)


@pytest.mark.parametrize(("key", "value", "words"), BAD_VALUES, ids=lambda v: str(v)[:20])
def test_a_bad_value_reads_the_same_from_a_file_a_flag_and_a_keyword(key, value, words):
    from pftlint.api import make_linter
    from pftlint.profiles.config import validate, with_overrides

    from_file = _message(lambda: validate({key: value}, "pyproject.toml"))
    from_flag = _message(lambda: with_overrides(Config(), {key: value}))
    assert from_file.startswith(f"pyproject.toml: {key}: {words}"), from_file
    assert from_flag == f"--{key}: " + from_file.removeprefix(f"pyproject.toml: {key}: ")
    if key in API_KEYWORDS:
        snake = key.replace("-", "_")
        from_api = _message(lambda: make_linter(**{snake: value}))
        assert from_api == f"keyword {snake}: " + from_file.removeprefix(f"pyproject.toml: {key}: ")


@pytest.mark.parametrize(("rules", "words"), [
    ({"invalid-role": {"severity": "fatal"}}, "rules.invalid-role.severity: unknown severity 'fatal'"),
    ({"no-such-rule": {}}, "rules.no-such-rule: no such rule"),
    ({"file-too-large": {"size": 1}}, "rules.file-too-large: unknown option 'size' (options: max-bytes)"),
    ({"file-too-large": {"max-bytes": True}}, "rules.file-too-large.max-bytes: expected int, got bool True"),
    ({"invalid-role": 3}, "rules.invalid-role: expected a table of settings, not an integer 3"),
    (["invalid-role"], "rules: expected a table of rule names, not a list"),
])
def test_per_rule_settings_read_the_same_from_a_file_and_a_keyword(rules, words):
    from pftlint.api import make_linter
    from pftlint.profiles.config import validate

    assert _message(lambda: validate({"rules": rules}, "pftlint.toml")).startswith(f"pftlint.toml: {words}")
    assert _message(lambda: make_linter(rules=rules)).startswith(f"keyword {words}")


def test_the_first_bad_setting_is_the_one_named():
    from pftlint.profiles.config import with_overrides

    message = _message(lambda: with_overrides(Config(), {"fail-on": "never", "model": "x", "method": "rlhf"}))
    assert message.startswith("--method: ")  # the order of the settings, not of the flags
    assert _message(lambda: with_overrides(Config(), {"model": "x", "output-format": "y"})).startswith(
        "--output-format: ")


@pytest.mark.parametrize(("value", "words"), [
    ("PFT1", "expected a list of rule selectors, not the string 'PFT1'"),
    ([3], "expected rule selectors (strings), not an integer 3"),
    ({"PFT1": True}, "expected a list of rule selectors, not a table"),
])
def test_selectors_must_be_a_list_of_strings(value, words):
    from pftlint.api import make_linter
    from pftlint.profiles.config import validate

    assert _message(lambda: validate({"select": value}, "pyproject.toml")).startswith(f"pyproject.toml: select: {words}")
    assert _message(lambda: make_linter(ignore=value)).startswith(f"keyword ignore: {words}")


def test_every_setting_has_one_check():
    from pftlint.profiles.config import CHECKS, KEYS

    assert tuple(CHECKS) == KEYS


def test_flags_over_a_file_give_what_the_merged_file_gives(project):
    from pftlint.profiles.config import validate, with_overrides

    pyproject(project, 'select = ["PFT1"]\nextend-select = ["invalid-role"]\nignore = ["utf8-bom"]\n'
                       'target = "azure"\n[rules.invalid-role]\nseverity = "info"\n')
    config, path = load_config()
    overrides = {"select": ["PFT3"], "ignore": ["PFT101"], "target": "together", "model": "gpt-4o",
                 "method": "dpo", "fail-on": "info", "output-format": "json", "validation": "v.jsonl"}
    merged = with_overrides(config, overrides)
    assert merged == validate({"select": ["PFT3"], "extend-select": [], "ignore": ["utf8-bom", "PFT101"],
                               "target": "together", "model": "gpt-4o", "method": "dpo", "fail-on": "info",
                               "output-format": "json", "validation": "v.jsonl",
                               "rules": {"invalid-role": {"severity": "info"}}})
    assert with_overrides(config, {"extend-select": ["PFT2"]}).extend_select == ["invalid-role", "PFT2"]
    assert config.select == ["PFT1"] and config.ignore == ["utf8-bom"]  # the file's settings are left alone
