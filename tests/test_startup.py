"""Start-up cost: a plain `pftlint check` imports none of the heavy libraries it does not need.

rich, jsonschema and tiktoken together cost about a fifth of a second per run (every
pre-commit hook and CI job pays it), and pydantic (no longer used: settings are checked
by pftlint.profiles.config) a quarter. Each is imported only when the run needs it: rich for the
table, progress bars and `pftlint rule(s)`, jsonschema for a record with tool
definitions, tiktoken for an example long enough that its tokens must be counted. Each case runs in a fresh
interpreter, since this process has imported them all already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CLEAN = REPO / "examples" / "clean-dpo.jsonl"
HEAVY = ("pydantic", "rich", "jsonschema", "tiktoken")

# main()'s output comes first; the last line is the list of heavy modules it imported.
PROBE = ("import sys, pftlint.cli; status = pftlint.cli.main({argv!r}); "
         "print(sorted(m for m in {heavy!r} if m in sys.modules)); sys.stdout.flush(); sys.exit(status)")


def heavy_imports(*argv: str, cwd: Path = REPO, heavy: tuple[str, ...] = HEAVY,
                  env: dict[str, str] | None = None) -> tuple[list[str], int, str]:
    """(the ``heavy`` modules imported, exit status, stderr) of main(argv) in a new interpreter."""
    code = PROBE.format(argv=list(argv), heavy=heavy)
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO), **(env or {})}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)
    last = proc.stdout.strip().splitlines()[-1]
    return json.loads(last.replace("'", '"')), proc.returncode, proc.stderr


@pytest.fixture
def folder(tmp_path) -> Path:
    """A folder without any configuration file, holding a copy of the clean example."""
    (tmp_path / "clean.jsonl").write_bytes(CLEAN.read_bytes())
    return tmp_path


def test_the_documented_probe_imports_nothing_heavy():
    code = ("import sys, pftlint.cli; pftlint.cli.main(['check', 'examples/clean-dpo.jsonl', '--output-format', "
            "'json']); print(sorted(m for m in ('pydantic','rich','jsonschema','tiktoken') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    *report, last = proc.stdout.strip().splitlines()
    assert json.loads("\n".join(report))["summary"]["records"] == 12  # main's report came first
    assert last == "[]"


@pytest.mark.parametrize("fmt", ["json", "concise", "sarif", "github", None])
def test_check_without_config_imports_nothing_heavy(folder, fmt):
    argv = ["check", "clean.jsonl"] + (["--output-format", fmt] if fmt else [])  # None: auto, in a pipe
    found, status, err = heavy_imports(*argv, cwd=folder)
    assert status == 0, err
    assert found == []


def test_pre_commit_invocation_imports_nothing_heavy(folder):
    (folder / "b.jsonl").write_bytes(CLEAN.read_bytes())
    found, status, err = heavy_imports("check", "clean.jsonl", "b.jsonl", cwd=folder)
    assert status == 0, err
    assert found == []


@pytest.mark.parametrize(("flag", "value", "words"), [
    ("--method", "rlhf", "--method: unknown method 'rlhf' (choose from auto, dpo, supervised)"),
    ("--fail-on", "never", "--fail-on: unknown severity 'never' (choose from error, warning, info)"),
    ("--target", "mars", "--target: unknown target 'mars'"),
    ("--output-format", "xml", "--output-format: unknown output format 'xml'"),
    ("--model", "gpt-5", "--model: model 'gpt-5' is not a fine-tunable model"),
])
def test_bad_flags_without_config_fail_without_pydantic(folder, flag, value, words):
    found, status, err = heavy_imports("check", "clean.jsonl", flag, value, cwd=folder)
    assert status == 2
    assert err.startswith(f"pftlint: error: {words}"), err
    assert "pydantic" not in found


def test_each_heavy_library_comes_when_needed(folder):
    """The probe can fail: the runs that need a library do import it."""
    assert heavy_imports("check", "clean.jsonl", "--output-format", "table", cwd=folder)[0] == ["rich"]
    assert heavy_imports("rules", "--output-format", "table", cwd=folder)[0] == ["rich"]
    assert heavy_imports("rules", cwd=folder)[0] == []  # piped: one line per rule, no table to draw
    (folder / "pftlint.toml").write_text('fail-on = "warning"\n[rules.file-too-large]\nmax-bytes = 9\n')
    assert heavy_imports("check", "clean.jsonl", "--output-format", "json", cwd=folder)[:2] == ([], 1)
    (folder / "pftlint.toml").unlink()  # a configuration file is read and checked without pydantic
    # patternProperties needs the metaschema check (a schema of common keywords only is checked without it)
    params = {"type": "object", "patternProperties": {"^x": {"type": "string"}}}
    tools = [{"type": "function", "function": {"name": "f", "parameters": params}}]
    rows = [json.loads(line) for line in CLEAN.read_text().splitlines()]
    with_tools = [{**r, "input": {**r["input"], "tools": tools}} for r in rows]  # DPO: tools sit in input
    (folder / "tools.jsonl").write_text("".join(json.dumps(r) + "\n" for r in with_tools))
    assert heavy_imports("check", "tools.jsonl", "--output-format", "json", cwd=folder)[0] == ["jsonschema"]
    long = {**rows[0], "input": {"messages": [{"role": "user", "content": "word " * 14_000}]}}  # 70 kB
    (folder / "long.jsonl").write_text("".join(json.dumps(r) + "\n" for r in [long, *rows[1:]]))
    assert heavy_imports("check", "long.jsonl", "--output-format", "json", cwd=folder)[0] == ["tiktoken"]


def test_a_small_file_with_a_token_model_loads_no_tokenizer(folder):
    found, status, err = heavy_imports("check", "clean.jsonl", "--model", "gpt-4.1-mini", "--output-format", "json",
                                       cwd=folder, heavy=(*HEAVY, "gzip"))
    assert status == 0, err
    assert found == []  # the token rule bounds each example by its size: nothing to count


def test_a_warm_tokenizer_cache_skips_the_gzip_and_the_hash_check(folder, tmp_path):
    """The first run that counts tokens verifies and parses the rank file (gzip); later runs read the cache."""
    rows = [json.loads(line) for line in CLEAN.read_text().splitlines()]
    long = {**rows[0], "input": {"messages": [{"role": "user", "content": "word " * 14_000}]}}  # 70 kB
    (folder / "long.jsonl").write_text("".join(json.dumps(r) + "\n" for r in [long, *rows[1:]]))
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    argv = ("check", "long.jsonl", "--output-format", "json")
    cold, status, err = heavy_imports(*argv, cwd=folder, heavy=("tiktoken", "gzip"), env=env)
    assert status == 0 and cold == ["gzip", "tiktoken"], err
    assert list((tmp_path / "cache" / "pftlint").iterdir())  # the parsed ranks were kept
    warm, status, err = heavy_imports(*argv, cwd=folder, heavy=("tiktoken", "gzip"), env=env)
    assert status == 0 and warm == ["tiktoken"], err
