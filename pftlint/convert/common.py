"""What every source format shares: messages normalised, and the pair checked.

A source module turns one record into a ``Pair`` (prompt messages, chosen reply,
rejected reply, tool definitions) or raises ``Skip``. ``check`` then checks everything
the linter's record rules check about the shape (roles, turn order, empty and identical
replies, tool definitions), so that every record a layout module writes from a checked
pair lints clean by construction (``layouts.build``); whatever cannot be made clean is a
``Skip`` with its reason.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import NamedTuple

from ..engine.findings import json_path_text
from ..rules.messages import meant_role
from ..rules.tools import invalid_tool_definition

DPO = "dpo"  # the --to name of OpenAI preference records before there were other layouts
SUPERVISED = "supervised"

# Summary categories (a Skip's ``reason``); the detail says what to do.
NOT_AN_OBJECT = "not a JSON object"
INVALID_JSON = "invalid JSON"
BAD_ROW = "malformed CSV row"
UNKNOWN_FORMAT = "format not recognised"
MISSING_FIELD = "missing field"
WRONG_TYPE = "wrong type"
EMPTY_PROMPT = "empty prompt"
EMPTY_REPLY = "empty reply"
IDENTICAL = "identical replies"
ROLE = "role does not map"
NON_TEXT = "non-text content"
TOOLS = "tool calls or tool definitions"
TURN_ORDER = "turn order"
NO_SPLIT = "prompt and replies cannot be told apart"
NO_REJECTED = "no rejected reply"
INVALID_TEXT = "invalid text"
PREFERENCE = "preference not stated"  # Vertex scores, Nova labels: which reply is preferred
NOT_IN_LAYOUT = "not expressible in the output layout"

_CHAT_ROLES = ("system", "user", "assistant")


class Skip(Exception):
    """A record that cannot be converted: ``reason`` is its summary category, ``detail`` the message."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class Pair(NamedTuple):
    prompt: list        # messages, ending with the user turn
    chosen: dict        # one assistant message
    rejected: dict | None  # one assistant message (None: no rejected reply, e.g. prompt / completion)
    tools: list | None = None  # the function definitions the conversation may call (none is None)


def shown(value, limit: int = 80) -> str:
    """A value from the record for a message: its JSON text, cut to ``limit`` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def text_of(content) -> str:
    """The text of a normalised content (a string or a list of text parts)."""
    return content if isinstance(content, str) else "".join(part["text"] for part in content)


def _content(value, where: str):
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for part in value:
            if isinstance(part, str):
                parts.append({"type": "text", "text": part})
            elif isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                parts.append({"type": "text", "text": part["text"]})
            else:
                raise Skip(NON_TEXT, f"{where} holds a part that is not text: preference and chat fine-tuning "
                                     "records are converted with text content only")
        return parts
    if value is None:
        raise Skip(MISSING_FIELD, f"{where} has no content")
    raise Skip(WRONG_TYPE, f"{where} has content of type {type(value).__name__}, not text")


def message(value, where: str) -> dict:
    """One chat message, ``role``/``content`` (or ShareGPT's ``from``/``value``), its role mapped."""
    if not isinstance(value, dict):
        raise Skip(WRONG_TYPE, f"{where} is a {type(value).__name__}, not a message object")
    role = value.get("role", value.get("from"))
    if not isinstance(role, str):
        raise Skip(MISSING_FIELD if role is None else WRONG_TYPE, f"{where} has no text role")
    mapped = meant_role(role)
    if mapped not in _CHAT_ROLES:
        raise Skip(ROLE, f"{where} has role {role!r}, which does not map to system, user or assistant")
    if value.get("tool_calls") or value.get("function_call"):
        raise Skip(TOOLS, f"{where} calls tools: records with tool calls are not converted; "
                          "write them in the provider's format by hand")
    content = _content(value["content"] if "content" in value else value.get("value"), where)
    out = {"role": mapped, "content": content}
    name = value.get("name")
    if isinstance(name, str) and name:
        out["name"] = name
    return out


def conversation(value, where: str) -> list:
    """A prompt: a string (one user turn) or a list of messages."""
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    if isinstance(value, list):
        return [message(m, f"{where} message {i + 1}") for i, m in enumerate(value)]
    if value is None:
        raise Skip(MISSING_FIELD, f"no {where}")
    raise Skip(WRONG_TYPE, f"{where} is a {type(value).__name__}, not text or a list of messages")


def with_system(prompt: list, system, key: str) -> list:
    """The prompt with a system-prompt field's text put first (an empty field means no system prompt)."""
    if system is None:
        return prompt
    if not isinstance(system, str):
        raise Skip(WRONG_TYPE, f"{key!r} is a {type(system).__name__}, not text")
    if not system or system.isspace():
        return prompt
    return [{"role": "system", "content": system}, *prompt]


def reply(value, where: str) -> dict:
    """One assistant reply: a string, an assistant message, or a list holding exactly one."""
    if isinstance(value, str):
        return {"role": "assistant", "content": value}
    if isinstance(value, list):
        if len(value) != 1:
            raise Skip(TURN_ORDER, f"the {where} holds {len(value)} messages, not one assistant reply: "
                                   "DPO trains on one reply per output")
        value = value[0]
    if value is None:
        raise Skip(MISSING_FIELD, f"no {where}")
    msg = message(value, f"the {where}")
    if msg["role"] != "assistant":
        raise Skip(ROLE, f"the {where} is a {msg['role']} message, not the assistant's reply")
    return msg


def _blank(content) -> bool:
    text = text_of(content)
    return not text or text.isspace()


def _check_prompt(prompt: list) -> None:
    if not prompt:
        raise Skip(EMPTY_PROMPT, "the prompt has no messages")
    previous = None
    for i, msg in enumerate(prompt):
        role = msg["role"]
        if _blank(msg["content"]):
            raise Skip(EMPTY_PROMPT, f"prompt message {i + 1} ({role}) is empty")
        if role == "system" and i:
            raise Skip(TURN_ORDER, f"prompt message {i + 1} is a system message after the conversation "
                                   "started: the system prompt comes first")
        if role == previous:
            raise Skip(TURN_ORDER, f"prompt messages {i} and {i + 1} are both {role} turns: merge them "
                                   "in the source, or add the turn that belongs between them")
        previous = role
    if previous != "user":
        article = "an" if previous == "assistant" else "a"
        raise Skip(TURN_ORDER, f"the prompt ends with {article} {previous} turn, not the user turn the replies answer")


def check(pair: Pair, need_rejected: bool = True) -> Pair:
    """The pair itself, or Skip: what the shape rules would report about it is never written."""
    prompt, chosen, rejected, _ = pair
    _check_prompt(prompt)
    if _blank(chosen["content"]):
        raise Skip(EMPTY_REPLY, "the chosen reply is empty")
    if not need_rejected:
        return pair
    if rejected is None:
        raise Skip(NO_REJECTED, "there is no rejected reply, so the record cannot train DPO; "
                                "convert it with --to supervised")
    if _blank(rejected["content"]):
        raise Skip(EMPTY_REPLY, "the rejected reply is empty")
    if chosen == rejected:
        raise Skip(IDENTICAL, "chosen and rejected are the same reply: the pair teaches DPO nothing")
    return pair


def tools(value, path: str) -> list | None:
    """Tool definitions at ``path`` (a list, or TRL's JSON text of one), checked by the linter's own rule;
    None: there are none."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise Skip(TOOLS, f"'{path}' is text that is not JSON: give the tool definitions as a list") from None
    if not isinstance(value, list):
        raise Skip(WRONG_TYPE, f"'{path}' is a {type(value).__name__}, not a list of tool definitions")
    # The rule reads only the view's ``tools`` (its JSON path as a tuple of keys, value): its logic stays in one
    # place, and its path is rendered as check renders it (tools[0].function.parameters).
    for problem in invalid_tool_definition(SimpleNamespace(tools=(tuple(path.split(".")), value)), {}):
        raise Skip(TOOLS, f"{json_path_text(problem.json_path)}: {problem.message}")
    return value or None


def parts_content(parts, where: str):
    """Vertex or Nova text parts (``[{"text": ...}]``) as content: one part is a string, several a part list."""
    if not isinstance(parts, list):
        raise Skip(MISSING_FIELD if parts is None else WRONG_TYPE,
                   f"{where} has no list of parts" if parts is None else
                   f"{where} is a {type(parts).__name__}, not a list of parts")
    texts = []
    for part in parts:
        if not isinstance(part, dict):
            raise Skip(WRONG_TYPE, f"{where} holds a {type(part).__name__}, not a part object")
        if any(k in part for k in ("functionCall", "functionResponse", "toolUse", "toolResult")):
            raise Skip(TOOLS, f"{where} calls tools: records with tool calls are not converted")
        if set(part) != {"text"} or not isinstance(part["text"], str):
            raise Skip(NON_TEXT, f"{where} holds a part that is not text: records are converted with "
                                 "text content only")
        texts.append(part["text"])
    if not texts:
        raise Skip(MISSING_FIELD, f"{where} has no parts")
    if len(texts) == 1:
        return texts[0]
    return [{"type": "text", "text": t} for t in texts]


def text_parts(content) -> list:
    """A normalised content as Vertex or Nova text parts: a string is one part, a part list one part each."""
    if isinstance(content, str):
        return [{"text": content}]
    return [{"text": part["text"]} for part in content]


def no_names(pair: Pair, layout: str) -> None:
    """Skip a pair whose messages carry a ``name`` (a layout without one would drop it)."""
    for msg in (*pair.prompt, pair.chosen, pair.rejected):
        if msg is not None and "name" in msg:
            raise Skip(NOT_IN_LAYOUT, f"a {msg['role']} message has a name ({msg['name']!r}), which "
                                      f"{layout} records cannot hold")
