"""The shape of rows written in other layouts than OpenAI's (TRL, TRL's unpaired KTO rows, axolotl's
chat_template): what missing-key and wrong-type report in them, read from the row as written.

OpenAI's layout is checked by pftlint.rules.shape; a row of these layouts holds the same kinds of holes
(a message without ``role`` or ``content``, a value of the wrong JSON type), which the trainer meets
while it renders or tokenizes the row (SOURCES.md §7 T13). Only the loose path comes here: a row that
passed the typed decode (pftlint.model.typed) has its shape proven. Registers no rule.
"""

from __future__ import annotations

from typing import Iterator

from ..engine.findings import Problem
from ..model import formats
from ..model.view import CHOSEN, PROMPT, REJECTED, Record
from .shape_words import message_not_object, quoted, type_name

# The columns of each layout that hold a text or a list of role/content messages, with their part.
_COLUMNS = {
    formats.TRL: (("prompt", PROMPT), ("chosen", CHOSEN), ("rejected", REJECTED)),
    formats.TRL_UNPAIRED: (("prompt", PROMPT), ("completion", CHOSEN)),
    formats.AXOLOTL_CHAT_TEMPLATE: (("messages", PROMPT), ("chosen", CHOSEN), ("rejected", REJECTED)),
}
# Who reads the row, for the messages; and whether its columns must be a text or a message list.
_TRAINER = {formats.TRL: "TRL", formats.TRL_UNPAIRED: "TRL", formats.AXOLOTL_CHAT_TEMPLATE: "axolotl"}
_TEXT_OR_LIST = (formats.TRL, formats.TRL_UNPAIRED)
_PLAIN_ROLES = ("user", "assistant", "system")
# The layouts of text columns (SOURCES.md §7 T5, T7): the trainer reads each as a string (null: an absent
# optional column), and pftlint reads a list there as messages.
_TEXT_COLUMNS = {
    formats.ALPACA_RANKING: ("instruction", "input", "system", "chosen", "rejected"),
    formats.ULTRAFEEDBACK_ARGILLA: ("instruction", "chosen_response", "rejected_response"),
    formats.AXOLOTL_CHATML: ("prompt", "input", "question", "instruction", "system", "chosen", "rejected",
                             "chosen_response", "rejected_response"),
}
_TEXT_TRAINER = {formats.ALPACA_RANKING: "LLaMA-Factory", formats.ULTRAFEEDBACK_ARGILLA: "axolotl",
                 formats.AXOLOTL_CHATML: "axolotl"}


def checked(record: Record) -> bool:
    """Whether the record's layout is one this module checks."""
    return record.format in _COLUMNS or record.format in _TEXT_COLUMNS


def _messages(record: Record) -> Iterator[tuple[tuple, str, object]]:
    """(JSON path, part, item) of every item of the message lists as written, less plain messages."""
    data = record.raw
    for key, part in _COLUMNS[record.format]:
        value = data.get(key)
        if type(value) is list:
            for i, item in enumerate(value):
                if not (type(item) is dict and len(item) == 2 and type(item.get("content")) is str
                        and item.get("role") in _PLAIN_ROLES):
                    yield (key, i), part, item


def _calls(msg: dict) -> bool:
    return msg.get("role") == "assistant" and ("tool_calls" in msg or "function_call" in msg)


def missing(record: Record) -> Iterator[Problem]:
    """missing-key's findings: a message without its role or its content."""
    if record.raw is None or record.format not in _COLUMNS:
        return
    trainer = _TRAINER[record.format]
    for path, part, msg in _messages(record):
        if type(msg) is not dict:
            continue  # wrong-type's
        if "role" not in msg:
            hint = "\"role\": \"user\" (or system, assistant)" if part == PROMPT else "\"role\": \"assistant\""
            yield Problem(f"the message has no 'role'; {trainer} renders each message with the chat template by "
                          f"its role (the row fails, or is read as text); add one: {hint}",
                          json_path=(*path, "role"))
        if "content" not in msg and not _calls(msg):
            role = msg.get("role")
            who = f"the {role} message" if isinstance(role, str) and len(role) < 40 else "the message"
            yield Problem(f"{who} has no 'content'; {trainer} renders it with the chat template, which reads "
                          "message['content'] (a KeyError or a template error); add its text: \"content\": \"...\"",
                          json_path=(*path, "content"))


def wrong(record: Record) -> Iterator[Problem]:
    """wrong-type's findings: a column, a message, a role or a content of the wrong JSON type."""
    data = record.raw
    if data is None:
        return
    fmt = record.format
    if fmt in _TEXT_COLUMNS:
        for key in _TEXT_COLUMNS[fmt]:
            value = data.get(key)
            if value is not None and type(value) is not str and type(value) is not list:
                yield _text_column(key, value, _TEXT_TRAINER[fmt])
        return
    trainer = _TRAINER[fmt]
    if fmt in _TEXT_OR_LIST:
        for key, part in _COLUMNS[fmt]:
            if key in data and type(data[key]) not in (str, list):
                yield _column(key, part, data[key])
        if fmt == formats.TRL_UNPAIRED and type(data.get("label")) is not bool:
            yield _label(data.get("label"))
    for path, part, msg in _messages(record):
        if type(msg) is not dict:
            yield message_not_object(path, part, msg, f" ({trainer} reads a list of role/content objects)")
            continue
        role = msg.get("role")
        if role is not None and type(role) is not str:
            yield Problem(f"'role' is {type_name(role)}, but it must be a string such as \"user\"; the chat "
                          "template compares it with the role names", json_path=(*path, "role"))
        content = msg.get("content")
        if "content" in msg and type(content) not in (str, list) and not (content is None and _calls(msg)):
            fix = f"write it as a string: \"{content}\"" if type(content) in (int, float) else \
                "write the text as a string"
            yield Problem(f"'content' is {type_name(content)}, but it must be a string (or a list of content "
                          f"parts); {trainer}'s chat template joins it to the row's text; {fix}",
                          json_path=(*path, "content"))


def _column(key: str, part: str, value: object) -> Problem:
    what = "the prompt" if part == PROMPT else "the reply"
    if type(value) is dict:
        fix = "put the message in a list: [{...}]"
    elif type(value) in (int, float):
        fix = f"write {what} as a string: \"{value}\""
    elif value is None and part == PROMPT:
        fix = "write the prompt as a string, or drop the key in every row to let TRL extract it"
    else:
        fix = f"write {what} as a string or a list of messages"
    cause = "None + str" if value is None else f"{type(value).__name__} + str"
    return Problem(f"{key!r} is {type_name(value)}, but it must be a string or a list of messages; TRL joins "
                   f"{what} to the text of the row ({cause} fails); {fix}", json_path=(key,))


def _text_column(key: str, value: object, trainer: str) -> Problem:
    fix = f"write it as a string: \"{value}\"" if type(value) in (int, float) else "write the text as a string"
    return Problem(f"{key!r} is {type_name(value)}, but it must be a string; {trainer} reads this column as "
                   f"text, and pftlint leaves it out of the pair it checks; {fix}", json_path=(key,))


def _label(value: object) -> Problem:
    if value in ("true", "false"):
        fix = f"write {value}, without quotes"
    elif value in (0, 1) and type(value) is int:
        fix = f"write {'true' if value else 'false'}"
    else:
        fix = "write true (a desirable completion) or false"
    shown = f" {quoted(value)}" if isinstance(value, str) else ""
    return Problem(f"'label' is {type_name(value)}{shown}, but it must be a boolean; TRL's KTO trainer reads it "
                   f"as desirable (true) or undesirable (false); {fix}", json_path=("label",))
