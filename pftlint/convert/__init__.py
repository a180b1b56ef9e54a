"""``pftlint convert``: records in the formats people have, rewritten in the format providers accept.

Pipeline: ``readers.units`` (JSONL, JSON array, CSV; gzip, Parquet) -> ``detect`` names each record's format ->
a source module per format (``trl``, ``hh``, ``sharegpt``, ``columns``, ``openai``, ``vertex``,
``nova``, ``argilla``, ``h4``, ``alpaca``, ``axolotl``, ``axolotl_chat_template``) gives a ``Pair`` ->
``layouts.build`` checks it and writes it in the ``--to`` layout (a ``to_*`` module per layout) -> one
JSON line. Every record is accounted for: ``Stats.read == written + skipped``, each skip with its line
and reason; a written record's columns its reader took nothing from are counted (``Stats.not_carried``).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Callable, Iterable, Iterator, NamedTuple

from ..model import formats
from . import (alpaca, argilla, axolotl, axolotl_chat_template, columns, detect, h4, hh, layouts, nova, openai,
               sharegpt, trl, vertex)
from .columns import Fields
from .common import DPO, INVALID_TEXT, SUPERVISED, UNKNOWN_FORMAT, Pair, Skip
from .layouts import OPENAI
from .readers import InputError, Unit, units

__all__ = ["DPO", "OPENAI", "SUPERVISED", "SOURCES", "TARGETS", "Fields", "InputError", "Options", "Stats",
           "convert", "units"]

COLUMNS = "columns"
# --from names: the formats module's names, convert's own (detect.FORMATS), and columns (a mapping,
# not a detectable format).
SOURCES = (formats.TRL, formats.HH, formats.SHAREGPT, COLUMNS, formats.PROMPT_COMPLETION, formats.DPO, OPENAI,
           formats.SUPERVISED, *detect.FORMATS, formats.AXOLOTL_CHAT_TEMPLATE)
# --to names: the layouts, and dpo (a synonym of openai).
TARGETS = (*layouts.NAMES, DPO)
DESCRIPTIONS = {**formats.DESCRIPTIONS, **detect.DESCRIPTIONS, COLUMNS: "flat columns",
                OPENAI: formats.DESCRIPTIONS[formats.DPO]}


class Options(NamedTuple):
    source: str | None = None   # one of SOURCES; None: detected record by record
    to: str = OPENAI            # one of TARGETS
    fields: Fields | None = None  # --*-field names (columns, or TRL under other names)


class Stats:
    """What a conversion read, wrote and skipped (by reason), and the formats it met."""

    def __init__(self) -> None:
        self.read = 0
        self.written = 0
        self.skipped: Counter[str] = Counter()
        self.formats: Counter[str] = Counter()
        self.unknown_keys: list | None = None  # the keys of the first record of no known format
        self.not_carried: Counter[str] = Counter()  # keys of written records the reader took nothing from

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def _unknown(record: dict, need_rejected: bool) -> Pair:
    keys = ", ".join(str(k) for k in list(record)[:8]) or "none"
    raise Skip(UNKNOWN_FORMAT, f"the record's keys ({keys}) are not a format pftlint knows; name the "
                               "columns with --prompt-field, --chosen-field and --rejected-field")


def _handler(source: str, fields: Fields | None) -> Callable[[dict, bool], Pair]:
    if source == COLUMNS:
        mapping = fields or Fields()
        return lambda record, need: columns.pair(record, mapping, need)
    if source == formats.TRL:
        keys = fields or Fields()
        return lambda record, need: trl.pair(record, keys.prompt, keys.chosen, keys.rejected, keys.system,
                                             need_rejected=need, trl_columns=True)
    return {
        formats.HH: lambda record, need: hh.pair(record),
        formats.SHAREGPT: sharegpt.pair,
        formats.SHAREGPT_RANKING: sharegpt.pair,  # detected apart, converted by one reader
        formats.PROMPT_COMPLETION: columns.prompt_completion,
        formats.DPO: openai.dpo,
        OPENAI: openai.dpo,  # --from openai: the name --to uses
        formats.SUPERVISED: openai.supervised,
        detect.VERTEX: vertex.pair,
        detect.NOVA: nova.pair,
        detect.ULTRAFEEDBACK_ARGILLA: argilla.pair,
        detect.ULTRAFEEDBACK_H4: h4.pair,
        detect.ALPACA_RANKING: alpaca.pair,
        detect.AXOLOTL: axolotl.pair,
        formats.AXOLOTL_CHAT_TEMPLATE: axolotl_chat_template.pair,
    }.get(source, _unknown)


# A format without a reader here gets _unknown: its record's keys make the hint.
_DETECTED = {f: _handler(f, None) for f in (*formats.FOREIGN, *formats.METHODS, *detect.FORMATS)}
_DETECTED[formats.TRL_UNPAIRED] = _DETECTED[formats.PROMPT_COMPLETION]  # prompt / completion (and a label)
_DETECTED[formats.AXOLOTL_CHATML] = _DETECTED[detect.AXOLOTL]  # the linter's name for the same records


def convert(source_units: Iterable[Unit], options: Options, stats: Stats) -> Iterator[tuple[int, bytes | Skip]]:
    """(source line, the output line or the Skip) for every record, in order; ``stats`` kept up to date."""
    to = layouts.canonical(options.to)
    need = layouts.needs_rejected(to)
    forced = _handler(options.source, options.fields) if options.source else None
    for unit in source_units:
        stats.read += 1
        result: bytes | Skip
        if unit.skip is not None:
            result = unit.skip
        else:
            record = unit.value
            if forced is None:
                fmt = detect.detect(record)
                if fmt == formats.UNKNOWN and "prompt" in record and "chosen" in record:
                    fmt = formats.TRL  # a TRL record without its rejected reply: enough for --to supervised
                handler = _DETECTED.get(fmt, _unknown)
            else:
                fmt, handler = options.source, forced
            stats.formats[fmt] += 1
            if fmt == formats.UNKNOWN and stats.unknown_keys is None:
                stats.unknown_keys = list(record)
            reads = _Reads(record)
            try:
                result = _line(layouts.build(handler(reads, need), to))
            except Skip as skip:
                result = skip
            else:
                if not need:  # the rejected reply is left out by --to supervised's design, not lost
                    _read_as_pair(handler, reads)
                stats.not_carried.update(key for key in record if key not in reads.read)
        if isinstance(result, Skip):
            stats.skipped[result.reason] += 1
        else:
            stats.written += 1
        yield unit.line, result


class _Reads(dict):
    """A record that notes the keys a reader took a value from: the others are columns no layout carries
    (``code_id``, ratings), reported rather than dropped in silence."""

    __slots__ = ("read",)

    def __init__(self, record: dict):
        super().__init__(record)
        self.read: set = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)


def _read_as_pair(handler: Callable[[dict, bool], Pair], reads: _Reads) -> None:
    """Note the keys a preference pair's reading takes (the rejected reply's too)."""
    try:
        handler(reads, True)
    except Skip:
        pass


def _line(record: dict) -> bytes:
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        raise Skip(INVALID_TEXT, "a text holds an unpaired UTF-16 surrogate (\\ud800-\\udfff), which "
                                 "UTF-8 cannot encode; fix the text in the source") from None
