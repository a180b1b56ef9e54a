"""Which rules run, at which severity, with which options.

Selectors are a rule code (``PFT301``), a code prefix (``PFT3``, ``PFT``),
a rule name (``invalid-role``) or ``ALL``. As in flake8 and ruff, the most
specific selector wins when ``select`` and ``ignore`` overlap; on a tie,
``ignore`` wins. Rules that are off by default (and rules a target profile
turns off) run only when named exactly, by code or name, or with ``ALL``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..errors import PftlintError
from ..profiles.targets import Target
from ..util.suggest import did_you_mean
from .findings import Severity
from .registry import Rule, all_rules

EXACT = 1000


class SelectionError(PftlintError, ValueError):
    """A rule selector or per-rule setting that names no rule or does not fit it (a ValueError for the API)."""


@dataclass(frozen=True)
class ActiveRule:
    rule: Rule
    severity: Severity
    options: dict[str, Any]


def _specificity(selector: str, rule: Rule) -> int | None:
    if selector == rule.name or selector.upper() == rule.code:
        return EXACT
    upper = selector.upper()
    if upper == "ALL":
        return 0
    if rule.code.startswith(upper):
        return len(upper)
    return None


def _best(selectors: Iterable[str], rule: Rule) -> int | None:
    scores = [s for s in (_specificity(sel, rule) for sel in selectors) if s is not None]
    return max(scores) if scores else None


def check_selectors(selectors: Iterable[str], setting: str) -> None:
    rules = all_rules()
    for sel in selectors:
        if not any(_specificity(sel, r) is not None for r in rules):
            raise SelectionError(f"{setting}: {sel!r} matches no rule (see `pftlint rules`){_suggestion(sel, rules)}")


def _suggestion(selector: str, rules: list[Rule]) -> str:
    """A rule name close to a misspelt one; a code prefix that matches nothing gets none (PFT9 is no typo of PFT301)."""
    if selector.upper().startswith("PFT"):
        return ""
    return did_you_mean(selector, [r.name for r in rules])


def matched(selectors: Iterable[str], active: dict[str, "ActiveRule"]) -> frozenset[str]:
    """The names of the active rules any of ``selectors`` names (for per-file-ignores: any match counts)."""
    selectors = list(selectors)
    return frozenset(name for name, a in active.items() if _best(selectors, a.rule) is not None)


def rule_options(rule: Rule, given: dict[str, Any], where: str = "") -> dict[str, Any]:
    """The rule's options: its documented defaults with ``given`` on top, each known and of its default's type.

    ``where`` names the settings table in errors (default ``rules.<name>``).
    """
    where = where or f"rules.{rule.name}"
    declared = rule.doc.options
    options = {key: spec["default"] for key, spec in declared.items()}
    for key, value in given.items():
        if key == "severity":
            continue
        if key not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise SelectionError(f"{where}: unknown option {key!r} (options: {known}){did_you_mean(key, declared)}")
        default = declared[key]["default"]
        expected = float if isinstance(default, float) else type(default)
        if isinstance(value, bool) != isinstance(default, bool) or not isinstance(value, (expected, int) if expected is float else expected):
            raise SelectionError(
                f"{where}.{key}: expected {expected.__name__}, got {type(value).__name__} {value!r}")
        options[key] = value
    return options


def resolve(
    target: Target,
    select: list[str] | None = None,
    extend_select: list[str] = (),
    ignore: list[str] = (),
    per_rule: dict[str, dict[str, Any]] | None = None,
) -> dict[str, ActiveRule]:
    """The active rules, keyed by name."""
    per_rule = per_rule or {}
    for setting, sels in (("select", select or []), ("extend-select", extend_select), ("ignore", ignore)):
        check_selectors(sels, setting)
    by_name = {r.name: r for r in all_rules()}
    for key in per_rule:
        if key not in by_name:
            raise SelectionError(f"rules.{key}: no such rule (see `pftlint rules`)")
    active = {}
    for rule in all_rules():
        target_level = target.severity.get(rule.name)
        default_on = rule.doc.enabled and target_level != "off"
        chosen = _best(select, rule) if select is not None else (0 if default_on else None)
        extra = _best(extend_select, rule)
        if extra is not None and (chosen is None or extra > chosen):
            chosen = extra
        if chosen is None:
            continue
        if not default_on and chosen != EXACT and not (chosen == 0 and _names_all(select, extend_select)):
            continue
        dropped = _best(ignore, rule)
        if dropped is not None and dropped >= chosen:
            continue
        settings = per_rule.get(rule.name, {})
        level = settings.get("severity") or (target_level if target_level not in (None, "off") else None)
        severity = Severity(level) if level else rule.severity
        active[rule.name] = ActiveRule(rule, severity, rule_options(rule, settings))
    return active


def _names_all(select: list[str] | None, extend_select: Iterable[str]) -> bool:
    return any(s.upper() == "ALL" for s in list(select or []) + list(extend_select))
