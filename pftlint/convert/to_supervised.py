"""Output layout: supervised chat records, the prompt then the chosen reply.

``{"messages": [..., assistant], "tools": [...]}``: the rejected reply is not written
(the SFT-then-DPO workflow trains SFT on the preferred replies).
"""

from __future__ import annotations

from .common import Pair

NAME = "supervised"
DESCRIPTION = "supervised chat"
NEEDS_REJECTED = False


def record(pair: Pair) -> dict:
    out: dict = {"messages": [*pair.prompt, pair.chosen]}
    if pair.tools:
        out["tools"] = pair.tools
    return out
