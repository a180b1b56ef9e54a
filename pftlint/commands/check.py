"""``pftlint check``: lint files and report findings."""

from __future__ import annotations

import argparse
import sys

from ..config import load_config
from ..discovery import discover
from ..engine import Linter
from ..models import Severity
from ..reporters import CHOICES, REPORTERS, resolve_format, use_color
from ..selection import resolve
from ..targets import load_target


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="lint JSONL files", description="Lint preference and supervised JSONL files.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files, directories (every *.jsonl inside) or - for stdin (default: .)")
    p.add_argument("--select", type=_codes, action="extend", default=None,
                   help="rules to run instead of the defaults: codes, code prefixes, names or ALL")
    p.add_argument("--extend-select", type=_codes, action="extend", default=None, help="rules to add")
    p.add_argument("--ignore", type=_codes, action="extend", default=None, help="rules to skip")
    p.add_argument("--target", help="provider profile: openai (default), azure, together, fireworks")
    p.add_argument("--method", choices=("auto", "dpo", "supervised"), help="training method (default: auto)")
    p.add_argument("--fail-on", choices=("error", "warning", "info"),
                   help="lowest severity that makes the exit status 1 (default: error)")
    p.add_argument("--output-format", choices=CHOICES, help="auto (default), " + ", ".join(CHOICES[1:]))
    p.add_argument("--config", metavar="FILE", help="read settings from FILE instead of searching")
    p.add_argument("--isolated", action="store_true", help="ignore configuration files")
    p.set_defaults(run=run)


def settings_from(args: argparse.Namespace):
    """The config file's settings with the command line's on top."""
    from ..config import validate

    config, source = load_config(args.config, args.isolated)
    overrides = {key: value for key, value in (
        ("select", args.select), ("extend-select", args.extend_select), ("ignore", args.ignore),
        ("target", args.target), ("method", args.method), ("fail-on", args.fail_on),
        ("output-format", args.output_format),
    ) if value is not None}
    if overrides:
        merged = config.model_dump(by_alias=True)
        merged.update(overrides)
        config = validate(merged, "command line")
    return config


def run(args: argparse.Namespace) -> int:
    config = settings_from(args)
    if config.output_format not in CHOICES:
        from ..cli import UsageError

        raise UsageError(f"output-format: unknown format {config.output_format!r} (choose from {', '.join(CHOICES)})")
    paths = discover(args.paths or ["."])
    target = load_target(config.target)
    active = resolve(target, config.select, config.extend_select, config.ignore, config.rules)
    report = Linter(target, active, config.method).run(paths)
    stream = sys.stdout
    name = resolve_format(config.output_format, stream)
    REPORTERS[name](stream, color=use_color(stream)).report(report)
    stream.flush()
    return 1 if report.reaches(Severity(config.fail_on)) else 0
