"""``--output-file`` (atomic, the terminal keeps the human report), ``--exit-zero`` and ``--quiet``."""

from __future__ import annotations

import json
import os
import stat

import pytest

from conftest import REPO
from pftlint.errors import UsageError
from pftlint.commands.check import write_output

BROKEN = REPO / "examples" / "broken.jsonl"
CLEAN = REPO / "examples" / "clean-dpo.jsonl"


@pytest.fixture
def work(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_bytes(BROKEN.read_bytes())
    (tmp_path / "clean.jsonl").write_bytes(CLEAN.read_bytes())
    return tmp_path


def without_seconds(doc: dict) -> dict:
    doc["summary"].pop("seconds")
    return doc


def assert_one_line_error(proc, *words: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("pftlint: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    for word in words:
        assert word in proc.stderr, (word, proc.stderr)


def test_report_goes_to_the_file_and_the_human_report_to_the_terminal(run_cli, work):
    proc = run_cli("check", "--isolated", "--output-format", "json", "--output-file", "report.json", "data", cwd=work)
    direct = run_cli("check", "--isolated", "--output-format", "json", "data", cwd=work)
    concise = run_cli("check", "--isolated", "data", cwd=work)
    assert proc.returncode == direct.returncode == 1, proc.stderr
    written = json.loads((work / "report.json").read_text(encoding="utf-8"))
    assert without_seconds(written) == without_seconds(json.loads(direct.stdout))
    assert proc.stdout == concise.stdout  # the terminal gets what it gets without --output-file
    assert proc.stdout.splitlines()[-1].startswith("Checked 1 file, 11 records: 12 errors")
    assert sorted(os.listdir(work)) == ["clean.jsonl", "data", "report.json"]  # no temporary file left


def test_sarif_file_with_auto_in_github_actions(run_cli, work):
    proc = run_cli("check", "--isolated", "--output-format", "sarif", "--output-file", "out.sarif", "data",
                   cwd=work, env={"GITHUB_ACTIONS": "true"})
    assert proc.returncode == 1, proc.stderr
    assert json.loads((work / "out.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert proc.stdout.startswith("::error file=data/train.jsonl,")  # the job log gets annotations


def test_auto_format_in_a_file_is_concise(run_cli, work):
    proc = run_cli("check", "--isolated", "--output-file", "out.txt", "data", cwd=work)
    assert (work / "out.txt").read_text(encoding="utf-8") == proc.stdout
    assert proc.stdout.startswith("data/train.jsonl:2:11: PFT203 [error]")


def test_an_existing_report_is_replaced_and_keeps_its_mode(run_cli, work):
    target = work / "report.json"
    target.write_text("old report, much longer than nothing " * 1000)
    target.chmod(0o640)
    proc = run_cli("check", "--isolated", "--output-format", "json", "--output-file", "report.json", "clean.jsonl",
                   cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["error"] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_report_gets_the_umask_mode_not_mkstemps_0600(tmp_path):
    umask = os.umask(0o027)
    try:
        write_output(str(tmp_path / "r.txt"), lambda out: out.write("x\n"))
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "r.txt").stat().st_mode) == 0o640
    assert (tmp_path / "r.txt").read_bytes() == b"x\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("previous report\n")

    def half_then_fail(out):
        out.write('{"findings": [')
        raise OSError(28, "No space left on device")

    with pytest.raises(UsageError, match="No space left on device"):
        write_output(str(target), half_then_fail)
    assert target.read_text() == "previous report\n"
    assert os.listdir(tmp_path) == ["report.json"]

    def interrupted(out):
        out.write("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_output(str(target), interrupted)
    assert target.read_text() == "previous report\n" and os.listdir(tmp_path) == ["report.json"]


def test_bad_output_paths_fail_before_linting(run_cli, work):
    assert_one_line_error(run_cli("check", "--output-file", "missing/r.json", "data", cwd=work), "does not exist")
    assert_one_line_error(run_cli("check", "--output-file", "data", "data", cwd=work), "expected a file path")
    before = (work / "data" / "train.jsonl").read_bytes()
    proc = run_cli("check", "--output-file", "data/train.jsonl", "data", cwd=work)
    assert_one_line_error(proc, "which this run reads")
    assert (work / "data" / "train.jsonl").read_bytes() == before
    os.chmod(work / "data", 0o555)
    try:
        if os.access(work / "data", os.W_OK):  # root writes anywhere
            pytest.skip("running as root: a read-only folder is writable")
        assert_one_line_error(run_cli("check", "--output-file", "data/r.json", "clean.jsonl", cwd=work),
                              "--output-file data/r.json")
    finally:
        os.chmod(work / "data", 0o755)


def test_statistics_go_to_the_file_too(run_cli, work):
    proc = run_cli("check", "--isolated", "--statistics", "--output-format", "json", "--output-file", "s.json",
                   "data", cwd=work)
    assert proc.returncode == 1
    doc = json.loads((work / "s.json").read_text(encoding="utf-8"))
    assert doc["summary"]["error"] == 12 and doc["statistics"][0]["count"] >= 1
    assert proc.stdout.endswith("findings in 1 file.\n")  # the terminal: the counts, as text
    assert_one_line_error(run_cli("check", "--statistics", "--output-format", "sarif", "data", cwd=work),
                          "--statistics has no sarif form")


def test_exit_zero_reports_but_passes(run_cli, work):
    proc = run_cli("check", "--isolated", "--exit-zero", "data", cwd=work)
    assert proc.returncode == 0
    assert "PFT301 [error]" in proc.stdout and "12 errors" in proc.stdout
    warned = run_cli("check", "--isolated", "--exit-zero", "--fail-on", "warning", "data", cwd=work)
    assert warned.returncode == 0
    assert_one_line_error(run_cli("check", "--exit-zero", "nothing.jsonl", cwd=work), "nothing.jsonl")


def test_quiet_prints_nothing_but_keeps_the_status_and_the_file(run_cli, work):
    broken = run_cli("check", "--isolated", "--quiet", "data", cwd=work)
    clean = run_cli("check", "--isolated", "-q", "clean.jsonl", cwd=work)
    assert (broken.returncode, broken.stdout, broken.stderr) == (1, "", "")
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")
    proc = run_cli("check", "--isolated", "-q", "--output-format", "sarif", "--output-file", "r.sarif", "data",
                   cwd=work)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert len(json.loads((work / "r.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]) == 14
    assert_one_line_error(run_cli("check", "-q", "nothing.jsonl", cwd=work), "nothing.jsonl")
