"""The command line: ``main(argv) -> int``. Each subcommand lives in pftlint.commands.

Exit status: 0 no finding reaches --fail-on, 1 one does, 2 usage, config or I/O error.
Expected errors print one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Sequence

from . import __version__
from .commands import COMMANDS
from .errors import PftlintError, UsageError
from .reading.streams import silence_stdout

EXIT_ERROR = 2  # usage, config or I/O error; a command's run() returns 0 or 1 itself


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would exit 2 with usage; keep it to one line
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pftlint", description="Lint preference (DPO) and supervised fine-tuning JSONL files.")
    parser.add_argument("--version", action="version", version=f"pftlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.add_parser(sub)
    parser.commands = dict(sub.choices)  # name -> its parser, for the did-you-mean of a misspelt flag
    return parser


def _with_suggestion(error: UsageError, parser: argparse.ArgumentParser, argv: Sequence[str]) -> UsageError:
    """argparse's 'invalid choice' or 'unrecognized arguments', with the command or flag that was meant."""
    from .util.suggest import did_you_mean

    message = str(error).rsplit(" (see `", 1)[0]
    commands = getattr(parser, "commands", {})
    command = next((commands[a] for a in argv if a in commands), parser)
    choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if choice is not None:  # a command, or any flag's choices (--to vertx): the word and its choices are in the message
        message += did_you_mean(choice.group(1), re.findall(r"'([^']*)'", choice.group(2)))
    elif message.startswith("unrecognized arguments: "):
        flags = re.findall(r"--[a-z][a-z-]*", command.format_usage())
        unknown = next((a.partition("=")[0] for a in argv if a.startswith("--") and a.partition("=")[0] not in flags),
                       "")
        message += did_you_mean(unknown, flags) if unknown else ""
    return UsageError(f"{message} (see `{command.prog} --help`)")


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8, or a cp1252/ascii console:
        try:                                  # print \udcff or \u2603 instead of failing on the text
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            args = parser.parse_args(argv)
        except UsageError as exc:
            raise _with_suggestion(exc, parser, argv) from None
        if not args.command:
            parser.print_help(sys.stderr)
            return EXIT_ERROR
        return args.run(args)
    except PftlintError as exc:  # every expected error: its message says what to change
        _fail(str(exc))
    except BrokenPipeError:  # output piped into `head`: stop quietly
        silence_stdout()
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        _fail("interrupted")
    except Exception as exc:  # a bug: still one line, unless PFTLINT_DEBUG asks for the traceback
        if os.environ.get("PFTLINT_DEBUG"):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (set PFTLINT_DEBUG=1 for the traceback "
              "and please report it)")
    return EXIT_ERROR


def _fail(message: str) -> None:
    from .util.printable import printable

    try:  # the message names files and quotes values: one line, no control characters
        print(f"pftlint: error: {printable(message)}", file=sys.stderr)
    except OSError:
        pass


if __name__ == "__main__":
    raise SystemExit(main())
