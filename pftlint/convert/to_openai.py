"""Output layout: OpenAI preference records (also Azure OpenAI, Together AI, Fireworks).

``{"input": {"messages": [...], "tools": [...]}, "preferred_output": [assistant],
"non_preferred_output": [assistant]}``: one assistant message per output.
"""

from __future__ import annotations

from .common import Pair

NAME = "openai"
DESCRIPTION = "OpenAI preference"


def record(pair: Pair) -> dict:
    given = {"messages": pair.prompt}
    if pair.tools:
        given["tools"] = pair.tools
    return {"input": given, "preferred_output": [pair.chosen], "non_preferred_output": [pair.rejected]}
