"""``pftlint convert IN -o OUT --to LAYOUT``: rewrite preference records in another trainer's or provider's layout.

Exit status: 0 every record converted, 1 some records skipped (each reported on stderr with
its line; the others are written), 2 usage or I/O error (OUT untouched).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from .. import convert as conv
from ..convert import columns, writer
from ..errors import UsageError
from ..util.atomic import read_as
from ..util.printable import printable, printable_path


def add_parser(sub) -> None:
    p = sub.add_parser(
        "convert", help="convert preference records between OpenAI, TRL, Vertex AI, Amazon Nova and other layouts",
        description="Convert preference records from any recognised format (OpenAI, TRL prompt/chosen/rejected, "
                    "Vertex AI Gemini, Amazon Nova DPO, Anthropic HH transcripts, ShareGPT and LLaMA-Factory, "
                    "UltraFeedback, axolotl, or any flat columns), read from JSONL, a JSON array, CSV, gzip or "
                    "Parquet, into "
                    "the layout --to names: OpenAI preference JSONL (default), TRL's conversational layout, "
                    "Vertex AI or Amazon Nova preference JSONL, or supervised chat. Records that cannot be "
                    "converted, or that the output layout cannot hold, are skipped and reported with their "
                    "line. Exit status: 0 all converted, 1 some skipped, 2 usage or I/O error.")
    p.add_argument("input", metavar="IN", help="the file to convert: .jsonl, .json (an array), .csv, .tsv, "
                                               "gzip-compressed (.jsonl.gz, .json.gz), .parquet (needs "
                                               "pftlint[parquet]), or - for stdin; UTF-8 text (a UTF-8 "
                                               "byte-order mark is fine; UTF-16, zip or another binary file "
                                               "is refused, exit status 2)")
    p.add_argument("-o", "--output", metavar="OUT", required=True,
                   help="the file to write (replaced only once complete; a device such as /dev/null is written "
                        "through), or - for stdout; not IN itself")
    p.add_argument("--to", choices=conv.TARGETS, default=conv.OPENAI,
                   help="openai: OpenAI preference records, also for Azure, Together and Fireworks (default; dpo "
                        "is the same); trl: TRL's conversational layout (prompt, chosen and rejected message "
                        "lists, tools); vertex: Vertex AI Gemini preference records; nova: Amazon Nova DPO "
                        "records; supervised: chat records of the prompt and the chosen reply")
    p.add_argument("--from", dest="source", choices=conv.SOURCES, default=None,
                   help="the source format (default: detected record by record; columns when a --*-field "
                        "option is given); dpo and openai both name OpenAI preference records")
    p.add_argument("--input-format", choices=conv.readers.FORMATS, default=None,
                   help="how IN is written (default: from its extension, else from its first byte)")
    fields = p.add_argument_group("column mapping (flat records)")
    fields.add_argument("--prompt-field", metavar="NAME", help="the column holding the prompt (default: prompt)")
    fields.add_argument("--chosen-field", metavar="NAME", help="the column holding the preferred reply "
                                                               "(default: chosen)")
    fields.add_argument("--rejected-field", metavar="NAME", help="the column holding the rejected reply "
                                                                 "(default: rejected)")
    fields.add_argument("--system-field", metavar="NAME", help="a column holding a system prompt (optional)")
    p.set_defaults(run=run)


def _options(args: argparse.Namespace) -> conv.Options:
    given = {k: v for k, v in (("prompt", args.prompt_field), ("chosen", args.chosen_field),
                               ("rejected", args.rejected_field), ("system", args.system_field)) if v is not None}
    source = args.source
    if given:
        if source is None:
            source = conv.COLUMNS
        elif source not in (conv.COLUMNS, "trl"):
            raise UsageError(f"--from {source} does not take --*-field options (only columns and trl do)")
    return conv.Options(source, args.to, conv.Fields(**given) if given else None)


def run(args: argparse.Namespace) -> int:
    options = _options(args)
    src, out = args.input, args.output
    if not src or not out:
        raise UsageError("an empty path was given; name the file to convert and the -o file")
    folder = os.path.dirname(os.path.realpath(out)) if out != "-" else "."
    if out != "-" and not os.path.isdir(folder):
        raise UsageError(f"-o {out}: {folder} is not an existing folder; create it or write elsewhere")
    if read_as(out, [src]) is not None:  # by identity: a hard or symbolic link to IN is IN
        raise UsageError(f"-o {out} is the input file; write the converted records to another file")
    if out != "-" and os.path.isdir(out):
        raise UsageError(f"-o {out} is a folder; give a file name ending in .jsonl")
    stats = conv.Stats()
    err = sys.stderr
    with conv.readers.open_input(src) as stream, writer.atomic(out) as sink:
        try:
            for line, result in conv.convert(conv.units(stream, src, args.input_format), options, stats):
                if isinstance(result, bytes):
                    sink.write(result)
                else:
                    say(f"{printable_path(src)}:{line}: skipped: {result.detail}", err)
        except conv.InputError as exc:
            raise UsageError(f"{src}: {exc}") from None
        if stats.written == 0:
            sink.keep = False  # no empty OUT: an empty file fails every upload
    if stats.read == 0:
        raise UsageError(f"{src}: no records to convert")
    _summary(stats, args, err)
    return 0 if stats.skipped_total == 0 else 1


def say(line: str, err) -> None:
    """One line on stderr; names and values from the data or the file system cannot print control characters."""
    print(printable(line), file=err)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _not_carried(counts, layout: str, shown: int = 8) -> str:
    """The one summary line naming the columns no record written carried over, the most common first."""
    names = ", ".join(f"{key} ({_plural(n, 'record')})" for key, n in counts.most_common(shown))
    more = f", and {_plural(len(counts) - shown, 'other column')}" if len(counts) > shown else ""
    return f"not carried over: {names}{more}: convert writes the {layout} layout's own fields only"


def _summary(stats: conv.Stats, args: argparse.Namespace, err) -> None:
    seen = ", ".join(f"{conv.DESCRIPTIONS.get(f, f)}: {n:,}" for f, n in stats.formats.most_common())
    say(f"read {_plural(stats.read, 'record')}" + (f" ({seen})" if seen else ""), err)
    what = conv.layouts.description(args.to)
    if stats.written:
        say(f"wrote {_plural(stats.written, 'record')} to {args.output} ({what} JSONL)", err)
    else:
        say(f"wrote nothing: every record was skipped, so {args.output} was not written", err)
    if stats.skipped:
        reasons = ", ".join(f"{reason}: {n:,}" for reason, n in stats.skipped.most_common())
        say(f"skipped {_plural(stats.skipped_total, 'record')} ({reasons})", err)
    if stats.not_carried:
        say(_not_carried(stats.not_carried, conv.layouts.canonical(args.to)), err)
    guess = columns.guess(stats.unknown_keys or ())
    if guess is not None:
        flags = f" --prompt-field {shlex.quote(guess.prompt)} --chosen-field {shlex.quote(guess.chosen)} " \
                f"--rejected-field {shlex.quote(guess.rejected)}"
        if guess.system:
            flags += f" --system-field {shlex.quote(guess.system)}"
        to = f" --to {args.to}" if conv.layouts.canonical(args.to) != conv.OPENAI else ""
        say(f"these look like flat columns; try: pftlint convert {shlex.quote(args.input)} -o "
            f"{shlex.quote(args.output)}{flags}{to}", err)
    jsonl_only = conv.layouts.canonical(args.to) != conv.layouts.to_trl.NAME  # datasets reads .json too
    if jsonl_only and not args.output.endswith(".jsonl") and os.path.isfile(args.output) and stats.written:
        say(f"note: {args.output} does not end in .jsonl; fine-tuning services accept .jsonl files only", err)
