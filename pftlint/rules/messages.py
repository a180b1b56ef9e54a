"""Roles and messages: who speaks, in which order, and what an output may hold.

Roles come from the target profile (``rules/targets/*.toml``), never from the
target's name. Non-string roles, missing keys and non-object messages are the
shape rules' business (``wrong-type``, ``missing-key``): these rules skip them.
"""

from __future__ import annotations

from operator import eq
from typing import Iterator

from msgspec import UNSET

from ..engine.findings import Problem, Severity
from ..model import formats
from ..model.view import CHOSEN, MESSAGES, PROMPT, REJECTED, LooseMessage, Record, field_path, is_message, message_path
from . import record_rule
from .shape import type_name

# What people write instead of a chat role (ShareGPT, Gemini, LangChain, OpenAssistant,
# Llama 3 and typos), mapped to the role meant. Keys are lower case, stripped.
ROLE_ALIASES = {
    **dict.fromkeys(("human", "humans", "prompter", "usr", "person", "customer", "client",
                     "question", "query", "instruction", "users"), "user"),
    **dict.fromkeys(("bot", "gpt", "chatgpt", "model", "ai", "llm", "chatbot", "agent", "claude",
                     "gemini", "assistent", "asistant", "assitant", "assistants", "answer", "response",
                     "completion", "gpt-4", "gpt4", "gpt-3.5-turbo"), "assistant"),
    **dict.fromkeys(("sys", "system_prompt", "instructions", "systems", "developer"), "system"),
    **dict.fromkeys(("ipython", "observation", "tool_response", "tool_result", "tools",
                     "function_response"), "tool"),
}
# The order roles are listed in messages.
_ROLE_ORDER = ("system", "user", "assistant", "tool", "function")
# The replies of a preference record.
_OUTPUTS = (CHOSEN, REJECTED)
# Lists that hold a conversation whose order matters: a chat record's messages, a preference
# record's prompt (its replies are checked by output-not-single-assistant instead).
_CONVERSATIONS = (MESSAGES, PROMPT)


def role_list(roles) -> str:
    return ", ".join(sorted(roles, key=lambda r: (_ROLE_ORDER.index(r) if r in _ROLE_ORDER else 99, r)))


def meant_role(role: str) -> str | None:
    """The chat role a misspelled or foreign role most likely means, or None."""
    key = role.strip().lower()
    if key in _ROLE_ORDER:
        return key
    return ROLE_ALIASES.get(key)


# The role each chat role of the view is written as, per format with its own role names ('model' for
# Vertex AI's assistant turns): what a message names a role in.
_WRITTEN = {fmt: {chat: own for own, chat in roles.items()} for fmt, roles in formats.TURN_ROLES.items()}


def role_word(record: Record, role: str) -> str:
    """A chat role of the view in the words of the record's format (Vertex AI: 'model' for assistant)."""
    return _WRITTEN.get(record.format, {}).get(role, role)


def format_title(record: Record) -> str:
    """Who reads the record's format: the target's title when it reads it ('Vertex AI'), else the format's name."""
    if record.format in record.target.formats:
        return record.target.title
    return formats.DESCRIPTIONS[record.format].split(" (", 1)[0]


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeio' else 'a'} {word}"  # the roles: an assistant, a user, a model


def conversations(record: Record) -> Iterator[tuple[str, list]]:
    """The message lists whose turn order matters: a chat record's messages, a preference record's prompt."""
    for path, part, items in record.message_lists():
        if part in _CONVERSATIONS:
            yield path, items


def _role(msg) -> str | None:
    if is_message(msg):
        role = msg.role
        if isinstance(role, str):
            return role
    return None


# -- PFT301 -------------------------------------------------------------------
def _role_problem(role: str, allowed, title: str, in_output: bool, output_roles) -> str:
    shown = repr(role)
    if in_output:
        if len(output_roles) == 1:
            return (f"role {shown} is not a valid output role; an output holds the assistant's reply: "
                    f"use {next(iter(output_roles))!r}")
        return f"role {shown} is not a valid output role; use one of {role_list(output_roles)}"
    key = role.strip().lower()
    meant = meant_role(role)
    if role in _ROLE_ORDER:
        # a real chat role this provider does not train on (tool on Together, function on Fireworks)
        return (f"{title} does not accept role {shown} (it accepts {role_list(allowed)}); remove these turns "
                f"from the file or choose a --target that trains on them")
    if key == "developer":
        why = f"role {shown} is not in the fine-tuning schema (only reinforcement fine-tuning accepts it)"
    elif key == meant and meant in allowed:
        why = f"role {shown} has surrounding spaces" if role.strip() != role else f"role {shown} must be lower case"
        if role.strip() != role and role.strip() != key:
            why = f"role {shown} must be lower case, without spaces"
    else:
        why = f"role {shown} is not a chat role"
    if meant is not None and meant in allowed:
        return f"{why}; use {meant!r}"
    return f"{why}; use one of {role_list(allowed)}"


_KNOWN: dict[frozenset, frozenset] = {}
_CHAT_ROLES: dict[tuple, frozenset] = {}


def chat_roles(target) -> frozenset:
    """The roles the view's messages may have under a profile: its roles, and 'system' where its format
    writes the system prompt under a key of its own (Vertex AI, Nova: read as a system message)."""
    key = (target.roles, target.formats)
    roles = _CHAT_ROLES.get(key)
    if roles is None:
        extra = {"system"} if any(fmt in formats.SYSTEM_KEYS for fmt in target.formats) else set()
        roles = _CHAT_ROLES[key] = target.roles | extra
    return roles


@record_rule("invalid-role")
def invalid_role(record: Record, options: dict):
    if record.format in formats.TURN_ROLES:  # judged by the roles as written (Vertex AI's 'model')
        return _written_roles(record)
    # Each rule below tests the record at C speed first and only walks it when something is off.
    allowed = chat_roles(record.target)
    known = _KNOWN.get(allowed)
    if known is None:
        known = _KNOWN[allowed] = allowed | {None}  # None: not a string role, wrong-type's
    for _, _, _, roles in record.roles():
        if not known.issuperset(roles):
            return _invalid_roles(record, allowed)
    return ()


def _invalid_roles(record: Record, allowed: frozenset) -> Iterator[Problem]:
    target = record.target
    for list_path, part, items in record.message_lists():
        for i, msg in enumerate(items):
            role = msg.role if is_message(msg) else None  # non-string roles are wrong-type's
            if type(role) is not str or role in allowed:
                continue
            in_output = part in _OUTPUTS
            if in_output and role in target.dpo_output_roles:
                continue
            yield Problem(_role_problem(role, allowed, target.title, in_output, target.dpo_output_roles),
                          json_path=field_path(message_path(list_path, items, i), msg, "role"))


_ABSENT = object()


def _written_at(data: object, path: tuple) -> object:
    """The value at a JSON path of the record as written, or _ABSENT."""
    for key in path:
        if type(data) is dict and type(key) is str:
            data = data.get(key, _ABSENT)
        elif type(data) is list and type(key) is int and key < len(data):
            data = data[key]
        else:
            return _ABSENT
    return data


def _written_roles(record: Record) -> Iterator[Problem]:
    """The roles of a format with its own role names, as written: its names only, strings, where written
    (the shape rules, which would report a role of the wrong type, read OpenAI's layout only)."""
    fmt = record.format
    own = formats.TURN_ROLES[fmt]
    names = " or ".join(repr(r) for r in own)
    title = format_title(record)
    system_key = formats.SYSTEM_KEYS[fmt]
    data = record.raw if record.raw is not None else record.mapping()
    seen = set()
    for _, part, _, msg in record.messages():
        path = msg.paths.get("role") if type(msg) is LooseMessage and msg.paths else None
        if path is None or path in seen:
            continue  # the system prompt, written under its own key; a Nova final turn's role, once
        seen.add(path)
        role = _written_at(data, path)
        if role is _ABSENT:
            if part in _OUTPUTS:
                continue  # a reply's role may be left out: it is the model's
            text = f"the turn has no role; {title} turns are {names}: add it"
            path = path[:-1]  # the turn that lacks it
        elif type(role) is not str:
            text = f"the role is {type_name(role)}, not a string; {title} turns are {names}: write one of them"
        elif role in own:
            continue  # a user turn as a reply is output-not-single-assistant's
        else:
            meant = meant_role(role)
            written = _WRITTEN[fmt].get(meant) if meant is not None else None
            if meant == "system":
                text = (f"role {role!r} is not a turn role; {title} turns are {names} and the system prompt "
                        f"goes in the top-level {system_key!r} key: move this text there")
            elif written is not None:
                text = f"role {role!r} is not a turn role; {title} turns are {names}: use {written!r}"
            else:
                text = f"role {role!r} is not a turn role; {title} turns are {names}"
        yield Problem(text, json_path=path)


# -- PFT302 -------------------------------------------------------------------
def _describe(items: list) -> str:
    names = []
    for item in items:
        role = _role(item)
        names.append(role if role is not None else ("a non-object" if not is_message(item) else "no role"))
    return ", ".join(names)


@record_rule("output-not-single-assistant", methods=("dpo",))
def output_not_single_assistant(record: Record, options: dict):
    output_roles = record.target.dpo_output_roles
    for _, part, _, roles in record.roles():
        if part in _OUTPUTS and not (len(roles) == 1 and roles[0] in output_roles):
            return _outputs_not_single(record)
    return ()


def prompt_name(record: Record) -> str:
    """The record's prompt, in messages: input.messages in OpenAI's layout (elsewhere it may be implicit)."""
    return "input.messages" if record.openai_layout else "the prompt"


def _outputs_not_single(record: Record) -> Iterator[Problem]:
    target = record.target
    prompt = prompt_name(record)
    limit = target.dpo_output_messages
    output_roles = target.dpo_output_roles
    words = role_list(role_word(record, r) for r in output_roles)
    wanted = f"one {words} message" if limit == 1 else f"1 to {limit} {words} messages"
    for path, part, items in record.message_lists():
        if part not in _OUTPUTS:
            continue
        n = len(items)
        if n == 1:
            role = _role(items[0])
            # unknown roles are invalid-role's, non-string roles wrong-type's
            if role is None or role in output_roles or role not in target.roles:
                continue
            role, reply = role_word(record, role), role_word(record, "assistant")
            yield Problem(f"the output is {_a(role)} message, not the {reply}'s reply; it must hold exactly "
                          f"{wanted}: move the {role} turn into {prompt} and put the reply here",
                          json_path=field_path(message_path(path, items, 0), items[0], "role"))
        elif n == 0:
            yield Problem(f"the output is empty; it must hold exactly {wanted}: the reply to {prompt}",
                          json_path=path)
        elif n > limit:
            yield Problem(f"the output holds {n} messages ({_describe(items)}); it must hold exactly {wanted}: "
                          f"move earlier turns into {prompt} and keep only the final reply",
                          json_path=path)


# -- PFT303 -------------------------------------------------------------------
@record_rule("input-ends-with-assistant", methods=("dpo",))
def input_ends_with_assistant(record: Record, options: dict):
    for path, part, items, roles in record.roles():
        if part == PROMPT and roles and roles[-1] == "assistant":
            last = len(items) - 1
            reply = role_word(record, "assistant")
            return (Problem(f"the prompt ends with {_a(reply)} turn, so the outputs would answer the "
                            f"{reply}; end {prompt_name(record)} with the user turn the outputs reply to (move "
                            "this reply into the outputs or drop it)",
                            json_path=field_path(message_path(path, items, last), items[last], "role")),)
    return ()



# -- PFT311 -------------------------------------------------------------------
# Why a prompt may not end with the system prompt, in the words of the record's trainer (SOURCES.md §7).
_SYSTEM_LAST_TRL = "TRL's chat-template step refuses it, others render no user turn"  # T9: TRL's layouts
_SYSTEM_LAST = {formats.VERTEX: "Vertex AI wants contents to end with a user turn",
                formats.NOVA: "Amazon Nova wants the conversation to start with a user turn"}


@record_rule("input-ends-with-system", methods=("dpo",))
def input_ends_with_system(record: Record, options: dict):
    if record.openai_layout:  # OpenAI's pages say nothing of it (SOURCES.md §7 T9 is about TRL's templates)
        return ()
    for path, part, items, roles in record.roles():
        if part == PROMPT and roles and roles[-1] == "system":
            last = len(items) - 1
            why = _SYSTEM_LAST.get(record.format, _SYSTEM_LAST_TRL)
            return (Problem(f"the prompt ends with a system turn, so the replies answer the system prompt: {why}; "
                            f"end {prompt_name(record)} with the user turn the replies answer",
                            json_path=field_path(message_path(path, items, last), items[last], "role")),)
    return ()


# -- PFT312 -------------------------------------------------------------------
@record_rule("empty-prompt", methods=("dpo",))
def empty_prompt(record: Record, options: dict):
    # OpenAI's layout: the shape rules report an empty input.messages; an implicit prompt
    # (cut out of the replies) is implicit-prompt-split's
    if record.openai_layout or record.prompt is None or record.prompt or record.paths[PROMPT] == record.paths[CHOSEN]:
        return ()
    return (Problem("the prompt is an empty list, so the replies answer nothing (and TRL's test of whether a row "
                    "is conversational fails on an empty list); write the user turn the replies answer",
                    json_path=record.paths[PROMPT] or None),)


# -- PFT313 -------------------------------------------------------------------
@record_rule("first-turn-not-user")
def first_turn_not_user(record: Record, options: dict):
    first = formats.FIRST_ROLE.get(record.format)  # only formats whose trainer says which turn opens
    if first is None:
        return ()
    turn_roles = set(formats.TURN_ROLES[record.format].values())
    for list_path, _, items in record.message_lists():  # the prompt's turns, then a reply's
        for i, msg in enumerate(items):
            if not is_message(msg) or (type(msg) is LooseMessage and msg.paths and "role" not in msg.paths):
                continue  # not a message, or the system prompt (written under a key of its own)
            role = msg.role
            if type(role) is not str or role not in turn_roles:
                continue  # invalid-role's
            if role == first:
                return ()
            title = format_title(record)
            word = role_word(record, role)
            return (Problem(f"the conversation starts with {_a(word)} turn; {title} wants the {first}'s turn first: "
                            f"add the {first} turn the {word} answers, or drop this turn",
                            json_path=field_path(message_path(list_path, items, i), msg, "role")),)
    return ()


# -- PFT304 -------------------------------------------------------------------
def leading_systems(roles: tuple) -> int:
    """How many system messages the conversation starts with (the system prompt, in one or more parts)."""
    n = 0
    for role in roles:
        if role != "system":
            break
        n += 1
    return n


@record_rule("system-not-first")
def system_not_first(record: Record, options: dict):
    limit = record.target.leading_system_messages
    for _, part, _, roles in record.roles():
        if part in _CONVERSATIONS and "system" in roles[1:]:
            lead = leading_systems(roles)
            if (limit and lead > limit) or "system" in roles[lead:]:
                return _systems_not_first(record, limit)
    return ()


def _systems_not_first(record: Record, limit: int) -> Iterator[Problem]:
    target = record.target
    for path, part, items, roles in record.roles():
        if part not in _CONVERSATIONS:
            continue
        lead = leading_systems(roles)
        if limit and lead > limit:  # one finding for the block, not one per message
            yield Problem(f"the conversation starts with {lead} system messages; {target.title} accepts "
                          f"{'one' if limit == 1 else f'at most {limit}'}: merge them into one system prompt",
                          json_path=field_path(message_path(path, items, limit), items[limit], "role"))
        for i in range(lead, len(roles)):
            if roles[i] == "system":  # each one is a separate slip: a prompt injected mid-conversation
                if lead:
                    text = ("a system message after the conversation has started; merge it into the system "
                            "prompt at the start")
                else:
                    text = ("a system message after the conversation has started; move it to the start "
                            "of the conversation (the system prompt comes first)")
                # where the profile makes the leading block an error, a later system message stays a
                # warning: no provider is known to reject it
                yield Problem(text, json_path=field_path(message_path(path, items, i), items[i], "role"),
                              severity=Severity.WARNING if limit else None)


# -- PFT305 -------------------------------------------------------------------
def makes_calls(msg) -> bool:
    """An assistant message that calls tools or a (legacy) function."""
    calls = msg.tool_calls
    return (isinstance(calls, list) and len(calls) > 0) or isinstance(msg.function_call, dict)


@record_rule("consecutive-same-role")
def consecutive_same_role(record: Record, options: dict):
    for _, part, _, roles in record.roles():
        if part in _CONVERSATIONS and any(map(eq, roles, roles[1:])):
            return _same_roles(record)
    return ()


def _same_roles(record: Record) -> Iterator[Problem]:
    for path, part, items, roles in record.roles():
        if part not in _CONVERSATIONS:
            continue
        previous = None
        for i, role in enumerate(roles):
            if role == previous and (role == "user" or role == "assistant"):
                # a call followed straight by another assistant turn is tool-call-mismatch's
                if not (role == "assistant" and makes_calls(items[i - 1])):
                    if role == "user":
                        text = ("two user messages in a row; merge them into one turn, or add the "
                                f"{role_word(record, 'assistant')} reply that belongs between them")
                    else:
                        text = (f"two {role_word(record, role)} messages in a row; merge them into one reply, or "
                                "add the user turn that belongs between them")
                    yield Problem(text, json_path=field_path(message_path(path, items, i), items[i], "role"))
            previous = role


# -- PFT306 -------------------------------------------------------------------
@record_rule("no-assistant-message", methods=("supervised",))
def no_assistant_message(record: Record, options: dict):
    for path, _, _, roles in record.roles():
        if "assistant" in roles or None in roles or not roles:
            continue  # None: a message without a readable role; no roles: an empty list (missing-key's)
        if not any(meant_role(role) == "assistant" for role in roles):
            return (Problem("the conversation has no assistant message, so there is nothing to train on; "
                            "add the assistant reply the model should learn", json_path=path),)
    return ()


# -- PFT307 -------------------------------------------------------------------
def _weight_problem(weight) -> str | None:
    """The value's problem. Wrong types (1.0, true, "1", null) are wrong-type's: it names the integer to write."""
    if type(weight) is int:
        if weight in (0, 1):
            return None
    elif type(weight) is not float or weight.is_integer():
        return None
    return (f"weight {weight} is not 0 or 1; per-message weights are all or nothing: use 1 to train on "
            "this message, 0 to skip it")


@record_rule("invalid-weight")
def invalid_weight(record: Record, options: dict):
    weight_roles = record.target.weight_roles
    for path, items in conversations(record):
        for msg in items:
            if is_message(msg) and msg.weight is not UNSET:
                weight = msg.weight
                # the usual case, an integer 0 or 1 on a message the profile lets carry one, needs no walk
                if not (type(weight) is int and (weight == 0 or weight == 1) and msg.role in weight_roles):
                    return _invalid_weights(record)
    return ()


def _invalid_weights(record: Record) -> Iterator[Problem]:
    target = record.target
    weight_roles = target.weight_roles
    for list_path, items in conversations(record):
        for i, msg in enumerate(items):
            if not is_message(msg) or msg.weight is UNSET:
                continue
            role = msg.role
            # an unknown role is invalid-role's; an alias (human) counts as the role it means
            if isinstance(role, str) and meant_role(role) not in (None, *weight_roles):
                only = "assistant messages" if weight_roles == {"assistant"} else \
                    f"messages of role {role_list(weight_roles)}"
                yield Problem(f"weight is only allowed on {only} for {target.title}, not on a {role} message; "
                              "remove it", json_path=field_path(message_path(list_path, items, i), msg, "weight"))
                continue
            text = _weight_problem(msg.weight)
            if text:
                yield Problem(text, json_path=field_path(message_path(list_path, items, i), msg, "weight"))
