"""``pftlint check``: lint files and report findings."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from typing import Callable, TextIO

from ..engine.findings import Report, Severity
from ..engine.plan import Group, ignored_rules, lint_group, merge_validation, plan
from ..errors import UsageError
from ..profiles.config_files import Resolver, Settings
from ..reporters import REPORTERS, resolve_format, use_color
from .trainer_flags import add_trainer_flags, trainer_settings


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _globs(value: str) -> list[str]:
    return [v for v in value.split(",") if v]


# Formats a person reads: the only ones that may share stdout with --diff.
HUMAN_FORMATS = ("auto", "table", "concise")


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="lint JSONL files", description="Lint preference and supervised JSONL files.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files, directories (every *.jsonl, *.jsonl.gz, *.json.gz and *.parquet inside) or - "
                   "for stdin (default: .)")
    add_selection_flags(p.add_argument_group("rule selection", "which rules run, and how strictly"))
    add_trainer_flags(p.add_argument_group("trainer", "the trainer's token budget (TRL's DPOConfig; the rules "
                                            "prompt-too-long, reply-truncated, prompt-not-prefix, "
                                            "template-error under --target trl)"))
    add_output_flags(p.add_argument_group("output", "what is printed, and where"))
    add_baseline_flags(p.add_argument_group("baseline", "accept the findings a legacy dataset has today; "
                                            "report only new ones"))
    add_fixing_flags(p.add_argument_group("fixing", "repair what can be repaired safely"))
    add_files_flags(p.add_argument_group("files", "which files are checked"))
    add_config_flags(p.add_argument_group("configuration", "where settings come from"))
    p.set_defaults(run=run)


def add_selection_flags(group) -> None:
    group.add_argument("--select", metavar="RULES", type=_codes, action="extend", default=None,
                       help="rules to run instead of the defaults: codes, code prefixes, names or ALL (comma list)")
    group.add_argument("--extend-select", metavar="RULES", type=_codes, action="extend", default=None,
                       help="rules to run on top of the configured ones")
    group.add_argument("--ignore", metavar="RULES", type=_codes, action="extend", default=None,
                       help="rules to skip, on top of the configured ones")
    group.add_argument("--target", metavar="NAME", help="provider or trainer profile: openai (default), azure, together, fireworks, trl, "
                       "vertex, nova")
    group.add_argument("--model", metavar="NAME", help="model whose per-example token limit applies: a snapshot, an alias "
                       "(gpt-4.1-mini) or a fine-tuned name (default: the target's default-model)")
    group.add_argument("--method", metavar="METHOD", help="training method: auto (default: decided per file), dpo, supervised")
    group.add_argument("--fail-on", metavar="LEVEL",
                       help="lowest severity that makes the exit status 1: error (default), warning, info")


def add_output_flags(group) -> None:
    group.add_argument("--output-format", metavar="FORMAT",
                       help="auto (default: github annotations in GitHub Actions, table on a terminal, concise "
                       "otherwise), " + ", ".join(REPORTERS))
    group.add_argument("--output-file", metavar="PATH",
                       help="write the report (in --output-format) to PATH, replaced atomically (a device such as "
                       "/dev/null is written through); the terminal still gets the human report; - or /dev/stdout: "
                       "the report alone on stdout. PATH may not be a file the run reads")
    group.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when findings reach --fail-on (report-only jobs); errors still exit 2")
    group.add_argument("--quiet", "-q", action="store_true",
                       help="print nothing on stdout (the exit status tells; --output-file still gets the report)")
    group.add_argument("--statistics", action="store_true",
                       help="print how many findings each rule has, not the findings")
    group.add_argument("--no-color", action="store_true", help="no colour (the NO_COLOR variable does the same)")


def add_baseline_flags(group) -> None:
    group.add_argument("--baseline", metavar="FILE",
                       help="report only findings not recorded in FILE (matched by file, rule and the record's "
                       "content, not by line); the summary says how many it hid (config: baseline)")
    group.add_argument("--write-baseline", metavar="FILE",
                       help="record every finding of this run in FILE (replaced atomically), report nothing, exit 0")


def add_fixing_flags(group) -> None:
    group.add_argument("--fix", action="store_true",
                       help="repair the findings of fixable structure rules in place (the same records, checked "
                       "before the file is replaced), then report what remains; exit 1 when a file changed")
    group.add_argument("--diff", action="store_true",
                       help="print what --fix would change as a unified diff and change nothing; "
                       "exit 1 when there is something to fix")


def add_files_flags(group) -> None:
    group.add_argument("--validation", metavar="FILE",
                       help="the validation file: linted too, and checked for records shared with the training files")
    group.add_argument("--exclude", metavar="GLOBS", type=_globs, action="extend", default=None,
                       help="files and folders a folder search skips, relative to the working directory (comma "
                       "list; replaces the configured exclude)")
    group.add_argument("--extend-exclude", metavar="GLOBS", type=_globs, action="extend", default=None,
                       help="like --exclude, on top of the configured exclude and extend-exclude")
    group.add_argument("--force-exclude", action="store_true",
                       help="skip excluded files even when named on the command line (for pre-commit, which names "
                       "every staged file)")
    group.add_argument("--stdin-filename", metavar="PATH",
                       help="the name of what - reads: findings carry it, and its per-file-ignores and closest "
                       "configuration apply (with no PATH, - is implied)")
    group.add_argument("--show-files", action="store_true", help="list the files that would be checked, and exit")


def add_config_flags(group) -> None:
    group.add_argument("--config", metavar="FILE", help="read settings from FILE instead of the closest "
                       "pftlint.toml or pyproject.toml of each file")
    group.add_argument("--isolated", action="store_true", help="ignore configuration files")
    group.add_argument("--show-settings", action="store_true",
                       help="print the settings the first file would be checked with (and the configuration file "
                       "they come from), and exit")


def flag_settings(args: argparse.Namespace) -> dict:
    """The settings the flags give (only those given), in the configuration's names."""
    return {key: value for key, value in (
        ("select", args.select), ("extend-select", args.extend_select), ("ignore", args.ignore),
        ("target", args.target), ("model", args.model), ("method", args.method), ("fail-on", args.fail_on),
        ("output-format", args.output_format), ("validation", args.validation), ("exclude", args.exclude),
        ("extend-exclude", args.extend_exclude),
    ) if value is not None} | trainer_settings(args)


def check_flag_pairs(args: argparse.Namespace) -> None:
    """Flags that cannot both apply are a usage error, before anything is read."""
    shows = [flag for flag, on in (("--show-settings", args.show_settings), ("--show-files", args.show_files)) if on]
    pairs = [
        ("--config", "--isolated", args.config is not None and args.isolated),
        ("--fix", "--diff", args.fix and args.diff),
        ("--quiet", "--diff", args.quiet and args.diff),  # the diff is the output
        ("--statistics", "--diff", args.statistics and args.diff),  # --diff prints the diff, not findings
        ("--show-settings", "--show-files", len(shows) == 2),
    ]
    for show in shows:  # a listing changes nothing and reports nothing
        pairs += [(show, flag, on) for flag, on in (
            ("--fix", args.fix), ("--diff", args.diff), ("--quiet", args.quiet), ("--statistics", args.statistics),
            ("--output-file", args.output_file is not None))]
    for first, second, clash in pairs:
        if clash:
            raise UsageError(f"cannot use {first} with {second}")
    if args.stdin_filename is not None:
        if not args.stdin_filename or args.stdin_filename == "-":
            raise UsageError("--stdin-filename: expected the file name that standard input stands for")
        if args.paths and "-" not in args.paths:
            raise UsageError("cannot use --stdin-filename with PATHs that do not read standard input (-); "
                             "add - or leave the PATHs out")


def check_format_pair(args: argparse.Namespace, settings: Settings) -> None:
    """--diff prints a diff for people on stdout, where a machine-readable report cannot also go.

    --fix prints its ``Fixed`` lines on stderr: stdout stays the report of what remains, in
    any format (a CI job may fix, then upload the JSON or SARIF).
    """
    from ..util.atomic import is_stdout

    output_format = settings.config.output_format
    to_file = args.output_file is not None and not is_stdout(args.output_file)
    if not args.diff or output_format in HUMAN_FORMATS or to_file:
        return
    given = (f"--output-format {output_format}" if args.output_format is not None
             else f"output-format = {output_format!r} (from {settings.source})")
    raise UsageError(f"cannot use --diff with {given}: the diff goes to stdout; add --output-file PATH to "
                     "write that report to a file")


def note_idle_trainer_flags(args: argparse.Namespace, groups) -> None:
    """One stderr line for each trainer flag that no active rule of the run reads (the budget rules run under
    --target trl): a flag that silently does nothing looks like a passing check."""
    given = [flag for flag, key in (("--tokenizer", "tokenizer"), ("--max-length", "max-length"),
                                    ("--truncation-mode", "truncation-mode"))
             if trainer_settings(args).get(key) is not None]
    for flag in given:
        key = flag[2:]
        if not any(key in active.options for group in groups for active in group.active.values()):
            targets = sorted({group.settings.config.target for group in groups}) or ["openai"]
            print(f"pftlint: note: {flag} changes nothing under --target {', '.join(targets)}: the rules that "
                  "read it (prompt-too-long, reply-truncated, ...) run under --target trl", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from ..util.atomic import is_stdout

    check_flag_pairs(args)
    resolver = Resolver(flag_settings(args), args.config, args.isolated)
    check_format_pair(args, resolver.default)
    named, groups = plan(args.paths, resolver, args.stdin_filename, args.force_exclude, args.validation)
    if args.show_files:
        return show_files(groups, args.stdin_filename)
    if args.show_settings:
        return show_settings(groups, named, args.stdin_filename, baseline_file(args, resolver.default.config.baseline))
    paths = [path for group in groups for path in group.paths]
    note_idle_trainer_flags(args, groups)
    output_format = resolver.default.config.output_format
    sources = {str(g.settings.source) for g in groups if g.settings.source} | (
        {str(resolver.default.source)} if resolver.default.source else set())
    baseline = baseline_file(args, resolver.default.config.baseline)
    check_output_options(args, output_format, [*paths, *sorted(sources), *([baseline] if baseline else [])])
    known = read_baseline(args, baseline, paths, sorted(sources))  # before linting: a bad baseline fails at once
    fixed = False
    if args.fix or args.diff:
        fixed = fix_files(args, groups)
        if args.diff and not args.output_file:
            return 1 if fixed and not args.exit_zero else 0
    from ..engine import parallel
    from ..util.progress import allow_colour, files_progress, tracked

    report, reached, hidden = Report(), False, 0
    allow_colour(not args.no_color)
    with files_progress([] if args.quiet else paths) as done:  # a bar on stderr for big files, on a terminal only
        parallel.on_read = done.read  # every process advances the bar as it reads (None: no bar)
        try:
            for group in groups:
                part = lint_group(group, tracked(group.paths, done), args.stdin_filename)
                if known is not None:
                    part, hid = known.apply(part)
                    hidden += hid
                reached = reached or part.reaches(Severity(group.settings.config.fail_on))
                report.files += part.files
                report.seconds += part.seconds
        finally:
            parallel.on_read = None
    if len(groups) > 1:  # only several groups can each have linted one validation file
        report.files = merge_validation(report.files)
    if args.write_baseline:
        return write_baseline(report, args.write_baseline, None if args.quiet else sys.stderr)
    args.hidden_by_baseline = hidden
    if not paths and not args.quiet:
        print("pftlint: warning: no file to check: every path given is excluded", file=sys.stderr)
    # --diff: 1 when there is something to fix (the report, if any, went to --output-file)
    status = 1 if (fixed or (reached and not args.diff)) and not args.exit_zero else 0
    stream = sys.stdout
    name = resolve_format(output_format, stream)
    # `--output-file -` (or /dev/stdout): the report goes to stdout as without the option, and alone
    to_stdout = bool(args.output_file) and is_stdout(args.output_file)
    if args.output_file and not to_stdout:
        write_output(args.output_file, lambda out: emit(report, out, resolve_format(output_format, out), args))
        name = resolve_format("auto", stream)  # the terminal still gets the human report
    if args.diff or (args.quiet and not to_stdout):  # --diff printed the diff; the report went to the file
        return status
    try:
        emit(report, stream, name, args)
        stream.flush()
    except BrokenPipeError:  # `pftlint check big.jsonl | head`: the reader left; the verdict stands
        from ..reading.streams import silence_stdout

        silence_stdout()
    return status


def show_files(groups: list[Group], stdin_name: str | None) -> int:
    """--show-files: one file per line, in the order they would be checked."""
    from ..util.printable import printable

    for group in groups:
        for path in group.paths:
            print(printable(stdin_name if path == "-" and stdin_name else path))
    return 0


def show_settings(groups: list[Group], named: list[str], stdin_name: str | None, args_baseline: str | None) -> int:
    """--show-settings: what the first file would be checked with, and where each setting comes from."""
    from ..util.printable import printable

    first = next((path for path in named if any(path in g.paths for g in groups)), None)
    if first is None:
        raise UsageError("--show-settings: no file to show settings for (every path given is excluded)")
    group = next(g for g in groups if first in g.paths)
    name = stdin_name if first == "-" and stdin_name else first
    settings, config = group.settings, group.settings.config
    source = {"closest": f"{settings.source} (the closest to the file)", "--config": f"{settings.source} (--config)",
              "--isolated": "none (--isolated)", "none found": "none found (the defaults)"}[settings.how]
    dropped = ignored_rules(group, name)

    def listed(values) -> str:
        return json.dumps([str(v) for v in values])

    lines = [
        f"Settings for {name}",
        f"config file: {source}",
        f"target: {config.target}",
        f"model: {config.model or group.target.default_model or 'none'}"
        + ("" if config.model else " (the target's default)"),
        f"method: {config.method}",
        f"fail-on: {config.fail_on}",
        f"output-format: {config.output_format}",
        f"validation: {group.validation or 'none'}",
        f"baseline: {args_baseline or 'none'}",
        f"select: {listed(config.select) if config.select is not None else 'the default rules'}",
        f"extend-select: {listed(config.extend_select)}",
        f"ignore: {listed(config.ignore)}",
        f"exclude: {listed(config.exclude)}",
        f"extend-exclude: {listed(config.extend_exclude)}",
        "per-file-ignores:" + ("" if config.per_file_ignores or config.extend_per_file_ignores else " none"),
    ]
    for glob, selectors in (*config.per_file_ignores, *config.extend_per_file_ignores):
        here = " (applies to this file)" if glob.matches(name) else ""
        lines.append(f"  {json.dumps(str(glob))} = {listed(selectors)}{here}")
    active = [a for rule_name, a in group.active.items() if rule_name not in dropped]
    lines.append(f"rules: {len(active)} active" + (f", {len(dropped)} off by per-file-ignores ("
                                                   f"{', '.join(sorted(dropped))})" if dropped else ""))
    for a in sorted(active, key=lambda a: a.rule.code):
        options = "".join(f" {key}={json.dumps(value)}" for key, value in sorted(a.options.items()))
        lines.append(f"  {a.rule.code} {a.rule.name} [{a.severity.value}]{options}")
    print("\n".join(printable(line) for line in lines))
    return 0


def fix_files(args: argparse.Namespace, groups: list[Group]) -> bool:
    """--fix / --diff (pftlint.fix), each file with its group's rules less its per-file-ignores: True when a
    file was, or would be, changed."""
    from ..fix import run_fixes

    changed = False
    for group in groups:
        by_rules: dict[frozenset, list[str]] = {}
        for path in group.paths:
            by_rules.setdefault(frozenset(group.active) - ignored_rules(group, path), []).append(path)
        for rules, paths in by_rules.items():
            changed = run_fixes(paths, rules, args.diff, sys.stdout, None if args.quiet else sys.stderr) or changed
    return changed


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

def baseline_file(args: argparse.Namespace, configured: str | None) -> str | None:
    """``--baseline``, else the run's configured ``baseline`` (already relative to its configuration file)."""
    path = args.baseline if args.baseline is not None else configured
    if path == "":
        raise UsageError("the baseline path is empty (--baseline or the baseline setting); name the baseline file")
    return path


def read_baseline(args: argparse.Namespace, baseline: str | None, paths: list[str], configs: list[str]):
    """The baseline to apply (None: none), after checking that --write-baseline / --baseline can work."""
    if not (args.write_baseline or baseline):
        return None
    from ..baseline import load_baseline, refuse_stdin

    refuse_stdin(paths, "--write-baseline" if args.write_baseline else "--baseline")
    if args.write_baseline:  # a refresh: every finding is recorded, whatever the current baseline holds
        check_not_input("--write-baseline", args.write_baseline, [*paths, *configs])
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
