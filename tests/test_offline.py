"""Token counting needs no network and no tiktoken cache: the tokenizers ship in the package."""

from __future__ import annotations

import gzip
import json
import shutil
import socket
import subprocess

import pytest

from pftlint.tokens import counting as tokens
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


# -- the parsed ranks, cached once per installed rank file ------------------------------------------
from pftlint import _tokenizers as rank_files  # noqa: E402


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "pftlint"


@pytest.fixture(scope="module")
def cl100k_ranks():
    return rank_files.parse_ranks(rank_files.rank_file_bytes(tokens.CL100K))


def _no_verification(monkeypatch):
    def refuse(*args):
        raise AssertionError("the rank file was verified and parsed again")
    monkeypatch.setattr(rank_files, "_verified", refuse)


def test_ranks_are_verified_once_then_read_from_the_cache(cache_home, monkeypatch, cl100k_ranks):
    assert rank_files.load_ranks(tokens.CL100K) == cl100k_ranks
    cached = cache_home / f"{tokens.CL100K}.ranks"
    assert cached.is_file()
    assert [p.name for p in cache_home.iterdir()] == [cached.name]  # no temporary file left behind
    _no_verification(monkeypatch)
    assert rank_files.load_ranks(tokens.CL100K) == cl100k_ranks


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "empty", "other-version", "other-file"])
def test_a_damaged_or_foreign_cache_is_rebuilt(cache_home, monkeypatch, cl100k_ranks, damage):
    rank_files.load_ranks(tokens.CL100K)
    cached = cache_home / f"{tokens.CL100K}.ranks"
    blob = cached.read_bytes()
    if damage == "truncated":
        cached.write_bytes(blob[:-1000])
    elif damage == "flipped":  # one byte of the payload: a rank changes, the header does not
        cached.write_bytes(blob[:-5] + bytes([blob[-5] ^ 1]) + blob[-4:])
    elif damage == "garbage":
        cached.write_bytes(b"\x00\xff" * 100)
    elif damage == "empty":
        cached.write_bytes(b"")
    elif damage == "other-version":
        import pftlint
        monkeypatch.setattr(pftlint, "__version__", "0.0.0-other")
    else:  # the installed rank file changed (same ranks, another gzip): its hash is part of the key
        other = gzip.compress(rank_files.rank_file_bytes(tokens.CL100K), compresslevel=1)
        monkeypatch.setattr(rank_files, "_packed", lambda name: other)
    verified = []
    real = rank_files._verified
    monkeypatch.setattr(rank_files, "_verified", lambda *a: verified.append(a[0]) or real(*a))
    assert rank_files.load_ranks(tokens.CL100K) == cl100k_ranks
    assert verified == [tokens.CL100K]  # the cache was not trusted: the rank file was checked again
    _no_verification(monkeypatch)  # and the rebuilt cache serves the next run
    assert rank_files.load_ranks(tokens.CL100K) == cl100k_ranks


def test_an_unwritable_cache_folder_is_skipped(tmp_path, monkeypatch, cl100k_ranks):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert rank_files.load_ranks(tokens.CL100K) == cl100k_ranks
    assert blocker.read_text() == "a file where the cache folder would go"


def test_a_corrupt_rank_file_is_refused_even_with_a_cache(cache_home, monkeypatch):
    rank_files.load_ranks(tokens.CL100K)
    packed = rank_files._packed(tokens.CL100K)
    tampered = gzip.compress(gzip.decompress(packed).replace(b" 1000\n", b" 1001\n", 1))
    assert tampered != packed
    monkeypatch.setattr(rank_files, "_packed", lambda name: tampered)
    with pytest.raises(tokens.TokenizerError, match="corrupt"):
        rank_files.load_ranks(tokens.CL100K)


def test_no_home_means_no_cache(monkeypatch, cl100k_ranks):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(rank_files.os.path, "expanduser", lambda path: path)
    assert rank_files.cache_dir() is None
    assert rank_files.load_ranks(tokens.CL100K) == cl100k_ranks


# -- the test suite itself is offline unless asked ------------------------------------------------
def _collected(*args: str, env_extra: dict[str, str] | None = None) -> set[str]:
    import os
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"} | (env_extra or {})
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "tests/test_precommit.py", *args], capture_output=True, text=True, cwd=repo, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {line.split("::")[1] for line in proc.stdout.splitlines() if "::" in line}


def test_network_tests_are_opt_in_and_ci_runs_them():
    import re
    from pathlib import Path

    network = "test_pre_commit_blocks_the_broken_file_and_passes_the_fixed_one"
    default = _collected()
    assert default and network not in default
    assert _collected("-m", "network") == {network}
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    addopts = re.search(r"^export PYTEST_ADDOPTS=\"(.*)\"$", ci, re.M).group(1)
    assert _collected(env_extra={"PYTEST_ADDOPTS": addopts}) == default | {network}
