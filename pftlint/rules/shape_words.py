"""The words of the shape rules' type findings, shared by OpenAI's layout (pftlint.rules.shape) and the
other layouts' rows (pftlint.rules.layout_shape). Registers no rule."""

from __future__ import annotations

import json

from ..engine.findings import Problem
from ..model.view import MESSAGES, PROMPT

_TYPE_NAMES = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
               list: "a list", dict: "an object"}


def type_name(value: object) -> str:
    """A JSON value's type, as a person reads it: 'a string', 'null', 'a list'."""
    return _TYPE_NAMES.get(type(value)) or type(value).__name__


def quoted(text: str) -> str:
    """A string as JSON, shortened for a message."""
    return json.dumps(text if len(text) <= 40 else text[:37] + "...", ensure_ascii=False)


def message_json(role: str, value: object) -> str:
    """The message a plain string should have been."""
    content = quoted(value) if isinstance(value, str) else "\"...\""
    return f"{{\"role\": \"{role}\", \"content\": {content}}}"


def message_not_object(path: tuple, part: str, item: object, why: str = "") -> Problem:
    """wrong-type's finding for an item of a message list that is not an object (``why``: what the trainer does)."""
    if isinstance(item, str):
        role = "user" if part == PROMPT or part == MESSAGES else "assistant"
        fix = f"write {message_json(role, item)}"
    else:
        fix = "write {\"role\": ..., \"content\": ...}"
    return Problem(f"the message is {type_name(item)}, but it must be an object{why}; {fix}", json_path=path)
