"""Trainer budgets: what TRL's DPOTrainer drops, cuts or mis-slices at ``max_length``, and the rows its chat
template refuses (pftlint.tokens.trainer).

Each rule reads the options ``tokenizer`` (the model's, "" for the o200k_base estimate), ``max-length``
and ``truncation-mode``; the settings ``tokenizer``, ``max-length`` and ``truncation-mode`` (flags and
configuration) fill them in for every rule that declares them (pftlint.profiles.config).
"""

from __future__ import annotations

from typing import Iterator

from ..engine.findings import Problem
from ..model.view import CHOSEN, PROMPT, REJECTED
from ..tokens import trainer
from ..util.printable import printable
from . import record_rule

TRAINER_TARGET = "trl"  # the budget is TRL's DPOTrainer's: under another target the rules say nothing
_SIDES = (CHOSEN, REJECTED)
_NAMES = {CHOSEN: "chosen", REJECTED: "rejected"}
KEEP_END_NOTE = " (keep_end is deprecated since TRL 1.1; keep_start is the default)"


def _lengths(record, options: dict) -> trainer.Lengths | None:
    try:
        return trainer.lengths(record, options["tokenizer"])
    except ValueError:  # the model's template refuses the conversation: TRL fails on it, no length to judge
        return None


ESTIMATE_NOTE = " (counted with o200k_base, an estimate: pass --tokenizer for the model's own count)"


def _note(exact: bool) -> str:
    return "" if exact else ESTIMATE_NOTE


def surely_short(record, options) -> bool:
    """The guard: no limit, or a record too short to reach it (a token is at least one character
    for the stand-in and for every tokenizer but one whose added special tokens are shorter than
    their text: a template's boilerplate is counted by the rule itself)."""
    max_length = options["max-length"]
    if record.target.name != TRAINER_TARGET or max_length <= 0:
        return True
    text = record.text
    return not options["tokenizer"] and bool(text) and (len(text) if text.isascii() else 4 * len(text)) + 64 <= max_length


@record_rule("prompt-too-long", methods=("dpo",), guard=surely_short)
def prompt_too_long(record, options: dict) -> Iterator[Problem]:
    max_length, mode = options["max-length"], options["truncation-mode"]
    found = _lengths(record, options) if mode == trainer.KEEP_START and record.target.name == TRAINER_TARGET else None
    if found is None or not trainer.dropped(found.prompt, max_length, mode):
        return
    yield Problem(f"the prompt alone is {found.prompt:,} tokens{_note(found.exact)}, reaching max_length {max_length:,}: "
                  "TRL 1.9 and later drop this row without a word (0.29 to 1.8 keep it with no reply token to learn "
                  "from; 0.28 and older cut the prompt's start); shorten the prompt (or its tools), raise "
                  "--max-length, or drop the row",
                  json_path=record.paths[PROMPT] or None)


@record_rule("reply-truncated", methods=("dpo",), guard=surely_short)
def reply_truncated(record, options: dict) -> Iterator[Problem]:
    max_length, mode = options["max-length"], options["truncation-mode"]
    found = _lengths(record, options) if record.target.name == TRAINER_TARGET else None
    if found is None or trainer.dropped(found.prompt, max_length, mode):
        return  # fits nothing, or prompt-too-long's row
    full = {CHOSEN: found.chosen, REJECTED: found.rejected}
    cuts = {side: trainer.cut(found.prompt, full[side], max_length, mode) for side in _SIDES}
    cut_sides = [side for side in _SIDES if cuts[side].lost]
    if not cut_sides:
        return
    parts = []
    for side in cut_sides:
        lost, total = cuts[side].lost, full[side]
        where = (f"its reply loses its last {lost:,} tokens, its end-of-turn token included" if mode == trainer.KEEP_START
                 else f"the first {lost:,} tokens go (the prompt's start"
                      + (f", then {cuts[side].reply_lost:,} of the reply's)" if cuts[side].reply_lost else ")"))
        parts.append(f"prompt+{_NAMES[side]} is {total:,} tokens, over max_length {max_length:,}: {where}")
    kept = [side for side in _SIDES if not cuts[side].lost]
    unequal = cuts[CHOSEN].reply_lost != cuts[REJECTED].reply_lost
    if kept:
        parts.append(f"prompt+{_NAMES[kept[0]]} fits ({full[kept[0]]:,} tokens), so one reply ends and the other "
                     "is cut off: DPO learns the missing ending as a preference")
    elif unequal and mode == trainer.KEEP_START:
        parts.append("the two replies are cut unequally")
    advice = ("shorten the replies (or the prompt), raise --max-length, or drop the row" if mode == trainer.KEEP_START
              else "shorten the prompt, raise --max-length, or drop the row" + KEEP_END_NOTE)
    side = cut_sides[0] if len(cut_sides) == 1 else (CHOSEN if full[CHOSEN] >= full[REJECTED] else REJECTED)
    yield Problem("; ".join(parts) + "; " + advice + _note(found.exact), json_path=record.paths[side] or None)


def other_trainer(record, options) -> bool:
    """prompt-not-prefix's guard: under another target than TRL's the rule says nothing."""
    return record.target.name != TRAINER_TARGET


@record_rule("prompt-not-prefix", methods=("dpo",), guard=other_trainer)
def prompt_not_prefix(record, options: dict) -> Iterator[Problem]:
    spec = options["tokenizer"]
    if record.target.name != TRAINER_TARGET:
        return
    if spec:
        try:
            ids = trainer.pair_tokens(record, spec)
        except ValueError:
            return
        if ids is None:
            return
        conversational = trainer.pair_inputs(record).conversational
        prompt_ids, sides = ids.prompt, {CHOSEN: ids.chosen, REJECTED: ids.rejected}
        counted = ""
    else:  # no template without the model's tokenizer: only text pairs, with the stand-in encoding
        inputs = trainer.pair_inputs(record)
        if inputs is None or inputs.conversational:
            return
        conversational = False
        prompt_ids = trainer.stand_in_tokens(inputs.prompt)
        sides = {CHOSEN: trainer.stand_in_tokens(inputs.prompt + inputs.chosen),
                 REJECTED: trainer.stand_in_tokens(inputs.prompt + inputs.rejected)}
        counted = " (with o200k_base standing in for the model's tokenizer: pass --tokenizer)"
    for side in _SIDES:
        at = trainer.first_difference(prompt_ids, sides[side])
        if at is None:
            continue
        if conversational:
            cause = ("the chat template writes the prompt's generation header differently from the assistant "
                     "turn it renders in the whole conversation (or changes earlier turns once a reply follows): "
                     "make the prompt end with the turn the replies answer, pass the chat_template_kwargs the "
                     "template needs, or fix the template")
        else:
            cause = ("the prompt and the reply merge into other tokens where they meet: end the prompt at a word "
                     "boundary without a trailing space, and start each reply with its space")
        yield Problem(f"the prompt's {len(prompt_ids):,} tokens are not the start of prompt+{_NAMES[side]}'s "
                      f"(they differ at token {at + 1:,}){counted}: TRL logs 'Mismatch between tokenized prompt "
                      f"and the start of tokenized prompt+{_NAMES[side]}' and takes the reply by length, so the "
                      f"loss is computed on shifted tokens; {cause}",
                      json_path=record.paths[side] or None)
        return  # the same cause on both sides: one finding per record


def no_template(record, options) -> bool:
    """template-error's guard: no tokenizer (so no template), or another target than TRL's."""
    return not options["tokenizer"] or record.target.name != TRAINER_TARGET


_RENDERED = {PROMPT: "the prompt, rendered with the generation prompt", CHOSEN: "prompt+chosen",
             REJECTED: "prompt+rejected"}
_WHY_LIMIT = 300  # characters of the template's message quoted


@record_rule("template-error", methods=("dpo",), guard=no_template)
def template_error(record, options: dict) -> Iterator[Problem]:
    spec = options["tokenizer"]
    if not spec or record.target.name != TRAINER_TARGET:
        return
    found = trainer.refusal(record, spec)
    if found is None:
        return
    why = printable(found.message)
    if len(why) > _WHY_LIMIT:
        why = why[:_WHY_LIMIT - 3] + "..."
    yield Problem(f"{why} (in {_RENDERED[found.part]}): TRL renders every row with the model's chat template "
                  "while it prepares the dataset, and this error stops the run before training starts; write "
                  "the conversation as the template accepts it (for example, a template without a system role: "
                  "put the system text in the first user turn; turns that must alternate: merge or remove the "
                  "repeated turn), use the template the model was trained with, or drop the row",
                  json_path=record.paths[found.part] or None)
