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
from .typed import MESSAGE_TYPES, PreferenceRecord, TrlRecord

_INPUT_MESSAGES = ("input", "messages")
_OUTPUTS = ("preferred_output", "non_preferred_output")

# The parts of a record a message list can be.
PROMPT, CHOSEN, REJECTED, MESSAGES = "prompt", "chosen", "rejected", "messages"
# The JSON paths of the parts of an OpenAI preference record, as written.
OPENAI_PATHS = {PROMPT: ("input",), CHOSEN: ("preferred_output",), REJECTED: ("non_preferred_output",),
                MESSAGES: ("messages",)}


class FileInfo(NamedTuple):
    """What a record's file is: its path, the format most of its records are in, the method checked."""

    path: str
    format: str
    method: str


class Layout:
    """How a record of another format than OpenAI's is written: the JSON path of each part
    ({"prompt": ("prompt",), ...}), what each part is written as ("text", "messages", "message", or a
    JSON type name), the scores or labels of the replies ({"chosen": 1, "rejected": 0}; None when the
    format has none), and a vision row's images (None without)."""

    __slots__ = ("paths", "kinds", "scores", "images")

    def __init__(self, paths: dict, kinds: dict | None = None, scores: dict | None = None, images=None):
        self.paths = paths
        self.kinds = kinds
        self.scores = scores
        self.images = images


OPENAI_LAYOUT = Layout(OPENAI_PATHS)


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

    ``prompt`` is the prompt's message list (None for a chat record); ``paths``, ``kinds``, ``scores``
    and ``images`` tell how the record is written (:class:`Layout`; pftlint.model.layouts fills it in
    for other formats than OpenAI's).
    """

    __slots__ = ("method", "target", "line", "typed", "raw", "source", "entries", "tools",
                 "preferred", "rejected", "parts", "prompt", "format", "openai_layout", "first",
                 "layout", "file", "_messages", "_roles", "_mapping", "_normal", "_text")

    def __init__(self, method: str, target: Target, line: int, text: str | bytes, typed: bool,
                 raw: dict | None, source: object, entries: list, tools: tuple[tuple, object],
                 preferred: list | None, rejected: list | None, prompt: list | None = None,
                 fmt: str | None = None):
        self.method = method
        self.target = target
        self.line = line
        self._text = text  # or its UTF-8 bytes, made a str when read
        self.typed = typed
        self.raw = raw
        self.source = source  # what it was decoded into: the struct, or the raw dict
        # (JSON path, part, items) for each message list present and of list type; the part is prompt,
        # chosen, rejected or messages
        self.entries = entries
        self.tools = tools  # (JSON path, value) of the tool definitions, or ((), None)
        self.prompt = prompt  # the prompt's message list of a preference record, when a list
        self.preferred = preferred  # the reply lists, when lists
        self.rejected = rejected
        self.format = fmt or method
        # whether the record is written in OpenAI's layout (the shape rules read it as written)
        self.openai_layout = fmt is None or fmt == "dpo" or fmt == "supervised"
        self.file: FileInfo | None = None
        self.first = False
        self.layout: Layout = OPENAI_LAYOUT
        self._messages: list | None = None
        self._roles: list | None = None
        self._mapping: dict | None = raw
        self._normal: dict | None = None
        self.parts: dict | None = None  # a typed record's top-level values as canonical JSON, if known

    @property
    def paths(self) -> dict:
        """The JSON path of each part as written: {"prompt": ..., "chosen": ..., "rejected": ..., "messages": ...}."""
        return self.layout.paths

    @property
    def kinds(self) -> dict | None:
        return self.layout.kinds

    @property
    def scores(self) -> dict | None:
        return self.layout.scores

    @property
    def images(self):
        return self.layout.images

    @property
    def text(self) -> str:
        """The record's JSON text ('' if unknown); kept as the line's bytes until read."""
        if type(self._text) is str:
            return self._text
        self._text = text = str(self._text, "utf-8")
        return text

    @property
    def text_bytes(self) -> int:
        """At least the UTF-8 size of the record's JSON text (-1: unknown): every string of the record is
        inside that text, so this bounds the UTF-8 size of all of them (exact when the line's bytes are
        kept, else 4 bytes per character)."""
        text = self._text
        if not text:
            return -1
        return len(text) if type(text) is not str else 4 * len(text)

    @property
    def is_dpo(self) -> bool:
        return self.method == "dpo"

    @property
    def lists(self) -> list[tuple[tuple, list]]:
        """(JSON path, items) for each message list."""
        return [(path, items) for path, _, items in self.entries]

    def message_lists(self) -> list[tuple[tuple, str, list]]:
        """(JSON path, part, items) for each message list."""
        return self.entries

    def messages(self) -> list[tuple[tuple, str, int, object]]:
        """(JSON path of the message, part of its list, index in the list, message) for every message
        that is an object."""
        if self._messages is None:
            if self.typed:  # every item is a message
                self._messages = [((*list_path, i), part, i, msg)
                                  for list_path, part, items in self.entries for i, msg in enumerate(items)]
            else:
                self._messages = [(message_path(list_path, items, i), part, i, msg)
                                  for list_path, part, items in self.entries
                                  for i, msg in enumerate(items) if isinstance(msg, ANY_MESSAGE)]
        return self._messages

    def roles(self) -> list[tuple[tuple, str, list, tuple]]:
        """(JSON path, part, list, roles) per message list; roles[i] is message i's role if a string, else None.

        Lets role rules test a whole list at C speed (``"assistant" in roles``, set containment).
        """
        if self._roles is None and self.typed:  # every item is a message with a string role
            self._roles = [(path, part, items, tuple([m.role for m in items])) for path, part, items in self.entries]
        if self._roles is None:
            self._roles = [
                (path, part, items,
                 tuple([r if isinstance(m, ANY_MESSAGE) and type(r := m.role) is str else None for m in items]))
                for path, part, items in self.entries
            ]
        return self._roles

    def outputs(self):
        """The reply lists that are lists: (JSON path, items)."""
        for path, part, items in self.entries:
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
        """The record in OpenAI's layout (plain JSON), whatever it was written in: what token counts
        read, so that a pair gets the same ones in every format. The mapping itself for OpenAI's."""
        if self._normal is None:
            if self.openai_layout:
                self._normal = self.mapping()
            elif self.typed:
                self._normal = _builtins(self.normal_parts())
            else:
                self._normal = _normal_of(self)
        return self._normal

    def normal_encoded(self) -> dict[str, bytes] | None:
        """A typed TRL record's parts in OpenAI's layout as canonical JSON, made from the reader's encoding of
        its columns (``parts``) without encoding them again; None when not known that way."""
        parts = self.parts
        if not self.typed or self.openai_layout or parts is None or type(self.source) is not TrlRecord:
            return None
        tools = parts.get("tools")
        if tools is not None and b"null" in tools:
            return None  # maybe a number JSON reads as infinite: canonical() decides, from the values
        # keys sorted, no space: as msgspec's sorted encoder writes {"messages": ..., "tools": ...}
        prompt = b'{"messages":' + parts["prompt"] + (b',"tools":' + tools if tools is not None else b"") + b"}"
        return {"input": prompt, "preferred_output": parts["chosen"], "non_preferred_output": parts["rejected"]}

    def normal_parts(self) -> dict:
        """The record in OpenAI's layout for the digests (pftlint.model.canonical): typed messages stay
        structs (they encode to the same canonical JSON as the plain objects)."""
        if self.typed and not self.openai_layout:
            return _normal_of(self, typed=True)
        return self.normal()


def _normal_of(record: Record, typed: bool = False) -> dict:
    tools = record.tools[1]
    if typed:  # messages are structs already in OpenAI's shape
        return {"input": {"messages": record.prompt, **({"tools": tools} if record.tools[0] else {})},
                "preferred_output": record.preferred, "non_preferred_output": record.rejected}
    if record.method != "dpo":
        messages = [normal_message(m) for _, _, items in record.entries for m in items]
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


_TRL_LAYOUT = Layout({PROMPT: ("prompt",), CHOSEN: ("chosen",), REJECTED: ("rejected",), MESSAGES: ("prompt",)},
                     {PROMPT: "messages", CHOSEN: "messages", REJECTED: "messages"})


def typed_record(struct, method: str, target: Target, line: int = 1, text: str = "") -> Record:
    """The view of a record that passed the typed decode (``struct`` of ``method``'s shape)."""
    if type(struct) is PreferenceRecord:
        inp = struct.input
        preferred, rejected = struct.preferred_output, struct.non_preferred_output
        entries = [(_INPUT_MESSAGES, PROMPT, inp.messages), ((_OUTPUTS[0],), CHOSEN, preferred),
                   ((_OUTPUTS[1],), REJECTED, rejected)]
        tools = (("input", "tools"), inp.tools) if inp.tools is not UNSET else ((), None)
        return Record(method, target, line, text, True, None, struct, entries, tools, preferred, rejected,
                      inp.messages)
    if type(struct) is TrlRecord:
        entries = [(("prompt",), PROMPT, struct.prompt), (("chosen",), CHOSEN, struct.chosen),
                   (("rejected",), REJECTED, struct.rejected)]
        tools = (("tools",), struct.tools) if struct.tools is not UNSET else ((), None)
        record = Record(method, target, line, text, True, None, struct, entries, tools, struct.chosen,
                        struct.rejected, struct.prompt, "trl")
        record.layout = _TRL_LAYOUT
        return record
    tools = (("tools",), struct.tools) if struct.tools is not UNSET else ((), None)
    return Record(method, target, line, text, True, None, struct, [(("messages",), MESSAGES, struct.messages)],
                  tools, None, None, None)


def loose_record(data: dict, method: str, target: Target, line: int = 1, text: str = "") -> Record:
    """The view of a record in OpenAI's layout read as a plain JSON object (any value may have any type)."""
    entries = []
    prompt = preferred = rejected = None
    tools: tuple[tuple, object] = ((), None)
    if method == "dpo":
        inp = data.get("input")
        if isinstance(inp, dict):
            msgs = inp.get("messages")
            if isinstance(msgs, list):
                prompt = _loose_list(msgs)
                entries.append((_INPUT_MESSAGES, PROMPT, prompt))
            if "tools" in inp:
                tools = (("input", "tools"), inp["tools"])
        for key, part in zip(_OUTPUTS, (CHOSEN, REJECTED)):
            value = data.get(key)
            if isinstance(value, list):
                value = _loose_list(value)
                entries.append(((key,), part, value))
                if key == "preferred_output":
                    preferred = value
                else:
                    rejected = value
    else:
        msgs = data.get("messages")
        if isinstance(msgs, list):
            entries.append((("messages",), MESSAGES, _loose_list(msgs)))
        if "tools" in data:
            tools = (("tools",), data["tools"])
    return Record(method, target, line, text, False, data, data, entries, tools, preferred, rejected, prompt)


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
