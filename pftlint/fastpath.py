"""One quick pass that clears a plain, clean record, so that the record rules can be skipped.

Nearly every record of a real file has the plainest shape: every message is exactly
``{"role": ..., "content": "<text>"}``, the turns alternate, the outputs are one
assistant message each. For such a record, one pass over it with C-level string
tests decides that no record rule can report anything; the rules then never run.
Anything unusual (another key, a tool call, a part list, a suspicious character
sequence) makes the test answer "not cleared" and every rule runs as usual, so the
test only has to be *sufficient*, never complete.

It is an optimisation with a proof obligation: ``tests/test_fastpath.py`` checks, on
every example of the rule catalog and on generated records, that a record this test
clears gets no finding from any rule. The engine uses it only when every active record
rule is one it knows (``COVERED``); a new record rule switches it off until it is
added here and to that test.
"""

from __future__ import annotations

from typing import Callable

from .rules.content import _fold_text, _heads_agree, _leaked_token, escaped_newlines
from .selection import ActiveRule
from .targets import Target

# The record rules whose silence a cleared record guarantees.
COVERED = frozenset({
    "missing-key", "unknown-key", "wrong-type",
    "invalid-role", "output-not-single-assistant", "input-ends-with-assistant", "system-not-first",
    "consecutive-same-role", "no-assistant-message", "invalid-weight", "tool-call-mismatch",
    "invalid-tool-definition",
    "empty-content", "non-text-content", "identical-outputs", "near-identical-outputs",
    "special-token-in-content", "literal-escape-in-content",
    "example-too-long",
})
_DPO_KEYS = frozenset({"input", "preferred_output", "non_preferred_output"})
_SUPERVISED_KEYS = frozenset({"messages"})
_INPUT_KEYS = frozenset({"messages", "tools", "parallel_tool_calls"})
_MESSAGE_KEYS = frozenset({"role", "content"})
_PLAIN_ROLES = frozenset({"system", "user", "assistant"})
_UNBOUNDED = 1 << 62

Clearance = Callable[[dict, int], bool]


def clearance(method: str, target: Target, active: dict[str, ActiveRule]) -> Clearance | None:
    """The clearing test for records of ``method``, or None when it cannot vouch for the active rules."""
    record_rules = {name for name, a in active.items() if a.rule.impl.kind == "record"}
    if not record_rules or not record_rules <= COVERED:
        return None  # nothing to skip, or a rule it cannot vouch for
    if "assistant" not in target.dpo_output_roles or target.dpo_output_messages != 1:
        return None
    roles = _PLAIN_ROLES & target.roles
    max_size = _max_size(target, active.get("example-too-long"))
    if max_size is None:
        return None
    escapes = active.get("literal-escape-in-content")
    min_escapes = escapes.options.get("min-escapes", 3) if escapes else 1 << 30
    if not isinstance(min_escapes, int) or min_escapes < 1:
        min_escapes = 3  # what the rule itself falls back to
    if method == "dpo":
        return lambda data, size: size <= max_size and _clear_dpo(data, roles, min_escapes)
    return lambda data, size: size <= max_size and _clear_supervised(data, roles, min_escapes)


def _max_size(target: Target, active: ActiveRule | None) -> int | None:
    """Largest record text (characters) that cannot reach the token limit; None if unknown."""
    if active is None:
        return _UNBOUNDED
    from .rules.tokens import SLACK, limit_for

    found = limit_for(target, active.options)
    if found is None:
        return _UNBOUNDED  # no model, no limit: the rule checks nothing
    return (found - SLACK) // 4  # the bound example-too-long itself uses


def _clear_texts(texts: list[str], min_escapes: int) -> bool:
    for text in texts:
        if not text or text.isspace():  # empty-content
            return False
        if "\\n" in text and escaped_newlines(text, min_escapes):  # literal-escape-in-content
            return False
        if ("<" in text or "[" in text) and _leaked_token(text) is not None:  # special-token-in-content
            return False
    return True


def _conversation(messages: object, roles: frozenset, texts: list[str]) -> str | None:
    """The last role of a plain, alternating conversation (texts collected), or None."""
    if type(messages) is not list or not messages:
        return None
    previous = None
    for i, msg in enumerate(messages):
        if type(msg) is not dict or msg.keys() != _MESSAGE_KEYS:
            return None
        role = msg["role"]
        text = msg["content"]
        if type(text) is not str or type(role) is not str or role not in roles or role == previous:
            return None
        if role == "system" and i:
            return None
        previous = role
        texts.append(text)
    return previous


def _reply(output: object) -> str | None:
    """The text of an output that is exactly one plain assistant message, or None."""
    if type(output) is not list or len(output) != 1:
        return None
    msg = output[0]
    if type(msg) is not dict or msg.keys() != _MESSAGE_KEYS or msg["role"] != "assistant":
        return None
    text = msg["content"]
    return text if type(text) is str else None


def _clear_dpo(data: dict, roles: frozenset, min_escapes: int) -> bool:
    if data.keys() != _DPO_KEYS:
        return False
    inp = data["input"]
    if type(inp) is not dict or "messages" not in inp or not inp.keys() <= _INPUT_KEYS:
        return False
    if len(inp) > 1 and (inp.get("tools", []) != [] or type(inp.get("parallel_tool_calls", True)) is not bool):
        return False  # tool definitions are checked by their rules; "tools": [] is the documented shape
    texts: list[str] = []
    if _conversation(inp["messages"], roles, texts) != "user":
        return False
    preferred = _reply(data["preferred_output"])
    rejected = _reply(data["non_preferred_output"])
    if preferred is None or rejected is None or preferred == rejected:  # identical-outputs
        return False
    if _heads_agree(data["preferred_output"], data["non_preferred_output"]) and \
            _fold_text(preferred) == _fold_text(rejected):  # near-identical-outputs
        return False
    texts.append(preferred)
    texts.append(rejected)
    return _clear_texts(texts, min_escapes)


def _clear_supervised(data: dict, roles: frozenset, min_escapes: int) -> bool:
    if data.keys() != _SUPERVISED_KEYS:
        return False
    texts: list[str] = []
    if _conversation(data["messages"], roles, texts) != "assistant":  # no-assistant-message, at least
        return False
    return _clear_texts(texts, min_escapes)
