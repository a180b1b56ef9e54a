"""UltraFeedback as argilla publishes it: ``instruction``, ``chosen_response``, ``rejected_response``.

The instruction is the user turn and the two responses the replies (SOURCES.md §8 C5);
the ratings and model names beside them are not part of a training record.
"""

from __future__ import annotations

from . import columns
from .common import Pair

FIELDS = columns.Fields("instruction", "chosen_response", "rejected_response")


def pair(record: dict, need_rejected: bool = True) -> Pair:
    return columns.pair(record, FIELDS, need_rejected)
