"""template-error (rules/tokens/template-error): a pair the model's chat template refuses is one finding per
record under --target trl --tokenizer, in the template's own words (escaped), at the part it refuses; the
same records stats counts as not tokenized. Tokenizers trained in fixtures, the console script offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import builders
from hf_helpers import NO_SYSTEM_TEMPLATE, block_sockets, build_tokenizer, offline_env

pytest.importorskip("tokenizers")
pytest.importorskip("jinja2")

SYSTEM = builders.system("Answer in one word.")
USER, BOT = builders.user("how do plants grow?"), builders.assistant("light")
OTHER = builders.assistant("weather")


def row(prompt: list, chosen: list, rejected: list) -> dict:
    return {"prompt": prompt, "chosen": chosen, "rejected": rejected}


ROWS = [
    row([SYSTEM, USER], [BOT], [OTHER]),                                   # 1: the prompt: no system role
    row([USER], [builders.user("light")], [OTHER]),                        # 2: prompt+chosen: two user turns
    row([USER], [OTHER], [builders.user("light")]),                        # 3: prompt+rejected
    row([USER], [builders.user("a")], [builders.user("b")]),               # 4: both sides: one finding
    row([USER], [BOT], [OTHER]),                                           # 5: rendered
    {"prompt": "how do plants grow?", "chosen": " light", "rejected": " weather"},  # 6: text: no template
]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    block_sockets(monkeypatch)


@pytest.fixture(scope="module")
def no_system(tmp_path_factory) -> Path:
    return build_tokenizer(tmp_path_factory.mktemp("model") / "no-system", NO_SYSTEM_TEMPLATE)


def write(path: Path, records) -> Path:
    path.write_bytes(builders.jsonl(records))
    return path


def run(run_cli, tmp_path, *args: str) -> dict:
    proc = run_cli(*args, "--isolated", "--output-format", "json", env=offline_env(tmp_path / "guard"))
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def of(doc: dict) -> list[tuple[int, str | None, str]]:
    return [(f["line"], f["json_path"], f["message"]) for f in doc["findings"] if f["rule"] == "template-error"]


def test_each_refused_record_once_with_the_templates_words_at_the_part_it_refuses(run_cli, tmp_path, no_system):
    data = write(tmp_path / "d.jsonl", ROWS)
    found = of(run(run_cli, tmp_path, "check", "--target", "trl", "--tokenizer", str(no_system), str(data)))
    assert [(line, path) for line, path, _ in found] == [(1, "prompt"), (2, "chosen"), (3, "rejected"), (4, "chosen")]
    assert "System role not supported" in found[0][2] and "in the prompt" in found[0][2]
    assert all("Conversation roles must alternate" in message for _, _, message in found[1:])
    assert "in prompt+rejected" in found[2][2]
    assert all("stops the run before training starts" in message for _, _, message in found)


def test_stats_counts_the_same_records_as_not_tokenized(run_cli, tmp_path, no_system):
    data = write(tmp_path / "d.jsonl", ROWS)
    check = of(run(run_cli, tmp_path, "check", "--target", "trl", "--tokenizer", str(no_system), str(data)))
    (f,) = run(run_cli, tmp_path, "stats", "--target", "trl", "--tokenizer", str(no_system), str(data))["files"]
    assert f["trainer"]["not_tokenized"] == len(check) and f["trainer"]["first_not_tokenized"] == check[0][0]


def test_silent_without_a_tokenizer_and_under_other_targets(run_cli, tmp_path, no_system):
    data = write(tmp_path / "d.jsonl", ROWS)
    assert of(run(run_cli, tmp_path, "check", "--target", "trl", str(data))) == []
    assert of(run(run_cli, tmp_path, "check", "--tokenizer", str(no_system), str(data))) == []  # openai: off
    assert of(run(run_cli, tmp_path, "check", "--tokenizer", str(no_system), "--extend-select", "template-error",
                  str(data))) == []  # selected there, it still says nothing: the budget is TRL's


def test_the_templates_message_is_escaped(run_cli, tmp_path):
    # the template quotes the record's role in its refusal: a role from the data, with a terminal escape
    model = build_tokenizer(tmp_path / "chatml")  # refuses roles other than system, user and assistant
    data = write(tmp_path / "d.jsonl", [row([builders.message("critic\x1b[2J\n::error::x", "hi")], [BOT], [OTHER])])
    proc = run_cli("check", "--isolated", "--target", "trl", "--tokenizer", str(model), "--select", "template-error",
                   "--output-format", "concise", str(data), env=offline_env(tmp_path / "guard"))
    assert proc.returncode == 1, proc.stderr
    (line,) = [line for line in proc.stdout.splitlines() if "PFT505" in line]
    assert "unknown role critic\\x1b[2J" in line and "\x1b" not in proc.stdout
    assert not any(text.startswith("::") for text in proc.stdout.splitlines())  # no workflow command either


def test_stats_says_on_stderr_which_records_were_not_tokenized(run_cli, tmp_path, no_system):
    """Some refused: one stderr line, the others counted (exit 0); every one refused: no figures, exit 1."""
    env = offline_env(tmp_path / "guard")
    some = write(tmp_path / "some.jsonl", ROWS)
    proc = run_cli("stats", "--isolated", "--target", "trl", "--tokenizer", str(no_system), str(some), env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [f"pftlint: {some}: 4 records not tokenized: the chat template refuses them "
                                        "or they are no pair (the first: line 1); pftlint check --target trl "
                                        "--tokenizer ... shows each (template-error)"]
    every = write(tmp_path / "every.jsonl", ROWS[:1])
    proc = run_cli("stats", "--isolated", "--target", "trl", "--tokenizer", str(no_system), str(every), env=env)
    assert proc.returncode == 1 and "1 record not tokenized: the chat template refuses it or it is no pair" in \
        proc.stderr, proc.stderr
