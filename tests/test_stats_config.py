"""``pftlint stats`` counts each file with the settings of its closest configuration, as ``check`` checks it
(target, model, tokenizer, max-length, truncation-mode, exclude), with --config and --isolated for every file and
the flags on top; through the real console script, two folders holding different configurations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import builders
from hf_helpers import build_tokenizer, offline_env
from pftlint.profiles.targets import load_target

pytest.importorskip("tokenizers")
pytest.importorskip("jinja2")

PAIRS = [("how do plants grow? the weather in Oslo is cold and wet today", "with light",
          "with light and water, and the weather in Oslo is cold and wet today"),
         ("hello, how can I help you today?", "with light and water and the weather", "with light")]


OPENAI = load_target("openai")
DEFAULT_MODEL, MINI = OPENAI.default_model, OPENAI.with_model("gpt-4.1-mini").default_model


def write(path: Path, records) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(builders.jsonl(records))
    return path


@pytest.fixture
def folders(tmp_path) -> Path:
    """api/ (OpenAI pairs, a model, an excluded folder) and trainer/ (TRL pairs, a tokenizer, max-length 20)."""
    build_tokenizer(tmp_path / "tok")
    write(tmp_path / "api" / "prefs.jsonl", [builders.dpo(*p) for p in PAIRS])
    write(tmp_path / "api" / "old" / "prefs.jsonl", [builders.dpo(*p) for p in PAIRS])
    (tmp_path / "api" / "pftlint.toml").write_text('model = "gpt-4.1-mini"\nexclude = ["old"]\n', encoding="utf-8")
    write(tmp_path / "trainer" / "prefs.jsonl", [builders.trl(*p, conversational=True) for p in PAIRS])
    (tmp_path / "trainer" / "pyproject.toml").write_text(
        '[tool.pftlint]\ntarget = "trl"\ntokenizer = "../tok"\nmax-length = 20\ntruncation-mode = "keep_end"\n',
        encoding="utf-8")
    return tmp_path


def stats(run_cli, cwd: Path, *args: str, output: str = "json"):
    # a wide table: the configuration's absolute path (wherever the tests run) stays on one line
    env = {**offline_env(cwd / "guard"), "COLUMNS": "1000"}
    proc = run_cli("stats", "--output-format", output, *args, cwd=cwd, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout) if output == "json" else proc.stdout


def by_path(doc: dict) -> dict:
    return {Path(f["path"]).as_posix(): f for f in doc["files"]}


def figures(f: dict) -> dict:
    """A file's counts, less the settings it names."""
    return {k: v for k, v in f.items() if k != "settings"}


def test_each_folder_is_counted_with_its_own_configuration(run_cli, folders):
    doc = stats(run_cli, folders, "api", "trainer")
    files = by_path(doc)
    assert list(files) == ["api/prefs.jsonl", "trainer/prefs.jsonl"]  # api/old is excluded by api's settings
    assert (doc["target"], doc["model"]) == ("openai", DEFAULT_MODEL)  # the working directory's: none
    api, trainer = files["api/prefs.jsonl"], files["trainer/prefs.jsonl"]
    assert api["settings"]["model"] == MINI and "trainer" not in api
    assert Path(api["settings"]["config"]).name == "pftlint.toml"
    assert trainer["settings"]["target"] == "trl" and Path(trainer["settings"]["config"]).name == "pyproject.toml"
    assert trainer["settings"]["trainer"]["max_length"] == 20
    assert (trainer["trainer"]["max_length"], trainer["trainer"]["truncation_mode"]) == (20, "keep_end")
    # the same figures as a run of each configuration alone
    alone = by_path(stats(run_cli, folders, "--config", "api/pftlint.toml", "api/prefs.jsonl"))
    assert figures(api) == alone["api/prefs.jsonl"] and "settings" not in alone["api/prefs.jsonl"]
    alone = by_path(stats(run_cli, folders, "--config", "trainer/pyproject.toml", "trainer/prefs.jsonl"))
    assert figures(trainer) == alone["trainer/prefs.jsonl"]


def test_a_file_is_counted_with_its_configuration_whatever_the_working_directory(run_cli, folders):
    doc = stats(run_cli, folders / "api", "prefs.jsonl", "../trainer/prefs.jsonl")
    api, trainer = doc["files"]
    assert "settings" not in api and doc["model"] == MINI  # the working directory's own
    assert trainer["settings"]["target"] == "trl" and trainer["trainer"]["max_length"] == 20


def test_isolated_and_config_give_every_file_the_same_settings_and_flags_go_on_top(run_cli, folders):
    isolated = stats(run_cli, folders, "--isolated", "api", "trainer")
    assert sorted(by_path(isolated)) == ["api/old/prefs.jsonl", "api/prefs.jsonl", "trainer/prefs.jsonl"]
    assert all("settings" not in f and "trainer" not in f for f in isolated["files"])
    forced = stats(run_cli, folders, "--config", "trainer/pyproject.toml", "api", "trainer")
    assert all("settings" not in f and f["trainer"]["max_length"] == 20 for f in forced["files"])
    flagged = by_path(stats(run_cli, folders, "--max-length", "12", "--truncation-mode", "keep_start",
                            "api", "trainer"))
    assert flagged["trainer/prefs.jsonl"]["trainer"]["max_length"] == 12
    assert flagged["trainer/prefs.jsonl"]["trainer"]["truncation_mode"] == "keep_start"
    assert flagged["api/prefs.jsonl"]["settings"]["model"] == MINI


def test_the_table_and_the_markdown_say_which_settings_counted_a_file(run_cli, folders):
    table = stats(run_cli, folders, "api", "trainer", output="table")
    assert "pyproject.toml" in table and "pftlint.toml" in table and "max_length 20" in table
    markdown = stats(run_cli, folders, "api", "trainer", output="markdown")
    assert markdown.count("Counted with its own settings from `") == 2
    assert "target trl; tokenizer `" in markdown and "max_length 20" in markdown
