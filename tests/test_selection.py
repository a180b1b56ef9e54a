"""Rule selection: select / extend-select / ignore by code, prefix, name or ALL; severities; options."""

from __future__ import annotations

import pytest

from pftlint.engine.findings import Severity
from pftlint.engine.registry import all_rules
from pftlint.engine.selection import SelectionError, check_selectors, resolve
from pftlint.profiles.targets import load_target

OPENAI = load_target("openai")
RULES = all_rules()
DEFAULT_ON = {r.name for r in RULES if r.doc.enabled and OPENAI.severity.get(r.name) != "off"}
OFF = {r.name for r in RULES if not r.doc.enabled}


def names(**kwargs) -> set[str]:
    return set(resolve(kwargs.pop("target", OPENAI), **kwargs))


def test_defaults_are_the_enabled_rules():
    assert names() == DEFAULT_ON
    assert {"crlf-line-endings", "missing-final-newline"} <= OFF
    assert not OFF & names()


def test_select_by_code_prefix_name_and_all():
    assert names(select=["PFT301"]) == {"invalid-role"}
    assert names(select=["pft301"]) == {"invalid-role"}
    assert names(select=["invalid-role", "blank-line"]) == {"invalid-role", "blank-line"}
    assert names(select=["PFT3"]) == {r.name for r in RULES if r.code.startswith("PFT3")} - OFF
    assert names(select=["PFT"]) == DEFAULT_ON
    assert names(select=["ALL"]) == {r.name for r in RULES}  # ALL turns on the off-by-default rules too


def test_off_by_default_rules_need_an_exact_selector():
    assert "crlf-line-endings" not in names(select=["PFT1"])
    assert "crlf-line-endings" in names(extend_select=["crlf-line-endings"])
    assert "crlf-line-endings" in names(extend_select=[_code("crlf-line-endings")])


def _code(name: str) -> str:
    return next(r.code for r in RULES if r.name == name)


def test_extend_select_adds_to_select():
    assert names(select=["invalid-role"], extend_select=["blank-line"]) == {"invalid-role", "blank-line"}
    assert names(extend_select=["missing-final-newline"]) == DEFAULT_ON | {"missing-final-newline"}


def test_most_specific_selector_wins_and_ignore_wins_ties():
    # ignore a whole area but keep one rule of it: the exact select is more specific
    assert names(select=["PFT3", "invalid-role"], ignore=["PFT3"]) == {"invalid-role"}
    assert names(select=["invalid-role"], ignore=["PFT3"]) == {"invalid-role"}
    assert names(select=["PFT30"], ignore=["PFT3"]) == {r.name for r in RULES if r.code.startswith("PFT30")} - OFF
    assert names(select=["PFT3"], ignore=["PFT3"]) == set()  # tie: ignore wins
    assert names(select=["invalid-role"], ignore=["invalid-role"]) == set()
    assert names(ignore=["ALL"]) == set()
    assert names(ignore=["PFT1"]) == DEFAULT_ON - {r.name for r in RULES if r.code.startswith("PFT1")}


def test_unknown_selectors_are_errors():
    for bad in (["nope"], ["PFT9"], ["PFT1", "invalid_role"]):
        with pytest.raises(SelectionError):
            check_selectors(bad, "select")
        with pytest.raises(SelectionError, match="ignore"):
            resolve(OPENAI, ignore=bad)
    check_selectors(["ALL", "pft1", "invalid-role", "PFT301"], "select")


def test_severities_from_rule_target_and_config():
    bom = "utf8-bom"
    assert resolve(OPENAI)[bom].severity == Severity(OPENAI.severity.get(bom, "warning"))
    assert resolve(load_target("together"))[bom].severity is Severity.ERROR
    assert bom not in resolve(load_target("azure"))  # the azure profile turns it off
    assert bom in resolve(load_target("azure"), extend_select=[bom])  # unless named
    assert resolve(OPENAI, per_rule={"invalid-role": {"severity": "info"}})["invalid-role"].severity is Severity.INFO
    rule = next(r for r in RULES if r.name == "invalid-role")
    assert resolve(OPENAI)["invalid-role"].severity is rule.severity


def test_options():
    active = resolve(OPENAI)["file-too-large"]
    assert active.options == {"max-bytes": 0}
    assert resolve(OPENAI, per_rule={"file-too-large": {"max-bytes": 10}})["file-too-large"].options == {"max-bytes": 10}
    with pytest.raises(SelectionError, match="unknown option 'size'"):
        resolve(OPENAI, per_rule={"file-too-large": {"size": 10}})
    with pytest.raises(SelectionError, match="expected int"):
        resolve(OPENAI, per_rule={"file-too-large": {"max-bytes": "10"}})
    with pytest.raises(SelectionError, match="expected int"):
        resolve(OPENAI, per_rule={"file-too-large": {"max-bytes": True}})
    with pytest.raises(SelectionError, match="no such rule"):
        resolve(OPENAI, per_rule={"no-such-rule": {}})
