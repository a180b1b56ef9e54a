"""Record shape: which keys a record holds and the JSON types of their values.

The schemas are OpenAI's ``FineTuneChatRequestInput`` and
``FineTunePreferenceRequestInput`` (SOURCES.md §1b, §1c); their keys, and what an unknown
key stands for, are in :mod:`pftlint.rules.key_names`. Every rule
takes a fast path on a well-formed record (one subset test of its keys, or a
``type() is`` test per value) and only builds messages when something is wrong.
missing-key and wrong-type read rows of TRL's layouts through :mod:`pftlint.rules.layout_shape`.
"""

from __future__ import annotations

import json
from typing import Iterator

from ..engine.findings import Problem
from ..model.formats import DPO_KEYS, SUPERVISED_KEYS
from ..model.view import MESSAGES, PROMPT, Record, is_message, raw_message
from . import reader_rule, record_rule, silent_when_typed
from . import layout_shape
from .key_names import INPUT_KEYS, MESSAGE_KEYS, SCHEMAS, near_miss
from .shape_words import message_json, message_not_object, quoted, type_name

# Detected by pftlint.reading.reader from the record's text (json.loads keeps the last of two equal keys).
@reader_rule("duplicate-key")
def duplicate_key(found: dict) -> str:
    """Detected in the record's text by pftlint.reading.textcheck (a decoded object keeps one value)."""
    return (f"the key {json.dumps(found['key'])} is repeated here (it appears earlier in the "
            "same object); JSON parsers keep only one of the values (Python's json silently keeps the last) and "
            "which one a provider keeps is undocumented: keep one")

PART_TYPES = frozenset({"text", "image_url", "input_audio", "file", "refusal"})
_PART_TYPES_SHOWN = "'text', 'image_url', 'input_audio', 'file' or 'refusal'"

_WHERE = {"dpo": "a preference record", "supervised": "a supervised record", "input": "'input'",
          "message": "a message"}
_ALLOWED = {"dpo": "input, preferred_output and non_preferred_output",
            "supervised": "messages, tools, parallel_tool_calls and functions",
            "input": "messages, tools, parallel_tool_calls and functions",
            "message": "role, content, name, tool_calls, tool_call_id, function_call, weight and refusal"}


def _required(obj: dict, schema: str) -> frozenset:
    """The keys missing-key requires of this object."""
    if schema != "message":
        return _REQUIRED[schema]
    role = obj.get("role")
    if role == "assistant" and ("tool_calls" in obj or "function_call" in obj):
        return _ROLE_ONLY
    return _ROLE_AND_CONTENT


_REQUIRED = {"dpo": DPO_KEYS, "supervised": frozenset({"messages"}), "input": frozenset({"messages"})}
_ROLE_ONLY = frozenset({"role"})
_ROLE_AND_CONTENT = frozenset({"role", "content"})


def misnamed(obj: dict, schema: str) -> dict[str, str]:
    """{required key that is absent: the object's unknown key that stands for it}.

    missing-key reports these (naming the key found), so unknown-key leaves them out: a
    misspelt required key is one error, and it stays one when unknown-key is ignored.
    """
    allowed = SCHEMAS[schema]
    found: dict[str, str] = {}
    required = None
    for key in obj:
        if key in allowed:
            continue
        meant = near_miss(schema, key).meant
        if meant is None or meant in obj or meant in found:
            continue
        if required is None:
            required = _required(obj, schema)
        if meant in required:
            found[meant] = key
    return found


def provider_name(target) -> str:
    """Who rejects what OpenAI's layout forbids: the target's provider when it reads that layout."""
    return target.title if "dpo" in target.formats else "the provider"


def _unknown(obj: dict, schema: str, prefix: tuple, provider: str) -> Iterator[Problem]:
    allowed = SCHEMAS[schema]
    renamed = misnamed(obj, schema).values()
    for key in obj:
        if key not in allowed and key not in renamed:
            miss = near_miss(schema, key, provider)
            if miss.advice is not None:
                advice = miss.advice
            elif miss.meant is not None:
                advice = f"did you mean {miss.meant!r}?"
            else:
                advice = f"{_WHERE[schema]} holds only {_ALLOWED[schema]}: remove it"
            yield Problem(f"unknown key {key!r} in {_WHERE[schema]}; {advice}", json_path=(*prefix, key))


_HOLDER = {"dpo": "the record", "supervised": "the record", "input": "'input'", "message": "the message"}


def _renamed(schema: str, meant: str, key: str, prefix: tuple) -> Problem:
    """missing-key's finding for a required key that is present under another name (at that key)."""
    miss = near_miss(schema, key)
    if miss.advice is not None:
        why = miss.advice
    elif miss.misspelt:
        why = f"{_HOLDER[schema]} has {key!r}, probably a misspelling: rename it"
    else:
        why = f"{_HOLDER[schema]} has {key!r}, another name for it: rename it to {meant!r}"
    return Problem(f"required key {meant!r} is missing; {why}", json_path=(*prefix, key))


# -- the shared scan ------------------------------------------------------

_PLAIN_ROLES = ("user", "assistant", "system")
_last: list = [None, None]  # (record, its scan): the three rules share one walk per record


def _scan(record: Record) -> tuple[bool, bool, list]:
    """(top level plainly right, some message is not an object, the messages that need a closer look).

    A plain message is ``{"role": "user"|"assistant"|"system", "content": "..."}``: none of
    the three rules can find anything in it, and nearly every message is one.
    """
    if _last[0] is record:
        return _last[1]
    data = record.mapping()
    if record.is_dpo:  # three keys, of the right types, and 'input' holding only 'messages'
        inp = data.get("input")
        top_ok = (len(data) == 3 and type(inp) is dict and len(inp) == 1 and type(inp.get("messages")) is list
                  and type(data.get("preferred_output")) is list and type(data.get("non_preferred_output")) is list)
    else:
        top_ok = len(data) == 1 and type(data.get("messages")) is list
    messages = [(path, part, raw_message(msg)) for path, part, _, msg in record.messages()]
    items = sum([len(values) for _, values in record.lists])
    odd = [m for m in messages if not (len(m[2]) == 2 and type(m[2].get("content")) is str
                                       and m[2].get("role") in _PLAIN_ROLES)]
    result = (top_ok, items != len(messages), odd)
    _last[0], _last[1] = record, result
    return result


# -- unknown-key ----------------------------------------------------------

@record_rule("unknown-key", guard=silent_when_typed, openai_layout=True)
def unknown_key(record: Record, options: dict) -> Iterator[Problem]:
    top_ok, _, odd = _scan(record)
    provider = provider_name(record.target)
    if not top_ok:
        data = record.mapping()
        if record.is_dpo:
            if not data.keys() <= DPO_KEYS:
                yield from _unknown(data, "dpo", (), provider)
            inp = data.get("input")
            if isinstance(inp, dict) and not inp.keys() <= INPUT_KEYS:
                yield from _unknown(inp, "input", ("input",), provider)
        elif not data.keys() <= SUPERVISED_KEYS:
            yield from _unknown(data, "supervised", (), provider)
    for path, _, msg in odd:
        if not msg.keys() <= MESSAGE_KEYS:
            yield from _unknown(msg, "message", path, provider)


# -- missing-key ----------------------------------------------------------

_ADD = {
    "input": "add the prompt: \"input\": {\"messages\": [{\"role\": \"user\", \"content\": \"...\"}]}",
    "preferred_output": "add the preferred reply: \"preferred_output\": [{\"role\": \"assistant\", "
                        "\"content\": \"...\"}]",
    "non_preferred_output": "add the rejected reply: \"non_preferred_output\": [{\"role\": \"assistant\", "
                            "\"content\": \"...\"}]",
}
_DPO_ORDER = ("input", "preferred_output", "non_preferred_output")


@record_rule("missing-key", guard=silent_when_typed)
def missing_key(record: Record, options: dict) -> Iterator[Problem]:
    if not record.openai_layout:  # TRL's rows and the like: their layout's own holes
        if layout_shape.checked(record):
            yield from layout_shape.missing(record)
        return
    top_ok, _, odd = _scan(record)
    if not top_ok:
        yield from _missing_at_top(record.mapping(), record.is_dpo)
    data = record.mapping()
    if record.is_dpo:
        inp = data.get("input")
        if type(inp) is dict and inp.get("messages") == []:  # the spec's minItems: 1
            yield Problem("'input.messages' is empty: the example has no prompt; add the user turn: "
                          '[{"role": "user", "content": "..."}]', json_path=("input", "messages"))
    elif data.get("messages") == []:  # the spec's minItems: 1
        yield Problem("'messages' is empty: the example has no conversation; add the turns: "
                      '[{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]',
                      json_path=("messages",))
    for path, part, msg in odd:
        yield from _missing_in_message(path, part, msg)


def _missing_at_top(data: dict, is_dpo: bool) -> Iterator[Problem]:
    if is_dpo:
        if not data.keys() >= DPO_KEYS:
            renamed = misnamed(data, "dpo")
            for key in _DPO_ORDER:
                if key in renamed:
                    yield _renamed("dpo", key, renamed[key], ())
                elif key not in data:
                    yield Problem(f"the record has no {key!r}; {_ADD[key]}")
        inp = data.get("input")
        if isinstance(inp, dict) and "messages" not in inp:
            renamed = misnamed(inp, "input")
            if "messages" in renamed:
                yield _renamed("input", "messages", renamed["messages"], ("input",))
            else:
                yield Problem("'input' has no 'messages'; add the prompt: "
                              "\"messages\": [{\"role\": \"user\", \"content\": \"...\"}]", json_path=("input",))
    elif "messages" not in data:
        renamed = misnamed(data, "supervised")
        if "messages" in renamed:
            yield _renamed("supervised", "messages", renamed["messages"], ())
        else:
            yield Problem("the record has no 'messages'; a supervised example is "
                          "{\"messages\": [{\"role\": \"user\", ...}, {\"role\": \"assistant\", ...}]}")


def _missing_in_message(path: tuple, part: str, msg: dict) -> Iterator[Problem]:
    role = msg.get("role")
    renamed = {} if msg.keys() <= MESSAGE_KEYS else misnamed(msg, "message")
    if "role" in renamed:
        yield _renamed("message", "role", renamed["role"], path)
    elif "role" not in msg:
        if part == PROMPT or part == MESSAGES:
            hint = "\"role\": \"user\" (or system, assistant, tool)"
        else:
            hint = "\"role\": \"assistant\""
        yield Problem(f"the message has no 'role'; add one: {hint}", json_path=path)
    if "content" in renamed:
        yield _renamed("message", "content", renamed["content"], path)
    elif "content" not in msg:
        if role == "assistant":
            if "tool_calls" not in msg and "function_call" not in msg:
                yield Problem("the assistant message has no 'content' (and no 'tool_calls'); add its reply: "
                              "\"content\": \"...\"", json_path=path)
        else:
            who = f"the {role} message" if isinstance(role, str) and len(role) < 40 else "the message"
            yield Problem(f"{who} has no 'content'; add its text: \"content\": \"...\"", json_path=path)
    if role == "tool" and "tool_call_id" not in msg:
        yield Problem("the tool message has no 'tool_call_id'; add the 'id' of the assistant's tool call "
                      "it answers", json_path=path)
    if role == "function" and "name" not in msg:
        yield Problem("the function message has no 'name'; add the name of the function it answers",
                      json_path=path)


# -- wrong-type -----------------------------------------------------------

# What to write instead of a value of the wrong type, by the type found.
_INPUT_FIX = {list: "put the message list inside an object: {\"messages\": [...]}"}
_OUTPUT_FIX = {dict: "put the message in a list: [{...}]"}
_LIST_FIX = {dict: "put it in a list: [{...}]"}


def _wrong(path: tuple, value: object, expected: str, fix: str) -> Problem:
    name = path[-1]
    return Problem(f"{name!r} is {type_name(value)}, but it must be {expected}; {fix}", json_path=path)


def _input_problem(value: object) -> Problem:
    if isinstance(value, str):
        fix = f"wrap the string: {{\"messages\": [{message_json('user', value)}]}}"
    else:
        fix = _INPUT_FIX.get(type(value), f"write {{\"messages\": [{message_json('user', None)}]}}")
    return _wrong(("input",), value, "an object holding the prompt messages", fix)


def _output_problem(key: str, value: object) -> Problem:
    if isinstance(value, str):
        fix = f"wrap the string: [{message_json('assistant', value)}]"
    else:
        fix = _OUTPUT_FIX.get(type(value), f"write [{message_json('assistant', None)}]")
    return _wrong((key,), value, "a list holding one assistant message", fix)


def _list_problem(path: tuple, value: object, what: str) -> Problem:
    if isinstance(value, str) and what == "messages":
        fix = f"wrap the string: [{message_json('user', value)}]"
    else:
        fix = _LIST_FIX.get(type(value), f"write a list of {what}")
    return _wrong(path, value, f"a list of {what}", fix)


def _bool_problem(path: tuple, value: object) -> Problem:
    fix = f"write {str(value).lower()}, without quotes" if value in ("true", "false") else "write true or false"
    return Problem(f"'parallel_tool_calls' is {type_name(value)}, but it must be a boolean; {fix}", json_path=path)


def _container(obj: dict, prefix: tuple) -> Iterator[Problem]:
    """The optional tool keys shared by 'input' and a supervised record."""
    if "tools" in obj and type(obj["tools"]) is not list:
        yield _list_problem((*prefix, "tools"), obj["tools"], "tool definitions")
    if "functions" in obj and type(obj["functions"]) is not list:
        yield _list_problem((*prefix, "functions"), obj["functions"], "function definitions")
    if "parallel_tool_calls" in obj and type(obj["parallel_tool_calls"]) is not bool:
        yield _bool_problem((*prefix, "parallel_tool_calls"), obj["parallel_tool_calls"])


# Optional message keys and the JSON types they take (SOURCES.md §1b per-role fields).
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "tool_call_id": (str,),
    "tool_calls": (list,),
    "function_call": (dict,),
    "refusal": (str, type(None)),
}
_EXPECTED = {"name": "a string", "tool_call_id": "a string", "tool_calls": "a list of tool calls",
             "function_call": "an object {\"name\": ..., \"arguments\": ...}", "refusal": "a string"}


@record_rule("wrong-type", guard=silent_when_typed)
def wrong_type(record: Record, options: dict) -> Iterator[Problem]:
    if not record.openai_layout:
        if layout_shape.checked(record):
            yield from layout_shape.wrong(record)
        return
    top_ok, not_objects, odd = _scan(record)
    if not top_ok:
        yield from _wrong_at_top(record.mapping(), record.is_dpo)
    if not_objects:
        for list_path, part, items in record.message_lists():
            for i, item in enumerate(items):
                if not is_message(item):
                    yield message_not_object((*list_path, i), part, item)
    provider = provider_name(record.target)
    for path, _, msg in odd:
        yield from _wrong_in_message(path, msg, provider)


def _wrong_at_top(data: dict, is_dpo: bool) -> Iterator[Problem]:
    if is_dpo:
        if "input" in data:
            inp = data["input"]
            if type(inp) is not dict:
                yield _input_problem(inp)
            else:
                if "messages" in inp and type(inp["messages"]) is not list:
                    yield _list_problem(("input", "messages"), inp["messages"], "messages")
                yield from _container(inp, ("input",))
        for key in ("preferred_output", "non_preferred_output"):
            if key in data and type(data[key]) is not list:
                yield _output_problem(key, data[key])
    else:
        if "messages" in data and type(data["messages"]) is not list:
            yield _list_problem(("messages",), data["messages"], "messages")
        yield from _container(data, ())


def _wrong_in_message(path: tuple, msg: dict, provider: str) -> Iterator[Problem]:
    role = msg.get("role")
    if role is not None and type(role) is not str:
        yield Problem(f"'role' is {type_name(role)}, but it must be a string such as \"user\"",
                      json_path=(*path, "role"))
    if "content" in msg:
        content = msg["content"]
        if type(content) is not str or role == "tool":
            yield from _content(path, msg, role, content, provider)
    for key, value in msg.items():
        expected = _FIELD_TYPES.get(key)
        if expected is not None and type(value) not in expected:
            yield Problem(f"{key!r} is {type_name(value)}, but it must be {_EXPECTED[key]}",
                          json_path=(*path, key))
    if "weight" in msg:
        yield from _weight(path, msg["weight"])


def _content(path: tuple, msg: dict, role: object, content: object, provider: str) -> Iterator[Problem]:
    where = (*path, "content")
    if role == "tool":
        if type(content) is not str:
            yield Problem(f"a tool message's content is {type_name(content)}, but it must be a string ({provider} "
                          "rejects anything else here); write the tool's result as one string", json_path=where)
        return
    if content is None:
        if (role == "assistant" and ("tool_calls" in msg or "function_call" in msg)) or role == "function":
            return
        yield Problem("'content' is null, but it must be a string or a list of content parts"
                      + ("; an assistant message may omit its content only when it makes tool_calls"
                         if role == "assistant" else ""), json_path=where)
        return
    if type(content) is list:
        for i, part in enumerate(content):
            yield from _part((*where, i), part)
        return
    if isinstance(content, dict) and "type" in content:
        fix = "put the part in a list: [{...}]"
    elif isinstance(content, (int, float)) and not isinstance(content, bool):
        fix = f"write it as a string: \"{content}\""
    else:
        fix = "write the text as a string"
    yield Problem(f"'content' is {type_name(content)}, but it must be a string or a list of content parts; {fix}",
                  json_path=where)


def _part(path: tuple, part: object) -> Iterator[Problem]:
    if type(part) is not dict:
        fix = f"write {{\"type\": \"text\", \"text\": {quoted(part)}}}" if isinstance(part, str) else \
            "write {\"type\": \"text\", \"text\": \"...\"}"
        yield Problem(f"the content part is {type_name(part)}, but it must be an object; {fix}", json_path=path)
        return
    kind = part.get("type")
    if type(kind) is not str or kind not in PART_TYPES:
        if "type" not in part:
            yield Problem(f"the content part has no 'type'; set it to {_PART_TYPES_SHOWN}", json_path=path)
        else:
            yield Problem(f"the content part's type {kind!r} is not one of {_PART_TYPES_SHOWN}",
                          json_path=(*path, "type"))
    elif kind in ("text", "refusal") and type(part.get(kind)) is not str:
        value = part.get(kind)
        what = "has no" if kind not in part else f"has {type_name(value)} as"
        yield Problem(f"the {kind} part {what} {kind!r}; it must be a string", json_path=(*path, kind))


def _weight(path: tuple, weight: object) -> Iterator[Problem]:
    # Values other than 0 and 1 are invalid-weight's business; the type is ours.
    if type(weight) is int:
        return
    if type(weight) is float and not weight.is_integer():
        return
    if type(weight) is float:
        fix = f"write {int(weight)}, an integer"
    elif type(weight) is bool:
        fix = f"write {int(weight)}, not {str(weight).lower()}"
    elif isinstance(weight, str) and weight.strip() in ("0", "1"):
        fix = f"write {weight.strip()}, without quotes"
    else:
        fix = "write 0 or 1"
    yield Problem(f"'weight' is {type_name(weight)}, but it must be the integer 0 or 1; {fix}",
                  json_path=(*path, "weight"))
