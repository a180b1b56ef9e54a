"""``pftlint stats --output-format markdown``: the figures as GitHub-flavoured Markdown tables, to paste
into a dataset card or a README. Every value from the data or the file system is escaped for a table cell."""

from __future__ import annotations

from typing import TextIO

from ..stats import file_settings
from .stats_notes import problems
from .stats_table import trainer_rows
from ..util.printable import printable


def cell(text: object) -> str:
    """A table cell: printable, pipes and backslashes escaped, no line break."""
    return printable(str(text)).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _num(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def _counted_with(settings: dict) -> str:
    """``target T; model M`` (or the tokenizer and max_length) of the document or of a file's own settings."""
    t = settings.get("trainer")
    counted_with = (f"tokenizer `{cell(t['tokenizer'])}`, max_length {t['max_length']:,}, "
                    f"truncation_mode {t['truncation_mode']}" if t
                    else f"model {cell(settings['model'])}" if settings["model"]
                    else f"{settings['encoding']} (an estimate)")
    return f"target {settings['target']}; {counted_with}"


def render_markdown(doc: dict, out: TextIO) -> None:
    out.write(f"Token statistics by pftlint {doc['version']} ({_counted_with(doc)}).\n")
    for f in doc["files"]:
        out.write(f"\n### {cell(f['path'])}\n\n")
        counted = file_settings(doc, f)
        if counted is not doc:
            config = f" from `{cell(counted['config'])}`" if counted["config"] else ""
            out.write(f"Counted with its own settings{config} ({_counted_with(counted)}).\n\n")
        if f["error"] is not None:
            out.write(f"Not counted: {cell(f['error'])}\n")
            continue
        rows = [("method", f["method"]), ("examples", _num(f["examples"])), ("total tokens", _num(f["tokens"]["total"]))]
        tokens = f["tokens"]
        rows.append(("tokens per example", " · ".join(f"{k} {_num(tokens[k])}"
                                                      for k in ("min", "median", "p90", "max", "mean"))))
        if f.get("trainer"):
            rows += [(label, value) for label, value, _ in trainer_rows(f["trainer"])]
        elif f["preference"]:
            p = f["preference"]
            rows.append(("output tokens, mean", f"preferred {_num(p['preferred_tokens_mean'])} · "
                                                f"non-preferred {_num(p['non_preferred_tokens_mean'])}"))
        if f["over_limit"] is not None:
            rows.append((f"over the limit ({counted['limit']:,})", _num(f["over_limit"]["count"])))
        out.write("| | |\n|---|---|\n")
        for label, value in rows:
            out.write(f"| {cell(label)} | {cell(value)} |\n")
        if f["histogram"]:
            out.write("\n| tokens per example | examples |\n|---:|---:|\n")
            for b in f["histogram"]:
                out.write(f"| {b['min']:,}–{b['max']:,} | {b['count']:,} |\n")
    for line, _ in problems(doc):
        out.write(f"\nNote: {cell(line)}\n")
