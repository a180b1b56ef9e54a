"""The rule catalog: rule documents and target profiles, read from ``rules/``.

The documents in ``rules/`` are the single source of each rule's code, name,
severity, scope and rationale. A wheel carries that folder as
``pftlint/_catalog``; a source checkout reads it from the repository root.
"""

from __future__ import annotations

import codecs
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..profiles.strict import CatalogError, boolean, build, fail, one_of, string, table_of

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # pftlint/
_FRONT_MATTER = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.S)
_FENCE = re.compile(r"^```jsonl([^\n]*)\n(.*?)^```[ \t]*$", re.S | re.M)
_SECTION = re.compile(r"^## (.+)$", re.M)


def catalog_dir() -> Path:
    """Where the catalog lives: inside the installed package, else the checkout."""
    for candidate in (_PACKAGE_DIR / "_catalog", _PACKAGE_DIR.parent / "rules"):
        if (candidate / "targets").is_dir():
            return candidate
    raise CatalogError("the rule catalog (rules/) is missing from this installation")


@dataclass(frozen=True)
class Example:
    """One ```jsonl block of a rule document."""

    text: str
    bad: bool  # True under "## Example", False under "## Use instead"
    attrs: dict[str, str] = field(default_factory=dict)

    def content(self) -> bytes:
        """The file bytes. ``escaped`` blocks spell bytes as Python escapes (BOM, CRLF)."""
        if "escaped" in self.attrs:
            return codecs.escape_decode(self.text.encode("utf-8"))[0]
        return self.text.encode("utf-8")

    @property
    def filename(self) -> str:
        return self.attrs.get("name", "example.jsonl")


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    severity: str  # error | warning | info
    scope: str  # file | line | record | dataset
    area: str
    enabled: bool
    fixable: bool
    summary: str
    options: dict[str, Any]
    text: str  # the Markdown body, as shown by `pftlint rule`
    path: Path
    examples: tuple[Example, ...]


def _parse_attrs(info: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for token in info.split():
        key, _, value = token.partition("=")
        attrs[key] = value
    return attrs


def _examples(body: str) -> tuple[Example, ...]:
    """Blocks under '## Example' are bad cases; under '## Use instead', good ones."""
    examples = []
    sections = list(_SECTION.finditer(body))
    for i, heading in enumerate(sections):
        title = heading.group(1).strip().lower()
        if title.startswith("example"):
            bad = True
        elif title.startswith("use instead"):
            bad = False
        else:
            continue
        end = sections[i + 1].start() if i + 1 < len(sections) else len(body)
        for block in _FENCE.finditer(body, heading.end(), end):
            examples.append(Example(block.group(2), bad, _parse_attrs(block.group(1))))
    return tuple(examples)


@dataclass(frozen=True)
class FrontMatter:
    """The TOML between a rule document's ``+++`` lines (CONTRIBUTING.md, "Adding a rule")."""

    code: str
    name: str
    severity: str
    scope: str
    summary: str
    enabled: bool = True
    fixable: bool = False
    options: dict[str, Any] = field(default_factory=dict)


def _code(value: Any, where: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"PFT[1-6]\d\d", value):
        fail(where, "a code PFT100 to PFT699", value)
    return value


def _option(value: Any, where: str) -> dict[str, Any]:
    """``[options.<key>]``: a ``default`` (a boolean, number or string: its type is the option's) and a ``help``."""
    if not isinstance(value, dict) or set(value) != {"default", "help"}:
        fail(where, "a table of exactly 'default' and 'help'", value)
    string(value["help"], f"{where}.help")
    if type(value["default"]) not in (bool, int, float, str):
        fail(f"{where}.default", "a boolean, number or string", value["default"])
    return value


_FRONT_MATTER_CHECKS = {
    "code": _code, "name": string, "severity": one_of("error", "warning", "info"),
    "scope": one_of("file", "line", "record", "dataset"), "summary": string, "enabled": boolean,
    "fixable": boolean, "options": table_of(_option),
}


def parse_rule_doc(path: Path) -> RuleDoc:
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise CatalogError(f"{path}: no +++ front matter")
    try:
        meta = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: the front matter is not TOML: {exc}") from None
    front = build(FrontMatter, meta, str(path), _FRONT_MATTER_CHECKS)
    body = text[match.end():].strip() + "\n"
    return RuleDoc(code=front.code, name=front.name, severity=front.severity, scope=front.scope,
                   area=path.parent.name, enabled=front.enabled, fixable=front.fixable, summary=front.summary,
                   options=front.options, text=body, path=path, examples=_examples(body))


@lru_cache(maxsize=1)
def rule_docs() -> tuple[RuleDoc, ...]:
    root = catalog_dir()
    docs = [parse_rule_doc(p) for p in sorted(root.glob("*/*.md")) if p.parent.name != "targets"]
    return tuple(sorted(docs, key=lambda d: d.code))


def load_toml(relative: str) -> dict[str, Any]:
    path = catalog_dir() / relative
    with path.open("rb") as fh:
        return tomllib.load(fh)


def target_names() -> list[str]:
    return sorted(p.stem for p in (catalog_dir() / "targets").glob("*.toml"))
