"""The output layouts ``--to`` names, and ``build``: a pair checked, then written in one layout.

``common.check`` refuses what the linter's shape rules would report about any record
(empty or identical replies, roles, turn order, tool definitions); each layout module
then refuses what its own layout cannot say (a Skip) and writes the rest. So every
record written lints clean for its target by construction.
"""

from __future__ import annotations

from . import to_nova, to_openai, to_supervised, to_trl, to_vertex
from .common import DPO, Pair, check

_MODULES = (to_openai, to_trl, to_vertex, to_nova, to_supervised)
LAYOUTS = {m.NAME: m for m in _MODULES}
NAMES = tuple(LAYOUTS)
OPENAI = to_openai.NAME
SUPERVISED = to_supervised.NAME
SYNONYMS = {DPO: OPENAI}  # the name --to had when OpenAI's was the only preference layout


def canonical(name: str) -> str:
    """The layout a --to name means (``dpo`` is ``openai``)."""
    return SYNONYMS.get(name, name)


def needs_rejected(name: str) -> bool:
    return getattr(LAYOUTS[canonical(name)], "NEEDS_REJECTED", True)


def description(name: str) -> str:
    return LAYOUTS[canonical(name)].DESCRIPTION


def build(pair: Pair, to: str) -> dict:
    """The record of ``pair`` in layout ``to``, or Skip."""
    layout = LAYOUTS[canonical(to)]
    return layout.record(check(pair, needs_rejected(to)))
