"""The dataset format: a file in a format its target does not read, a record in another format than its file's.

The engine reads every record into the one view whatever its format (pftlint.model.layouts), so
every other rule runs on a file in any recognised format; this rule says, once per file, when the
target reads another format and which ``pftlint convert`` command writes it, and marks each record
written in another format than the rest of its file (those records are checked by this rule alone).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Iterator

from ..engine.findings import Problem, Severity
from ..model import formats
from ..model.view import FileInfo, Record
from ..profiles.targets import Target
from ..reading import sources
from . import record_rule


# Formats a target may read as they are, only as plain text (Anthropic HH's "\n\nHuman: ..." transcripts are
# TRL's implicit-prompt standard rows): converting them gives the chat template a real conversation.
_READ_AS_TEXT = (formats.HH,)


def convert_to(fmt: str, method: str, target: Target) -> str | None:
    """The ``--to`` layout that makes ``fmt``'s records (read as ``method``) a format the target reads, or
    None: records without a rejected reply for a target that reads preference pairs only, or a format
    convert does not read."""
    if fmt in formats.NO_CONVERTER:
        return None
    no_rejected = method == formats.SUPERVISED or fmt in formats.NO_REJECTED
    if not no_rejected:
        return target.convert_to
    takes_chat = any(formats.METHOD_OF[f] == formats.SUPERVISED for f in target.formats)
    return "supervised" if takes_chat else None


def convert_command(fmt: str, method: str, path: str, target: Target) -> str:
    """The ``pftlint convert`` command that rewrites the file in a format the target reads (``convert_to``
    is not None)."""
    to = convert_to(fmt, method, target)
    if path == "-":
        src, out = "-", "out.jsonl"
    elif path.startswith("<"):
        src, out = "IN.jsonl", "OUT.jsonl"
    else:
        p = Path(path)
        src, out = path, str(p.with_name(f"{_base_name(p.name)}.{to}.jsonl"))
    return f"pftlint convert {shlex.quote(src)} -o {shlex.quote(out)} --to {to}"


def _base_name(name: str) -> str:
    """A file name without its extension and packing: ``t.jsonl.gz`` and ``t.parquet`` are ``t`` (convert
    reads them, and writes JSONL)."""
    if sources.kind(name) == sources.GZIP:
        name = name[:-len(".gz")]
    return os.path.splitext(name)[0] or name


def _fix(fmt: str, method: str, path: str, target: Target) -> str:
    if fmt in formats.NO_CONVERTER:
        return (f"pftlint convert does not read {formats.DESCRIPTIONS[fmt]} records yet: write them as "
                f"{_wanted(method, target)} records")
    if convert_to(fmt, method, target) is None:
        return (f"{target.title} tunes on preference pairs only, and these records have no rejected reply: "
                "write pairs (a prompt, a chosen and a rejected reply), then pftlint convert can write them for it")
    if fmt in formats.NO_REJECTED and method == formats.DPO:
        only = (" (only the desirable rows, label true, are converted: a completion labelled false is "
                "the bad example)" if fmt == formats.TRL_UNPAIRED else "")
        return (f"{formats.NO_REJECTED[fmt]} have no rejected reply, so they cannot train DPO; "
                f"convert them to supervised chat{only}: {convert_command(fmt, method, path, target)}")
    return f"convert it: {convert_command(fmt, method, path, target)}"


def _wanted(method: str, target: Target) -> str:
    """The format of ``method`` the target reads, in words."""
    accepted = [f for f in target.formats if formats.METHOD_OF[f] == method] or list(target.formats)
    return formats.DESCRIPTIONS[method if method in accepted else accepted[0]]


def file_problem(file: FileInfo, target: Target) -> Problem | None:
    """The one finding of a file in a format its method or its target does not take, or None."""
    fmt, method = file.format, file.method
    if formats.METHOD_OF.get(fmt, method) != method:
        if fmt in formats.METHODS:  # --method asked for the other method
            return Problem(
                f"the file is {formats.DESCRIPTIONS[fmt]}, but --method {method} was asked for, and a "
                f"{'DPO' if method == formats.DPO else method} job rejects it; check it with --method {fmt}, "
                f"or write {formats.DESCRIPTIONS[method]} records")
        return Problem(f"the file is in {formats.DESCRIPTIONS[fmt]} format, not {formats.DESCRIPTIONS[method]}; "
                       + _fix(fmt, method, file.path, target))
    if fmt not in target.formats:
        return Problem(f"the file is in {formats.DESCRIPTIONS[fmt]} format, not {_wanted(method, target)}, "
                       f"which {target.title} reads; " + _fix(fmt, method, file.path, target))
    if fmt in _READ_AS_TEXT and target.convert_to is not None:
        return Problem(
            f"{target.title} trains on {formats.DESCRIPTIONS[fmt]} records as they are: as plain text with an "
            "implicit prompt, which it cuts where chosen and rejected first differ, not at the last Assistant "
            "turn, and renders with no chat template; for a chat model, give it a real chat prompt: "
            f"{convert_command(fmt, method, file.path, target)}", severity=Severity.INFO)
    return None


def record_problem(fmt: str, file: FileInfo, target: Target) -> Problem:
    """The finding of a record written in another format than its file's."""
    file_fmt = file.format
    if fmt in formats.METHODS and file_fmt in formats.METHODS:
        return Problem(
            f"this record is {formats.DESCRIPTIONS[fmt]}, but the file is {formats.DESCRIPTIONS[file_fmt]}; "
            "a job reads a whole file as one format: keep supervised and preference records in separate files")
    if fmt in target.formats and file_fmt not in target.formats:  # this record is the one the target reads
        return Problem(
            f"this record is in {formats.DESCRIPTIONS[fmt]} format, which {target.title} reads, but the file is in "
            f"{formats.DESCRIPTIONS[file_fmt]} format (its other records), which it does not: a job reads a whole "
            f"file as one format; {_one_format(file_fmt, fmt, file, target)}")
    return Problem(f"this record is in {formats.DESCRIPTIONS[fmt]} format, not {formats.DESCRIPTIONS[file_fmt]}; "
                   + _fix(fmt, file.method, file.path, target))


def _one_format(file_fmt: str, fmt: str, file: FileInfo, target: Target) -> str:
    """How a file whose records the target does not read, but for this one, becomes one format it reads."""
    if file_fmt not in formats.NO_CONVERTER and convert_to(file_fmt, file.method, target) is not None:
        return (f"convert the file, which rewrites its other records (and this one) in a format {target.title} "
                f"reads: {convert_command(file_fmt, file.method, file.path, target)}")
    return f"write the other records as {formats.DESCRIPTIONS[fmt]} records"


@record_rule("wrong-format", on_foreign=True)
def wrong_format(record: Record, options: dict) -> Iterator[Problem]:
    file = record.file
    if file is None:
        return
    if record.first:
        problem = file_problem(file, record.target)
        if problem is not None:
            yield problem
    if record.format != file.format:
        yield record_problem(record.format, file, record.target)
