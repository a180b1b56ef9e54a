"""TRL preference records: ``prompt`` / ``chosen`` / ``rejected``.

Three shapes (TRL's dataset formats):
- standard: the prompt and both replies are strings;
- conversational: the prompt is a message list ([system, user, ...]) and each reply a list
  holding one assistant message (a reply that repeats the prompt first is accepted too);
- implicit prompt: no ``prompt``; ``chosen`` and ``rejected`` are whole conversations (or
  texts) that share the prompt as their prefix.
A ``tools`` column (a list of function definitions, or the JSON text of one) is carried
over; an ``images`` / ``image`` column (TRL's vision rows) is a Skip, since every layout
written holds text only. The same code reads flat records under other column names
(``columns``), without those two columns.
"""

from __future__ import annotations

from .common import (IDENTICAL, MISSING_FIELD, NON_TEXT, NO_SPLIT, WRONG_TYPE, Pair, Skip, conversation, message,
                     reply, tools, with_system)
from . import hh


def pair(record: dict, prompt_key: str = "prompt", chosen_key: str = "chosen", rejected_key: str | None = "rejected",
         system_key: str | None = None, implicit: bool = True, need_rejected: bool = True,
         trl_columns: bool = False) -> Pair:
    """The pair in ``record`` under these keys; without a prompt key, the shared prefix is the prompt.

    ``need_rejected`` false (supervised output): the rejected reply is not read when the prompt is explicit.
    ``trl_columns``: the record is TRL's, so its ``tools`` and image columns mean what TRL makes of them.
    """
    if trl_columns and (record.get("images") or record.get("image")):
        raise Skip(NON_TEXT, "the record has images (a TRL vision row): records are converted with text only")
    if chosen_key not in record:
        raise Skip(MISSING_FIELD, f"no {chosen_key!r} field")
    chosen = record[chosen_key]
    explicit = prompt_key in record or not implicit
    if rejected_key is not None and rejected_key not in record and (need_rejected or not explicit):
        raise Skip(MISSING_FIELD, f"no {rejected_key!r} field")
    rejected = record.get(rejected_key) if rejected_key is not None else None
    if explicit:
        if prompt_key not in record:
            raise Skip(MISSING_FIELD, f"no {prompt_key!r} field")
        prompt = conversation(record[prompt_key], f"{prompt_key!r}")
        result = Pair(prompt, reply(_after(chosen, prompt), f"{chosen_key!r} reply"),
                      reply(_after(rejected, prompt), f"{rejected_key!r} reply")
                      if rejected_key is not None and need_rejected else None)
    elif isinstance(chosen, str) and isinstance(rejected, str):
        result = hh.split(chosen, rejected) if hh.looks_like(chosen) else _split_texts(chosen, rejected, prompt_key)
    elif isinstance(chosen, list) and isinstance(rejected, list):
        result = split_conversations(chosen, rejected, chosen_key, rejected_key)
    else:
        raise Skip(WRONG_TYPE, f"no {prompt_key!r} field, and {chosen_key!r} and {rejected_key!r} are not "
                               "two texts or two conversations sharing the prompt")
    if system_key is not None:
        result = result._replace(prompt=with_system(result.prompt, record.get(system_key), system_key))
    if trl_columns and "tools" in record:
        result = result._replace(tools=tools(record["tools"], "tools"))
    return result


def _after(value, prompt: list):
    """A reply list that starts by repeating the prompt, without that prefix."""
    if isinstance(value, list) and len(value) > len(prompt):
        try:
            head = [message(m, "") for m in value[:len(prompt)]]
        except Skip:
            return value
        if head == prompt:
            return value[len(prompt):]
    return value


def split_conversations(chosen: list, rejected: list, chosen_key: str, rejected_key: str | None) -> Pair:
    a = [message(m, f"{chosen_key!r} message {i + 1}") for i, m in enumerate(chosen)]
    b = [message(m, f"{rejected_key!r} message {i + 1}") for i, m in enumerate(rejected)]
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    if len(a) == len(b) == n:
        raise Skip(IDENTICAL, f"{chosen_key!r} and {rejected_key!r} are the same conversation: "
                              "the pair teaches DPO nothing")
    if len(a) - n != 1 or len(b) - n != 1:
        raise Skip(NO_SPLIT, f"{chosen_key!r} and {rejected_key!r} differ before their last message: "
                             "only two conversations that share everything but the final reply convert")
    return Pair(a[:n], reply(a[n:], f"{chosen_key!r} reply"), reply(b[n:], f"{rejected_key!r} reply"))


def _split_texts(chosen: str, rejected: str, prompt_key: str) -> Pair:
    """TRL's implicit prompt for texts: the longest shared prefix, cut back to a whitespace boundary."""
    n = 0
    end = min(len(chosen), len(rejected))
    while n < end and chosen[n] == rejected[n]:
        n += 1
    if n == len(chosen) == len(rejected):
        raise Skip(IDENTICAL, "chosen and rejected are the same text: the pair teaches DPO nothing")
    while n and not chosen[n - 1].isspace():
        n -= 1
    prompt = chosen[:n].strip()
    if not prompt:
        raise Skip(NO_SPLIT, f"no {prompt_key!r} field, and the chosen and rejected texts share no prompt; "
                             "name the prompt column with --prompt-field")
    return Pair([{"role": "user", "content": prompt}], {"role": "assistant", "content": chosen[n:].strip()},
                {"role": "assistant", "content": rejected[n:].strip()})
