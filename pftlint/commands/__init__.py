"""Subcommands. Each module has ``add_parser(subparsers)``; the parser it adds sets ``run``."""

from . import check, convert, rules, stats

COMMANDS = [check, rules, stats, convert]
