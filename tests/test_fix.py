"""``pftlint check --fix`` and ``--diff`` (pftlint/fix.py): every documented fix through the console
script, the safety of the in-place rewrite, and the verification that refuses to lose a record."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pftlint import cli, fix
from pftlint.engine.catalog import rule_docs
from pftlint.reading.reader import Reader, RecordUnit

DOCS = {d.name: d for d in rule_docs()}
FIXABLE_DOCS = [d for d in rule_docs() if d.fixable]

R1 = {"messages": [{"role": "user", "content": "Hi\nthere, \\n is not a break"}, {"role": "assistant", "content": "Héllo ✓"}]}
R2 = {"messages": [{"role": "user", "content": "2 + 2?"}, {"role": "assistant", "content": "4", "weight": 1}]}
R3 = {"messages": [{"role": "user", "content": "ok"}, {"role": "assistant", "content": "fine"}], "n": 1.5}
RECORDS = [R1, R2, R3]


def records_of(data: bytes) -> list:
    """The records of a file by the reader (any layout), as (value, text) pairs."""
    return [u.data for u in Reader(io.BytesIO(data)) if type(u) is RecordUnit]


def strict(values: list) -> list[str]:
    """Comparable with types and key order: 1, 1.0 and true differ; {"a", "b"} differs from {"b", "a"}."""
    return [json.dumps(v, ensure_ascii=True) for v in values]


def jsonl_lines(data: bytes) -> list:
    """A fixed file read the plain way: one json.loads per line (the reader is not the oracle)."""
    assert data.endswith(b"\n") and b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")
    return [json.loads(line) for line in data.decode("utf-8").split("\n")[:-1]]


def leftovers(tmp: Path) -> list[str]:
    return [p.name for p in tmp.iterdir() if "pftlint-fix" in p.name]


def main(*args: str) -> int:
    """``pftlint check --fix`` (or ``--diff`` when given) in this process, so that tests can break its parts."""
    mode = [] if "--diff" in args else ["--fix"]
    return cli.main(["check", *mode, "--isolated", "--output-format", "concise", *args])


# -- the catalog and the documented examples ---------------------------------------------------------

def test_fixable_rules_are_the_ones_the_documents_mark():
    assert sorted(fix.FIXABLE) == sorted(d.name for d in FIXABLE_DOCS)


def test_every_fixable_document_shows_the_fix():
    for doc in FIXABLE_DOCS:
        fix_text = doc.text.split("## Use instead", 1)[1]
        assert "--fix" in fix_text, f"{doc.path.name}: say under 'Use instead' what `pftlint check --fix` does"


def _example_args(doc, example) -> list[str]:
    target = example.attrs.get("target", "openai")
    return ["--isolated", "--target", target, "--extend-select", doc.name, "--ignore", "too-few-examples"]


@pytest.mark.parametrize("doc", FIXABLE_DOCS, ids=lambda d: d.name)
def test_documented_example_is_fixed_through_the_console_script(doc, tmp_path, run_cli):
    bad = [e for e in doc.examples if e.bad]
    good = [e for e in doc.examples if not e.bad]
    assert bad and good
    for example in bad:
        path = tmp_path / example.filename
        before = example.content()
        path.write_bytes(before)
        args = _example_args(doc, example)

        shown = run_cli("check", "--diff", *args, str(path))
        assert shown.returncode == 1, shown.stderr
        assert shown.stdout.startswith(f"--- {path}\n+++ {path} (fixed)\n"), shown.stdout
        assert f"Would fix {path}: " in shown.stderr and f"({doc.name})" in shown.stderr
        assert path.read_bytes() == before  # --diff changes nothing

        fixed = run_cli("check", "--fix", "--output-format", "concise", *args, str(path))
        assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # a file changed: like end-of-file-fixer
        assert re.search(rf"^Fixed {re.escape(str(path))}: .*\({doc.name}\)", fixed.stderr, re.M), fixed.stderr
        after = path.read_bytes()
        assert after != before
        assert strict(jsonl_lines(after)) == strict(records_of(before))
        assert doc.name not in fixed.stdout  # the re-check after the fix: nothing left of this rule
        # The rule's own "Use instead" block is what --fix writes.
        assert after == good[0].content(), after

        again = run_cli("check", "--fix", *args, str(path))
        assert again.returncode == 0, again.stdout + again.stderr
        assert again.stderr == "" and path.read_bytes() == after


# -- what a rewrite keeps and what it changes --------------------------------------------------------

def _lines(*records, sep="\n", end="\n") -> bytes:
    return (sep.join(json.dumps(r, ensure_ascii=False) for r in records) + end).encode("utf-8")


def test_records_on_one_line_keep_their_exact_text(tmp_path):
    # Spacing, escapes and number spellings a re-serialisation would change.
    odd = '{"messages":[{"role":"user","content":"caf\\u00e9"} , {"role":"assistant","content":"1.50"}],"x":1.50E+2}'
    glued = odd + "\\n" + json.dumps(R2)
    path = tmp_path / "t.jsonl"
    path.write_bytes(f"{odd}\n\n{glued}\n".encode())
    assert main(str(path)) == 1
    assert path.read_text(encoding="utf-8") == f"{odd}\n{odd}\n{json.dumps(R2)}\n"


def test_pretty_printed_records_become_json_dumps(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r, indent=2, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    assert main("--select", "multiline-record", str(path)) == 1
    assert path.read_text(encoding="utf-8") == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS)


def test_pretty_printed_record_json_dumps_cannot_write_keeps_its_tokens(tmp_path):
    # 1e999 parses to inf (json.dumps would write Infinity, which is not JSON); a lone surrogate cannot be UTF-8.
    text = '{\n  "messages": [],\n  "big": 1e999,\n  "s": "\\ud800 x"\n}\n'
    path = tmp_path / "t.jsonl"
    path.write_text(text, encoding="utf-8")
    assert main("--select", "multiline-record", str(path)) == 1
    assert path.read_text(encoding="utf-8") == '{"messages":[],"big":1e999,"s":"\\ud800 x"}\n'


def test_byte_preferences_of_inactive_rules_are_kept(tmp_path):
    path = tmp_path / "t.jsonl"
    # azure: utf8-bom is off (Azure asks for the mark); crlf-line-endings and missing-final-newline are off by default
    path.write_bytes(b"\xef\xbb\xbf" + _lines(R1, R2, sep="\r\n\r\n", end=""))
    assert main("--target", "azure", str(path)) == 1
    assert path.read_bytes() == b"\xef\xbb\xbf" + _lines(R1, R2, sep="\r\n", end="")
    assert main("--target", "azure", "--extend-select", "crlf-line-endings,missing-final-newline", str(path)) == 1
    assert path.read_bytes() == b"\xef\xbb\xbf" + _lines(R1, R2)
    assert main("--target", "openai", "--ignore", "too-few-examples", str(path)) == 1  # utf8-bom on: removed
    assert path.read_bytes() == _lines(R1, R2)


def test_restructured_file_ends_with_a_newline(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")  # json.dump: no final newline
    assert main(str(path)) == 1
    assert path.read_bytes() == _lines(*RECORDS)


def test_wrapped_document_is_unwrapped_only_when_nothing_else_is_in_it(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"data": RECORDS}, indent=2), encoding="utf-8")
    assert main(str(path)) == 1
    assert strict(jsonl_lines(path.read_bytes())) == strict(RECORDS)
    capsys.readouterr()
    text = json.dumps({"object": "list", "data": RECORDS}, indent=2)
    path.write_text(text, encoding="utf-8")
    assert main(str(path)) == 1  # findings remain
    assert path.read_text(encoding="utf-8") == text
    err = capsys.readouterr().err
    assert f"Not fixed {path}: " in err and "'object'" in err and "by hand" in err


def test_a_file_that_cannot_be_repaired_is_left_alone_and_says_where(tmp_path, run_cli):
    path = tmp_path / "t.jsonl"
    before = _lines(R1) + b"\n" + b'{"messages": [}\n' + _lines(R2)
    path.write_bytes(before)
    for ignore in ([], ["--ignore", "invalid-json"]):  # not even when the user ignores the rule
        proc = run_cli("check", "--fix", "--isolated", *ignore, str(path))
        assert proc.returncode == 1, proc.stderr
        assert path.read_bytes() == before
        assert proc.stderr == f"Not fixed {path}: cannot be repaired without guessing: fix line 3 by hand " \
                              "(invalid-json), then run --fix again\n"
    assert leftovers(tmp_path) == []
    for data, rule in [(b'{"a": 1}\n\n[1, 2]\n', "not-an-object"), (b'{"a": "\xff"}\n\n', "invalid-utf8")]:
        path.write_bytes(data)
        proc = run_cli("check", "--fix", "--isolated", str(path))
        assert path.read_bytes() == data and f"({rule})" in proc.stderr


def test_nothing_to_fix_writes_nothing(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(_lines(*RECORDS))
    os.utime(path, (1, 1))
    assert main("--select", "PFT1", "--ignore", "too-few-examples", str(path)) == 0
    assert os.stat(path).st_mtime == 1  # not even rewritten with the same bytes
    path.write_bytes(_lines(R1, R2, sep="\n\n"))  # a fixable finding of a rule that is not selected
    assert main("--select", "PFT1", "--ignore", "too-few-examples,blank-line,invalid-json", str(path)) == 0
    assert path.read_bytes() == _lines(R1, R2, sep="\n\n")
    path.write_bytes(b"\n \n")  # no records at all: empty-file, nothing to write
    assert main(str(path)) == 1 and path.read_bytes() == b"\n \n"


# -- the command line --------------------------------------------------------------------------------

def test_fix_then_report_what_remains(tmp_path, run_cli):
    path = tmp_path / "t.jsonl"
    broken = dict(R2, messages=[{"role": "human", "content": "x"}, {"role": "assistant", "content": "y"}])
    path.write_bytes(_lines(R1, broken, sep="\n\n"))
    proc = run_cli("check", "--fix", "--isolated", "--output-format", "json", str(path))
    assert proc.returncode == 1
    report = json.loads(proc.stdout)  # stdout stays the report: the Fixed line is on stderr
    rules = sorted({f["rule"] for f in report["findings"]})
    assert "blank-line" not in rules and "invalid-role" in rules
    assert proc.stderr.startswith(f"Fixed {path}: 1 blank line deleted (blank-line)")
    quiet = run_cli("check", "--fix", "--isolated", "-q", str(path))
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (1, "", "")
    path.write_bytes(_lines(R1, R2, sep="\n\n"))
    zero = run_cli("check", "--fix", "--isolated", "--exit-zero", str(path))
    assert zero.returncode == 0 and path.read_bytes() == _lines(R1, R2)


def test_diff_of_a_clean_file_is_empty_and_exits_0(tmp_path, run_cli):
    path = tmp_path / "t.jsonl"
    path.write_bytes(_lines(*RECORDS))
    proc = run_cli("check", "--diff", "--isolated", str(path))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    path.write_bytes(_lines(*RECORDS, sep="\n\n"))
    report_only = run_cli("check", "--diff", "--isolated", "--exit-zero", str(path))
    assert report_only.returncode == 0 and report_only.stdout.startswith("---")


def test_diff_of_a_big_file_is_no_patch_but_a_note(run_cli, tmp_path):
    path = tmp_path / "t.jsonl"
    copies = fix.DIFF_MAX_BYTES // len(_lines(*RECORDS)) + 1
    before = _lines(*RECORDS * copies, sep="\n \n")
    path.write_bytes(before)
    proc = run_cli("check", "--isolated", "--diff", "t.jsonl", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""  # nothing `patch` could take for a patch
    assert proc.stderr == (f"Would fix t.jsonl: {len(RECORDS) * copies - 1:,} blank lines deleted (blank-line); "
                           "the diff is too large to show (over 4 MiB): run --fix to apply it\n")
    assert path.read_bytes() == before


def test_standard_input_is_never_fixed(run_cli):
    said = {"--fix": "--fix cannot rewrite standard input; save it to a file and fix that",
            "--diff": "--diff needs a file: standard input is read once, by the check; save it to a file and run "
                      "--diff on that"}
    for flag, why in said.items():
        proc = run_cli("check", flag, "-", input=_lines(R1, R2, sep="\n\n"))
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr == f"pftlint: error: {why}\n"
    both = run_cli("check", "--fix", "--diff", "x.jsonl")
    assert both.returncode == 2 and both.stderr == "pftlint: error: cannot use --fix with --diff\n"


# -- safety ------------------------------------------------------------------------------------------

def test_permissions_kept_and_symlinks_followed(tmp_path):
    target = tmp_path / "real.jsonl"
    target.write_bytes(_lines(R1, R2, sep="\n\n"))
    os.chmod(target, 0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(target.name)
    assert main(str(link)) == 1
    assert link.is_symlink() and target.read_bytes() == _lines(R1, R2)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert leftovers(tmp_path) == []


def _one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pftlint: error: "), captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def test_read_only_file_is_left_untouched(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    before = _lines(R1, R2, sep="\n\n")
    path.write_bytes(before)
    os.chmod(path, 0o444)
    assert main(str(path)) == 2
    assert "read-only" in _one_error_line(capsys)
    assert path.read_bytes() == before and leftovers(tmp_path) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_left_untouched(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "t.jsonl"
    before = _lines(R1, R2, sep="\n\n")
    path.write_bytes(before)
    os.chmod(folder, 0o555)
    try:
        assert main(str(path)) == 2
        assert "Permission denied" in _one_error_line(capsys)
        assert path.read_bytes() == before and leftovers(folder) == []
    finally:
        os.chmod(folder, 0o755)


def test_folder_that_refuses_the_temporary_file(tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(fix.tempfile, "mkstemp", refuse)
    path = tmp_path / "t.jsonl"
    before = _lines(R1, R2, sep="\n\n")
    path.write_bytes(before)
    assert main(str(path)) == 2
    assert _one_error_line(capsys) == f"pftlint: error: cannot fix {path}: Permission denied; the file is unchanged"
    assert path.read_bytes() == before


class _Failing(io.BufferedWriter):
    """A temporary file whose disk fills up (or whose user presses Ctrl-C) after ``budget`` bytes."""

    def __init__(self, fd: int, budget: int, error: BaseException):
        super().__init__(io.FileIO(fd, "wb"))
        self.budget, self.error = budget, error

    def write(self, data) -> int:
        self.budget -= len(data)
        if self.budget < 0:
            raise self.error
        return super().write(data)


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), KeyboardInterrupt()],
                         ids=["disk-full", "interrupted"])
def test_failure_mid_write_leaves_the_original(tmp_path, monkeypatch, capsys, error):
    monkeypatch.setattr(fix, "_open_temp", lambda fd: _Failing(fd, 300, error))
    path = tmp_path / "t.jsonl"
    before = _lines(*RECORDS * 4, sep="\n\n")
    path.write_bytes(before)
    os.chmod(path, 0o600)
    assert main(str(path)) == 2
    line = _one_error_line(capsys)
    assert line.endswith("interrupted") if isinstance(error, KeyboardInterrupt) else \
        line == f"pftlint: error: cannot fix {path}: No space left on device; the file is unchanged"
    assert path.read_bytes() == before and leftovers(tmp_path) == []
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_other_files_of_the_run_keep_their_fix_when_one_fails(tmp_path, capsys):
    good, locked = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for p in (good, locked):
        p.write_bytes(_lines(R1, R2, sep="\n\n"))
    os.chmod(locked, 0o444)
    assert main(str(good), str(locked)) == 2
    assert good.read_bytes() == _lines(R1, R2) and locked.read_bytes() == _lines(R1, R2, sep="\n\n")


# -- the verification: no fix can lose or change a record ---------------------------------------------

def _mutant(change):
    """A rewrite whose output is passed through ``change(lines) -> lines`` (a broken fixer)."""
    real = fix.rewrite

    def rewrite(stream, active, out):
        buffer = io.BytesIO()
        outcome = real(stream, active, buffer)
        out.write(b"\n".join(change(buffer.getvalue().split(b"\n"))))
        return outcome

    return rewrite


MUTANTS = {
    "record-lost": lambda lines: lines[:1] + lines[2:],
    "record-added": lambda lines: lines[:1] + lines,
    "order-changed": lambda lines: [lines[1], lines[0], *lines[2:]],
    "int-became-float": lambda lines: [ln.replace(b'"weight": 1', b'"weight": 1.0') for ln in lines],
    "int-became-true": lambda lines: [ln.replace(b'"weight": 1', b'"weight": true') for ln in lines],
    "keys-reordered": lambda lines: [json.dumps(dict(reversed(json.loads(ln).items()))).encode() if ln else ln
                                     for ln in lines],
    "string-changed": lambda lines: [ln.replace(b"\\\\n", b"\\n") for ln in lines],
    "blank-line-left": lambda lines: [lines[0], b"", *lines[1:]],
}


@pytest.mark.parametrize("name", MUTANTS)
def test_verification_refuses_a_fixer_that_loses_or_changes_a_record(name, tmp_path, monkeypatch, capsys):
    path = tmp_path / "t.jsonl"
    before = json.dumps(RECORDS, indent=1, ensure_ascii=False).encode()
    path.write_bytes(before)
    monkeypatch.setattr(fix, "rewrite", _mutant(MUTANTS[name]))
    assert main(str(path)) == 2
    line = _one_error_line(capsys)
    assert "the check of the fixed copy failed" in line and "the file is unchanged" in line, line
    assert path.read_bytes() == before and leftovers(tmp_path) == []
    monkeypatch.undo()  # the real fixer passes the same check
    assert main(str(path)) == 1 and strict(jsonl_lines(path.read_bytes())) == strict(RECORDS)


@pytest.mark.parametrize("name", MUTANTS)
def test_diff_refuses_the_same_mutants(name, tmp_path, monkeypatch, capsys):
    path = tmp_path / "t.jsonl"
    path.write_bytes(json.dumps(RECORDS).encode())
    monkeypatch.setattr(fix, "rewrite", _mutant(MUTANTS[name]))
    assert main("--diff", str(path)) == 2
    assert "the check of the fixed copy failed" in _one_error_line(capsys)


def test_verify_compares_types_and_key_order():
    one = b'{"a": 1, "b": [true, null, "x"]}\n'
    assert fix.verify(io.BytesIO(one), io.BytesIO(b'{"a":1,"b":[true,null,"x"]}\n'), fix.FIXABLE) is None
    for other in (b'{"b": [true, null, "x"], "a": 1}\n', b'{"a": 1.0, "b": [true, null, "x"]}\n',
                  b'{"a": true, "b": [true, null, "x"]}\n', b'{"a": 1, "b": [1, null, "x"]}\n', b""):
        assert fix.verify(io.BytesIO(one), io.BytesIO(other), fix.FIXABLE) is not None, other


# -- pre-commit ---------------------------------------------------------------------------------------

def _manifest() -> dict:
    from pre_commit.clientlib import load_manifest

    from conftest import REPO

    return {h["id"]: h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}


def _git(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def _precommit_project(tmp_path: Path, repos: list) -> tuple[Path, dict]:
    import yaml
    from test_precommit import cli_env

    project = tmp_path / "project"
    project.mkdir()
    env = {**cli_env(), "PRE_COMMIT_HOME": str(tmp_path / "home"), "PRE_COMMIT_COLOR": "never"}
    for args in (("init", "-q"), ("config", "user.email", "ci@example.com"), ("config", "user.name", "CI"),
                 ("config", "commit.gpgsign", "false")):
        assert _git(*args, cwd=project, env=env).returncode == 0
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": repos}, sort_keys=False))
    install = subprocess.run([sys.executable, "-m", "pre_commit", "install"], capture_output=True, text=True,
                             cwd=project, env=env, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr
    return project, env


def _commit_fixes(project: Path, env: dict, hook_name: str) -> None:
    """A broken commit is stopped with the file fixed in the work tree; adding the fix commits."""
    from test_precommit import CLEAN

    clean = CLEAN.encode()
    broken = b"\xef\xbb\xbf" + clean.replace(b"\n", b"\n\n", 3) + b"\n\n"
    data = project / "data" / "train.jsonl"
    data.parent.mkdir()
    data.write_bytes(broken)
    _git("add", ".pre-commit-config.yaml", "data/train.jsonl", cwd=project, env=env)
    first = _git("commit", "-m", "data", cwd=project, env=env)
    output = first.stdout + first.stderr
    assert first.returncode != 0, output
    assert re.search(rf"^{re.escape(hook_name)}\.+Failed$", output, re.M), output
    assert "files were modified by this hook" in output, output
    assert "Fixed data/train.jsonl: 3 blank lines deleted (blank-line); 2 trailing blank lines deleted " \
           "(trailing-blank-lines); byte-order mark removed (utf8-bom)" in output, output
    assert data.read_bytes() == clean
    _git("add", "data/train.jsonl", cwd=project, env=env)
    second = _git("commit", "-m", "data", cwd=project, env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert re.search(rf"^{re.escape(hook_name)}\.+Passed$", second.stdout + second.stderr, re.M)


def test_pre_commit_runs_the_fix_hook_entry(tmp_path):
    """Real pre-commit, offline: the manifest's pftlint-fix hook as a local hook on the installed pftlint."""
    hook = dict(_manifest()["pftlint-fix"])
    local = {"id": hook["id"], "name": hook["name"], "entry": hook["entry"], "language": "system",
             "files": hook["files"], "require_serial": hook["require_serial"]}
    project, env = _precommit_project(tmp_path, [{"repo": "local", "hooks": [local]}])
    _commit_fixes(project, env, hook["name"])


@pytest.mark.network
def test_pre_commit_installs_and_runs_the_fix_hook(tmp_path):
    """The hook as users get it: pre-commit installs this checkout's HEAD from the registry's build tools."""
    from conftest import REPO

    head = _git("rev-parse", "HEAD", cwd=REPO, env=dict(os.environ))
    if head.returncode != 0:
        pytest.skip("this checkout is not a git repository: pre-commit installs hooks from commits")
    assert _git("cat-file", "-e", "HEAD:.pre-commit-hooks.yaml", cwd=REPO, env=dict(os.environ)).returncode == 0
    repos = [{"repo": str(REPO), "rev": head.stdout.strip(), "hooks": [{"id": "pftlint-fix"}]}]
    project, env = _precommit_project(tmp_path, repos)
    _commit_fixes(project, env, _manifest()["pftlint-fix"]["name"])


# -- real files ---------------------------------------------------------------------------------------

def test_real_files_keep_every_record(corpus, tmp_path, capsys):
    """Published files (BOMs, no final newline...): fixed with every fixable rule on, record for record."""
    files = sorted(corpus.glob("*.jsonl"))
    assert files
    copies = []
    for source in files:
        copy = tmp_path / source.name
        copy.write_bytes(source.read_bytes())
        copies.append(copy)
    fixable = ",".join(fix.FIXABLE)
    assert main("--select", fixable, *map(str, copies)) == 1
    captured = capsys.readouterr()
    assert "PFT1" not in captured.out, captured.out  # no fixable finding is left anywhere
    assert captured.err.count("Fixed ") >= 2, captured.err  # the corpus has BOMs and unterminated files
    for source, copy in zip(files, copies):
        before, after = source.read_bytes(), copy.read_bytes()
        assert strict(jsonl_lines(after)) == strict(records_of(before)), source.name
        assert len(jsonl_lines(after)) == len(records_of(before)) > 0
