"""The package's import graph, read from the source with ast (nothing is imported):

- no import cycle between pftlint modules. Every import statement is an edge, wherever it is:
  at module level, inside a function (a lazy import still runs, later) and under
  ``if TYPE_CHECKING:`` (a cycle a type checker follows is still a tangle). Importing
  ``a.b.c`` is an edge to ``a.b.c`` and to each package ``__init__`` on the way that is not the
  importer's own ancestor (Python runs those first);
- no private name used across modules: neither ``from X import _name`` nor ``X._name`` where
  ``X`` is a pftlint module bound by an import. (An attribute of an object, ``linter._state``,
  cannot be seen without types: review catches those.)
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pftlint"

# Private names imported across modules: none (add none).
ALLOWED_PRIVATE: set[tuple[str, str, str]] = set()


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> source file, for every .py file under ``package``."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def analyse(package: Path) -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """(module -> the modules it imports, [(module, other module, private name it uses)])."""
    mods = modules(package)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    private: list[tuple[str, str, str]] = []
    for name, path in mods.items():
        is_package = path.name == "__init__.py"
        own_package = name if is_package else name.rpartition(".")[0]
        ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        bound: dict[str, str] = {}  # local name -> the pftlint module it is bound to

        def edge(target: str) -> None:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                step = ".".join(parts[:i])
                if step in mods and step != name and step not in ancestors:
                    edges[name].add(step)

        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in mods:
                        edge(alias.name)
                        bound[alias.asname or alias.name.split(".")[0]] = (
                            alias.name if alias.asname else alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = own_package.split(".")
                    base = base[:len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                if source not in mods:
                    continue
                edge(source)
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    if submodule in mods:
                        edge(submodule)
                        bound[alias.asname or alias.name] = submodule
                    elif _is_private(alias.name) and source != name:
                        private.append((name, source, alias.name))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in bound and _is_private(node.attr) and bound[node.value.id] != name):
                private.append((name, bound[node.value.id], node.attr))
    return edges, private


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (strongly connected, 2+ modules)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(edges[module]):
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(edges):
        if module not in order:
            visit(module)
    return groups


def test_no_import_cycles():
    edges, _ = analyse(PACKAGE)
    assert cycles(edges) == []


def test_no_private_names_across_modules():
    _, private = analyse(PACKAGE)
    assert [use for use in private if use not in ALLOWED_PRIVATE] == []


def test_the_checks_see_cycles_and_private_names(tmp_path):
    """The checks above could fail: a made-up package with each fault is caught."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import helper\n")
    (pkg / "b.py").write_text("def helper():\n    from . import a  # lazy: still an edge\n")
    (pkg / "c.py").write_text("from .sub import d\nd._hidden()\nfrom .b import _secret\n")
    (pkg / "sub" / "__init__.py").write_text("from .. import c\n")  # c -> sub (its __init__) -> c
    (pkg / "sub" / "d.py").write_text("import pkg.a as a\n_own = 1\nprint(_own)\n")
    (pkg / "e.py").write_text("from . import a\na._x\n")
    edges, private = analyse(pkg)
    assert cycles(edges) == [["pkg.a", "pkg.b"], ["pkg.c", "pkg.sub"]]
    assert sorted(private) == [("pkg.c", "pkg.b", "_secret"), ("pkg.c", "pkg.sub.d", "_hidden"),
                               ("pkg.e", "pkg.a", "_x")]
    assert edges["pkg.sub.d"] == {"pkg.a"}  # its own package's __init__ is no edge


# One concern per module: a module that grows past this has two, and the second gets its own file.
MAX_MODULE_LINES = 500


def test_no_module_is_longer_than_500_lines():
    long = {name: n for name, path in modules(PACKAGE).items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these modules (lines): {long}"
