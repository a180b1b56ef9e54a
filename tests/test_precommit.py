"""The pre-commit hook and the README's "CI and pre-commit" snippets.

The real test (marked ``network``) makes a git repository, installs the README's
pre-commit snippet pointed at this checkout (``repo:`` its path, ``rev:`` its HEAD
commit: pre-commit installs what is committed), and commits a broken and then a
fixed preference file through the installed git hook; then, with ``pftlint-fix`` in
place of ``pftlint``, a file that hook repairs. pre-commit builds the hook's
environment with pip from the package registry: pip never takes packages from this
interpreter's site-packages, so the test needs the registry (reachable here and in
CI). Its PRE_COMMIT_HOME is a fresh folder per test session: the first commit pays
for the install (about a minute), the second reuses it.

The local hook (the README's first snippet, for before a release) runs for real without the
registry: ``language: system`` uses the installed console script.

The other snippets are run as written: the GitHub Actions job's ``run:`` commands with
GITHUB_ACTIONS=true (its ``pip install`` from the repository URL is installed from this checkout's
commit instead: the same requirement, another address), and the generic CI line.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SHARED, pftlint_command
from pftlint import __version__

MANIFEST = REPO / ".pre-commit-hooks.yaml"
CLEAN = (REPO / "examples" / "clean-dpo.jsonl").read_text(encoding="utf-8")
_FENCE = re.compile(r"^( *)```(\w+)\n(.*?)^\1```", re.M | re.S)


# -- the README -------------------------------------------------------------------------------

def readme_blocks(heading: str, lang: str) -> list[str]:
    """The fenced ``lang`` blocks under ``### heading`` of the README's "CI and pre-commit" section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## CI and pre-commit\n", 1)[1].split("\n## ", 1)[0]
    part = section.split(f"\n### {heading}\n", 1)[1].split("\n### ", 1)[0]
    return [textwrap.dedent(m.group(3)) for m in _FENCE.finditer(part) if m.group(2) == lang]


def local_snippet() -> dict:
    """The README's hook for before a release: ``repo: local`` with the installed console script."""
    return yaml.safe_load(readme_blocks("pre-commit", "yaml")[0])


def precommit_snippet() -> dict:
    """The README's hook for after a release: pre-commit installs pftlint from the repository's tag."""
    config = yaml.safe_load(readme_blocks("pre-commit", "yaml")[1])
    (repo,) = config["repos"]
    assert repo["rev"] == f"v{__version__}", "the README's rev should name the current release"
    return config


def broken_dataset() -> str:
    """The clean example with one mistake: line 3's user turn has the role 'human'."""
    lines = CLEAN.splitlines()
    row = json.loads(lines[2])
    assert row["input"]["messages"][-1]["role"] == "user"
    row["input"]["messages"][-1]["role"] = "human"
    lines[2] = json.dumps(row)
    return "\n".join(lines) + "\n"


def cli_env(**extra: str) -> dict:
    """The environment of a user's shell: pftlint on PATH, no colour, not inside GitHub Actions."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS" and not k.startswith("GIT_")}
    bindir = str(Path(pftlint_command()[0]).parent) if len(pftlint_command()) == 1 else None
    if bindir:
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.update(NO_COLOR="1", **extra)
    return env


# -- the manifest -----------------------------------------------------------------------------

def hooks() -> dict:
    from pre_commit.clientlib import load_manifest

    return {h["id"]: h for h in load_manifest(str(MANIFEST))}


def test_manifest_is_valid_and_the_hook_is_what_the_readme_promises():
    import pre_commit.constants

    hook = hooks()["pftlint"]
    assert shlex.split(hook["entry"]) == ["pftlint", "check", "--force-exclude"]
    assert hook["language"] == "python"
    assert hook["require_serial"] is True and hook["pass_filenames"] is True
    version = tuple(int(p) for p in hook["minimum_pre_commit_version"].split("."))
    assert version >= (3, 2, 0)  # the stage names pre-commit / pre-push
    assert tuple(int(p) for p in pre_commit.constants.VERSION.split(".")[:3]) >= version
    snippet_ids = [h["id"] for h in precommit_snippet()["repos"][0]["hooks"]]
    assert snippet_ids and set(snippet_ids) <= set(hooks())


def test_files_pattern_and_the_readme_override_for_json():
    from identify.identify import tags_from_filename

    assert "jsonl" not in tags_from_filename("train.jsonl")  # why the hook matches on `files:`
    default = hooks()["pftlint"]["files"]
    override = yaml.safe_load(readme_blocks("pre-commit", "yaml")[2])["hooks"][0]["files"]
    for name, by_default, with_override in [("data/train.jsonl", True, True), ("train.json", False, True),
                                            ("a.jsonl.gz", False, False), ("notes.txt", False, False),
                                            ("jsonl/readme.md", False, False)]:
        assert bool(re.search(default, name)) is by_default, name  # pre-commit matches with re.search
        assert bool(re.search(override, name)) is with_override, name


def test_require_serial_gives_one_process_until_the_command_line_is_full():
    """What the README says about long file lists, on pre-commit's own partitioning."""
    from pre_commit.xargs import partition

    cmd = ("pftlint", "check")
    files = [f"data/shard-{i:05d}.jsonl" for i in range(4000)]  # 4,000 x 23 bytes: 92 KiB
    assert len(partition(cmd, files, 1, _max_length=2**17)) == 1  # require_serial: one job
    assert len(partition(cmd, files[:40], 4, _max_length=2**17)) == 4  # without it: split across cores
    many = [f"data/shard-{i:05d}.jsonl" for i in range(8000)]  # 184 KiB: over the 128 KiB limit
    batches = partition(cmd, many, 1, _max_length=2**17)
    assert len(batches) == 2 and sum(len(b) - 2 for b in batches) == 8000


def test_hook_entry_on_broken_and_fixed_files(tmp_path):
    (tmp_path / "train.jsonl").write_text(broken_dataset(), encoding="utf-8")
    entry = shlex.split(hooks()["pftlint"]["entry"])
    proc = subprocess.run([*entry, "train.jsonl"], capture_output=True, text=True, cwd=tmp_path, env=cli_env())
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"^train\.jsonl:3:\d+: PFT301 \[error\] role 'human'", proc.stdout, re.M), proc.stdout
    (tmp_path / "train.jsonl").write_text(CLEAN, encoding="utf-8")
    proc = subprocess.run([*entry, "train.jsonl"], capture_output=True, text=True, cwd=tmp_path, env=cli_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hook_entries_skip_the_files_the_configuration_excludes(tmp_path):
    """pre-commit names a staged file of an excluded folder: both hooks leave it alone (exit 0, file unchanged)."""
    (tmp_path / "pyproject.toml").write_text('[tool.pftlint]\nexclude = ["legacy"]\n', encoding="utf-8")
    staged = tmp_path / "legacy" / "old.jsonl"
    staged.parent.mkdir()
    staged.write_bytes(b"\xef\xbb\xbf" + broken_dataset().encode("utf-8"))
    before = staged.read_bytes()
    for hook in ("pftlint", "pftlint-fix"):
        entry = shlex.split(hooks()[hook]["entry"])
        proc = subprocess.run([*entry, "legacy/old.jsonl"], capture_output=True, text=True, cwd=tmp_path,
                              env=cli_env())
        assert proc.returncode == 0, (hook, proc.stdout, proc.stderr)
        assert "PFT" not in proc.stdout and staged.read_bytes() == before
    without = subprocess.run([*pftlint_command(), "check", "legacy/old.jsonl"], capture_output=True, text=True,
                             cwd=tmp_path, env=cli_env())
    assert without.returncode == 1 and "PFT301" in without.stdout  # named without --force-exclude: checked


def test_fix_hook_repairs_then_passes(tmp_path):
    fix, check = hooks()["pftlint-fix"], hooks()["pftlint"]
    assert shlex.split(fix["entry"]) == ["pftlint", "check", "--fix", "--force-exclude"]
    assert {k: fix[k] for k in ("language", "files", "require_serial", "stages")} == \
        {k: check[k] for k in ("language", "files", "require_serial", "stages")}
    data = tmp_path / "train.jsonl"
    lines = CLEAN.splitlines(keepends=True)
    data.write_bytes(b"\xef\xbb\xbf" + "".join([*lines[:3], "\n", *lines[3:]]).encode("utf-8"))  # BOM, blank line
    entry = shlex.split(fix["entry"])
    first = subprocess.run([*entry, "train.jsonl"], capture_output=True, text=True, cwd=tmp_path, env=cli_env())
    assert first.returncode == 1, first.stdout + first.stderr  # it changed the file: the commit stops for review
    assert data.read_bytes() == CLEAN.encode("utf-8")
    again = subprocess.run([*entry, "train.jsonl"], capture_output=True, text=True, cwd=tmp_path, env=cli_env())
    assert again.returncode == 0, again.stdout + again.stderr


def test_local_hook_is_the_manifest_hook():
    """The README's local hook does what the published hook does, with the installed pftlint."""
    (repo,) = local_snippet()["repos"]
    assert repo["repo"] == "local"
    (hook,) = repo["hooks"]
    published = hooks()["pftlint"]
    assert hook["language"] == "system"  # the console script on PATH: nothing to install
    assert {k: hook[k] for k in ("id", "entry", "files", "require_serial")} == \
        {k: published[k] for k in ("id", "entry", "files", "require_serial")}


# -- pre-commit for real ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def git(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=900)


def new_project(tmp_path: Path, config: dict, env: dict) -> Path:
    """A git repository with ``config`` as its .pre-commit-config.yaml and the git hook installed."""
    project = tmp_path / "project"
    project.mkdir()
    for args in (("init", "-q"), ("config", "user.email", "ci@example.com"), ("config", "user.name", "CI"),
                 ("config", "commit.gpgsign", "false")):
        assert git(*args, cwd=project, env=env).returncode == 0
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    install = subprocess.run([sys.executable, "-m", "pre_commit", "install"], capture_output=True, text=True,
                             cwd=project, env=env, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr
    return project


def test_local_hook_blocks_the_broken_file_and_passes_the_fixed_one(tmp_path, pre_commit_home):
    """The README's snippet for today, through pre-commit and git, offline."""
    env = {**cli_env(), "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    project = new_project(tmp_path, local_snippet(), env)
    (project / "data").mkdir()
    (project / "data" / "train.jsonl").write_text(broken_dataset(), encoding="utf-8")
    git("add", ".pre-commit-config.yaml", "data/train.jsonl", cwd=project, env=env)
    broken = git("commit", "-m", "add the training data", cwd=project, env=env)
    output = broken.stdout + broken.stderr
    assert broken.returncode != 0 and re.search(r"^pftlint\.+Failed$", output, re.M), output
    assert re.search(r"^data/train\.jsonl:3:\d+: PFT301 \[error\]", output, re.M), output
    (project / "data" / "train.jsonl").write_text(CLEAN, encoding="utf-8")
    git("add", "data/train.jsonl", cwd=project, env=env)
    fixed = git("commit", "-m", "add the training data", cwd=project, env=env)
    assert fixed.returncode == 0 and re.search(r"^pftlint\.+Passed$", fixed.stdout + fixed.stderr, re.M), \
        fixed.stdout + fixed.stderr


@pytest.mark.network
def test_pre_commit_blocks_the_broken_file_and_passes_the_fixed_one(tmp_path, pre_commit_home):
    head = git("rev-parse", "HEAD", cwd=REPO)
    if head.returncode != 0:
        pytest.skip("this checkout is not a git repository: pre-commit installs hooks from commits")
    assert git("cat-file", "-e", "HEAD:.pre-commit-hooks.yaml", cwd=REPO).returncode == 0, \
        "commit .pre-commit-hooks.yaml: pre-commit reads the hook from the commit"
    config = precommit_snippet()
    config["repos"][0].update(repo=str(REPO), rev=head.stdout.strip())  # only where and which commit

    env = {**cli_env(), "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    project = new_project(tmp_path, config, env)

    (project / "data").mkdir()
    (project / "data" / "train.jsonl").write_text(broken_dataset(), encoding="utf-8")
    git("add", ".pre-commit-config.yaml", "data/train.jsonl", cwd=project, env=env)
    started = time.monotonic()
    broken = git("commit", "-m", "add the training data", cwd=project, env=env)
    output = broken.stdout + broken.stderr
    assert broken.returncode != 0, output
    assert re.search(r"^pftlint\.+Failed$", output, re.M), output
    assert re.search(r"^data/train\.jsonl:3:\d+: PFT301 \[error\] role 'human' is not a chat role", output, re.M), \
        output
    assert "Checked 1 file, 12 records: 1 error" in output, output
    assert git("rev-parse", "--verify", "-q", "HEAD", cwd=project, env=env).returncode != 0  # nothing committed
    first = time.monotonic() - started

    (project / "data" / "train.jsonl").write_text(CLEAN, encoding="utf-8")
    (project / "notes.json").write_text("{not json", encoding="utf-8")  # not the hook's business: *.jsonl only
    git("add", "data/train.jsonl", "notes.json", cwd=project, env=env)
    started = time.monotonic()
    fixed = git("commit", "-m", "add the training data", cwd=project, env=env)
    output = fixed.stdout + fixed.stderr
    assert fixed.returncode == 0, output
    assert re.search(r"^pftlint\.+Passed$", output, re.M), output
    committed = git("show", "--name-only", "--format=", "HEAD", cwd=project, env=env).stdout.split()
    assert sorted(committed) == [".pre-commit-config.yaml", "data/train.jsonl", "notes.json"]
    print(f"pre-commit: first commit (with the hook install) {first:.0f}s, second {time.monotonic() - started:.1f}s")

    # pftlint-fix in place of pftlint (the README): it repairs, pre-commit stops the commit for review
    config["repos"][0]["hooks"] = [{"id": "pftlint-fix"}]
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (project / "data" / "train.jsonl").write_bytes(b"\xef\xbb\xbf" + CLEAN.encode("utf-8"))
    git("add", ".pre-commit-config.yaml", "data/train.jsonl", cwd=project, env=env)
    repaired = git("commit", "-m", "use pftlint-fix", cwd=project, env=env)
    output = repaired.stdout + repaired.stderr
    assert repaired.returncode != 0 and re.search(r"^pftlint \(fix\)\.+Failed$", output, re.M), output
    assert "files were modified by this hook" in output and "utf8-bom" in output, output
    assert (project / "data" / "train.jsonl").read_bytes() == CLEAN.encode("utf-8")
    git("add", "data/train.jsonl", cwd=project, env=env)
    reviewed = git("commit", "-m", "use pftlint-fix", cwd=project, env=env)
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr


# -- the CI snippets --------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_text(broken_dataset(), encoding="utf-8")
    return tmp_path


def bash(command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    # GitHub's `run:` shell on Linux: bash --noprofile --norc -eo pipefail {0}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_github_actions_job_runs_and_uploads_what_it_wrote(project):
    (job,) = yaml.safe_load(readme_blocks("GitHub Actions", "yaml")[0])["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[0] == 'pip install "pftlint @ git+https://github.com/pftlint/pftlint"'  # see the next test
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()"  # uploaded when the check step fails the job
    env = cli_env(GITHUB_ACTIONS="true")
    results = [bash(command, project, env) for command in runs[1:]]
    assert [r.returncode for r in results] == [1], [r.stderr for r in results]  # the gate: findings fail the job
    report = project / upload["with"]["sarif_file"]
    doc = json.loads(report.read_text(encoding="utf-8"))
    (result,) = doc["runs"][0]["results"]
    assert result["ruleId"] == "PFT301"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "data/train.jsonl"
    assert results[0].stdout.startswith("::error file=data/train.jsonl,line=3,"), results[0].stdout  # annotations
    schema = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if schema.is_file():  # tests/test_sarif.py validates in depth; here: what the job uploads is SARIF
        from jsonschema import Draft4Validator

        Draft4Validator(json.loads(schema.read_text(encoding="utf-8"))).validate(doc)


def test_generic_ci_line_gates_and_writes_the_report(project):
    (block,) = readme_blocks("Any other CI", "sh")
    (line,) = [ln for ln in block.splitlines() if ln.strip() and not ln.startswith("#")]
    env = cli_env()
    gate = bash(line, project, env)
    assert gate.returncode == 1, gate.stderr
    assert "PFT301 [error]" in gate.stdout and gate.stdout.splitlines()[-1].startswith("Checked 1 file")
    path = shlex.split(line)[shlex.split(line).index("--output-file") + 1]
    assert json.loads((project / path).read_text(encoding="utf-8"))["summary"]["error"] == 1
    (project / path).unlink()
    report_only = bash(line + " --exit-zero", project, env)
    assert report_only.returncode == 0 and (project / path).is_file(), report_only.stderr
    quiet = bash(line + " --quiet", project, env)
    assert (quiet.returncode, quiet.stdout) == (1, "")
    (project / "data" / "train.jsonl").write_text(CLEAN, encoding="utf-8")
    assert bash(line, project, env).returncode == 0


def test_github_actions_install_line_installs_pftlint_from_a_repository_url(tmp_path):
    """The job's `pip install "pftlint @ git+URL"`, with this checkout's commit as the URL (offline:
    no dependencies, no build isolation); the installed package then checks a file on its own."""
    (job,) = yaml.safe_load(readme_blocks("GitHub Actions", "yaml")[0])["jobs"].values()
    install = next(s["run"] for s in job["steps"] if "run" in s)
    (requirement,) = shlex.split(install)[2:]
    name, url = requirement.split(" @ ")
    assert name == "pftlint" and url == "git+" + precommit_snippet()["repos"][0]["repo"]
    head = git("rev-parse", "HEAD", cwd=REPO)
    if head.returncode != 0:
        pytest.skip("this checkout is not a git repository")
    target = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                           "--no-index", "--target", str(target), f"git+file://{REPO}@{head.stdout.strip()}"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    env = {**cli_env(), "PYTHONPATH": str(target)}
    (tmp_path / "train.jsonl").write_text(broken_dataset(), encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", "import pftlint, sys; print(pftlint.__file__); "
                          "from pftlint.cli import main; sys.exit(main(['check', 'train.jsonl']))"],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert run.stdout.startswith(str(target)), run.stdout + run.stderr  # the installed copy, not this checkout
    assert run.returncode == 1 and "PFT301 [error]" in run.stdout, run.stdout + run.stderr


def test_gitlab_ci_job_writes_a_code_quality_report(project):
    """The README's GitLab job: its script as written, and the report it hands to GitLab."""
    (job,) = yaml.safe_load(readme_blocks("GitLab CI", "yaml")[0]).values()
    assert job["artifacts"]["when"] == "always"  # the report is kept when the gate fails the job
    report_name = job["artifacts"]["reports"]["codequality"]
    results = [bash(command, project, cli_env()) for command in job["script"]]
    assert [r.returncode for r in results] == [1], [r.stderr for r in results]  # findings fail the job
    (issue,) = json.loads((project / report_name).read_text(encoding="utf-8"))
    assert issue["check_name"] == "PFT301" and issue["severity"] == "major"
    assert issue["location"] == {"path": "data/train.jsonl", "lines": {"begin": 3}}
    assert isinstance(issue["fingerprint"], str) and issue["description"]
