"""``pftlint rules`` lists the catalog; ``pftlint rule NAME|CODE`` shows one rule's document."""

from __future__ import annotations

import json
import sys

from ..engine.registry import all_rules, lookup
from ..errors import UsageError
from ..profiles.targets import all_targets
from ..reporters import is_terminal, use_color


def add_parser(sub) -> None:
    p = sub.add_parser("rules", help="list every rule", description="List every rule of the catalog.")
    p.add_argument("--output-format", choices=("auto", "table", "text", "json"), default="auto",
                   help="auto (default): the table on a terminal, text when piped; table; text: one line per rule, "
                   "tab-separated (code, name, severity, targets, summary: for grep and cut); json")
    p.add_argument("--no-color", action="store_true", help="no colour (the NO_COLOR variable does the same)")
    p.set_defaults(run=run_list)
    p = sub.add_parser("rule", help="show one rule's document", description="Show a rule's document.")
    p.add_argument("rule", metavar="NAME|CODE")
    p.add_argument("--output-format", choices=("text", "json"), default="text")
    p.add_argument("--no-color", action="store_true", help="no colour (the NO_COLOR variable does the same)")
    p.set_defaults(run=run_one)


def run_list(args) -> int:
    rules = all_rules()
    if args.output_format == "json":
        json.dump([r.to_dict() for r in rules], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    targets = all_targets()
    if args.output_format == "text" or args.output_format == "auto" and not is_terminal(sys.stdout):
        for r in rules:  # whole lines: a piped table would be cut at 80 columns mid-cell
            cells = (r.code, r.name, r.doc.severity if r.doc.enabled else "off", target_cell(r, targets),
                     r.doc.summary)
            sys.stdout.write("\t".join(cells) + "\n")
        return 0
    from rich.console import Console
    from rich.table import Table

    color = use_color(sys.stdout, getattr(args, "no_color", False))
    console = Console(highlight=False, force_terminal=color, no_color=not color, emoji=False)
    table = Table(title="pftlint rules", title_justify="left")
    table.add_column("Code", no_wrap=True)
    table.add_column("Name", no_wrap=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Targets", overflow="fold", max_width=24)
    if console.width >= 110:  # on a narrow terminal `pftlint rule NAME` tells the rest
        table.add_column("Summary", overflow="fold", ratio=1)
    for r in rules:
        row = [r.code, r.name + (" (fix)" if r.doc.fixable else ""),
               r.doc.severity if r.doc.enabled else "off", target_cell(r, targets)]
        if len(table.columns) > 4:
            row.append(r.doc.summary)
        table.add_row(*row)
    console.print(table)
    console.print("Targets: 'all' means every target uses the default severity; otherwise the targets that differ.\n"
                  "Rules marked off run only when selected by exact code or name, e.g. "
                  "--extend-select crlf-line-endings. `pftlint rule NAME` shows a rule's document.")
    models = ", ".join(f"{t.name} {t.default_model or 'none'}" for t in targets)
    console.print(f"Token limits (example-too-long, `pftlint stats`) use the target's default model: {models}; "
                  "choose another with --model.")
    return 0


def target_cell(rule, targets) -> str:
    """``all``, or how targets differ from the rule's default, e.g. ``azure: off``."""
    default = rule.doc.severity if rule.doc.enabled else "off"
    differ = [f"{t.name}: {t.severity[rule.name]}" for t in targets
              if t.severity.get(rule.name, default) != default]
    return ", ".join(differ) if differ else "all"


def run_one(args) -> int:
    rule = lookup(args.rule)
    if rule is None:
        from ..util.suggest import did_you_mean

        names = [r.name for r in all_rules()]
        raise UsageError(f"no rule named {args.rule!r}{did_you_mean(args.rule, names)} (see `pftlint rules`)")
    if args.output_format == "json":
        json.dump({**rule.to_dict(), "documentation": rule.doc.text}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    from rich.console import Console
    from rich.markdown import Markdown

    color = use_color(sys.stdout, getattr(args, "no_color", False))
    console = Console(highlight=False, force_terminal=color, no_color=not color, emoji=False)
    console.print(Markdown(rule.doc.text + options_section(rule)))
    return 0


def options_section(rule) -> str:
    """The rule's options as a Markdown section (defaults and help from its front matter), or ''."""
    if not rule.doc.options:
        return ""
    lines = ["", "", "## Options", ""]
    for key, option in rule.doc.options.items():
        lines.append(f"- `{key}` (default `{_toml_value(option['default'])}`): {option['help']}")
    lines += ["", "Set them in `pyproject.toml`, shown here with their defaults (in `pftlint.toml` the table is "
              f"`[rules.{rule.name}]`):",
              "", "```toml", f"[tool.pftlint.rules.{rule.name}]"]
    lines += [f"{key} = {_toml_value(option['default'])}" for key, option in rule.doc.options.items()]
    lines.append("```")
    return "\n".join(lines) + "\n"


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)  # numbers and strings read the same in TOML
