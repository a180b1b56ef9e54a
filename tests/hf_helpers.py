"""The Hugging Face test fixtures several test files share: a byte-level BPE tokenizer trained here with a
ChatML-like chat template, a fake local Hugging Face cache, and socket guards (in-process and for the
console script) so that no test can reach the network."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

BOS, EOS, START, END = "<s>", "</s>", "<|im_start|>", "<|im_end|>"
# A ChatML-like template with a BOS, tools in a system turn, a refusal and a generation block.
TEMPLATE = (
    "{{ bos_token }}"
    "{% if tools %}{{ '<|im_start|>system\\nTools: ' + (tools | tojson) + '<|im_end|>\\n' }}{% endif %}"
    "{% for m in messages %}"
    "{% if m['role'] not in ['system', 'user', 'assistant'] %}"
    "{{ raise_exception('unknown role ' + m['role']) }}"
    "{% endif %}"
    "{% if m['role'] == 'assistant' %}"
    "{{ '<|im_start|>assistant\\n' }}{% generation %}{{ m['content'] + '<|im_end|>' }}{% endgeneration %}{{ '\\n' }}"
    "{% else %}"
    "{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
# A template in the manner of Gemma's: no system role, and turns that must alternate user/model (its refusals,
# raised as the model's own template raises them: rules/tokens/template-error).
NO_SYSTEM_TEMPLATE = (
    "{{ bos_token }}"
    "{% for m in messages %}"
    "{% if m['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
    "{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/model/user/model/...') }}"
    "{% endif %}"
    "{{ '<|im_start|>' + ('model' if m['role'] == 'assistant' else m['role']) + '\\n' }}"
    "{{ m['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>model\\n' }}{% endif %}"
)
# The templates the rule catalog's examples name with the fence attribute tokenizer=NAME (tests/test_catalog.py).
CATALOG_TEMPLATES = {"no-system-role": NO_SYSTEM_TEMPLATE}
CORPUS = ["the weather in Oslo is cold and wet today", "how do plants grow? with light and water",
          "hello, how can I help you today?", "tools: get_weather city string required"] * 20


def block_sockets(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the tokenizer tried to reach the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def build_tokenizer(folder: Path, template: str | None = TEMPLATE, config: dict | None = None,
                    extra_special: tuple[str, ...] = ()) -> Path:
    """A small byte-level BPE trained here, adding BOS like Llama does, with its tokenizer_config.json."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers, decoders

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=[BOS, EOS, START, END, *extra_special], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer)
    tok.post_processor = processors.TemplateProcessing(single=f"{BOS} $A", special_tokens=[(BOS, tok.token_to_id(BOS))])
    folder.mkdir(parents=True, exist_ok=True)
    tok.save(str(folder / "tokenizer.json"))
    settings = {"bos_token": BOS, "eos_token": {"content": EOS, "__type": "AddedToken"}, **(config or {})}
    if template is not None:
        settings["chat_template"] = template
    (folder / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return folder


def fake_cache(root: Path, repo: str, source: Path, commit: str = "a" * 40, ref: str | None = "main") -> Path:
    """The huggingface_hub layout: blobs, snapshots/<commit>/ holding links to them, refs/<ref>."""
    model = root / f"models--{repo.replace('/', '--')}"
    (model / "blobs").mkdir(parents=True, exist_ok=True)
    snapshot = model / "snapshots" / commit
    snapshot.mkdir(parents=True)
    for file in source.iterdir():
        blob = model / "blobs" / f"{file.name}.blob"
        blob.write_bytes(file.read_bytes())
        (snapshot / file.name).symlink_to(blob)
    if ref:
        (model / "refs").mkdir(exist_ok=True)
        (model / "refs" / ref).write_text(commit)
    return snapshot




# A sitecustomize that makes every socket call fail: put its folder on PYTHONPATH of a child process.
SOCKET_GUARD = """
import socket

def _refuse(*args, **kwargs):
    raise OSError("pftlint tests: the network is blocked")

socket.socket = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


def offline_env(folder: Path) -> dict:
    """Environment for a console-script run with the network blocked (a sitecustomize on PYTHONPATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SOCKET_GUARD, encoding="utf-8")
    return {"PYTHONPATH": str(folder), "HF_HUB_OFFLINE": "1"}
