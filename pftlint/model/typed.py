"""The typed shapes of the two OpenAI record formats and of TRL's commonest, decoded and validated in C by msgspec.

A decode that succeeds proves what the shape rules (``missing-key``, ``unknown-key``,
``wrong-type``) check: every key known, every required key present, every value of its
JSON type, every role one of the five chat roles. Only what the plain shape allows is
typed here; anything else (content parts, a float weight, an empty list...) fails the
decode, and the line goes down the reader's precise path.

Absent optional keys are ``UNSET`` (also what a loose message holds for an absent key),
so a rule reads ``msg.tool_calls is UNSET`` whatever the record came from.

The structs are ``gc=False``: decoded JSON holds no reference cycle, so the cyclic collector need not
track them (about 0.6 us less per DPO record decoded).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Union

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType


class _Message(Struct, forbid_unknown_fields=True, tag_field="role", kw_only=True, gc=False):
    """The optional keys every message may hold (the role is the tag; content depends on it)."""

    role: ClassVar[str]
    name: Union[str, UnsetType] = UNSET
    tool_calls: Union[list[Any], UnsetType] = UNSET
    tool_call_id: Union[str, UnsetType] = UNSET
    function_call: Union[dict[str, Any], UnsetType] = UNSET
    weight: Union[int, UnsetType] = UNSET
    refusal: Union[str, None, UnsetType] = UNSET


class SystemMessage(_Message, tag="system"):
    role: ClassVar[str] = "system"
    content: str


class UserMessage(_Message, tag="user"):
    role: ClassVar[str] = "user"
    content: str


class AssistantMessage(_Message, tag="assistant"):
    role: ClassVar[str] = "assistant"
    content: Union[str, None, UnsetType] = UNSET

    def __post_init__(self):
        # no text is an assistant message's right only when it makes calls (missing-key, wrong-type)
        if (self.content is None or self.content is UNSET) and \
                self.tool_calls is UNSET and self.function_call is UNSET:
            raise ValueError("an assistant message without content makes no calls")


class ToolMessage(_Message, tag="tool"):
    role: ClassVar[str] = "tool"
    content: str
    tool_call_id: str


class FunctionMessage(_Message, tag="function"):
    role: ClassVar[str] = "function"
    content: Union[str, None]
    name: str


Message = Union[SystemMessage, UserMessage, AssistantMessage, ToolMessage, FunctionMessage]
MESSAGE_TYPES = (SystemMessage, UserMessage, AssistantMessage, ToolMessage, FunctionMessage)
Messages = Annotated[list[Message], Meta(min_length=1)]
# The plain DPO output: one message (output-not-single-assistant still checks its role for the target).
Output = Annotated[list[Message], Meta(min_length=1, max_length=1)]


class PreferenceInput(Struct, forbid_unknown_fields=True, kw_only=True, gc=False):
    messages: Messages
    tools: Union[list[Any], UnsetType] = UNSET
    parallel_tool_calls: Union[bool, UnsetType] = UNSET
    functions: Union[list[Any], UnsetType] = UNSET


class PreferenceRecord(Struct, forbid_unknown_fields=True, gc=False):
    """``{"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}``"""

    FORMAT: ClassVar[str] = "dpo"
    input: PreferenceInput
    preferred_output: Output
    non_preferred_output: Output


class ChatRecord(Struct, forbid_unknown_fields=True, kw_only=True, gc=False):
    """``{"messages": [...], "tools"?: [...], ...}``: supervised chat."""

    FORMAT: ClassVar[str] = "supervised"
    messages: Messages
    tools: Union[list[Any], UnsetType] = UNSET
    parallel_tool_calls: Union[bool, UnsetType] = UNSET
    functions: Union[list[Any], UnsetType] = UNSET


# TRL's replies: lists of messages (a reply that repeats the prompt is output-not-single-assistant's business).
Replies = Annotated[list[Message], Meta(min_length=1)]


class TrlRecord(Struct, forbid_unknown_fields=True, kw_only=True, gc=False):
    """``{"prompt": [...], "chosen": [...], "rejected": [...], "tools"?: [...]}``: TRL conversational,
    explicit prompt, no other column (a file with extra columns takes the precise path)."""

    FORMAT: ClassVar[str] = "trl"
    prompt: Messages
    chosen: Replies
    rejected: Replies
    tools: Union[list[Any], UnsetType] = UNSET


class TrlTextRecord(Struct, forbid_unknown_fields=True, gc=False):
    """``{"prompt": "...", "chosen": "...", "rejected": "..."}``: TRL standard, explicit prompt."""

    FORMAT: ClassVar[str] = "trl"
    prompt: str
    chosen: str
    rejected: str


RECORD_TYPES = (PreferenceRecord, ChatRecord, TrlRecord, TrlTextRecord)
# Built once for the whole run: one C decoder per shape.
DECODERS = tuple(msgspec.json.Decoder(shape).decode for shape in RECORD_TYPES)
# (UnicodeEncodeError: a str holding a lone surrogate, which no UTF-8 line decodes to; RecursionError:
# nesting deeper than msgspec follows. The precise path reports both as before.)
NOT_THIS_SHAPE = (msgspec.ValidationError, msgspec.DecodeError, UnicodeEncodeError, RecursionError)
_SORTED = msgspec.json.Encoder(order="sorted").encode


def encoded_parts(struct) -> dict[str, bytes]:
    """The canonical JSON text (keys sorted, as pftlint.model.canonical digests it) of each present top-level key."""
    return {key: _SORTED(value) for key in struct.__struct_fields__
            if (value := getattr(struct, key)) is not UNSET}
