"""``pftlint stats`` for people, through the console script at fixed widths: the header breaks between
words, a histogram of one bin is a sentence, the bars fit the terminal."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO

CLEAN = REPO / "examples" / "clean-dpo.jsonl"
HEADER_WORDS = "model gpt-4.1-2025-04-14 target openai limit 65,536 tokens per example training $25.00 / 1M tokens"


def stats(run_cli, width: int, *args, cwd=None) -> list[str]:
    proc = run_cli("stats", "--isolated", *args, cwd=cwd, env={"COLUMNS": str(width)})
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.parametrize("width", [40, 60, 80, 100])
def test_the_header_breaks_between_words(run_cli, width):
    lines = stats(run_cli, width, str(CLEAN))
    header = []
    for line in lines:
        if line.startswith(str(CLEAN)):
            break
        header.append(line)
    assert all(len(line) <= width for line in header), header
    assert " ".join(" ".join(header).split()) == HEADER_WORDS  # every word, none cut
    assert any("gpt-4.1-2025-04-14" in line for line in header)
    one_line = len("model gpt-4.1-2025-04-14  target openai  limit 65,536 tokens per example  "
                   "training $25.00 / 1M tokens")
    assert (len(header) == 1) == (width >= one_line)


@pytest.mark.parametrize("extra", [-12, -1, 0, 1, 12])
def test_the_file_title_never_cuts_a_path_that_fits(run_cli, tmp_path, extra):
    """Whatever the checkout's path, it stays whole on one line (one wider than the terminal on a line of its
    own, for the terminal to fold); ``(dpo)`` goes where it fits."""
    width = 50
    name = "d" * (width - len("/clean-dpo.jsonl") + extra) + "/clean-dpo.jsonl"
    (tmp_path / name).parent.mkdir()
    (tmp_path / name).write_bytes(CLEAN.read_bytes())
    lines = stats(run_cli, width, name, cwd=tmp_path)
    assert any(line.rstrip() in (name, f"{name} (dpo)") for line in lines), lines
    assert "(dpo)" in "".join(lines) and all(len(line) <= width or line == name for line in lines), lines


def test_a_histogram_of_one_bin_says_so(run_cli, tmp_path):
    lines = CLEAN.read_text(encoding="utf-8").splitlines()
    (tmp_path / "same.jsonl").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    doc = json.loads(run_cli("stats", "--isolated", "--output-format", "json", "same.jsonl", cwd=tmp_path).stdout)
    (f,) = doc["files"]
    assert len([b for b in f["histogram"] if b["count"]]) == 1  # the three examples fall in one bin
    out = stats(run_cli, 80, "same.jsonl", cwd=tmp_path)
    assert not any("█" in line or "│ " in line and "–" in line for line in out)
    (said,) = [line for line in out if line.startswith("tokens per example:")]
    b = next(b for b in f["histogram"] if b["count"])
    assert said.startswith(f"tokens per example: all 3 examples have {b['min']:,}–{b['max']:,} tokens")


@pytest.mark.parametrize("width", [50, 80])
def test_a_histogram_of_several_bins_is_drawn_within_the_width(run_cli, width):
    out = stats(run_cli, width, str(CLEAN))
    bars = [line for line in out if re.match(r"^\s+[\d,]+–[\d,]+ │ ", line)]
    assert len(bars) == 2 and all("█" in line for line in bars)
    assert all(len(line) <= width for line in bars), bars
