"""Amazon Nova DPO records: ``messages`` whose last turn holds two ``candidates`` (SOURCES.md §8 C3).

``system`` text parts become the system message; the turns before the last are the
prompt (``content`` text parts); the candidate labelled ``preferred`` is chosen, the one
labelled ``non-preferred`` rejected. Images, video, documents and tool use are Skips
(records are converted with text only).
"""

from __future__ import annotations

from ..model import formats
from .common import (MISSING_FIELD, PREFERENCE, ROLE, TOOLS, WRONG_TYPE, Pair, Skip, parts_content, shown)

_ROLES = formats.TURN_ROLES[formats.NOVA]  # its role names -> the view's (the linter's too)
_LABELS = {"preferred": 1, "non-preferred": 0}


def _turn(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise Skip(WRONG_TYPE, f"{where} is not a message object")
    role = value.get("role")
    if not isinstance(role, str) or role not in _ROLES:
        raise Skip(ROLE, f"{where} has role {role!r}; Amazon Nova messages are 'user' or 'assistant'")
    return {"role": role, "content": parts_content(value.get("content"), where)}


def pair(record: dict, need_rejected: bool = True) -> Pair:
    if record.get("toolConfig") or record.get("tools"):
        raise Skip(TOOLS, "the record defines tools: records with tools are not converted")
    record.get("schemaVersion")  # the format's marker, read so as not to be reported as a column left behind
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        raise Skip(MISSING_FIELD if messages is None else WRONG_TYPE, "'messages' is not a list of turns")
    system = record.get("system")
    prompt = [] if system is None else [{"role": "system", "content": parts_content(system, "'system'")}]
    prompt += [_turn(m, f"message {i + 1}") for i, m in enumerate(messages[:-1])]
    last = messages[-1]
    candidates = last.get("candidates") if isinstance(last, dict) else None
    if not isinstance(candidates, list):
        raise Skip(MISSING_FIELD, "the last message has no 'candidates' list of the preferred and non-preferred reply")
    if isinstance(last, dict) and last.get("role", "assistant") != "assistant":
        raise Skip(ROLE, f"the last message, which holds the candidates, has role {last.get('role')!r}, not assistant")
    labels = [c.get("preferenceLabel") if isinstance(c, dict) else None for c in candidates]
    if sorted(labels, key=str) != ["non-preferred", "preferred"]:
        raise Skip(PREFERENCE, "'candidates' must be exactly two, one labelled 'preferred' and one "
                               f"'non-preferred'; found {len(labels)}, labelled {shown(labels)}")
    replies = {_LABELS[c["preferenceLabel"]]: {"role": "assistant", "content": parts_content(
        c.get("content"), f"candidate {i + 1}")} for i, c in enumerate(candidates)}
    return Pair(prompt, replies[1], replies[0] if need_rejected else None)
