"""Output layout: Amazon Nova DPO records (Bedrock conversation schema, SOURCES.md §8 C3).

``{"schemaVersion": "bedrock-conversation-2024", "system": [{"text"}], "messages": [{"role",
"content": [{"text"}]}, ..., {"role": "assistant", "candidates": [{"content": [...],
"preferenceLabel": "preferred"}, {..., "preferenceLabel": "non-preferred"}]}]}``.
Nova's constraints are Skips: the first turn is the user's, roles are user and assistant
only (system goes in ``system``), no tool definitions, no message ``name``.
"""

from __future__ import annotations

from .common import TOOLS, TURN_ORDER, Pair, Skip, no_names, text_parts

NAME = "nova"
DESCRIPTION = "Amazon Nova DPO"
SCHEMA_VERSION = "bedrock-conversation-2024"


def record(pair: Pair) -> dict:
    if pair.tools:
        raise Skip(TOOLS, "the record defines tools, which Amazon Nova DPO records cannot hold")
    no_names(pair, "Amazon Nova")
    prompt = pair.prompt
    out: dict = {"schemaVersion": SCHEMA_VERSION}
    if prompt[0]["role"] == "system":
        out["system"] = text_parts(prompt[0]["content"])
        prompt = prompt[1:]
    if not prompt or prompt[0]["role"] != "user":
        raise Skip(TURN_ORDER, "the conversation starts with an assistant turn; Amazon Nova wants the "
                               "user's turn first")
    out["messages"] = [*({"role": m["role"], "content": text_parts(m["content"])} for m in prompt),
                       {"role": "assistant", "candidates": [
                           {"content": text_parts(pair.chosen["content"]), "preferenceLabel": "preferred"},
                           {"content": text_parts(pair.rejected["content"]), "preferenceLabel": "non-preferred"}]}]
    return out
