"""Rules as users see them: a catalog document joined with its implementation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..rules import Implementation, implementations
from . import catalog
from .findings import Severity


@dataclass(frozen=True)
class Rule:
    doc: catalog.RuleDoc
    impl: Implementation

    @property
    def code(self) -> str:
        return self.doc.code

    @property
    def name(self) -> str:
        return self.doc.name

    @property
    def severity(self) -> Severity:
        return Severity(self.doc.severity)

    def to_dict(self) -> dict:
        from ..profiles.targets import all_targets

        return {
            "code": self.code,
            "name": self.name,
            "area": self.doc.area,
            "scope": self.doc.scope,
            "severity": self.doc.severity,
            "enabled": self.doc.enabled,
            "fixable": self.doc.fixable,
            "summary": self.doc.summary,
            "methods": list(self.impl.methods),
            "targets": {t.name: t.severity.get(self.name, self.doc.severity) for t in all_targets()},
            "options": self.doc.options,
        }


class RegistryError(Exception):
    pass


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every rule, by code. Fails loudly if a document and the code disagree."""
    impls = implementations()
    rules = []
    for doc in catalog.rule_docs():
        impl = impls.get(doc.name)
        if impl is None:
            raise RegistryError(f"rule document {doc.path.name} has no implementation")
        rules.append(Rule(doc, impl))
    # An implementation without a document is not a rule yet: it never runs
    # (tests/test_catalog.py fails until its document exists).
    return tuple(rules)


def undocumented() -> list[str]:
    documented = {doc.name for doc in catalog.rule_docs()}
    return sorted(set(implementations()) - documented)


def lookup(key: str) -> Rule | None:
    """A rule by exact code (case-insensitive) or name."""
    key_upper = key.upper()
    for rule in all_rules():
        if rule.code == key_upper or rule.name == key:
            return rule
    return None
