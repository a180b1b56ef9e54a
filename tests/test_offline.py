"""Token counting needs no network and no tiktoken cache: the tokenizers ship in the package."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess

import pytest

from pftlint import tokens
from conftest import pftlint_command


def _dpo(reply: str) -> dict:
    return {"input": {"messages": [{"role": "user", "content": "Repeat after me."}]},
            "preferred_output": [{"role": "assistant", "content": reply}],
            "non_preferred_output": [{"role": "assistant", "content": "No."}]}


@pytest.fixture
def long_file(tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(_dpo("word " * 80_000)) + "\n" + json.dumps(_dpo("word " * 60_000)) + "\n")
    return path


def _offline_prefix() -> list[str]:
    """A command prefix that runs a program in a new network namespace (no route anywhere)."""
    unshare = shutil.which("unshare")
    if not unshare:
        pytest.skip("unshare is not available")
    for prefix in ([unshare, "-n"], [unshare, "-rn"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=30).returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            pass
    pytest.skip("new network namespaces are not permitted here")


@pytest.mark.parametrize("encoding_model", ["gpt-4.1-2025-04-14", "gpt-3.5-turbo-0125"])
def test_cli_with_the_network_unreachable_and_an_empty_tiktoken_cache(long_file, tmp_path, encoding_model):
    prefix = _offline_prefix()
    cache = tmp_path / "empty-cache"
    cache.mkdir()
    env = {"TIKTOKEN_CACHE_DIR": str(cache), "DATA_GYM_CACHE_DIR": str(cache), "NO_COLOR": "1",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    base = [*prefix, *pftlint_command()]

    check = subprocess.run([*base, "check", "--isolated", "--select", "example-too-long", "--model", encoding_model,
                            "--output-format", "json", str(long_file)], capture_output=True, env=env, timeout=300)
    assert check.returncode == 1, check.stderr.decode()
    findings = json.loads(check.stdout)["findings"]
    assert findings and all(f["rule"] == "example-too-long" for f in findings)

    stats = subprocess.run([*base, "stats", "--isolated", "--model", encoding_model, "--output-format", "json",
                            str(long_file)], capture_output=True, env=env, timeout=300)
    assert stats.returncode == 0, stats.stderr.decode()
    assert json.loads(stats.stdout)["files"][0]["tokens"]["max"] > 60_000
    assert list(cache.iterdir()) == []  # tiktoken's cache was never used, nor written


def test_encodings_load_with_sockets_and_downloads_blocked(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("pftlint tried to reach the network")

    import tiktoken.load

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(tiktoken.load, "read_file", no_network)
    monkeypatch.setattr(tiktoken.load, "read_file_cached", no_network)
    monkeypatch.setattr(tokens, "_CACHE", {})
    for name in tokens.ENCODINGS:
        enc = tokens.get_encoding(name)
        assert enc.decode(enc.encode_ordinary("offline <|endoftext|> ✓")) == "offline <|endoftext|> ✓"
