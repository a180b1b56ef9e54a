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
from ..model.layouts import split_index
from ..model.view import (CHOSEN, MESSAGES, PROMPT, REJECTED, Record, field_path, is_message, message_path,
                          safe_equal)
from . import record_rule

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


@record_rule("invalid-role")
def invalid_role(record: Record, options: dict):
    # Each rule below tests the record at C speed first and only walks it when something is off.
    allowed = record.target.roles
    known = _KNOWN.get(allowed)
    if known is None:
        known = _KNOWN[allowed] = allowed | {None}  # None: not a string role, wrong-type's
    for _, _, _, roles in record.roles():
        if not known.issuperset(roles):
            return _invalid_roles(record)
    return ()


def _invalid_roles(record: Record) -> Iterator[Problem]:
    target = record.target
    allowed = target.roles
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
    wanted = f"one {role_list(output_roles)} message" if limit == 1 else \
        f"1 to {limit} {role_list(output_roles)} messages"
    for path, part, items in record.message_lists():
        if part not in _OUTPUTS:
            continue
        n = len(items)
        if n == 1:
            role = _role(items[0])
            # unknown roles are invalid-role's, non-string roles wrong-type's
            if role is None or role in output_roles or role not in target.roles:
                continue
            yield Problem(f"the output is a {role} message, not the assistant's reply; it must hold exactly "
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
            return (Problem("the prompt ends with an assistant turn, so the outputs would answer the "
                            f"assistant; end {prompt_name(record)} with the user turn the outputs reply to (move "
                            "this reply into the outputs or drop it)",
                            json_path=field_path(message_path(path, items, last), items[last], "role")),)
    return ()



# -- PFT311 -------------------------------------------------------------------
@record_rule("input-ends-with-system", methods=("dpo",))
def input_ends_with_system(record: Record, options: dict):
    if record.openai_layout:  # OpenAI's pages say nothing of it (SOURCES.md §7 T9 is about TRL's templates)
        return ()
    for path, part, items, roles in record.roles():
        if part == PROMPT and roles and roles[-1] == "system":
            last = len(items) - 1
            return (Problem("the prompt ends with a system turn, so the replies answer the system prompt: TRL's "
                            "chat-template step refuses it, others render no user turn; end "
                            f"{prompt_name(record)} with the user turn the replies answer",
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
                        text = ("two user messages in a row; merge them into one turn, or add the assistant "
                                "reply that belongs between them")
                    else:
                        text = ("two assistant messages in a row; merge them into one reply, or add the user "
                                "turn that belongs between them")
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


# -- PFT310 -------------------------------------------------------------------
def _shown(value, limit: int = 40) -> str:
    """A piece of a reply for a message: a text quoted (cut to ``limit`` characters), messages by their roles."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[:limit] + "...")
    roles = [item.get("role") if type(item) is dict else None for item in value]
    return "[" + ", ".join(f"{r} message" if isinstance(r, str) else "an item" for r in roles) + "]"


def _differing_keys(a: object, b: object) -> str:
    """Why two first messages differ when their role and content agree: the other keys, named."""
    if not (type(a) is dict and type(b) is dict and a.get("role") == b.get("role")
            and safe_equal(a.get("content"), b.get("content"))):
        return ""
    keys = sorted({k for k in a.keys() | b.keys() if k not in a or k not in b or not safe_equal(a[k], b[k])}, key=str)
    return f" (their first messages differ only in {', '.join(repr(k) for k in keys)}; TRL compares whole messages)"


def _elements(value: str | list) -> str:
    return "character" if isinstance(value, str) else "message"


@record_rule("implicit-prompt-split", methods=("dpo",))
def implicit_prompt_split(record: Record, options: dict):
    # only TRL rows without a prompt: TRL cuts their prompt out of chosen and rejected (SOURCES.md §7 T4)
    if record.format != "trl" or record.typed or record.kinds is None or record.kinds.get(PROMPT) != "absent":
        return ()
    data = record.mapping()
    chosen, rejected = data.get("chosen"), data.get("rejected")
    if not (type(chosen) is type(rejected) and isinstance(chosen, (str, list))):
        return ()  # mixed or other types: mixed-prompt-types, wrong-type
    return _split_problems(chosen, rejected)


def _split_problems(chosen: str | list, rejected: str | list) -> Iterator[Problem]:
    unit = _elements(chosen)
    for name, side in ((CHOSEN, chosen), (REJECTED, rejected)):
        if not side:
            yield Problem(f"{name} is empty and there is no prompt: TRL's prompt extraction fails on this row "
                          "(UnboundLocalError); give both replies their text, or add a prompt column",
                          json_path=(name,))
            return
    idx = split_index(chosen, rejected)
    prompt, kept, lost = chosen[:idx], chosen[idx:], rejected[idx:]
    trains = f"TRL trains on {_shown(kept)} as chosen and {_shown(lost)} as rejected"
    n = min(len(chosen), len(rejected))
    if safe_equal(chosen[:n], rejected[:n]):  # identical, or one starts with the other: no difference found
        if len(chosen) == len(rejected):
            return  # identical replies: identical-outputs' (the view splits them as TRL does)
        if len(chosen) < len(rejected):
            what = "rejected starts with the whole of chosen"
        else:
            what = "chosen starts with the whole of rejected"
        yield Problem(f"{what}, and there is no prompt: TRL's extraction then takes all but the last shared "
                      f"{unit} as the prompt, so {trains}; add the prompt column, and make the replies differ",
                      json_path=(REJECTED,))
        return
    if idx <= 0 or not prompt:
        if idx < 0:  # TRL reads chosen[-1]: a trailing space moves the cut to the end of chosen
            yield Problem(f"chosen and rejected differ from their first character and chosen ends with a space: "
                          f"TRL's extraction then takes chosen minus its last character as the prompt, so {trains}; "
                          "add the prompt column (TRL found no shared prompt)", json_path=(CHOSEN,))
        else:
            yield Problem(f"chosen and rejected differ from their first {unit}, so the prompt TRL extracts is "
                          f"empty and it trains on both whole replies with no prompt"
                          f"{_differing_keys(chosen[0], rejected[0]) if unit == 'message' else ''}; add the prompt "
                          "column, or write the shared prompt at the start of both", json_path=(REJECTED,))
        return
    if isinstance(chosen, str) and chosen[idx - 1].isalnum() and (chosen[idx].isalnum() or rejected[idx].isalnum()):
        yield Problem(f"the prompt TRL extracts ends inside a word ({_shown(prompt[-20:])}): {trains}, split "
                      "mid-word, so their tokens do not match the prompt's; add the prompt column",
                      json_path=(REJECTED,), severity=Severity.WARNING)
