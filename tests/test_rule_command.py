"""`pftlint rule NAME`: the document, and an Options section a user can paste into a configuration."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import REPO
from pftlint.engine.catalog import tomllib
from pftlint.engine.registry import all_rules

RULES_WITH_OPTIONS = [r.name for r in all_rules() if r.doc.options]


def toml_block(text: str) -> str:
    """The configuration block printed under Options (Rich indents code blocks by one space)."""
    part = text.split("Options", 1)[1]
    lines = [line.strip() for line in part.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("[tool.pftlint.rules."))
    block = []
    for line in lines[start:]:
        if not line:
            break
        block.append(line)
    return "\n".join(block) + "\n"


def test_some_rules_have_options():
    assert len(RULES_WITH_OPTIONS) >= 4


@pytest.mark.parametrize("name", RULES_WITH_OPTIONS)
def test_options_section_lists_every_option_and_its_snippet_is_a_valid_config(name, run_cli, tmp_path):
    rule = next(r for r in all_rules() if r.name == name)
    shown = run_cli("rule", name, env={"COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    for key, option in rule.doc.options.items():
        assert re.search(rf"{re.escape(key)} \(default .+\): {re.escape(option['help'][:40])}", shown.stdout), key
    snippet = toml_block(shown.stdout)
    assert tomllib.loads(snippet)["tool"]["pftlint"]["rules"][name] == \
        {key: option["default"] for key, option in rule.doc.options.items()}
    # pasted into a project, the snippet is accepted as it stands
    (tmp_path / "pyproject.toml").write_text(snippet, encoding="utf-8")
    shutil.copy(REPO / "examples" / "clean-dpo.jsonl", tmp_path / "train.jsonl")
    checked = run_cli("check", "--no-color", "train.jsonl", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # the defaults change nothing


def test_a_rule_without_options_has_no_options_section(run_cli):
    name = next(r.name for r in all_rules() if not r.doc.options)
    shown = run_cli("rule", name)
    assert shown.returncode == 0 and "Options" not in shown.stdout


def test_an_unknown_rule_gets_a_did_you_mean(run_cli):
    proc = run_cli("rule", "invalid-rol")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("pftlint: error: no rule named 'invalid-rol'; did you mean 'invalid-role'? "
                                   "(see `pftlint rules`)")
    assert "did you mean" not in run_cli("rule", "zzzz").stderr  # nothing close: no guess
