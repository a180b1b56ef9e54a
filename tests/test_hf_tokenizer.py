"""The model's tokenizer, offline (pftlint.tokens.hf): a BPE tokenizer and a chat template the tests build,
found as a file, a folder and a model id in a fake Hugging Face cache, with the network blocked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pftlint.errors import PftlintError
from pftlint.tokens import hf

from hf_helpers import BOS, EOS, END, START, TEMPLATE, block_sockets, build_tokenizer, fake_cache

tokenizers = pytest.importorskip("tokenizers")
pytest.importorskip("jinja2")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    block_sockets(monkeypatch)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return build_tokenizer(tmp_path_factory.mktemp("model") / "tok")


@pytest.fixture(scope="module")
def model(model_dir) -> hf.ModelTokenizer:
    return hf.load(str(model_dir))


# -- finding the files -------------------------------------------------------------------------------------
def test_a_file_or_its_folder(model_dir):
    assert hf.resolve(str(model_dir / "tokenizer.json")) == model_dir
    assert hf.resolve(str(model_dir)) == model_dir


def test_a_model_id_from_hf_home_and_hf_hub_cache(model_dir, tmp_path):
    snapshot = fake_cache(tmp_path / "home" / "hub", "acme/tiny-chat", model_dir)
    assert hf.resolve("acme/tiny-chat", {"HF_HOME": str(tmp_path / "home")}) == snapshot
    other = fake_cache(tmp_path / "elsewhere", "acme/tiny-chat", model_dir, commit="b" * 40)
    env = {"HF_HOME": str(tmp_path / "home"), "HF_HUB_CACHE": str(tmp_path / "elsewhere")}
    assert hf.resolve("acme/tiny-chat", env) == other  # HF_HUB_CACHE first, as huggingface_hub
    loaded = hf.load("acme/tiny-chat", env)
    assert loaded.eos_token == EOS and loaded.chat_template == TEMPLATE


def test_a_revision_from_refs_or_a_commit(model_dir, tmp_path):
    cache = tmp_path / "hub"
    main = fake_cache(cache, "acme/m", model_dir, commit="1" * 40)
    tagged = fake_cache(cache, "acme/m", model_dir, commit="2" * 40, ref="v2")
    env = {"HF_HUB_CACHE": str(cache)}
    assert hf.resolve("acme/m", env) == main
    assert hf.resolve("acme/m@v2", env) == tagged
    assert hf.resolve("acme/m@" + "2" * 40, env) == tagged


def test_the_default_cache_under_xdg(model_dir, tmp_path):
    snapshot = fake_cache(tmp_path / "xdg" / "huggingface" / "hub", "gpt-tiny", model_dir)
    assert hf.resolve("gpt-tiny", {"XDG_CACHE_HOME": str(tmp_path / "xdg")}) == snapshot


def test_a_model_not_cached_names_it_and_how_to_download(tmp_path):
    env = {"HF_HUB_CACHE": str(tmp_path / "hub")}
    with pytest.raises(hf.ModelTokenizerError) as caught:
        hf.load("meta-llama/Llama-3.1-8B-Instruct", env)
    message = str(caught.value)
    assert isinstance(caught.value, PftlintError) and "\n" not in message
    assert "meta-llama/Llama-3.1-8B-Instruct" in message and str(tmp_path / "hub") in message
    assert "download meta-llama/Llama-3.1-8B-Instruct tokenizer.json tokenizer_config.json" in message
    with pytest.raises(hf.ModelTokenizerError, match="--revision v9"):
        hf.load("acme/m@v9", env)


def test_a_snapshot_without_tokenizer_json(model_dir, tmp_path):
    source = tmp_path / "only-config"
    source.mkdir()
    (source / "tokenizer_config.json").write_text("{}")
    fake_cache(tmp_path / "hub", "acme/m", source)
    with pytest.raises(hf.ModelTokenizerError, match="has no tokenizer.json"):
        hf.resolve("acme/m", {"HF_HUB_CACHE": str(tmp_path / "hub")})


@pytest.mark.parametrize("spec", ["", "../up/../there", "no such/place/at all", "a--b/c"])
def test_what_is_neither_a_path_nor_a_model_id(spec, tmp_path):
    with pytest.raises(hf.ModelTokenizerError):
        hf.resolve(spec, {"HF_HUB_CACHE": str(tmp_path)})


def test_broken_files_are_one_line_errors(tmp_path):
    (tmp_path / "tokenizer.json").write_text("{not json")
    with pytest.raises(hf.ModelTokenizerError, match="not a tokenizer"):
        hf.load(str(tmp_path))
    folder = build_tokenizer(tmp_path / "bad-template", template="{% for m in messages %}")
    with pytest.raises(hf.ModelTokenizerError, match="does not compile"):
        hf.load(str(folder))


# -- the template, as transformers renders it ----------------------------------------------------------------
def test_generation_prompt_and_special_tokens(model):
    prompt = [{"role": "user", "content": "hello"}]
    assert model.render(prompt, add_generation_prompt=True) == f"{BOS}{START}user\nhello{END}\n{START}assistant\n"
    full = model.render([*prompt, {"role": "assistant", "content": "hi"}])
    assert full == f"{BOS}{START}user\nhello{END}\n{START}assistant\nhi{END}\n"


def test_tojson_keeps_html_characters_and_unicode(model):
    tools = [{"type": "function", "function": {"name": "f", "description": "a < b & ü"}}]
    text = model.render([{"role": "user", "content": "x"}], tools)
    assert '"description": "a < b & ü"' in text


def test_raise_exception_is_a_render_error(model):
    with pytest.raises(hf.RenderError, match="unknown role tool"):
        model.render([{"role": "tool", "content": "x"}])
    with pytest.raises(hf.RenderError, match="fails on the conversation"):
        model.render([{"role": "user", "content": ["a list", "not text"]}])


def test_the_template_is_sandboxed(tmp_path):
    escape = "{{ messages.__class__.__mro__[1].__subclasses__() }}"
    folder = build_tokenizer(tmp_path / "evil", template=escape)
    with pytest.raises(hf.RenderError, match="refuses"):
        hf.load(str(folder)).render([{"role": "user", "content": "x"}])
    mutate = "{% set _ = messages.append({'role': 'user'}) %}ok"
    folder = build_tokenizer(tmp_path / "mutating", template=mutate)
    messages = [{"role": "user", "content": "x"}]
    with pytest.raises(hf.RenderError):
        hf.load(str(folder)).render(messages)


def test_a_template_list_or_a_jinja_file(tmp_path):
    listed = build_tokenizer(tmp_path / "listed", template=None,
                             config={"chat_template": [{"name": "tool_use", "template": "T"},
                                                       {"name": "default", "template": "D{{ eos_token }}"}]})
    assert hf.load(str(listed)).render([]) == f"D{EOS}"
    (listed / "chat_template.jinja").write_text("J{{ bos_token }}", encoding="utf-8")
    assert hf.load(str(listed)).render([]) == f"J{BOS}"
    bare = build_tokenizer(tmp_path / "bare", template=None)
    with pytest.raises(hf.RenderError, match="no chat template"):
        hf.load(str(bare)).render([{"role": "user", "content": "x"}])


# -- counting as TRL does ------------------------------------------------------------------------------------
def test_conversational_counts_are_the_rendered_templates_tokens(model):
    prompt = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "how do plants grow?"}]
    reply = [{"role": "assistant", "content": "with light and water"}]
    prompt_ids, full_ids = model.pair_ids(prompt, reply)
    assert prompt_ids == model.encode(model.render(prompt, add_generation_prompt=True))
    assert full_ids == model.encode(model.render(prompt + reply))
    assert full_ids[: len(prompt_ids)] == prompt_ids  # this template's prompt is a prefix: no TRL mismatch
    assert full_ids.count(model.encode(BOS)[0]) == 1  # the template writes the BOS; tokenizing adds none
    assert model.count(prompt, reply) == (len(prompt_ids), len(full_ids))


def test_tools_cost_tokens_in_the_prompt(model):
    prompt = [{"role": "user", "content": "the weather in Oslo"}]
    reply = [{"role": "assistant", "content": "cold and wet"}]
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    bare, with_tools = model.count(prompt, reply), model.count(prompt, reply, tools)
    assert with_tools[0] > bare[0] and with_tools[1] - with_tools[0] == bare[1] - bare[0]
    assert model.count(prompt, reply, json.dumps(tools)) == with_tools  # a tools column kept as JSON text
    with pytest.raises(hf.RenderError, match="not JSON"):
        model.count(prompt, reply, "[{")


def test_standard_text_gets_the_bos_and_one_eos(model):
    bos, eos = model.encode(BOS)[0], model.encode(EOS)[0]
    prompt_ids, full_ids = model.pair_ids("how do plants grow?", " with light")
    assert prompt_ids[0] == bos and prompt_ids.count(bos) == 1
    assert full_ids[-1] == eos and full_ids.count(eos) == 1
    assert model.pair_ids("how do plants grow?", " with light" + EOS) == (prompt_ids, full_ids)  # not twice
    with pytest.raises(hf.RenderError):
        model.pair_ids("text", [{"role": "assistant", "content": "x"}])


def test_special_tokens_and_named_tokens(model):
    assert {BOS, EOS, START, END} <= model.special_tokens
    assert model.bos_token == BOS and model.eos_token == EOS  # an AddedToken object in the config: its content
    assert model.count_texts(["hello", "hello how"]) == [len(model.encode("hello")), len(model.encode("hello how"))]


def test_special_tokens_map_is_the_fallback(tmp_path):
    folder = build_tokenizer(tmp_path / "old", config={"bos_token": None, "eos_token": None})
    (folder / "special_tokens_map.json").write_text(json.dumps({"eos_token": END, "additional_special_tokens": [START]}))
    old = hf.load(str(folder))
    assert old.eos_token == END and old.bos_token is None and START in old.special_tokens


# -- the extra is optional ------------------------------------------------------------------------------------
def test_missing_tokenizers_library_names_the_extra(model_dir):
    code = ("import sys; sys.modules['tokenizers'] = None\n"
            "from pftlint.tokens import hf\n"
            "try:\n    hf.load(sys.argv[1])\n"
            "except hf.ModelTokenizerError as exc:\n    print(exc)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(model_dir)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "pip install 'pftlint[hf]'" in proc.stdout


def test_chat_template_kwargs_reach_the_template(tmp_path):
    folder = build_tokenizer(tmp_path / "thinking", template="{% for m in messages %}{{ m['content'] }}{% endfor %}"
                                                              "{% if enable_thinking %}<think>{% endif %}")
    thinking = hf.load(str(folder))
    prompt, reply = [{"role": "user", "content": "hello"}], [{"role": "assistant", "content": "hi"}]
    assert thinking.render(prompt, enable_thinking=True) == "hello<think>"
    assert thinking.count(prompt, reply, template_kwargs={"enable_thinking": True}) != thinking.count(prompt, reply)
