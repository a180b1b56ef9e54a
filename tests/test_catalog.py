"""The rule catalog is the documentation: every document's examples run through the engine.

A bad example ("## Example") must produce findings of exactly that rule; a good
one ("## Use instead") must produce no finding at all, with every default rule on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pftlint.api import make_linter
from conftest import REPO
from pftlint.engine.catalog import catalog_dir, rule_docs, tomllib
from pftlint.engine.findings import Report
from pftlint.engine.registry import all_rules
from pftlint.rules import implementations

DOCS = rule_docs()
CASES = [
    pytest.param(doc, example, id=f"{doc.code}-{doc.name}-{'bad' if example.bad else 'good'}{i}")
    for doc in DOCS
    for i, example in enumerate(doc.examples)
]
AREAS = {"1": "structure", "2": "shape", "3": "messages", "4": "content", "5": "tokens", "6": "dataset"}
# Dataset-size rules would flag every short example; they are tested by their own examples.
NOISY = {"too-few-examples"}


def _option_attrs(attrs: dict[str, str]) -> dict:
    return {k.split(".", 1)[1]: tomllib.loads(f"v = {v}")["v"] for k, v in attrs.items() if k.startswith("options.")}


def _validation_partner(doc, example):
    """A block with ``validation=NAME`` is linted with the block named NAME of its section as validation file."""
    for other in doc.examples:
        if other is not example and other.bad == example.bad and (
                other.filename == example.attrs.get("validation") or other.attrs.get("validation") == example.filename):
            return other
    return None


@pytest.fixture(scope="session")
def catalog_tokenizer(tmp_path_factory):
    """The tokenizer an example names with ``tokenizer=NAME``: the test tokenizer with that chat template
    (tests/hf_helpers.CATALOG_TEMPLATES), built once; such examples are skipped without the hf extra."""
    built: dict[str, str] = {}

    def get(name: str) -> str:
        pytest.importorskip("tokenizers")
        pytest.importorskip("jinja2")
        from hf_helpers import CATALOG_TEMPLATES, build_tokenizer

        if name not in built:
            built[name] = str(build_tokenizer(tmp_path_factory.mktemp("catalog") / name, CATALOG_TEMPLATES[name]))
        return built[name]

    return get


def lint_example(doc, example, tokenizer=None):
    """``tokenizer``: the path of the tokenizer the example names (its ``tokenizer=`` attribute), or None."""
    attrs = example.attrs
    options = _option_attrs(attrs)
    partner = _validation_partner(doc, example)
    valid = (partner if "validation" in attrs else example) if partner is not None else None
    if valid is not None:
        options["validation"] = valid.filename
    linter = make_linter(
        target=attrs.get("target", "openai"),
        model=attrs.get("model"),
        method=attrs.get("method", "auto"),
        extend_select=[doc.name],
        ignore=sorted(NOISY - {doc.name}),
        rules={doc.name: options} if options else None,
        tokenizer=tokenizer,
    )
    if valid is None:
        return linter.lint_bytes(example.content(), attrs.get("name", "example.jsonl"))
    train = partner if valid is example else example
    results = [linter.lint_bytes(e.content(), e.filename) for e in (valid, train)]  # validation first, as check does
    linter.finish(Report(files=results))
    return results[0] if valid is example else results[1]


@pytest.mark.parametrize(("doc", "example"), CASES)
def test_documented_example(doc, example, catalog_tokenizer):
    name = example.attrs.get("tokenizer")
    result = lint_example(doc, example, catalog_tokenizer(name) if name else None)
    found = sorted({f.rule for f in result.findings})
    detail = "\n".join(f"  {f.line}:{f.column} {f.rule}: {f.message}" for f in result.findings)
    if example.bad:
        assert found == [doc.name], f"bad example should trigger only {doc.name}:\n{detail}"
    else:
        assert found == [], f"good example should be clean:\n{detail}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.name)
def test_document_layout(doc):
    text = doc.text
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in text, f"{doc.path.name} lacks {heading!r}"
    assert text.startswith(f"# {doc.name} ({doc.code})\n")
    assert any(e.bad for e in doc.examples) and any(not e.bad for e in doc.examples)
    assert doc.severity in ("error", "warning", "info")
    assert doc.scope in ("file", "line", "record", "dataset")
    assert doc.path.stem == doc.name
    assert re.fullmatch(r"PFT[1-9]\d\d", doc.code)
    assert AREAS[doc.code[3]] == doc.area, f"{doc.code} belongs in rules/{AREAS[doc.code[3]]}/"
    assert re.search(r"SOURCES\.md\s+§", text), "cite the provider behaviour: SOURCES.md §<section> (rules/SOURCES.md)"
    assert "](https://" in text, "link the provider's (or trainer's) own page for the behaviour"
    for key, spec in doc.options.items():
        assert "default" in spec and "help" in spec, f"option {key} needs default and help"


def test_codes_and_names_are_unique_and_implemented():
    from pftlint.engine.registry import undocumented

    rules = all_rules()  # raises when a document has no implementation
    assert undocumented() == [], "implemented rules need a document in rules/"
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    assert set(implementations()) == {r.name for r in rules}


# -- citations: rules/SOURCES.md is the catalog's own notes; users do not have ../shared -------

SOURCES = REPO / "rules" / "SOURCES.md"
_HEADING = re.compile(r"^#{2,3} §(\d+[a-z]?)\.", re.M)
_POINT = re.compile(r"^- \*\*([A-Z][A-Za-z]*\d*)\*\*", re.M)
_ID = r"(?:[A-Z]\d+|Azure|Together|Fireworks)"
_CITATION = re.compile(rf"§(\d+[a-z]?)(?:\s+({_ID}(?:(?:/|, ){_ID})*))?")


def source_anchors() -> dict[str, set[str]]:
    """Each section of SOURCES.md (§1, §1a, ..., §6) and the ids of its points (F1, E10, D7, Azure, ...)."""
    text = SOURCES.read_text(encoding="utf-8")
    headings = list(_HEADING.finditer(text))
    anchors = {}
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        anchors[heading.group(1)] = set(_POINT.findall(text, heading.end(), end))
    return anchors


def citations(text: str) -> list[tuple[str, str | None]]:
    """(section, point) for every § citation: '§1a F4/F6' gives ('1a', 'F4') and ('1a', 'F6')."""
    found = []
    for match in _CITATION.finditer(text):
        points = re.split(r"/|, ", match.group(2)) if match.group(2) else [None]
        found.extend((match.group(1), point) for point in points)
    return found


def _cited_files() -> list[Path]:
    """The catalog (rule documents, target profiles, models.toml) and the package's sources."""
    return [*sorted((REPO / "rules").rglob("*.md")), *sorted((REPO / "rules").rglob("*.toml")),
            *sorted((REPO / "pftlint").rglob("*.py"))]


def test_sources_is_not_a_rule_document():
    assert (catalog_dir() / "SOURCES.md").is_file()
    assert all(doc.path.name != "SOURCES.md" for doc in DOCS)
    assert len(DOCS) == len(list((REPO / "rules").glob("*/*.md")))


def test_sources_sections_and_points():
    anchors = source_anchors()
    assert {"1", "1a", "1b", "1c", "1d", "1e", "1f", "2", "3", "4", "5", "6"} <= set(anchors)
    assert {f"F{i}" for i in range(1, 14)} <= anchors["1a"]
    assert {f"E{i}" for i in range(1, 14)} <= anchors["3"]
    assert {"Azure", "Together", "Fireworks"} <= anchors["4"]
    assert {f"D{i}" for i in range(1, 11)} | {f"U{i}" for i in range(1, 12)} <= anchors["5"]


@pytest.mark.parametrize("path", _cited_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_citation_is_an_anchor_of_sources(path):
    text = path.read_text(encoding="utf-8")
    anchors = source_anchors()
    for section, point in citations(text):
        assert section in anchors, f"{path.name} cites §{section}, which rules/SOURCES.md does not have"
        assert point is None or point in anchors[section], \
            f"{path.name} cites §{section} {point}, which rules/SOURCES.md §{section} does not have"


@pytest.mark.parametrize("path", _cited_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_shipped_files_do_not_cite_the_reference_folder(path):
    text = path.read_text(encoding="utf-8")
    for banned in ("provider-rules.md", "trainer-formats.md", "../shared", "shared/reference"):
        assert banned not in text, f"{path.relative_to(REPO)} mentions {banned!r}: cite rules/SOURCES.md"


_OPTION_READ = re.compile(r"""options(?:\.get\(|\[)\s*["']([a-z-]+)["']""")


def test_rules_read_only_documented_options_filled_in_by_the_engine():
    """Option defaults live in the rule documents; rule code reads ``options["key"]``, never a default of its own."""
    documented = {key for doc in rule_docs() for key in doc.options}
    for path in sorted((REPO / "pftlint" / "rules").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "options.get(" not in text, f"{path.name}: read options[key]; the engine fills in the documented default"
        for key in _OPTION_READ.findall(text):
            assert key in documented, f"{path.name} reads option {key!r}, which no rule document declares"
