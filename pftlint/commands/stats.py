"""``pftlint stats PATH ...``: tokens per example, share over the limit, epochs and cost.

Exit status: 0 every file was counted (lines that are not records are reported on stderr and
left out); 1 some file could not be counted because it is not JSON Lines text (UTF-16, gzip,
zip, Parquet, binary) or holds no records, each named on stderr (the other files are still
counted); 2 usage or I/O error (a missing or unreadable path, a bad option).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..util.printable import printable
from .trainer_flags import add_trainer_flags, trainer_settings


def add_parser(sub) -> None:
    p = sub.add_parser("stats", help="count tokens, epochs and cost of training files",
                       description="Count the tokens of training files exactly (offline) and estimate "
                                   "epochs and cost for a model. Tokens per example (min, median, p90, "
                                   "max, mean) are what the model's limit applies to: the whole "
                                   "conversation, or a DPO input plus its longer output; total tokens "
                                   "count a DPO input once and both outputs. Exit status: 0 every file "
                                   "counted (lines that are not records are named on stderr and left "
                                   "out), 1 some file is not JSON Lines text or holds no records (named "
                                   "on stderr; the others are counted), 2 usage or I/O error. Each file is "
                                   "counted with the settings of its closest pftlint.toml or pyproject.toml "
                                   "[tool.pftlint], as check uses them (--config or --isolated: the same for "
                                   "every file).")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files, directories (every *.jsonl, *.jsonl.gz, *.json.gz and *.parquet inside) or - for "
                   "stdin (default: .)")
    p.add_argument("--model", help="a snapshot, alias (gpt-4.1-mini) or fine-tuned name "
                                   "(default: the target's default-model)")
    p.add_argument("--target", metavar="NAME", help="provider or trainer profile: openai (default), azure, together, "
                   "fireworks, trl, vertex, nova")
    p.add_argument("--method", help="training method: auto (default: decided per file), dpo, supervised")
    p.add_argument("--output-format", choices=("auto", "table", "json", "markdown"), default=None,
                   help="table (default), json, or markdown (tables to paste into a dataset card or README)")
    p.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes for large files (default: one per core)")
    add_trainer_flags(p.add_argument_group("trainer", "count pairs as TRL's DPOTrainer tokenizes them: the model's "
                                            "tokenizer, and what max_length drops or cuts"))
    p.add_argument("--no-color", action="store_true", help="no colour (the NO_COLOR variable does the same)")
    p.add_argument("--config", metavar="FILE", help="read settings from FILE instead of searching")
    p.add_argument("--isolated", action="store_true", help="ignore configuration files")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..engine.plan import files_by_settings
    from ..profiles.config_files import Resolver
    from ..reporters import use_color
    from ..reporters.stats_table import render
    from ..reporters.stats_notes import problems
    from ..stats import compute_by_settings
    from ..util.progress import allow_colour

    allow_colour(not args.no_color)
    if args.config is not None and args.isolated:
        from ..errors import UsageError

        raise UsageError("cannot use --config with --isolated")
    overrides = {k: v for k, v in (("target", args.target), ("model", args.model), ("method", args.method))
                 if v is not None} | trainer_settings(args)
    # each file counted with its closest configuration, found as check finds it (the flags on top)
    resolver = Resolver(overrides, args.config, args.isolated)
    named, groups = files_by_settings(args.paths, resolver)
    doc = compute_by_settings(named, [(_counting(settings.config, args.jobs), paths,
                                       None if settings.source is None else str(settings.source))
                                      for settings, paths in groups],
                              _counting(resolver.default.config, args.jobs))
    stream = sys.stdout
    if (args.output_format or "auto") == "json":
        json.dump(doc, stream, ensure_ascii=False, indent=1)
        stream.write("\n")
    elif args.output_format == "markdown":
        from ..reporters.stats_markdown import render_markdown

        render_markdown(doc, stream)
    else:
        render(doc, stream, use_color(stream, args.no_color))
    stream.flush()
    status = 0
    for line, uncounted in problems(doc):
        print(f"pftlint: {printable(line)}", file=sys.stderr)  # the line names a file
        status = 1 if uncounted else status
    return status


def _counting(config, jobs: int):
    """What stats counts with, from a file's settings."""
    from ..profiles.targets import load_target
    from ..stats import Settings

    target = load_target(config.target).with_model(config.model)
    return Settings(target.name, target.default_model, config.method, jobs, config.tokenizer, config.max_length,
                    config.truncation_mode)
