"""The wheel carries the rule catalog and works from a venv outside the repository.

Offline: the wheel is built without build isolation (setuptools >= 70.1 comes
with the test extras), and the fresh venv finds pftlint's dependencies through
a .pth file pointing at this environment's site-packages, so nothing is
downloaded. The venv is not made with --system-site-packages: an editable
install of pftlint there would shadow the wheel under test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from pftlint.engine.catalog import rule_docs, target_names
from pftlint.profiles.model_limits import models

slow = pytest.mark.slow  # building and installing a wheel: about 20 s

SOURCES = ("pyproject.toml", "README.md", "pftlint", "rules")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """Build the wheel from a copy of the sources and install it into a fresh venv; both outside the repo."""
    root = tmp_path_factory.mktemp("packaging")
    assert REPO not in root.parents
    src = root / "src"
    src.mkdir()
    for name in SOURCES:
        origin = REPO / name
        if origin.is_dir():
            shutil.copytree(origin, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(origin, src / name)
    dist = root / "dist"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--no-index", "-w", str(dist), str(src)],
                          capture_output=True, text=True, timeout=600, cwd=root)
    assert proc.returncode == 0, ("building the wheel failed (the test extras bring setuptools>=70.1):\n"
                                  + proc.stdout[-3000:] + proc.stderr[-3000:])
    wheels = list(dist.glob("pftlint-*.whl"))
    assert len(wheels) == 1, wheels

    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    venv_site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                    capture_output=True, text=True, check=True).stdout.strip())
    # pftlint's dependencies, from this environment (after the venv's own site-packages on sys.path)
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (venv_site / "_pftlint_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                           "--no-index", str(wheels[0])], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and "no such option: --python" in proc.stderr:  # pip < 22.3
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                               "--target", str(venv_site), str(wheels[0])], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    script = bindir / ("pftlint.exe" if os.name == "nt" else "pftlint")
    if not script.exists():  # installed with --target: no console script; use the module
        script = None
    work = root / "work"  # the working directory: outside the repository
    work.mkdir()
    shutil.copy2(REPO / "examples" / "broken.jsonl", work / "broken.jsonl")
    shutil.copy2(REPO / "examples" / "clean-dpo.jsonl", work / "clean-dpo.jsonl")
    return {"wheel": wheels[0], "python": python, "script": script, "work": work, "site": venv_site}


def pftlint(installed: dict, *args: str) -> subprocess.CompletedProcess:
    cmd = [str(installed["script"])] if installed["script"] else [str(installed["python"]), "-m", "pftlint"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["NO_COLOR"] = "1"
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=300, cwd=installed["work"], env=env)


@slow
def test_wheel_carries_the_catalog(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    for doc in rule_docs():
        assert f"pftlint/_catalog/{doc.area}/{doc.name}.md" in names, doc.name
    for target in target_names():
        assert f"pftlint/_catalog/targets/{target}.toml" in names
    assert "pftlint/_catalog/SOURCES.md" in names  # the notes the rule documents cite
    assert not any(n.startswith(("tests/", "examples/", "rules/")) for n in names)


@slow
def test_wheel_cites_only_what_it_ships(installed):
    """The documents cite rules/SOURCES.md and public pages, never the reference files users do not have."""
    wheel = zipfile.ZipFile(installed["wheel"])
    for name in wheel.namelist():
        if name.startswith("pftlint/") and name.endswith((".md", ".toml", ".py")):
            text = wheel.read(name).decode("utf-8")
            for banned in ("provider-rules.md", "trainer-formats.md", "../shared"):
                assert banned not in text, f"{name} mentions {banned!r}"


@slow
def test_the_wheels_data_pass_the_strict_checks(installed):
    from test_profiles import SHIPPED_DATA_PROBE  # the shipped-data check of tests/test_profiles.py

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    proc = subprocess.run([str(installed["python"]), "-c", SHIPPED_DATA_PROBE], capture_output=True, text=True,
                          cwd=installed["work"], env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(len(rule_docs())), str(len(target_names())), str(len(models()))]


@slow
def test_installed_copy_is_the_one_that_runs(installed):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    proc = subprocess.run([str(installed["python"]), "-c",
                           "import pftlint, pftlint.engine.catalog as c; print(pftlint.__file__); print(c.catalog_dir())"],
                          capture_output=True, text=True, cwd=installed["work"], env=env)
    assert proc.returncode == 0, proc.stderr
    module, catalog = proc.stdout.split()
    assert Path(module).is_relative_to(installed["site"])
    assert Path(catalog) == installed["site"] / "pftlint" / "_catalog"


@slow
def test_rules_json_from_the_wheel(installed):
    proc = pftlint(installed, "rules", "--output-format", "json")
    assert proc.returncode == 0, proc.stderr
    assert [r["name"] for r in json.loads(proc.stdout)] == [d.name for d in rule_docs()]


@slow
def test_rule_document_from_the_wheel(installed):
    proc = pftlint(installed, "rule", "json-array")
    assert proc.returncode == 0, proc.stderr
    assert "json-array (PFT" in proc.stdout and "Why is this bad?" in proc.stdout


@slow
def test_check_from_the_wheel(installed):
    proc = pftlint(installed, "check", "--output-format", "json", "broken.jsonl")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["files"][0]["path"] == "broken.jsonl"
    assert {"invalid-role", "blank-line"} <= {f["rule"] for f in doc["findings"]}
    proc = pftlint(installed, "check", "clean-dpo.jsonl")
    assert proc.returncode == 0 and "0 errors" in proc.stdout, proc.stdout + proc.stderr


# -- the README's commands and examples ------------------------------------------------------

README = (REPO / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = "pip install -e '.[test]' && python -m pytest"


def test_readme_set_up_commands_come_first_and_ci_runs_the_test_command():
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in first_block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    assert "pip install . && pftlint check examples/" in commands[0]
    example = commands[0].rsplit(" ", 1)[1]
    assert (REPO / example).is_file()
    assert commands[1].endswith(TEST_COMMAND)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in ci and "set -euo pipefail" in ci
    assert os.access(REPO / ".ci" / "run", os.X_OK)


def test_readme_json_example_matches_the_output(run_cli):
    block = README.split("```json\n", 1)[1].split("```", 1)[0]
    example = json.loads(block)
    proc = run_cli("check", "--isolated", "--output-format", "json", "examples/broken.jsonl", cwd=REPO)
    real = json.loads(proc.stdout)
    assert set(example) == set(real)
    # every field the example shows has the real value (a schema version may add fields, never drop one)
    shown = example["findings"][0]
    assert any(shown.items() <= finding.items() for finding in real["findings"]), shown
    for key in ("path", "method", "records", "lines", "bytes"):
        assert example["files"][0][key] == real["files"][0][key], key
    assert {k: v for k, v in example["summary"].items() if k != "seconds"}.items() <= real["summary"].items()


def formats_table() -> str:
    """The README's "Formats and targets" table, from the profiles and wrong-format's own choice of --to."""
    from pftlint.model import formats
    from pftlint.profiles.targets import load_target
    from pftlint.rules.formats import convert_to

    order = ("openai", "azure", "together", "fireworks", "trl", "vertex", "nova")
    targets = [load_target(name) for name in order]
    lines = ["| format | " + " | ".join(f"`{name}`" for name in order) + " |", "|---|" + "---|" * len(order)]
    for fmt in (*formats.METHODS, *formats.FOREIGN):
        cells = []
        for target in targets:
            if fmt in target.formats:
                cells.append("✓")
            elif fmt in formats.NO_CONVERTER:
                cells.append("no converter yet")
            else:
                to = convert_to(fmt, formats.METHOD_OF[fmt], target)
                cells.append(f"`--to {to}`" if to else "no rejected reply")
        lines.append(f"| `{fmt}`: {formats.DESCRIPTIONS[fmt]} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def test_readme_formats_and_targets_table_is_what_the_profiles_and_wrong_format_say():
    section = README.split("\n## Formats and targets\n", 1)[1].split("\n## ", 1)[0]
    start = section.index("| format |")
    shown = section[start:section.index("\n\n", start) + 1]
    assert shown == formats_table()  # regenerate with tests/test_packaging.formats_table() when a profile changes


def test_readme_targets_table_matches_the_profiles():
    from pftlint.model import formats
    from pftlint.profiles.targets import all_targets

    section = README.split("\n## Targets\n", 1)[1].split("\n## ", 1)[0]
    for target in all_targets():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{target.name}`"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert int(cells[1]) == target.min_examples, target.name
        # a profile of a format with its own role names shows them as written (Vertex AI: model)
        written = {chat: own for fmt in target.formats for own, chat in formats.TURN_ROLES.get(fmt, {}).items()}
        assert {r.strip() for r in cells[3].split(",")} == {written.get(r, r) for r in target.roles}, target.name
        assert cells[4].split()[0] == target.severity.get("utf8-bom", "warning"), target.name


def test_readme_trainer_rules_table_matches_the_catalog():
    from pftlint.engine.registry import lookup

    section = README.split("\n### Rules for trainer and platform layouts\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| PFT")]
    assert len(rows) == 8
    for row in rows:
        code, name, severity = [c.strip().strip("`") for c in row.strip("|").split("|")[:3]]
        rule = lookup(code)
        assert rule is not None and rule.name == name and rule.doc.severity == severity, row


def test_readme_option_table_names_every_check_flag(run_cli):
    """Usage's option table is where a user looks a flag up: every flag of `check --help` is in it."""
    import re

    help_text = run_cli("check", "--help").stdout
    flags = set(re.findall(r"^\s+(--[a-z][a-z-]+)", help_text, re.M)) - {"--help"}
    table = README.split("| option | meaning |", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"`(--[a-z][a-z-]+)", table))
    assert flags and not flags - documented, sorted(flags - documented)
