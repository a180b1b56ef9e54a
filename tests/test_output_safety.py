"""Where reports and converted files go: never over a file the run reads, never replacing a device or link.

``check --output-file`` and ``convert -o`` refuse an output that is one of the inputs by identity
(a hard link or a symbolic link to one is the same file), replace atomically only regular files
(a link to one stays a link), write through to devices and FIFOs, and treat ``-``, /dev/stdout
and /proc/self/fd/1 as standard output. Also: ``--validation X`` with X named as a PATH is a
usage error, and a config file nested too deeply is a config error.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess

import pytest

from conftest import REPO, pftlint_command

CLEAN = REPO / "examples" / "clean-dpo.jsonl"
TRL = b'{"prompt": "hi", "chosen": "a", "rejected": "b"}\n'


@pytest.fixture
def work(tmp_path):
    (tmp_path / "data").mkdir()
    for name in ("data/train.jsonl", "valid.jsonl"):
        (tmp_path / name).write_bytes(CLEAN.read_bytes())
    return tmp_path


def assert_one_line_error(proc, *words: str) -> None:
    """Exit status 2 and one ``pftlint: error:`` line on stderr holding every word."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("pftlint: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert all(word in proc.stderr for word in words), (words, proc.stderr)


def snapshot(folder) -> dict:
    """Every entry below ``folder``: its kind, inode and content (a link: where it points)."""
    seen = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                what = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as fh:
                    what = ("file", st.st_ino, fh.read())
            else:
                what = ("other", st.st_ino, stat.S_IFMT(st.st_mode))
            seen[os.path.relpath(path, folder)] = what
    return seen


# -- item 1: the output is never one of the files read ---------------------------------------------

@pytest.mark.parametrize("args, output", [
    (["--validation", "valid.jsonl", "data"], "valid.jsonl"),           # the --validation file
    (["data"], "data/hard.jsonl"),                                     # a hard link to a file found in data/
    (["data"], "soft.json"),                                           # a symbolic link to it
    (["--config", "pftlint.toml", "data"], "pftlint.toml"),            # the config file itself
    (["data"], "pftlint.toml"),                                        # the config file found by the search
    (["data"], "cfg-valid.jsonl"),                                     # the config's validation file
])
def test_output_file_is_never_a_file_the_run_reads(run_cli, work, args, output):
    (work / "cfg-valid.jsonl").write_bytes(CLEAN.read_bytes())
    (work / "pftlint.toml").write_text('validation = "cfg-valid.jsonl"\n')
    os.link(work / "data" / "train.jsonl", work / "data" / "hard.jsonl")
    os.symlink("data/train.jsonl", work / "soft.json")
    before = snapshot(work)
    proc = run_cli("check", "--output-format", "json", "--output-file", output, *args, cwd=work)
    assert_one_line_error(proc, f"--output-file {output}", "reads")
    assert snapshot(work) == before


def test_config_validation_is_found_relative_to_the_config_file(run_cli, work):
    (work / "sub").mkdir()
    (work / "pftlint.toml").write_text('validation = "valid.jsonl"\n')
    before = snapshot(work)
    proc = run_cli("check", "--output-format", "json", "--output-file", "../valid.jsonl", "../data", cwd=work / "sub")
    assert_one_line_error(proc, "--output-file ../valid.jsonl")
    assert snapshot(work) == before


def run_with_stdin(path, *args: str, cwd):
    """The console script with standard input redirected from ``path`` (as `< path` does), not piped."""
    with open(path, "rb") as stdin:
        return subprocess.run([*pftlint_command(), *args], stdin=stdin, capture_output=True, cwd=cwd, timeout=300)


def test_output_file_is_not_the_file_on_standard_input(work):
    before = snapshot(work)  # `pftlint check --output-file valid.jsonl - < valid.jsonl`
    proc = run_with_stdin(work / "valid.jsonl", "check", "--isolated", "--output-file", "valid.jsonl", "-", cwd=work)
    assert proc.returncode == 2 and b"standard input" in proc.stderr, proc.stderr
    assert snapshot(work) == before


def test_convert_output_is_never_its_input(run_cli, tmp_path):
    (tmp_path / "in.jsonl").write_bytes(TRL)
    os.link(tmp_path / "in.jsonl", tmp_path / "hard.jsonl")
    os.symlink("in.jsonl", tmp_path / "soft.jsonl")
    before = snapshot(tmp_path)
    for out in ("hard.jsonl", "soft.jsonl"):
        assert_one_line_error(run_cli("convert", "in.jsonl", "-o", out, cwd=tmp_path), f"-o {out}", "input")
    proc = run_with_stdin(tmp_path / "in.jsonl", "convert", "-", "-o", "in.jsonl", cwd=tmp_path)  # `< in.jsonl`
    assert proc.returncode == 2 and b"input" in proc.stderr, proc.stderr
    assert snapshot(tmp_path) == before


# -- item 2: devices, FIFOs and links are written through, never replaced ----------------------------
# The system's own /dev/null and /dev/stdout are never named here: run against a pftlint that
# replaces its output (as root), a test would replace them for the whole machine. A device node
# made in tmp_path and a link to /proc/self/fd/1 (what /dev/stdout is) stand in for them.

def device_node(path) -> None:
    """A character device like /dev/null (1, 3) at ``path``; skips the test where that is impossible."""
    if os.geteuid() != 0:
        pytest.skip("mknod needs root")
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        with open(path, "wb") as probe:  # a folder mounted nodev refuses to open it
            probe.write(b"x")
    except OSError as exc:
        pytest.skip(f"cannot make a device node here: {exc}")


@pytest.mark.parametrize("command", ["check", "convert"])
def test_a_device_node_and_a_link_to_it_are_written_through(run_cli, work, command):
    device_node(work / "null")
    os.symlink("null", work / "to-null")
    (work / "in.jsonl").write_bytes(TRL)
    before = snapshot(work)
    for out in ("null", "to-null"):
        if command == "check":
            proc = run_cli("check", "--output-format", "json", "--output-file", out, "data", cwd=work)
        else:
            proc = run_cli("convert", "in.jsonl", "-o", out, cwd=work)
        assert proc.returncode == 0, (out, proc.stderr)
        assert snapshot(work) == before, out


@pytest.mark.parametrize("command", ["check", "convert"])
def test_a_fifo_gets_the_output_and_stays_a_fifo(run_cli, work, command):
    fifo = work / "pipe"
    os.mkfifo(fifo)
    (work / "in.jsonl").write_bytes(TRL)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there, so the writer's open does not block
    try:
        if command == "check":
            proc = run_cli("check", "--output-format", "json", "--output-file", "pipe", "data", cwd=work)
        else:
            proc = run_cli("convert", "in.jsonl", "-o", "pipe", cwd=work)
        assert proc.returncode == 0, proc.stderr
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        received = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    first = json.loads(received.splitlines()[0])
    assert ("findings" in first) if command == "check" else ("preferred_output" in first)


def stdout_link(folder) -> str:
    """``folder/stdout``: a link to /proc/self/fd/1, as /dev/stdout is (skips without /proc)."""
    if not os.path.exists("/proc/self/fd/1"):
        pytest.skip("no /proc")
    os.symlink("/proc/self/fd/1", folder / "stdout")
    return "stdout"


@pytest.mark.parametrize("output", ["-", "link", "/proc/self/fd/1"])
def test_output_to_stdout_is_the_report_alone(run_cli, work, output):
    link = stdout_link(work)
    output = link if output == "link" else output
    before = snapshot(work)
    proc = run_cli("check", "--output-format", "json", "--output-file", output, "data", cwd=work)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # the machine report only: no human report mixed into it
    assert doc["summary"]["records"] == 12
    assert snapshot(work) == before
    converted = run_cli("convert", "valid.jsonl", "-o", output, cwd=work)
    assert converted.returncode == 0, converted.stderr
    assert [json.loads(line) for line in converted.stdout.splitlines()] == \
        [json.loads(line) for line in CLEAN.read_text().splitlines()]
    assert snapshot(work) == before


def test_stdout_redirected_to_a_file_writes_that_file(work):
    link = stdout_link(work)
    with open(work / "report.json", "wb") as out:  # `pftlint check --output-file /dev/stdout data > report.json`
        proc = subprocess.run([*pftlint_command(), "check", "--isolated", "--output-format", "json",
                               "--output-file", link, "data"], stdout=out, stderr=subprocess.PIPE,
                              cwd=work, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((work / "report.json").read_text())["summary"]["records"] == 12
    assert os.readlink(work / link) == "/proc/self/fd/1"


def test_a_link_to_a_regular_file_stays_a_link_and_its_file_gets_the_report(run_cli, work):
    (work / "reports").mkdir()
    (work / "reports" / "latest.json").write_text("old\n")
    os.symlink("reports/latest.json", work / "report.json")
    proc = run_cli("check", "--output-format", "json", "--output-file", "report.json", "data", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert os.readlink(work / "report.json") == "reports/latest.json"
    assert json.loads((work / "reports" / "latest.json").read_text())["summary"]["records"] == 12
    assert sorted(os.listdir(work / "reports")) == ["latest.json"]  # no temporary file left


# -- item 13: --validation X and X as a PATH ---------------------------------------------------------

def test_validation_also_named_as_a_path_is_a_usage_error(run_cli, work):
    os.link(work / "valid.jsonl", work / "again.jsonl")
    for path in ("valid.jsonl", "again.jsonl", "./valid.jsonl"):
        proc = run_cli("check", "--isolated", "--validation", "valid.jsonl", "data/train.jsonl", path, cwd=work)
        assert_one_line_error(proc, "valid.jsonl", "--validation")


def files_checked(proc) -> list[str]:
    assert proc.returncode in (0, 1), proc.stderr
    return [f["path"] for f in json.loads(proc.stdout)["files"]]


def test_validation_found_in_a_directory_is_linted_once_as_validation(run_cli, work):
    os.rename(work / "valid.jsonl", work / "data" / "valid.jsonl")
    proc = run_cli("check", "--isolated", "--output-format", "json", "--validation", "data/valid.jsonl", "data",
                   cwd=work)
    assert files_checked(proc) == ["data/valid.jsonl", "data/train.jsonl"]


def test_config_validation_named_again_as_a_path_is_allowed(run_cli, work):
    # pre-commit passes every changed file, the validation file too
    (work / "pftlint.toml").write_text('validation = "valid.jsonl"\n')
    proc = run_cli("check", "--output-format", "json", "data/train.jsonl", "valid.jsonl", cwd=work)
    assert files_checked(proc) == ["valid.jsonl", "data/train.jsonl"]


# -- item 15: a config nested too deeply -------------------------------------------------------------

@pytest.mark.parametrize("name, body", [
    ("pftlint.toml", "select = {open}{close}\n"),
    ("pyproject.toml", "[tool.pftlint]\nselect = {open}{close}\n"),
    ("other.toml", "[rules.too-few-examples]\nminimum = {inline}\n"),
])
def test_a_deeply_nested_config_is_a_config_error(run_cli, work, name, body):
    depth = 100_000
    text = body.format(open="[" * depth, close="]" * depth, inline="{a=" * depth + "1" + "}" * depth)
    (work / name).write_text(text)
    args = ["--config", name] if name == "other.toml" else []
    proc = run_cli("check", *args, "data", cwd=work)
    assert_one_line_error(proc, name, "nested")
    assert "internal error" not in proc.stderr
