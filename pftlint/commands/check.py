"""``pftlint check``: lint files and report findings."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from typing import Callable, TextIO

from ..engine import runner
from ..engine.findings import Report, Severity
from ..engine.linter import Linter
from ..engine.selection import resolve
from ..errors import UsageError
from ..profiles.config import load_config, with_overrides
from ..profiles.targets import load_target
from ..reading.discovery import discover
from ..reporters import REPORTERS, format_names, resolve_format, use_color
from ..rules.dataset import OVERLAP, same_file


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="lint JSONL files", description="Lint preference and supervised JSONL files.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files, directories (every *.jsonl inside) or - for stdin (default: .)")
    p.add_argument("--select", type=_codes, action="extend", default=None,
                   help="rules to run instead of the defaults: codes, code prefixes, names or ALL (comma list)")
    p.add_argument("--extend-select", type=_codes, action="extend", default=None,
                   help="rules to run on top of the configured ones")
    p.add_argument("--ignore", type=_codes, action="extend", default=None,
                   help="rules to skip, on top of the configured ones")
    p.add_argument("--target", help="provider profile: openai (default), azure, together, fireworks")
    p.add_argument("--model", help="model whose per-example token limit applies: a snapshot, an alias "
                   "(gpt-4.1-mini) or a fine-tuned name (default: the target's default-model)")
    p.add_argument("--method", help="training method: auto (default: decided per file), dpo, supervised")
    p.add_argument("--fail-on", metavar="LEVEL",
                   help="lowest severity that makes the exit status 1: error (default), warning, info")
    p.add_argument("--output-format", metavar="FORMAT",
                   help="auto (default: github annotations in GitHub Actions, table on a terminal, concise "
                   "otherwise), " + ", ".join(REPORTERS))
    p.add_argument("--output-file", metavar="PATH",
                   help="write the report (in --output-format) to PATH, replaced atomically (a device such as "
                   "/dev/null is written through); the terminal still gets the human report; - or /dev/stdout: "
                   "the report alone on stdout. PATH may not be a file the run reads")
    p.add_argument("--exit-zero", action="store_true",
                   help="exit 0 even when findings reach --fail-on (report-only jobs); errors still exit 2")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="print nothing on stdout (the exit status tells; --output-file still gets the report)")
    p.add_argument("--validation", metavar="FILE",
                   help="the validation file: linted too, and checked for records shared with the training files")
    p.add_argument("--statistics", action="store_true", help="print how many findings each rule has, not the findings")
    fixing = p.add_mutually_exclusive_group()
    fixing.add_argument("--fix", action="store_true",
                        help="repair the findings of fixable structure rules in place (the same records, checked "
                        "before the file is replaced), then report what remains; exit 1 when a file changed")
    fixing.add_argument("--diff", action="store_true",
                        help="print what --fix would change as a unified diff and change nothing; "
                        "exit 1 when there is something to fix")
    p.add_argument("--no-color", action="store_true", help="no colour (the NO_COLOR variable does the same)")
    add_baseline_arguments(p)
    p.add_argument("--config", metavar="FILE", help="read settings from FILE instead of searching")
    p.add_argument("--isolated", action="store_true", help="ignore configuration files")
    p.set_defaults(run=run)


def add_baseline_arguments(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("baseline", "accept the findings a legacy dataset has today; report only new ones")
    group.add_argument("--baseline", metavar="FILE",
                       help="report only findings not recorded in FILE (matched by file, rule and the record's "
                       "content, not by line); the summary says how many it hid (config: baseline)")
    group.add_argument("--write-baseline", metavar="FILE",
                       help="record every finding of this run in FILE (replaced atomically), report nothing, exit 0")


def settings_from(args: argparse.Namespace):
    """The config file's settings with the command line's on top, every one checked; and the file read."""
    config, source = load_config(args.config, args.isolated)
    if config.validation and source is not None and not os.path.isabs(config.validation):
        config.validation = os.path.relpath(source.parent / config.validation)  # relative to the config file
    overrides = {key: value for key, value in (
        ("select", args.select), ("extend-select", args.extend_select), ("ignore", args.ignore),
        ("target", args.target), ("model", args.model), ("method", args.method), ("fail-on", args.fail_on),
        ("output-format", args.output_format), ("validation", args.validation),
    ) if value is not None}
    return with_overrides(config, overrides), source


def run(args: argparse.Namespace) -> int:
    from ..util.atomic import is_stdout

    config, source = settings_from(args)
    paths = discover(args.paths or ["."])
    rules = config.rules
    overlap = rules.get(OVERLAP, {})
    if config.validation == "":
        raise UsageError("the validation path is empty (--validation or the validation setting); "
                         "name the validation .jsonl file")
    validation = config.validation or overlap.get("validation")
    if not (isinstance(validation, str) and validation):
        validation = None
    if args.validation:
        check_not_training(args.validation, args.paths)
    baseline = baseline_file(args, config.baseline, source)
    check_output_options(args, config.output_format,
                         [*paths, *([validation] if validation else []), *([str(source)] if source else []),
                          *([baseline] if baseline else [])])
    known = read_baseline(args, baseline, paths, source)  # before linting: a bad baseline fails at once
    if validation:  # linted first, so that the training files are checked as they stream
        paths = with_validation(paths, validation)
        rules = {**rules, OVERLAP: {**overlap, "validation": paths[0]}}
    target = load_target(config.target).with_model(config.model)
    active = resolve(target, config.select, config.extend_select, config.ignore, rules)
    fixed = False
    if args.fix or args.diff:
        fixed = fix_files(args, paths, active)
        if args.diff:
            return 1 if fixed and not args.exit_zero else 0
    from ..util.progress import files_progress

    with files_progress([] if args.quiet else paths) as done:  # a bar on stderr for big files, on a terminal only
        report = lint_with_progress(Linter(target, active, config.method), paths, done)
    if args.write_baseline:
        return write_baseline(report, args.write_baseline, None if args.quiet else sys.stderr)
    hidden = 0
    if known is not None:
        report, hidden = known.apply(report)
    args.hidden_by_baseline = hidden
    status = 1 if (fixed or report.reaches(Severity(config.fail_on))) and not args.exit_zero else 0
    stream = sys.stdout
    name = resolve_format(config.output_format, stream)
    # `--output-file -` (or /dev/stdout): the report goes to stdout as without the option, and alone
    to_stdout = bool(args.output_file) and is_stdout(args.output_file)
    if args.output_file and not to_stdout:
        write_output(args.output_file, lambda out: emit(report, out, resolve_format(config.output_format, out), args))
        name = resolve_format("auto", stream)  # the terminal still gets the human report
    if args.quiet and not to_stdout:
        return status
    try:
        emit(report, stream, name, args)
        stream.flush()
    except BrokenPipeError:  # `pftlint check big.jsonl | head`: the reader left; the verdict stands
        from ..reading.streams import silence_stdout

        silence_stdout()
    return status


def lint_with_progress(linter: Linter, paths: list[str], done) -> Report:
    """The run, with the bar advanced as each process reads (``done.read``, None when there is no bar)."""
    from ..engine import parallel
    from ..util.progress import tracked

    parallel.on_read = done.read
    try:
        return runner.run(linter, tracked(paths, done))
    finally:
        parallel.on_read = None


def fix_files(args: argparse.Namespace, paths: list[str], active) -> bool:
    """--fix / --diff (pftlint.fix): True when a file was, or would be, changed."""
    from ..fix import run_fixes

    return run_fixes(paths, active, args.diff, sys.stdout, None if args.quiet else sys.stderr)


def check_not_training(validation: str, named: list[str]) -> None:
    """``--validation X`` with X also named as a PATH: a usage error, not a silent choice of role.

    Only files named on the command line count: a validation file found inside a directory
    argument is the usual layout, and a config file's ``validation`` named again as a PATH is
    what pre-commit does (it passes every changed file); both are linted once, as validation.
    """
    from ..util.atomic import STDIN, identity

    mine = identity(validation) if validation != STDIN else None
    if mine is None:
        return
    for path in named:
        if path != STDIN and os.path.isfile(path) and identity(path) == mine:
            raise UsageError(f"{validation} is given both as --validation and as a training PATH ({path}); "
                             "name it once: as --validation to hold it out, as a PATH to train on it")


def with_validation(paths: list[str], validation: str) -> list[str]:
    """The validation file first, then the other files (the validation file only once)."""
    found = discover([validation])
    if found != [validation] or validation == "-":
        raise UsageError(f"--validation {validation}: expected one .jsonl file, not a directory or stdin")
    return [validation, *(p for p in paths if p == "-" or not same_file(p, validation))]


def statistics(report: Report) -> list[dict]:
    """Findings per rule, most frequent first; ``fixable``: how many of them --fix repairs."""
    from ..reporters.base import fixable_findings

    fixable = fixable_findings(report)
    counts = Counter((f.code, f.rule, f.severity.value) for f in report.findings)
    fixes = Counter((f.code, f.rule, f.severity.value) for f in report.findings if f in fixable)
    return [{"code": code, "rule": rule, "severity": severity, "count": n, "fixable": fixes[code, rule, severity]}
            for (code, rule, severity), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def write_statistics(report: Report, stream: TextIO, as_json: bool = False, hidden: int = 0) -> None:
    """``count  CODE  [*] rule  [severity]  (N fixable)``; ``[*]``: --fix repairs some of them."""
    rows = statistics(report)
    if as_json:
        json.dump({"statistics": rows, "summary": {**report.counts(), "fixable": sum(r["fixable"] for r in rows),
                                                   "baseline_hidden": hidden}}, stream)
        stream.write("\n")
        return
    width = max((len(str(r["count"])) for r in rows), default=1)
    name_width = max((len(r["rule"]) for r in rows), default=0)
    marks = any(r["fixable"] for r in rows)
    for r in rows:
        mark = ("[*] " if r["fixable"] else "    ") if marks else ""
        fixes = "" if not r["fixable"] else " (all fixable)" if r["fixable"] == r["count"] else \
            f" ({r['fixable']} fixable)"
        stream.write(f"{r['count']:>{width}}  {r['code']}  {mark}{r['rule']:<{name_width}}  "
                     f"[{r['severity']}]{fixes}".rstrip() + "\n")
    total = sum(r["count"] for r in rows)
    notes = [f"{n} fixable with --fix" for n in [sum(r["fixable"] for r in rows)] if n]
    notes += [f"{hidden} hidden by the baseline"] if hidden else []
    stream.write(f"{total} finding{'' if total == 1 else 's'} in {len(report.files)} "
                 f"file{'' if len(report.files) == 1 else 's'}{' (' + '; '.join(notes) + ')' if notes else ''}.\n")


def emit(report: Report, stream: TextIO, name: str, args: argparse.Namespace) -> None:
    """The report (or, with --statistics, the counts per rule) in format ``name``."""
    hidden = getattr(args, "hidden_by_baseline", 0)
    if args.statistics:
        write_statistics(report, stream, as_json=name == "json", hidden=hidden)
    else:
        REPORTERS[name](stream, color=use_color(stream, args.no_color), hidden=hidden).report(report)


# -- the baseline (pftlint.baseline) ----------------------------------------------------------------------

def baseline_file(args: argparse.Namespace, configured: str | None, source) -> str | None:
    """``--baseline``, else the configuration's ``baseline`` (relative to the configuration file)."""
    if args.baseline is not None:
        path = args.baseline
    elif configured is not None and source is not None and not os.path.isabs(configured):
        path = os.path.relpath(source.parent / configured)
    else:
        path = configured
    if path == "":
        raise UsageError("the baseline path is empty (--baseline or the baseline setting); name the baseline file")
    return path


def read_baseline(args: argparse.Namespace, baseline: str | None, paths: list[str], source):
    """The baseline to apply (None: none), after checking that --write-baseline / --baseline can work."""
    if not (args.write_baseline or baseline):
        return None
    from ..baseline import load_baseline, refuse_stdin

    refuse_stdin(paths, "--write-baseline" if args.write_baseline else "--baseline")
    if args.write_baseline:  # a refresh: every finding is recorded, whatever the current baseline holds
        check_not_input("--write-baseline", args.write_baseline, [*paths, *([str(source)] if source else [])])
        return None
    return load_baseline(baseline)


def write_baseline(report: Report, path: str, err: TextIO | None) -> int:
    """--write-baseline: every finding of the run into ``path``; one line on stderr says how many."""
    from ..baseline import baseline_text

    text = baseline_text(report, path)
    write_output(path, lambda out: out.write(text), flag="--write-baseline")
    if err is not None:
        from ..util.printable import printable_path

        n = len(report.findings)
        err.write(f"Wrote {n} finding{'' if n == 1 else 's'} of {len(report.files)} "
                  f"file{'' if len(report.files) == 1 else 's'} to {printable_path(path)}\n")
    return 0


def check_output_options(args: argparse.Namespace, output_format: str, inputs: list[str]) -> None:
    """Fail before linting, not after: --statistics has no SARIF form; --output-file needs a folder, not an input.

    ``inputs`` are every file the run reads: the training files (also those found in folders),
    the validation file and the config file. The output may be none of them, by identity
    (a hard link or a symbolic link to one is the same file).
    """
    from ..util.atomic import STDIN, read_as

    if args.statistics and output_format in ("sarif", "github", "gitlab", "junit"):
        raise UsageError(f"--statistics has no {output_format} form; use --output-format json, concise or table")
    target = args.output_file
    if target is None or target == STDIN:
        return
    check_not_input("--output-file", target, inputs)


def check_not_input(flag: str, target: str, inputs: list[str]) -> None:
    """``target`` is a path to write (in an existing folder) and none of the files this run reads."""
    from ..util.atomic import STDIN, read_as

    if not target or os.path.isdir(target):
        raise UsageError(f"{flag} {target!r}: expected a file path")
    folder = os.path.dirname(os.path.realpath(target))
    if not os.path.isdir(folder):
        raise UsageError(f"{flag} {target}: folder {folder} does not exist")
    clash = read_as(target, inputs)
    if clash is not None:
        what = "the file on standard input" if clash == STDIN else clash
        raise UsageError(f"{flag} {target}: is {what}, which this run reads; write it elsewhere")


def write_output(path: str, write: Callable[[TextIO], None], flag: str = "--output-file") -> None:
    """The report into ``path``: a regular file is replaced only once complete; a device is written through."""
    from ..util.atomic import written

    try:
        with written(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as out:
            write(out.stream)
    except OSError as exc:
        raise UsageError(f"{flag} {path}: {exc.strerror or exc}") from None
