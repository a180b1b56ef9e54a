"""An empty rule selector is a usage error, not "no rule": on the command line and in a configuration
file (pftlint.profiles.config checks selectors in one place), through the console script."""

from __future__ import annotations

import pytest

from conftest import REPO

CLEAN = str(REPO / "examples" / "clean-dpo.jsonl")


@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select"])
@pytest.mark.parametrize("value", ["", ",", " "])
def test_an_empty_flag_is_a_usage_error(run_cli, flag, value):
    proc = run_cli("check", "--isolated", f"{flag}={value}", CLEAN)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"pftlint: error: {flag}: empty; name rules or codes (ALL for every rule)\n"


@pytest.mark.parametrize("body", ['select = []', 'select = [""]', 'ignore = ["PFT1", " "]', 'extend-select = [""]'])
def test_an_empty_selector_in_the_configuration_is_an_error(run_cli, tmp_path, body):
    (tmp_path / "pftlint.toml").write_text(body + "\n", encoding="utf-8")
    (tmp_path / "train.jsonl").write_bytes((REPO / "examples" / "clean-dpo.jsonl").read_bytes())
    proc = run_cli("check", "train.jsonl", cwd=tmp_path)
    key = body.split(" =")[0]
    assert proc.returncode == 2 and proc.stderr.startswith("pftlint: error: ")
    assert proc.stderr.endswith(f"pftlint.toml: {key}: empty; name rules or codes (ALL for every rule)\n")


def test_an_empty_list_of_more_rules_in_a_file_adds_or_skips_nothing(run_cli, tmp_path):
    (tmp_path / "pftlint.toml").write_text("ignore = []\nextend-select = []\n", encoding="utf-8")
    (tmp_path / "train.jsonl").write_bytes((REPO / "examples" / "clean-dpo.jsonl").read_bytes())
    assert run_cli("check", "train.jsonl", cwd=tmp_path).returncode == 0
    proc = run_cli("check", "--select", "PFT1,", CLEAN)  # a trailing comma is no empty selector
    assert proc.returncode == 0, proc.stderr
