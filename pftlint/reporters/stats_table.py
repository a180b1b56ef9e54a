"""``pftlint stats`` for a person at a terminal: one key/value table per file, its histogram, the notes.

The figures come from :mod:`pftlint.stats` (what they mean is defined there); this module only lays
them out, every line broken between words (:mod:`pftlint.reporters.wrap`) so a path or a model name
is never cut where it fits. The Markdown for a dataset card is :mod:`pftlint.reporters.stats_markdown`.
"""

from __future__ import annotations

from typing import TextIO

from ..stats import file_settings
from .stats_notes import unreadable_text
from ..tokens import trainer
from ..util.printable import printable, printable_path

def _num(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def _pct(share) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def render(doc: dict, stream: TextIO, color: bool) -> None:
    """One key/value table per file, its histogram under it, then the notes."""
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=color, no_color=not color, highlight=False, emoji=False)
    console.print(_header(doc, console.width), soft_wrap=True)
    for f in doc["files"]:
        counted = file_settings(doc, f)
        limit = counted["limit"]
        console.print(_file_title(f, console.width), soft_wrap=True)
        if counted is not doc:  # its own configuration: said above its table, as the run's is at the top
            console.print(_header(counted, console.width), soft_wrap=True)
        console.print(_file_table(f, limit, counted["training_price_per_million"]))
        if f["histogram"]:  # with a tokenizer, max_length is the limit the bins are read against
            console.print(_histogram(f, (f.get("trainer") or {}).get("max_length") or limit, console.width))
    for note in doc["notes"]:
        console.print(Text(f"note: {printable(note)}", style="dim"))  # notes name files


def trainer_rows(t: dict) -> list[tuple[str, str, bool]]:
    """(label, value, whether it is bad news) for a file's trainer figures: the table's and the Markdown's rows."""
    n = t["pairs"]
    mode = t["truncation_mode"]
    cut = "reply end" if mode == trainer.KEEP_START else "prompt start"

    def side(name: str) -> str:
        s = t[name]
        text = f"{s['truncated']:,} ({_pct(s['truncated'] / n if n else None)})"
        if s["truncated"]:
            text += f", {s['tokens_lost']:,} tokens lost (at most {s['max_lost']:,} in one pair)"
        return text

    dropped, truncated = t["dropped"], t["truncated"]
    rows = [
        ("tokens per side, mean", f"prompt {_num(t['prompt']['mean'])} · chosen {_num(t['chosen']['mean'])} · "
                                  f"rejected {_num(t['rejected']['mean'])}", False),
        ("tokens per side, max", f"prompt {_num(t['prompt']['max'])} · chosen {_num(t['chosen']['max'])} · "
                                 f"rejected {_num(t['rejected']['max'])}", False),
        (f"dropped at max_length {t['max_length']:,}", f"{dropped['count']:,} ({_pct(dropped['share'])}): the prompt "
                                                      "alone reaches max_length (TRL >= 1.9)", bool(dropped["count"])),
        (f"truncated ({cut})", f"{truncated['count']:,} pair{'' if truncated['count'] == 1 else 's'} "
                               f"({_pct(truncated['share'])}); "
                               f"{truncated['one_side_only']:,} on one side only", bool(truncated["count"])),
        ("chosen truncated", side("chosen"), bool(t["chosen"]["truncated"])),
        ("rejected truncated", side("rejected"), bool(t["rejected"]["truncated"])),
    ]
    if t["not_tokenized"]:
        rows.append(("not tokenized", f"{t['not_tokenized']:,} records the chat template refuses or that are no "
                                      f"pair (the first: line {t['first_not_tokenized']:,})", True))
    return rows


def _header(doc: dict, width: int):
    """``model M  target T  limit N tokens per example  training $P / 1M tokens``, broken between words
    (``doc``: the document, or a file's own ``settings``, whose ``config`` it names)."""
    from .wrap import Unit, words, wrapped

    if doc.get("trainer"):
        t = doc["trainer"]
        parts = [("tokenizer", [Unit(printable(t["tokenizer"]), "bold")]), ("target", [Unit(doc["target"])]),
                 ("max_length", [Unit(f"{t['max_length']:,}")]), ("truncation", [Unit(t["truncation_mode"])])]
    else:
        model = printable(doc["model"] or f"none ({doc['encoding']} estimate)")
        parts = [("model", [Unit(model, "bold")]), ("target", [Unit(doc["target"])])]
    if doc["limit"]:
        parts.append(("limit", words(f"{doc['limit']:,} tokens per example")))
    if doc["training_price_per_million"] is not None:
        parts.append(("training", words(f"${doc['training_price_per_million']:.2f} / 1M tokens")))
    if "config" in doc:
        parts.append(("config", [Unit(printable_path(doc["config"]) if doc["config"] else "none (the defaults)")]))
    units: list[Unit] = []
    for label, values in parts:  # two spaces before the next label: the last value carries one
        *head, last = values
        units += [Unit(label, "dim", glued=True), *head, last._replace(text=last.text + " ")]
    return wrapped(units, width)


def _file_title(f: dict, width: int):
    """``PATH (method)`` above the file's table: the path is one unit, never cut where it fits the width."""
    from .wrap import Unit, wrapped

    units = [Unit(printable_path(f["path"]), "bold")]
    if f["error"] is None:
        units.append(Unit(f"({f['method']})", "bold"))
    return wrapped(units, width)


def _file_table(f: dict, limit: int | None, price: float | None):
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=False, min_width=48)
    table.add_column("", no_wrap=True, style="dim")
    table.add_column("", overflow="fold")
    if f["error"] is not None:  # no figures: zeros would look like a count
        table.add_row("not counted", Text(f["error"], style="bold red"))
        return table
    examples = _num(f["examples"])
    if f["skipped"]:
        examples += f" ({f['skipped']:,} records in another format skipped: see pftlint check)"
    table.add_row("examples", examples)
    if f["unreadable_lines"]:
        table.add_row("unreadable lines", Text(unreadable_text(f), style="bold red"))
    tokens = f["tokens"]
    table.add_row("total tokens", _num(tokens["total"]))
    table.add_row("tokens per example", f"min {_num(tokens['min'])} · median {_num(tokens['median'])} · "
                                        f"p90 {_num(tokens['p90'])} · max {_num(tokens['max'])} · "
                                        f"mean {_num(tokens['mean'])}")
    if f["over_limit"] is not None:
        over = f["over_limit"]
        table.add_row("over the limit", Text(f"{over['count']:,} ({_pct(over['share'])})",
                                             style="bold red" if over["count"] else ""))
    p = f["preference"]
    if p:
        table.add_row("preferred output longer", f"{_pct(p['preferred_longer_share'])} of pairs "
                      f"({p['preferred_longer']:,} longer, {p['non_preferred_longer']:,} shorter, {p['equal']:,} equal)")
        table.add_row("output tokens, mean", f"preferred {_num(p['preferred_tokens_mean'])} · "
                                             f"non-preferred {_num(p['non_preferred_tokens_mean'])}")
    t = f.get("trainer")
    if t:
        for label, value, alert in trainer_rows(t):
            table.add_row(label, Text(value, style="bold red" if alert else ""))
    table.add_row("epochs (default heuristic)", _num(f["epochs"]))
    table.add_row("billed tokens", _num(f["billed_tokens"]))
    if price is not None:
        table.add_row("training cost", "–" if f["cost_usd"] is None else f"${f['cost_usd']:,.2f}")
    return table


def _histogram(f: dict, limit: int | None, console_width: int = 80, width: int = 40):
    """Tokens per example as bars, one per bin; one line when every example falls in one bin."""
    from rich.text import Text

    bins = f["histogram"]
    full = [b for b in bins if b["count"]]
    if len(full) == 1:  # a single bar says nothing a sentence cannot
        (b,) = full
        text = Text("tokens per example: ", style="bold")
        n = b["count"]
        text.append(("the one example has " if n == 1 else f"all {n:,} examples have ") +
                    f"{b['min']:,}–{b['max']:,} tokens "
                    f"(min {_num(f['tokens']['min'])}, max {_num(f['tokens']['max'])})")
        if limit is not None and b["max"] > limit:
            text.append(f"; the limit ({limit:,}) falls in this range" if b["min"] <= limit
                        else "; over the limit", style="red")
        return text
    top = max(b["count"] for b in bins) or 1
    label_width = max(len(f"{b['min']:,}–{b['max']:,}") for b in bins)
    count_width = max(len(f"{b['count']:,}") for b in bins)
    width = max(10, min(width, console_width - label_width - count_width - 6))  # the bars fit the terminal
    text = Text("tokens per example (histogram)\n", style="bold")
    for b in bins:
        label = f"{b['min']:,}–{b['max']:,}".rjust(label_width)
        bar = "█" * max(1 if b["count"] else 0, round(b["count"] / top * width))
        over = limit is not None and b["max"] > limit
        text.append(f"  {label} │ ")
        text.append(bar.ljust(width), style="red" if over else "cyan")
        text.append(f" {b['count']:>{count_width},}")
        if over and b["min"] <= limit:
            text.append(f"  (limit {limit:,} falls in this bin)", style="dim")
        elif over:
            text.append("  over the limit", style="red")
        text.append("\n")
    return text
