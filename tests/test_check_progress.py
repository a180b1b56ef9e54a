"""``pftlint check``'s progress bar follows the bytes read, by the main process and by every worker,
and is drawn on a terminal only."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import re
import subprocess

import pytest

from conftest import REPO, on_terminal, pftlint_command
from pftlint.engine import parallel, runner
from pftlint.api import make_linter
from pftlint.util.progress import PROGRESS_MIN_BYTES, files_progress

CLEAN = (REPO / "examples" / "clean-dpo.jsonl").read_text(encoding="utf-8").splitlines()


class Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A clean file over the size at which check reads in chunks (and draws a bar)."""
    path = tmp_path_factory.mktemp("progress") / "big.jsonl"
    record = json.loads(CLEAN[0])
    size = max(parallel.PARALLEL_MIN_BYTES, PROGRESS_MIN_BYTES) + (1 << 20)
    with open(path, "w", encoding="utf-8") as out:
        i = 0
        while out.tell() < size:
            record["preferred_output"][0]["content"] = f"Reply number {i}, unlike any other."
            out.write(json.dumps(record) + "\n")
            i += 1
    return path


@pytest.fixture
def listening():
    yield
    parallel.on_read = None


def test_a_worker_adds_to_the_bar_through_shared_memory(big, listening):
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    with files_progress([str(big)], stream=Tty()) as done:
        assert done.read is not None
        parallel.on_read = done.read
        size = os.path.getsize(big)
        chunk = parallel.Chunk(str(big), 0, size // 2, False)
        child = multiprocessing.get_context("fork").Process(
            target=parallel.read_chunk, args=(chunk, lambda units: sum(1 for _ in units)))
        child.start()
        child.join()
        assert child.exitcode == 0
        assert done.shared.value >= size // 2  # the chunk's bytes (to the end of its last line), told by the child
        assert done.shared.value < size // 2 + 4096


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_byte_is_counted_once_in_one_pass_and_in_chunks(big, listening, jobs):
    linter = make_linter()
    with files_progress([str(big)], stream=Tty()) as done:
        parallel.on_read = done.read
        result = runner.lint_file(linter, str(big), jobs)
        assert result.findings == []
        assert done.shared.value == os.path.getsize(big)
        done(str(big))
        assert done.shared.value == 0 and done.finished == os.path.getsize(big)


def test_no_bar_no_listener(big, listening):
    with files_progress([str(big)], stream=io.StringIO()) as done:  # not a terminal
        assert done.read is None
    small = big.parent / "small.jsonl"
    small.write_text(CLEAN[0] + "\n", encoding="utf-8")
    with files_progress([str(small)], stream=Tty()) as done:  # too small to bother
        assert done.read is None


def test_the_console_script_draws_the_bar_on_a_terminal_only(big):
    pytest.importorskip("pty")
    cmd = [*pftlint_command(), "check", "--isolated", "--output-format", "concise", str(big)]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    env.pop("GITHUB_ACTIONS", None)
    status, terminal = on_terminal(cmd, env, stdout=subprocess.DEVNULL)
    assert status == 0 and "checking 1 file" in terminal
    piped = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert piped.returncode == 0 and piped.stderr == ""


@pytest.mark.parametrize("command", ["check", "stats"])
def test_no_color_reaches_the_progress_bar(big, command):
    """--no-color takes the colour out of the bar as NO_COLOR does (the bar is made deep in the run)."""
    pytest.importorskip("pty")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS", "FORCE_COLOR")}
    env["COLUMNS"] = "100"
    coloured = on_terminal([*pftlint_command(), command, "--isolated", str(big)], env, stdout=subprocess.DEVNULL)[1]
    plain = on_terminal([*pftlint_command(), command, "--isolated", "--no-color", str(big)], env,
                        stdout=subprocess.DEVNULL)[1]
    colour = re.compile(r"\x1b\[[0-9;]*3[0-9]m")  # a foreground colour
    assert colour.search(coloured), coloured[:200]  # the test can see colour when there is some
    assert not colour.search(plain), plain[:300]
