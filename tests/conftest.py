"""Shared fixtures: the real corpus in ../shared (skipped when absent) and a console-script runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "real"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/real is absent")
    return CORPUS


def pftlint_command() -> list[str]:
    """The installed console script, as a user runs it (falls back to python -m in odd setups)."""
    exe = shutil.which("pftlint", path=str(Path(sys.executable).parent)) or shutil.which("pftlint")
    return [exe] if exe else [sys.executable, "-m", "pftlint"]


@pytest.fixture
def run_cli():
    """Run the real console script; returns CompletedProcess with text stdout/stderr."""

    def run(*args: str, input: bytes | None = None, cwd: str | Path | None = None, env: dict | None = None):
        full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
        full_env.pop("GITHUB_ACTIONS", None) if "GITHUB_ACTIONS" not in (env or {}) else None
        proc = subprocess.run([*pftlint_command(), *args], input=input, capture_output=True,
                              cwd=cwd, env=full_env, timeout=300)
        proc.stdout = proc.stdout.decode("utf-8", "replace")
        proc.stderr = proc.stderr.decode("utf-8", "replace")
        return proc

    return run


def on_terminal(cmd: list[str], env: dict, cwd=None, stdout=None, timeout: int = 120) -> tuple[int, str]:
    """Run ``cmd`` with stderr (and stdout, unless ``stdout`` is given) on a pseudo-terminal:
    (exit status, what the terminal got)."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=slave if stdout is None else stdout, stderr=slave,
                            stdin=subprocess.DEVNULL, env=env, cwd=cwd)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=timeout), b"".join(chunks).decode("utf-8", "replace")
