"""Tool calls and tool definitions: calls answered by tool messages, functions described by JSON Schema."""

from __future__ import annotations

import hashlib
import json
import marshal
import re
from typing import Iterator

from msgspec import UNSET

from ..engine.findings import Problem, Severity
from ..model.view import MESSAGES, PROMPT, Record, is_message, message_path
from . import record_rule
from .json_schema import SchemaBudget, schema_problems
from .messages import meant_role

# -- PFT308 tool-call-mismatch ------------------------------------------------
# Turns that move a conversation on: calls still open when one of them comes were never answered.
_MOVES_ON = frozenset({"user", "assistant", "system"})


_SCAN = json.JSONDecoder().scan_once  # the C scanner: json.loads without its Python layers


def _is_json_object(text: str) -> bool:
    """The usual case, a compact JSON object, checked at C speed; False means "look closer"."""
    if text[:1] != "{":
        return False
    try:
        value, end = _SCAN(text, 0)
    except (StopIteration, ValueError, RecursionError):
        return False
    return end == len(text) and type(value) is dict


def _arguments_problem(args) -> str | None:
    if type(args) is str and _is_json_object(args):
        return None
    if isinstance(args, str):
        try:
            value = json.loads(args)
        except ValueError as exc:
            reason = str(exc).split(":", 1)[0]
            if not args.strip():
                return "arguments is an empty string; a call without arguments passes '{}'"
            return f"arguments is not valid JSON ({reason}); write the string with json.dumps(arguments)"
        except RecursionError:
            return "arguments is nested too deeply to parse; simplify the arguments"
        if not isinstance(value, dict):
            return (f"arguments holds a JSON {_json_type(value)}, not an object of argument names and values; "
                    "wrap the values in an object as the function's parameters describe")
        return None
    if isinstance(args, (dict, list)):
        return ("arguments is a JSON " + _json_type(args) + ", but it must be a string holding JSON; "
                "serialize it with json.dumps(arguments)")
    return f"arguments must be a string holding a JSON object, not {_json_type(args)}; write it as '{{...}}'"


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


_CALL_SHAPE = '{"id": "call_1", "type": "function", "function": {"name": ..., "arguments": "{...}"}}'


def _call_shape_problem(call, call_path: str) -> Problem | None:
    """What makes a tool call unreadable: no object, no string id, no function with a name and arguments."""
    if not isinstance(call, dict):
        return Problem(f"a tool call must be an object: {_CALL_SHAPE}", json_path=call_path)
    call_id = call.get("id")
    if not isinstance(call_id, str):
        what = "has no 'id'" if "id" not in call else f"id must be a string, not a {_json_type(call_id)}"
        return Problem(f"the tool call {what}; give it one (e.g. \"call_1\") and answer it with a tool message "
                       "whose tool_call_id is that id", json_path=call_path if "id" not in call else (*call_path, "id"))
    if call.get("type") != "function":
        what = "has no 'type'" if "type" not in call else f"type {json.dumps(call.get('type'))} is not \"function\""
        return Problem(f"the tool call {what}; add \"type\": \"function\"",
                       json_path=call_path if "type" not in call else (*call_path, "type"))
    function = call.get("function")
    if not isinstance(function, dict) or not isinstance(function.get("name"), str):
        return Problem(f"the tool call needs a function with a name and arguments: {_CALL_SHAPE}",
                       json_path=(*call_path, "function") if "function" in call else call_path)
    if "arguments" not in function:
        return Problem("the tool call has no arguments; a call without arguments passes \"arguments\": \"{}\"",
                       json_path=(*call_path, "function"))
    return None


def _calls(msg, path: str) -> Iterator[tuple[str | None, int, Problem | None]]:
    """(id, index of the call, problem or None) for each call of the assistant message at ``path``.

    JSON paths are only built for problems: this runs on every tool-calling message.
    """
    calls = msg.tool_calls
    if type(calls) is list:
        seen = set()
        for j, call in enumerate(calls):
            call_id = call.get("id") if type(call) is dict else None
            function = call.get("function") if type(call) is dict else None
            if not (type(call_id) is str and call.get("type") == "function" and type(function) is dict
                    and type(function.get("name")) is str and "arguments" in function):
                problem = _call_shape_problem(call, (*path, "tool_calls", j))
                yield (call_id if type(call_id) is str and call_id not in seen else None), j, problem
                if type(call_id) is str:
                    seen.add(call_id)
                continue
            if call_id in seen:
                yield None, j, Problem(
                    f"two tool calls in this message share the id {call_id!r}, so their answers cannot be told "
                    "apart; give each call its own id", json_path=(*path, "tool_calls", j, "id"))
                continue
            seen.add(call_id)
            text = _arguments_problem(function["arguments"])
            yield call_id, j, (Problem(text, json_path=(*path, "tool_calls", j, "function", "arguments"))
                               if text else None)
    legacy = msg.function_call
    if type(legacy) is dict and "arguments" in legacy:
        text = _arguments_problem(legacy["arguments"])
        if text:
            yield None, -1, Problem(text, json_path=(*path, "function_call", "arguments"))


def _unanswered(path: tuple, items: list, pending: dict[str, tuple[int, int]], why: str,
                cap: Severity | None) -> Iterator[Problem]:
    for call_id, (i, j) in pending.items():
        yield Problem(f"tool call {call_id!r} is never answered {why}; add a tool message with "
                      f"tool_call_id {call_id!r} right after the call",
                      json_path=(*message_path(path, items, i), "tool_calls", j, "id"), severity=cap)


def _has_tool_traffic(items: list, roles: tuple) -> bool:
    if "tool" in roles:
        return True
    for msg in items:
        if is_message(msg) and (msg.tool_calls is not UNSET or msg.function_call is not UNSET):
            return True
    return False


def _conversation(path: tuple, items: list, continues: bool, cap: Severity | None) -> Iterator[Problem]:
    """Match calls and answers in one conversation. ``continues``: a reply follows the list (DPO input);
    ``cap``: the most severe a finding on matching ids may be (the profile's ``tool-call-id-match``)."""
    pending: dict[str, tuple[int, int]] = {}  # open call id -> (message index, call index)
    answered: set[str] = set()
    closed: set[str] = set()  # reported as unanswered: a late answer is not reported again
    last_role = None
    for i, msg in enumerate(items):
        if not is_message(msg):
            continue
        role = msg.role
        if not isinstance(role, str):
            continue
        last_role = role
        if role == "tool":
            call_id = msg.tool_call_id
            if not isinstance(call_id, str):
                continue  # missing or mistyped: the shape rules' business
            if call_id in pending:
                del pending[call_id]
                answered.add(call_id)
            elif call_id in answered:
                yield Problem(f"a second answer to tool call {call_id!r}; each call gets exactly one tool "
                              "message: merge the answers or remove this one",
                              json_path=(*message_path(path, items, i), "tool_call_id"), severity=cap)
            elif call_id not in closed:
                open_ids = ", ".join(repr(k) for k in pending)
                hint = f"the open calls are {open_ids}" if open_ids else "no call is waiting for an answer"
                yield Problem(f"tool_call_id {call_id!r} answers no earlier tool call ({hint}); use the id "
                              "of the assistant tool call this message answers",
                              json_path=(*message_path(path, items, i), "tool_call_id"), severity=cap)
                if pending:
                    # most likely a mistyped id: let it stand for the first open call, reported once here
                    first = next(iter(pending))
                    del pending[first]
                    closed.add(first)
            continue
        if role in _MOVES_ON or meant_role(role) in _MOVES_ON:
            if pending:
                yield from _unanswered(path, items, pending, f"before the next {role} turn", cap)
                closed.update(pending)
                pending = {}
            if role == "assistant":
                for call_id, j, problem in _calls(msg, message_path(path, items, i)):
                    if problem:
                        yield problem
                    if call_id is not None:
                        pending[call_id] = (i, j)
    # A conversation may end with the assistant making calls (the training target itself). Calls left
    # open after some answers came, or before the DPO reply, were never answered.
    if pending and last_role != "assistant":
        yield from _unanswered(path, items, pending, "before the reply" if continues else "before the conversation ends",
                               cap)


@record_rule("tool-call-mismatch")
def tool_call_mismatch(record: Record, options: dict):
    for _, _, items, roles in record.roles():
        if _has_tool_traffic(items, roles):
            return _mismatches(record)
    return ()  # the common case: no tool use at all


def _mismatches(record: Record) -> Iterator[Problem]:
    cap = Severity(record.target.tool_call_id_match)  # the ids' matching: unconfirmed at some providers
    for path, part, items, roles in record.roles():
        if not _has_tool_traffic(items, roles):
            continue
        if part == MESSAGES or part == PROMPT:
            yield from _conversation(path, items, record.is_dpo, cap)
        else:
            # a DPO output: its calls answer nothing yet (the reply is the call); only check their shape
            for i, msg in enumerate(items):
                if is_message(msg):
                    for _, _, problem in _calls(msg, message_path(path, items, i)):
                        if problem:
                            yield problem


# -- PFT309 invalid-tool-definition --------------------------------------------
_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_NAME_BAD_CHARS = re.compile(r"[^a-zA-Z0-9_-]+")
# Problems of one tool definition (or a whole tools list), keyed by a digest of the value: files repeat
# the same tools on every line. Digests keep the caches small whatever the size of the schemas; each
# cache is emptied when full (a parameters schema's own cache: pftlint.rules.json_schema).
_CACHE: dict[bytes, tuple[tuple[str, str, Severity | None], ...]] = {}
_LISTS: dict[bytes, tuple[tuple[int, str, str, Severity | None], ...]] = {}
_CACHE_SIZE = 512


def _tool_problems(entry, budget: SchemaBudget) -> tuple[tuple[str, str, Severity | None], ...]:
    """(JSON path suffix, message, severity cap) for each problem of one entry of ``tools``."""
    if not isinstance(entry, dict):
        return (((), f"a tool definition must be an object, not a {_json_type(entry)}; write "
                     '{"type": "function", "function": {"name": ..., "parameters": {...}}}', None),)
    out = []
    if "type" not in entry:
        out.append(((), 'the tool has no "type"; add "type": "function"'))
    elif entry["type"] != "function":
        out.append((("type",), f"tool type {json.dumps(entry['type'])} is not \"function\", the only tool type "
                             'fine-tuning files accept; use "type": "function"'))
    function = entry.get("function")
    if not isinstance(function, dict):
        if "function" in entry:
            out.append((("function",), "function must be an object holding name, description and parameters"))
        elif "name" in entry or "parameters" in entry:
            out.append(((), "name and parameters sit at the top of the tool (the Responses API shape); "
                            'fine-tuning files nest them: {"type": "function", "function": {"name": ..., ...}}'))
        else:
            out.append(((), 'the tool has no "function"; add "function": {"name": ..., "parameters": {...}}'))
        return _uncapped(out)
    name = function.get("name")
    if "name" not in function:
        out.append((("function",), 'the function has no "name"; add one (letters, digits, _ and -, at most 64)'))
    elif not isinstance(name, str):
        out.append((("function", "name"), f"the function name must be a string, not a {_json_type(name)}"))
    elif not _NAME.fullmatch(name):
        fixed = _NAME_BAD_CHARS.sub("_", name).strip("_")[:64]
        if not name:
            out.append((("function", "name"), "the function name is empty; give it a name of letters, digits, _ "
                                          "and -"))
        elif len(name) > 64 and fixed == name[:64]:
            out.append((("function", "name"), f"the function name is {len(name)} characters long, over the limit "
                                          f"of 64; shorten it, e.g. to {fixed!r}"))
        else:
            out.append((("function", "name"), f"the function name {name!r} may only hold letters, digits, _ and - "
                                          f"(at most 64); rename it, e.g. to {fixed or 'my_function'!r}"))
    if "description" in function and not isinstance(function["description"], str):
        out.append((("function", "description"), "description must be a string; write the description as text "
                                              "or remove the key"))
    if "strict" in function and not isinstance(function["strict"], bool):
        out.append((("function", "strict"), f"strict must be true or false, not {json.dumps(function['strict'])}"))
    if "parameters" in function:
        params = function["parameters"]
        if not isinstance(params, dict):
            out.append((("function", "parameters"), f"parameters must be a JSON Schema object, not a "
                                                f"{_json_type(params)}; e.g. "
                                                '{"type": "object", "properties": {...}}'))
        else:
            return (*_uncapped(out), *((("function", "parameters", *where), text, cap)
                                       for where, text, cap in schema_problems(params, budget)))
    return _uncapped(out)


def _uncapped(problems: list[tuple[str, str]]) -> tuple[tuple[str, str, Severity | None], ...]:
    return tuple((where, text, None) for where, text in problems)


def _remember(cache: dict, key: bytes, value):
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


def _key(value) -> bytes | None:
    """A cache key for a JSON value: a digest of its marshal bytes. marshal is several times faster than
    repr or json.dumps, and unlike ``==`` it tells true from 1 and 1.0 from 1. Equal values may get
    different keys (shared strings are written as back-references), which only costs a cache miss."""
    try:
        return hashlib.blake2b(marshal.dumps(value), digest_size=16).digest()
    except ValueError:  # nested too deeply
        return None


def _entry_problems(entry, budget: SchemaBudget) -> tuple[tuple[str, str, Severity | None], ...]:
    key = _key(entry)
    if key is None:
        return _tool_problems(entry, budget)
    found = _CACHE.get(key)
    if found is not None:
        return found
    found = _tool_problems(entry, budget)
    return found if budget.ran_out else _remember(_CACHE, key, found)


def _list_problems(tools: list, budget: SchemaBudget) -> tuple[tuple[int, str, str, Severity | None], ...]:
    """(index, JSON path suffix, message, severity cap) for a whole tools list."""
    out = []
    names: set[str] = set()
    for i, entry in enumerate(tools):
        out.extend((i, where, text, cap) for where, text, cap in _entry_problems(entry, budget))
        if isinstance(entry, dict):
            function = entry.get("function")
            name = function.get("name") if isinstance(function, dict) else None
            if isinstance(name, str):
                if name in names:
                    out.append((i, ("function", "name"),
                                f"two tools are named {name!r}; the model could not tell them apart: give "
                                "each function its own name or remove the duplicate", None))
                names.add(name)
    return tuple(out)


@record_rule("invalid-tool-definition")
def invalid_tool_definition(record: Record, options: dict):
    path, tools = record.tools
    if type(tools) is not list or not tools:
        return ()  # absent, empty, or not a list (wrong-type's business)
    # Files repeat the same tools on every line: one lookup per record, one schema check per distinct schema.
    key = _key(tools)
    budget = SchemaBudget()
    if key is None:
        found = _list_problems(tools, budget)
    else:
        found = _LISTS.get(key)
        if found is None:
            found = _list_problems(tools, budget)
            if not budget.ran_out:
                _remember(_LISTS, key, found)
    return [Problem(text, json_path=(*path, i, *where), severity=cap) for i, where, text, cap in found]
