"""The rule-facing view of one record, whatever format it was written in.

Rules read a :class:`Record`: its message lists, each with its JSON path and its part
(``prompt``, ``chosen``, ``rejected`` of a preference record; ``messages`` of a chat
record), each message an object with the attributes ``role, content, name, tool_calls,
tool_call_id, function_call, weight, refusal`` (``UNSET`` for an absent key). On the typed
path the messages are the msgspec structs themselves; on the loose path (a line that does
not fit the typed shape) they are :class:`LooseMessage` objects holding the raw values, of
any type, and items that are not JSON objects stay the raw values they are.

Records in other formats (TRL, Anthropic HH, Vertex, Nova, UltraFeedback, ShareGPT, axolotl:
pftlint.model.layouts reads them) get the same view: their messages are LooseMessage objects
that carry the JSON path of what they were read from as written (a TRL string reply is one
assistant message at ``("chosen",)``), so a finding points into the record, not into the view.
"""

from __future__ import annotations

from typing import NamedTuple

from msgspec import UNSET

from ..profiles.targets import Target
from .typed import MESSAGE_TYPES, PreferenceRecord

_INPUT_MESSAGES = ("input", "messages")
_OUTPUTS = ("preferred_output", "non_preferred_output")

# The parts of a record a message list can be.
PROMPT, CHOSEN, REJECTED, MESSAGES = "prompt", "chosen", "rejected", "messages"
_OPENAI_PARTS = (PROMPT, CHOSEN, REJECTED)
# The JSON paths of the parts of an OpenAI preference record, as written.
OPENAI_PATHS = {PROMPT: ("input",), CHOSEN: ("preferred_output",), REJECTED: ("non_preferred_output",),
                MESSAGES: ("messages",)}


class FileInfo(NamedTuple):
    """What a record's file is: its path, the format most of its records are in, the method checked."""

    path: str
    format: str
    method: str


class LooseMessage:
    """A message read from a JSON object that did not fit the typed shape: raw values, any type.

    ``path``: where the message is in the record as written, when that is not its list's path and
    index (a message of another format); ``paths``: where its keys are, when they are not under
    ``path`` (a Vertex message's content is its parts' text; a TRL text reply is its own role and
    content: {}). Both None for a message written as an OpenAI message object.
    """

    __slots__ = ("role", "content", "name", "tool_calls", "tool_call_id", "function_call", "weight", "refusal",
                 "raw", "path", "paths")

    def __init__(self, raw: dict, path: tuple | None = None):
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
        self.path = path
        self.paths: dict | None = None


def made_message(role: object, content: object, path: tuple, paths: dict | None = None,
                 raw: dict | None = None) -> LooseMessage:
    """A message of another format: ``role`` and ``content`` as the view reads them, at ``path``
    (``paths``: where its keys are written; none given: every key is the value at ``path``)."""
    msg = LooseMessage(raw if raw is not None else {"role": role, "content": content}, path)
    msg.role, msg.content = role, content
    msg.paths = paths if paths is not None else {}
    return msg


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


def message_path(list_path: tuple, items: list, i: int) -> tuple:
    """The JSON path of item ``i`` of a message list, as written."""
    item = items[i]
    if type(item) is LooseMessage and item.path is not None:
        return item.path
    return (*list_path, i)


def field_path(path: tuple, msg, key: str) -> tuple:
    """The JSON path of a message's ``key`` (``role``, ``content``, ...) as written; ``path`` is the message's."""
    if type(msg) is LooseMessage and msg.paths is not None:
        return msg.paths.get(key, path)
    return (*path, key)


def normal_message(msg) -> object:
    """A message as OpenAI's layout writes it (plain JSON): the digests and token counts of every format."""
    if type(msg) is not LooseMessage:
        return msg if not isinstance(msg, MESSAGE_TYPES) else _builtins(msg)
    if msg.paths is None:
        return msg.raw  # written as an OpenAI message object
    out = {"role": msg.role, "content": msg.content}
    for key in ("name", "tool_calls", "tool_call_id", "function_call"):
        value = getattr(msg, key)
        if value is not UNSET:
            out[key] = value
    return out


def safe_equal(a: object, b: object) -> bool:
    """Python's == (the C-level fast path), False where nesting is too deep to compare."""
    try:
        return a == b
    except RecursionError:
        return False


def _builtins(value):
    import msgspec

    return msgspec.to_builtins(value)


def _loose_list(items: list) -> list:
    return [LooseMessage(item) if type(item) is dict else item for item in items]


class Record:
    """One record as rules see it.

    ``typed`` tells whether it passed the typed decode (the shape rules are then silent by
    construction); ``raw`` is the decoded JSON object on the loose path (None when typed),
    for the shape rules alone. ``text`` is the record's JSON text ('' if unknown).
    ``format`` is the format the record is written in (pftlint.model.formats); ``file`` its file's
    :class:`FileInfo` (set by the engine; None for a record linted alone); ``first``: the first record
    of a file read whole.

    For the rules of other formats (pftlint.model.layouts fills them in): ``prompt`` is the prompt's
    message list (None for a chat record), ``paths`` the JSON path of each part as written
    ({"prompt": ("prompt",), ...}), ``kinds`` what each part is written as ("text", "messages",
    "message", or a JSON type name), ``scores`` the scores or labels of the replies
    ({"chosen": 1, "rejected": 0}, None when the format has none), ``images`` a vision row's images.
    """

    __slots__ = ("method", "target", "line", "text", "typed", "raw", "source", "lists", "tools",
                 "preferred", "rejected", "parts", "prompt", "list_parts", "format", "first",
                 "paths", "kinds", "scores", "images", "file", "_messages", "_roles", "_mapping", "_normal")

    def __init__(self, method: str, target: Target, line: int, text: str, typed: bool,
                 raw: dict | None, source: object, lists: list, tools: tuple[tuple, object],
                 preferred: list | None, rejected: list | None, prompt: list | None = None,
                 list_parts: tuple = (), fmt: str | None = None):
        self.method = method
        self.target = target
        self.line = line
        self.text = text
        self.typed = typed
        self.raw = raw
        self.source = source  # what it was decoded into: the struct, or the raw dict
        self.lists = lists  # (JSON path, items) for each message list present and of list type
        self.list_parts = list_parts  # the part of each list in `lists`: prompt, chosen, rejected or messages
        self.tools = tools  # (JSON path, value) of the tool definitions, or ((), None)
        self.prompt = prompt  # the prompt's message list of a preference record, when a list
        self.preferred = preferred  # the reply lists, when lists
        self.rejected = rejected
        self.format = fmt or method
        self.file: FileInfo | None = None
        self.first = False
        self.paths = OPENAI_PATHS
        self.kinds: dict | None = None
        self.scores: dict | None = None
        self.images = None
        self._messages: list | None = None
        self._roles: list | None = None
        self._mapping: dict | None = raw
        self._normal: dict | None = None
        self.parts: dict | None = None  # a typed record's top-level values as canonical JSON, if known

    @property
    def text_chars(self) -> int:
        """Characters of the record's JSON text (-1: unknown). Every string of the record is inside
        that text, so its UTF-8 size is at most 4 * text_chars: a cheap bound for rules."""
        return len(self.text) if self.text else -1

    @property
    def is_dpo(self) -> bool:
        return self.method == "dpo"

    @property
    def openai_layout(self) -> bool:
        """Whether the record is written in OpenAI's layout (the shape rules read it as written)."""
        return self.format == "dpo" or self.format == "supervised"

    def message_lists(self) -> list[tuple[tuple, str, list]]:
        """(JSON path, part, items) for each message list."""
        return list(zip([p for p, _ in self.lists], self.list_parts, [items for _, items in self.lists]))

    def messages(self) -> list[tuple[tuple, str, int, object]]:
        """(JSON path of the message, part of its list, index in the list, message) for every message
        that is an object."""
        if self._messages is None:
            parts = self.list_parts
            if self.typed:  # every item is a message
                self._messages = [((*list_path, i), parts[n], i, msg)
                                  for n, (list_path, items) in enumerate(self.lists) for i, msg in enumerate(items)]
            else:
                self._messages = [(message_path(list_path, items, i), parts[n], i, msg)
                                  for n, (list_path, items) in enumerate(self.lists)
                                  for i, msg in enumerate(items) if isinstance(msg, ANY_MESSAGE)]
        return self._messages

    def roles(self) -> list[tuple[tuple, str, list, tuple]]:
        """(JSON path, part, list, roles) per message list; roles[i] is message i's role if a string, else None.

        Lets role rules test a whole list at C speed (``"assistant" in roles``, set containment).
        """
        if self._roles is None and self.typed:  # every item is a message with a string role
            parts = self.list_parts
            self._roles = [(path, parts[n], items, tuple([m.role for m in items]))
                           for n, (path, items) in enumerate(self.lists)]
        if self._roles is None:
            parts = self.list_parts
            self._roles = [
                (path, parts[n], items,
                 tuple([r if isinstance(m, ANY_MESSAGE) and type(r := m.role) is str else None for m in items]))
                for n, (path, items) in enumerate(self.lists)
            ]
        return self._roles

    def outputs(self):
        """The reply lists that are lists: (JSON path, items)."""
        for (path, items), part in zip(self.lists, self.list_parts):
            if part == CHOSEN or part == REJECTED:
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

    def normal(self) -> dict:
        """The record in OpenAI's layout (plain JSON), whatever it was written in: what token counts and
        digests read, so that a pair gets the same ones in every format. The mapping itself for OpenAI's."""
        if self._normal is None:
            if self.openai_layout:
                self._normal = self.mapping()
            else:
                self._normal = _normal_of(self)
        return self._normal


def _normal_of(record: Record) -> dict:
    tools = record.tools[1]
    if record.method != "dpo":
        messages = [normal_message(m) for _, items in record.lists for m in items]
        out: dict = {"messages": messages}
        if record.tools[0]:
            out["tools"] = tools
        return out
    inp: dict = {"messages": [normal_message(m) for m in record.prompt or ()]}
    if record.tools[0]:
        inp["tools"] = tools
    out = {"input": inp}
    if record.preferred is not None:
        out["preferred_output"] = [normal_message(m) for m in record.preferred]
    if record.rejected is not None:
        out["non_preferred_output"] = [normal_message(m) for m in record.rejected]
    return out


_TYPED_DPO_PARTS = (PROMPT, CHOSEN, REJECTED)
_CHAT_PARTS = (MESSAGES,)


def typed_record(struct, method: str, target: Target, line: int = 1, text: str = "") -> Record:
    """The view of a record that passed the typed decode (``struct`` of ``method``'s shape)."""
    if type(struct) is PreferenceRecord:
        inp = struct.input
        preferred, rejected = struct.preferred_output, struct.non_preferred_output
        lists = [(_INPUT_MESSAGES, inp.messages), ((_OUTPUTS[0],), preferred), ((_OUTPUTS[1],), rejected)]
        tools = (("input", "tools"), inp.tools) if inp.tools is not UNSET else ((), None)
        return Record(method, target, line, text, True, None, struct, lists, tools, preferred, rejected,
                      inp.messages, _TYPED_DPO_PARTS)
    tools = (("tools",), struct.tools) if struct.tools is not UNSET else ((), None)
    return Record(method, target, line, text, True, None, struct, [(("messages",), struct.messages)], tools,
                  None, None, None, _CHAT_PARTS)


def loose_record(data: dict, method: str, target: Target, line: int = 1, text: str = "") -> Record:
    """The view of a record in OpenAI's layout read as a plain JSON object (any value may have any type)."""
    lists = []
    parts = []
    prompt = preferred = rejected = None
    tools: tuple[tuple, object] = ((), None)
    if method == "dpo":
        inp = data.get("input")
        if isinstance(inp, dict):
            msgs = inp.get("messages")
            if isinstance(msgs, list):
                prompt = _loose_list(msgs)
                lists.append((_INPUT_MESSAGES, prompt))
                parts.append(PROMPT)
            if "tools" in inp:
                tools = (("input", "tools"), inp["tools"])
        for key, part in zip(_OUTPUTS, (CHOSEN, REJECTED)):
            value = data.get(key)
            if isinstance(value, list):
                value = _loose_list(value)
                lists.append(((key,), value))
                parts.append(part)
                if key == "preferred_output":
                    preferred = value
                else:
                    rejected = value
    else:
        msgs = data.get("messages")
        if isinstance(msgs, list):
            lists.append((("messages",), _loose_list(msgs)))
            parts.append(MESSAGES)
        if "tools" in data:
            tools = (("tools",), data["tools"])
    return Record(method, target, line, text, False, data, data, lists, tools, preferred, rejected, prompt,
                  tuple(parts))


def record_view(value, method: str, target: Target, line: int = 1, text: str = "",
                parts: dict | None = None) -> Record:
    """The view of a decoded record in OpenAI's layout: a typed struct (``parts``: its reader's encoding),
    or a plain dict (pftlint.model.layouts.view_of reads every other format)."""
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
