"""The view of one record that record rules receive.

It walks the record's message lists once and shares the walk between rules,
so that each rule stays short and none of them re-derives JSON paths. Every
accessor is defensive: records come from hand-made scripts and any value may
have any type. Type errors themselves are ``wrong-type``'s business; the other
rules simply skip what they cannot read.
"""

from __future__ import annotations

from typing import Iterator

from .targets import Target

# Where the message lists of each method live: (JSON path, getter).
DPO_LISTS = ("input.messages", "preferred_output", "non_preferred_output")
SUPERVISED_LISTS = ("messages",)


class Record:
    __slots__ = ("data", "method", "target", "line", "size", "_lists", "_messages", "_roles")

    def __init__(self, data: dict, method: str, target: Target, line: int = 1, size: int = -1):
        self.data = data
        self.method = method
        self.target = target
        self.line = line
        # Characters of the record's JSON text (-1: unknown). Every string of the record
        # is inside that text, so its UTF-8 size is at most 4 * size: a cheap bound for rules.
        self.size = size
        self._lists: list[tuple[str, list]] | None = None
        self._messages: list[tuple[str, str, dict]] | None = None
        self._roles: list[tuple[str, list, tuple]] | None = None

    @property
    def is_dpo(self) -> bool:
        return self.method == "dpo"

    def input(self) -> dict | None:
        value = self.data.get("input")
        return value if isinstance(value, dict) else None

    def message_lists(self) -> list[tuple[str, list]]:
        """(JSON path, list) for each message list present and of list type."""
        if self._lists is None:
            lists = []
            data = self.data
            if self.method == "dpo":
                inp = data.get("input")
                if isinstance(inp, dict):
                    msgs = inp.get("messages")
                    if isinstance(msgs, list):
                        lists.append(("input.messages", msgs))
                for key in ("preferred_output", "non_preferred_output"):
                    value = data.get(key)
                    if isinstance(value, list):
                        lists.append((key, value))
            else:
                msgs = data.get("messages")
                if isinstance(msgs, list):
                    lists.append(("messages", msgs))
            self._lists = lists
        return self._lists

    def messages(self) -> list[tuple[str, str, dict]]:
        """(JSON path of the message, path of its list, message) for every message that is an object."""
        if self._messages is None:
            out = []
            for list_path, items in self.message_lists():
                for i, msg in enumerate(items):
                    if isinstance(msg, dict):
                        out.append((f"{list_path}[{i}]", list_path, msg))
            self._messages = out
        return self._messages

    def roles(self) -> list[tuple[str, list, tuple]]:
        """(JSON path, list, roles) per message list; roles[i] is message i's role if a string, else None.

        Lets role rules test a whole list at C speed (``"assistant" in roles``, set containment).
        """
        if self._roles is None:
            self._roles = [
                (path, items, tuple([r if type(m) is dict and type(r := m.get("role")) is str else None
                                     for m in items]))
                for path, items in self.message_lists()
            ]
        return self._roles

    def outputs(self) -> Iterator[tuple[str, list]]:
        """The DPO output lists that are lists."""
        for path, items in self.message_lists():
            if path != "input.messages":
                yield path, items

    def tools(self) -> tuple[str, object]:
        """(JSON path, value) of the tool definitions, or ('', None)."""
        if self.method == "dpo":
            inp = self.input()
            if inp is not None and "tools" in inp:
                return "input.tools", inp["tools"]
            return "", None
        if "tools" in self.data:
            return "tools", self.data["tools"]
        return "", None


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
