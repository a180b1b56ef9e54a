"""The rule-facing view of one record, whatever it was decoded from.

Rules read a :class:`Record`: its message lists as (JSON path, items), each message an
object with the attributes ``role, content, name, tool_calls, tool_call_id,
function_call, weight, refusal`` (``UNSET`` for an absent key). On the typed path the
messages are the msgspec structs themselves; on the loose path (a line that does not
fit the typed shape) they are :class:`LooseMessage` objects holding the raw values, of
any type, and items that are not JSON objects stay the raw values they are.
"""

from __future__ import annotations

from msgspec import UNSET

from ..profiles.targets import Target
from .typed import MESSAGE_TYPES, PreferenceRecord

_INPUT_MESSAGES = ("input", "messages")
_OUTPUTS = ("preferred_output", "non_preferred_output")


class LooseMessage:
    """A message read from a JSON object that did not fit the typed shape: raw values, any type."""

    __slots__ = ("role", "content", "name", "tool_calls", "tool_call_id", "function_call", "weight", "refusal",
                 "raw")

    def __init__(self, raw: dict):
        get = raw.get
        self.role = get("role", UNSET)
        self.content = get("content", UNSET)
        self.name = get("name", UNSET)
        self.tool_calls = get("tool_calls", UNSET)
        self.tool_call_id = get("tool_call_id", UNSET)
        self.function_call = get("function_call", UNSET)
        self.weight = get("weight", UNSET)
        self.refusal = get("refusal", UNSET)
        self.raw = raw  # every key, for the shape rules


ANY_MESSAGE = (LooseMessage, *MESSAGE_TYPES)


def is_message(item: object) -> bool:
    """Whether an item of a message list is a message (a JSON object), typed or loose."""
    return isinstance(item, ANY_MESSAGE)


def raw_message(msg) -> dict:
    """A message as the JSON object it was read from (built from the struct on the typed path)."""
    if type(msg) is LooseMessage:
        return msg.raw
    import msgspec

    return msgspec.to_builtins(msg)


def _loose_list(items: list) -> list:
    return [LooseMessage(item) if type(item) is dict else item for item in items]


class Record:
    """One record as rules see it.

    ``typed`` tells whether it passed the typed decode (the shape rules are then silent by
    construction); ``raw`` is the decoded JSON object on the loose path (None when typed),
    for the shape rules alone. ``text`` is the record's JSON text ('' if unknown).
    """

    __slots__ = ("method", "target", "line", "text", "typed", "raw", "source", "lists", "tools",
                 "preferred", "rejected", "parts", "_messages", "_roles", "_mapping")

    def __init__(self, method: str, target: Target, line: int, text: str, typed: bool,
                 raw: dict | None, source: object, lists: list, tools: tuple[tuple, object],
                 preferred: list | None, rejected: list | None):
        self.method = method
        self.target = target
        self.line = line
        self.text = text
        self.typed = typed
        self.raw = raw
        self.source = source  # what it was decoded into: the struct, or the raw dict
        self.lists = lists  # (JSON path, items) for each message list present and of list type
        self.tools = tools  # (JSON path, value) of the tool definitions, or ((), None)
        self.preferred = preferred  # the DPO output lists, when lists
        self.rejected = rejected
        self._messages: list | None = None
        self._roles: list | None = None
        self._mapping: dict | None = raw
        self.parts: dict | None = None  # a typed record's top-level values as canonical JSON, if known

    @property
    def text_chars(self) -> int:
        """Characters of the record's JSON text (-1: unknown). Every string of the record is inside
        that text, so its UTF-8 size is at most 4 * text_chars: a cheap bound for rules."""
        return len(self.text) if self.text else -1

    @property
    def is_dpo(self) -> bool:
        return self.method == "dpo"

    def message_lists(self) -> list[tuple[tuple, list]]:
        return self.lists

    def messages(self) -> list[tuple[tuple, tuple, object]]:
        """(JSON path of the message, path of its list, message) for every message that is an object."""
        if self._messages is None:
            if self.typed:  # every item is a message
                self._messages = [((*list_path, i), list_path, msg)
                                  for list_path, items in self.lists for i, msg in enumerate(items)]
            else:
                self._messages = [((*list_path, i), list_path, msg)
                                  for list_path, items in self.lists
                                  for i, msg in enumerate(items) if isinstance(msg, ANY_MESSAGE)]
        return self._messages

    def roles(self) -> list[tuple[tuple, list, tuple]]:
        """(JSON path, list, roles) per message list; roles[i] is message i's role if a string, else None.

        Lets role rules test a whole list at C speed (``"assistant" in roles``, set containment).
        """
        if self._roles is None and self.typed:  # every item is a message with a string role
            self._roles = [(path, items, tuple([m.role for m in items])) for path, items in self.lists]
        if self._roles is None:
            self._roles = [
                (path, items, tuple([r if isinstance(m, ANY_MESSAGE) and type(r := m.role) is str else None
                                     for m in items]))
                for path, items in self.lists
            ]
        return self._roles

    def outputs(self):
        """The DPO output lists that are lists."""
        for path, items in self.lists:
            if path != _INPUT_MESSAGES:
                yield path, items

    def mapping(self) -> dict:
        """The record as the JSON object read, keys in the order written (parsed again on the typed path:
        rarely needed, by the rules that look at the whole record)."""
        if self._mapping is None:
            if self.text:
                import json

                self._mapping = json.loads(self.text)
            else:
                import msgspec

                self._mapping = msgspec.to_builtins(self.source)
        return self._mapping


def typed_record(struct, method: str, target: Target, line: int = 1, text: str = "") -> Record:
    """The view of a record that passed the typed decode (``struct`` of ``method``'s shape)."""
    if type(struct) is PreferenceRecord:
        inp = struct.input
        preferred, rejected = struct.preferred_output, struct.non_preferred_output
        lists = [(_INPUT_MESSAGES, inp.messages), ((_OUTPUTS[0],), preferred), ((_OUTPUTS[1],), rejected)]
        tools = (("input", "tools"), inp.tools) if inp.tools is not UNSET else ((), None)
        return Record(method, target, line, text, True, None, struct, lists, tools, preferred, rejected)
    tools = (("tools",), struct.tools) if struct.tools is not UNSET else ((), None)
    return Record(method, target, line, text, True, None, struct, [(("messages",), struct.messages)], tools,
                  None, None)


def loose_record(data: dict, method: str, target: Target, line: int = 1, text: str = "") -> Record:
    """The view of a record read as a plain JSON object (any value may have any type)."""
    lists = []
    preferred = rejected = None
    tools: tuple[tuple, object] = ((), None)
    if method == "dpo":
        inp = data.get("input")
        if isinstance(inp, dict):
            msgs = inp.get("messages")
            if isinstance(msgs, list):
                lists.append((_INPUT_MESSAGES, _loose_list(msgs)))
            if "tools" in inp:
                tools = (("input", "tools"), inp["tools"])
        for key in _OUTPUTS:
            value = data.get(key)
            if isinstance(value, list):
                value = _loose_list(value)
                lists.append(((key,), value))
                if key == "preferred_output":
                    preferred = value
                else:
                    rejected = value
    else:
        msgs = data.get("messages")
        if isinstance(msgs, list):
            lists.append((("messages",), _loose_list(msgs)))
        if "tools" in data:
            tools = (("tools",), data["tools"])
    return Record(method, target, line, text, False, data, data, lists, tools, preferred, rejected)


def record_view(value, method: str, target: Target, line: int = 1, text: str = "",
                parts: dict | None = None) -> Record:
    """The view of a decoded record: a typed struct (``parts``: its reader's encoding), or a plain dict."""
    if type(value) is dict:
        return loose_record(value, method, target, line, text)
    record = typed_record(value, method, target, line, text)
    record.parts = parts
    return record


def text_of(content) -> str | None:
    """The text of a message content: a string, or the joined text parts; None if neither."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, dict):
                if part.get("type") == "text" and isinstance(part.get("text"), str):
                    parts.append(part["text"])
                elif part.get("type") == "refusal" and isinstance(part.get("refusal"), str):
                    parts.append(part["refusal"])
        return "".join(parts)
    return None
