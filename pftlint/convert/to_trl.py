"""Output layout: TRL's conversational preference records with an explicit prompt.

``{"prompt": [...messages], "chosen": [assistant], "rejected": [assistant], "tools": [...]}``:
the layout TRL's DPOTrainer recommends (SOURCES.md §8 C1). All three columns are message
lists, so TRL classifies every record the same way whichever key it looks at.
"""

from __future__ import annotations

from .common import Pair

NAME = "trl"
DESCRIPTION = "TRL conversational preference"


def record(pair: Pair) -> dict:
    out: dict = {"prompt": pair.prompt, "chosen": [pair.chosen], "rejected": [pair.rejected]}
    if pair.tools:
        out["tools"] = pair.tools
    return out
