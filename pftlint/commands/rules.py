"""``pftlint rules`` lists the catalog; ``pftlint rule NAME|CODE`` shows one rule's document."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from ..registry import all_rules, lookup
from ..reporters import use_color
from ..targets import all_targets


def add_parser(sub) -> None:
    p = sub.add_parser("rules", help="list every rule", description="List every rule of the catalog.")
    p.add_argument("--output-format", choices=("table", "json"), default="table")
    p.set_defaults(run=run_list)
    p = sub.add_parser("rule", help="show one rule's document", description="Show a rule's document.")
    p.add_argument("rule", metavar="NAME|CODE")
    p.add_argument("--output-format", choices=("text", "json"), default="text")
    p.set_defaults(run=run_one)


def run_list(args) -> int:
    rules = all_rules()
    if args.output_format == "json":
        json.dump([r.to_dict() for r in rules], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    targets = all_targets()
    console = Console(highlight=False, force_terminal=use_color(sys.stdout), no_color=not use_color(sys.stdout))
    table = Table(title="pftlint rules", title_justify="left")
    for heading in ("Code", "Name", "Severity", *[t.name for t in targets], "Summary"):
        table.add_column(heading, overflow="fold")
    for r in rules:
        default = r.doc.severity if r.doc.enabled else "off"
        per_target = [t.severity.get(r.name, default) if r.doc.enabled else "off" for t in targets]
        table.add_row(r.code, r.name + (" (fix)" if r.doc.fixable else ""), default, *per_target, r.doc.summary)
    console.print(table)
    console.print("Rules marked off run only when selected by exact code or name, e.g. --extend-select crlf-line-endings.")
    return 0


def run_one(args) -> int:
    rule = lookup(args.rule)
    if rule is None:
        from ..cli import UsageError

        raise UsageError(f"no rule named {args.rule!r} (see `pftlint rules`)")
    if args.output_format == "json":
        json.dump({**rule.to_dict(), "documentation": rule.doc.text}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    color = use_color(sys.stdout)
    console = Console(highlight=False, force_terminal=color, no_color=not color)
    console.print(Markdown(rule.doc.text))
    return 0
