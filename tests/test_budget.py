"""TRL's budget with the model's own tokenizer (rules/tokens/prompt-too-long, reply-truncated, prompt-not-prefix,
and special-token-in-content with --tokenizer): a tokenizer trained in a fixture, a fake local Hugging Face
cache for the model-id form, and the real console script with the network blocked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hf_helpers import BOS, block_sockets, build_tokenizer, fake_cache, offline_env

pytest.importorskip("tokenizers")
pytest.importorskip("jinja2")

from pftlint.tokens import hf  # noqa: E402

# A reasoning-style template: the generation prompt opens a <think> block the rendered assistant turn lacks.
THINKING = ("{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}"
            "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n<think>\\n' }}{% endif %}")
USER = [{"role": "user", "content": "how do plants grow? the weather in Oslo is cold and wet today"}]
SHORT = [{"role": "assistant", "content": "with light"}]
LONG = [{"role": "assistant", "content": "with light and water, and the weather in Oslo is cold and wet today"}]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    block_sockets(monkeypatch)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return build_tokenizer(tmp_path_factory.mktemp("model") / "tok", extra_special=("[[SEP]]",))


@pytest.fixture(scope="module")
def model(model_dir) -> hf.ModelTokenizer:
    return hf.load(str(model_dir))


@pytest.fixture
def offline(tmp_path) -> dict:
    return offline_env(tmp_path / "guard")


def write(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def check(run_cli, env, *args: str) -> list[dict]:
    proc = run_cli("check", "--isolated", "--target", "trl", "--output-format", "json", *args, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)["findings"]


def lengths(model, prompt, reply):
    """(prompt tokens, prompt+reply tokens), rendered and encoded here step by step."""
    if isinstance(prompt, str):
        return len(model.encode(prompt, True)), len(model.encode(prompt + reply + model.eos_token, True))
    return (len(model.encode(model.render(prompt, add_generation_prompt=True))),
            len(model.encode(model.render(prompt + reply))))


def test_prompt_too_long_counts_the_rendered_prompt(run_cli, offline, model, model_dir, tmp_path):
    prompt_len, _ = lengths(model, USER, SHORT)
    data = write(tmp_path / "d.jsonl", {"prompt": USER, "chosen": SHORT, "rejected": LONG})
    at_limit = check(run_cli, offline, "--tokenizer", str(model_dir), "--max-length", str(prompt_len), str(data))
    assert [f["rule"] for f in at_limit] == ["prompt-too-long"]
    assert f"the prompt alone is {prompt_len:,} tokens, reaching max_length {prompt_len:,}" in at_limit[0]["message"]
    assert "estimate" not in at_limit[0]["message"] and at_limit[0]["json_path"] == "prompt"
    # one more token and the row is kept; keep_end never drops a row
    kept = check(run_cli, offline, "--tokenizer", str(model_dir), "--max-length", str(prompt_len + 1),
                 "--select", "prompt-too-long", str(data))
    assert kept == []
    keep_end = check(run_cli, offline, "--tokenizer", str(model_dir), "--max-length", str(prompt_len),
                     "--truncation-mode", "keep_end", "--select", "prompt-too-long", str(data))
    assert keep_end == []


def test_reply_truncated_says_which_side_loses_how_much(run_cli, offline, model, model_dir, tmp_path):
    _, short_full = lengths(model, USER, SHORT)
    _, long_full = lengths(model, USER, LONG)
    assert short_full < long_full
    data = write(tmp_path / "d.jsonl", {"prompt": USER, "chosen": LONG, "rejected": SHORT})
    findings = check(run_cli, offline, "--tokenizer", str(model_dir), "--max-length", str(short_full), str(data))
    assert [f["rule"] for f in findings] == ["reply-truncated"]
    message = findings[0]["message"]
    assert f"prompt+chosen is {long_full:,} tokens" in message
    assert f"loses its last {long_full - short_full:,} tokens" in message
    assert f"prompt+rejected fits ({short_full:,} tokens)" in message and findings[0]["json_path"] == "chosen"
    both = check(run_cli, offline, "--tokenizer", str(model_dir), "--max-length", str(short_full - 1), str(data))
    assert "cut unequally" in both[0]["message"]
    assert check(run_cli, offline, "--tokenizer", str(model_dir), "--max-length", str(long_full), str(data)) == []
    assert check(run_cli, offline, "--tokenizer", str(model_dir), "--max-length", "0", str(data)) == []


def test_text_pairs_get_the_bos_and_the_eos_trl_adds(run_cli, offline, model, model_dir, tmp_path):
    prompt, reply = "how do plants grow?", " with light and water"
    prompt_len, full = lengths(model, prompt, reply)
    data = write(tmp_path / "d.jsonl", {"prompt": prompt, "chosen": reply, "rejected": " with light"})
    findings = check(run_cli, offline, "--tokenizer", str(model_dir), "--max-length", str(full - 1),
                     "--select", "reply-truncated", str(data))
    assert f"prompt+chosen is {full:,} tokens" in findings[0]["message"]


def test_a_model_id_from_a_fake_cache_and_the_config_keys(run_cli, offline, model, model_dir, tmp_path):
    fake_cache(tmp_path / "hub", "acme/tiny-chat", model_dir)
    env = {**offline, "HF_HUB_CACHE": str(tmp_path / "hub")}
    prompt_len, _ = lengths(model, USER, SHORT)
    data = write(tmp_path / "d.jsonl", {"prompt": USER, "chosen": SHORT, "rejected": LONG})
    by_id = check(run_cli, env, "--tokenizer", "acme/tiny-chat", "--max-length", str(prompt_len), str(data))
    assert [f["rule"] for f in by_id] == ["prompt-too-long"]
    config = tmp_path / "pftlint.toml"
    config.write_text(f'target = "trl"\ntokenizer = "acme/tiny-chat"\nmax-length = {prompt_len}\n')
    proc = run_cli("check", "--config", str(config), "--output-format", "json", str(data), env=env)
    assert [f["rule"] for f in json.loads(proc.stdout)["findings"]] == ["prompt-too-long"]
    missing = run_cli("check", "--isolated", "--tokenizer", "acme/not-here", str(data), env=env)
    assert missing.returncode == 2 and "hf download acme/not-here" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_a_relative_tokenizer_in_a_config_file_is_its_folders(run_cli, offline, model, model_dir, tmp_path):
    project = tmp_path / "project"
    build_tokenizer(project / "tok")
    prompt_len, _ = lengths(model, USER, SHORT)
    (project / "pftlint.toml").write_text(f'target = "trl"\ntokenizer = "tok"\nmax-length = {prompt_len}\n'
                                          '[rules.prompt-too-long]\nmax-length = 100000\n')
    data = write(project / "d.jsonl", {"prompt": USER, "chosen": SHORT, "rejected": SHORT})
    proc = run_cli("check", "--output-format", "json", "--select", "prompt-too-long", str(data),
                   cwd=tmp_path, env=offline)
    assert json.loads(proc.stdout)["findings"] == []  # the rule's own option wins over the key in a file
    flagged = run_cli("check", "--output-format", "json", "--select", "prompt-too-long", "--max-length",
                      str(prompt_len), str(data), cwd=tmp_path, env=offline)
    assert [f["rule"] for f in json.loads(flagged.stdout)["findings"]] == ["prompt-too-long"]  # a flag wins


def test_prompt_not_prefix_with_a_reasoning_template(run_cli, offline, tmp_path, model_dir):
    thinking = build_tokenizer(tmp_path / "thinking", template=THINKING)
    data = write(tmp_path / "d.jsonl", {"prompt": USER, "chosen": SHORT, "rejected": LONG})
    findings = check(run_cli, offline, "--tokenizer", str(thinking), str(data))
    assert [f["rule"] for f in findings] == ["prompt-not-prefix"]
    model = hf.load(str(thinking))
    prompt_ids, full_ids = model.pair_ids(USER, SHORT)
    at = next(i for i, (a, b) in enumerate(zip(prompt_ids, full_ids)) if a != b)
    assert f"differ at token {at + 1:,}" in findings[0]["message"]
    assert "Mismatch between tokenized prompt and the start of tokenized prompt+chosen" in findings[0]["message"]
    assert check(run_cli, offline, "--tokenizer", str(model_dir), str(data)) == []  # the ChatML template is a prefix


def test_special_tokens_of_the_model_and_a_double_bos(run_cli, offline, model_dir, tmp_path):
    data = write(tmp_path / "d.jsonl",
                 {"prompt": "how do plants grow? [[SEP]] with light", "chosen": " yes", "rejected": " no"},
                 {"prompt": BOS + "how do plants grow?", "chosen": " with light", "rejected": " with water"})
    without = check(run_cli, offline, "--select", "special-token-in-content", str(data))
    assert [(f["line"], "double" in f["message"]) for f in without] == [(2, False)]  # the BOS pattern only
    found = check(run_cli, offline, "--tokenizer", str(model_dir), "--select", "special-token-in-content", str(data))
    assert [f["line"] for f in found] == [1, 2]
    assert "'[[SEP]]'" in found[0]["message"]
    assert "two BOS tokens" in found[1]["message"]


def test_the_estimate_without_a_tokenizer_says_so(run_cli, offline, tmp_path):
    data = write(tmp_path / "d.jsonl", {"prompt": USER, "chosen": SHORT, "rejected": LONG})
    findings = check(run_cli, offline, "--max-length", "8", str(data))
    assert [f["rule"] for f in findings] == ["prompt-too-long"] and "o200k_base" in findings[0]["message"]
    other = run_cli("check", "--isolated", "--output-format", "json", "--max-length", "8", str(data), env=offline)
    assert not [f for f in json.loads(other.stdout)["findings"] if f["rule"] == "prompt-too-long"]  # openai: off


def test_bad_settings_are_one_line_errors(run_cli, offline, tmp_path):
    data = write(tmp_path / "d.jsonl", {"prompt": "a", "chosen": " b", "rejected": " c"})
    for args, words in ((["--max-length", "-3"], "--max-length"), (["--truncation-mode", "left"], "keep_start"),
                        (["--tokenizer", str(tmp_path / "none")], "not a model id")):
        proc = run_cli("check", "--isolated", *args, str(data), env=offline)
        assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr
    config = tmp_path / "pftlint.toml"
    config.write_text('max-length = "long"\n')
    proc = run_cli("check", "--config", str(config), str(data), env=offline)
    assert proc.returncode == 2 and "max-length" in proc.stderr


def test_the_python_api_takes_the_same_settings(model, model_dir):
    from pftlint import lint_records

    prompt_len, _ = lengths(model, USER, SHORT)
    record = {"prompt": USER, "chosen": SHORT, "rejected": LONG}
    result = lint_records([record], target="trl", tokenizer=str(model_dir), max_length=prompt_len)
    assert [f.rule for f in result.findings] == ["prompt-too-long"]
    kept = lint_records([record], target="trl", tokenizer=str(model_dir), max_length=prompt_len + 1,
                        select=["prompt-too-long"])
    assert kept.findings == []
    with pytest.raises(ValueError, match="keyword truncation_mode"):
        lint_records([record], truncation_mode="left")


@pytest.mark.parametrize("target, model, flagged", [("azure", "gpt-4.1-nano", True), ("openai", "gpt-3.5-turbo-0613", True),
                                                     ("azure", "gpt-4.1-mini", False), ("openai", "gpt-4.1-nano", False)])
def test_a_preference_file_for_a_model_that_trains_no_dpo_is_an_error(run_cli, target, model, flagged):
    from conftest import REPO

    clean = str(REPO / "examples" / "clean-dpo.jsonl")
    proc = run_cli("check", "--isolated", "--output-format", "json", "--target", target, "--model", model, clean)
    found = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "method-not-supported"]
    assert proc.returncode == (1 if flagged else 0), proc.stderr
    assert len(found) == flagged
    if flagged:
        (f,) = found
        assert (f["line"], f["column"], f["severity"]) == (1, 1, "error")
        assert "not listed for preference (DPO) fine-tuning" in f["message"] and "gpt-4.1-mini" in f["message"]
