"""What TRL's DPOTrainer makes of a record's length: its tokens, and what ``max_length`` drops or cuts.

A record is read through the rule-facing view (any format) into the inputs TRL tokenizes: a
conversational prompt and two replies (lists of messages), or three texts (standard data), with the
record's ``tools`` and ``chat_template_kwargs``. With the model's tokenizer (``--tokenizer``,
pftlint.tokens.hf) the lengths are exactly TRL's: the prompt rendered with ``add_generation_prompt``,
prompt+reply rendered as one conversation (text: concatenated, the EOS appended). Without one they are an
estimate with o200k_base (:data:`STAND_IN`): a text is encoded as text, a conversation counted as
OpenAI's chat format is (pftlint.tokens.counting), and nothing is said about templates.

``max_length`` (DPOConfig's, default 1024; 0 here for TRL's ``None``: no truncation) caps prompt+chosen
and, separately, prompt+rejected. ``keep_start`` (the default) keeps the first ``max_length`` tokens: a
reply loses its end; since TRL 1.9 a row whose prompt alone reaches ``max_length`` is dropped.
``keep_end`` (deprecated since TRL 1.1) keeps the last ones: the prompt loses its start.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from ..model.view import CHOSEN, PROMPT, REJECTED, raw_message
from .counting import O200K, TOOL_COSTS, cached_counter, example_pieces, get_encoding

DEFAULT_MAX_LENGTH = 1024
KEEP_START, KEEP_END = "keep_start", "keep_end"
TRUNCATION_MODES = (KEEP_START, KEEP_END)
STAND_IN = O200K  # the encoding that estimates a model's tokens when no tokenizer is given
_TEXT_KINDS = ("text",)


@lru_cache(maxsize=4)
def model_tokenizer(spec: str):
    """The tokenizer ``spec`` names, loaded once per process (pftlint.tokens.hf.load; ModelTokenizerError)."""
    from .hf import load

    return load(spec)


class PairInputs(NamedTuple):
    """What TRL tokenizes for one pair: text (three strings) or conversational (three message lists)."""

    prompt: Any
    chosen: Any
    rejected: Any
    tools: Any
    template_kwargs: dict | None

    @property
    def conversational(self) -> bool:
        return not isinstance(self.prompt, str)


def pair_inputs(record) -> PairInputs | None:
    """The record's prompt and replies as TRL reads them; None when it is not a pair TRL can tokenize
    (a side missing or of the wrong type: the shape rules report it)."""
    prompt, chosen, rejected = record.prompt, record.preferred, record.rejected
    if prompt is None or chosen is None or rejected is None:
        return None
    kinds = record.kinds
    # TRL's standard (text) rows only: another format's texts become messages when converted to TRL's layout
    if record.format == "trl" and kinds is not None and kinds.get(CHOSEN) in _TEXT_KINDS:
        texts = [_joined_text(items) for items in (prompt, chosen, rejected)]
        if None in texts or kinds.get(REJECTED) not in _TEXT_KINDS or kinds.get(PROMPT) in ("messages", "message"):
            return None
        return PairInputs(*texts, None, None)
    try:
        sides = [[raw_message(m) for m in items] for items in (prompt, chosen, rejected)]
    except (TypeError, ValueError):
        return None
    if not all(isinstance(m, dict) for side in sides for m in side):
        return None
    return PairInputs(*sides, record.tools[1], _template_kwargs(record))


def _joined_text(items: list) -> str | None:
    texts = [getattr(m, "content", None) for m in items]
    return "".join(texts) if all(isinstance(t, str) for t in texts) else None


def _template_kwargs(record) -> dict | None:
    """A TRL row's ``chat_template_kwargs`` (a dict), read only when the record's text names it."""
    if record.format != "trl" or (record.text and "chat_template_kwargs" not in record.text):
        return None
    value = record.mapping().get("chat_template_kwargs")
    return value if isinstance(value, dict) else None


class PairTokens(NamedTuple):
    """One pair's token ids as TRL builds them: the prompt, prompt+chosen and prompt+rejected."""

    prompt: list[int]
    chosen: list[int]
    rejected: list[int]


class Lengths(NamedTuple):
    """Tokens of the prompt, prompt+chosen and prompt+rejected; ``exact``: counted with the model's tokenizer."""

    prompt: int
    chosen: int
    rejected: int
    exact: bool


# The last record tokenized, and its tokens: the rules of one record share one tokenization.
_last: list = [None, None, None]


def pair_tokens(record, spec: str) -> PairTokens | None:
    """The record's ids with the model's tokenizer; None when it is no pair. Raises hf.RenderError
    when the template refuses the conversation."""
    if _last[0] is record and _last[1] == spec:
        if isinstance(_last[2], Exception):
            raise _last[2]
        return _last[2]
    inputs = pair_inputs(record)
    result: Any = None
    if inputs is not None:
        tok = model_tokenizer(spec)
        try:
            prompt_ids, chosen_ids = tok.pair_ids(inputs.prompt, inputs.chosen, inputs.tools, inputs.template_kwargs)
            _, rejected_ids = tok.pair_ids(inputs.prompt, inputs.rejected, inputs.tools, inputs.template_kwargs)
            result = PairTokens(prompt_ids, chosen_ids, rejected_ids)
        except Exception as exc:  # RenderError: remembered, so the next rule of this record gets it too
            result = exc
    _last[:] = [record, spec, result]
    if isinstance(result, Exception):
        raise result
    return result


class Refusal(NamedTuple):
    """A pair the model's chat template refuses: the first rendering it refuses (PROMPT: the prompt with the
    generation prompt; CHOSEN / REJECTED: prompt+reply), and why (the template's own words)."""

    part: str
    message: str


def refusal(record, spec: str) -> Refusal | None:
    """What the chat template of ``spec`` refuses in the record's pair, or None (it renders, or is no pair).

    The pair is tokenized once (shared with the budget rules); only a refused one is rendered again,
    rendering by rendering, to name the part."""
    try:
        pair_tokens(record, spec)
        return None
    except ValueError as exc:  # hf.RenderError
        message = str(exc)
    inputs = pair_inputs(record)
    tok = model_tokenizer(spec)
    for part, replies in ((PROMPT, []), (CHOSEN, [inputs.chosen]), (REJECTED, [inputs.rejected])):
        try:
            tok.pair_texts(inputs.prompt, replies, inputs.tools, inputs.template_kwargs)
        except ValueError as exc:
            return Refusal(part, str(exc))
    return Refusal(PROMPT, message)


def lengths(record, spec: str) -> Lengths | None:
    """The record's lengths: exact with ``spec`` (a tokenizer), else the o200k_base estimate.
    Raises hf.RenderError when the model's template refuses the conversation."""
    if spec:
        ids = pair_tokens(record, spec)
        return None if ids is None else Lengths(len(ids.prompt), len(ids.chosen), len(ids.rejected), True)
    inputs = pair_inputs(record)
    if inputs is None:
        return None
    count = cached_counter(get_encoding(STAND_IN))
    if not inputs.conversational:
        return Lengths(count(inputs.prompt), count(inputs.prompt + inputs.chosen),
                       count(inputs.prompt + inputs.rejected), False)
    pieces = example_pieces(record.normal(), "dpo", TOOL_COSTS[STAND_IN])
    prompt = pieces.prompt.measure(count)
    chosen, rejected = (prompt + out.measure(count) for out in pieces.outputs)
    return Lengths(prompt, chosen, rejected, False)


def stand_in_tokens(text: str) -> list[int]:
    """``text`` in o200k_base tokens (special-token text counted as text)."""
    return get_encoding(STAND_IN).encode_ordinary(text)


class Cut(NamedTuple):
    """What ``max_length`` does to one side: ``lost`` tokens, from the reply's end (keep_start) or the
    sequence's start (keep_end); ``reply_lost``: how many of them are reply tokens."""

    lost: int
    reply_lost: int


def cut(prompt: int, full: int, max_length: int, mode: str) -> Cut:
    """The tokens one side loses at ``max_length`` (0: no truncation), as DataCollatorForPreference cuts."""
    if max_length <= 0 or full <= max_length:
        return Cut(0, 0)
    lost = full - max_length
    if mode == KEEP_END:  # the first tokens go: the prompt's, then (past the prompt) the reply's
        return Cut(lost, max(0, lost - prompt))
    return Cut(lost, min(lost, full - prompt))


def dropped(prompt: int, max_length: int, mode: str) -> bool:
    """Whether TRL >= 1.9 drops the row: keep_start and a prompt of max_length tokens or more."""
    return max_length > 0 and mode == KEEP_START and prompt >= max_length


def first_difference(prompt_ids: list[int], full_ids: list[int]) -> int | None:
    """Where the prompt's tokens stop being the start of prompt+reply's (None: they are its start)."""
    n = len(prompt_ids)
    if full_ids[:n] == prompt_ids:
        return None
    for i, (a, b) in enumerate(zip(prompt_ids, full_ids)):
        if a != b:
            return i
    return min(n, len(full_ids))



class SpecialTokens(NamedTuple):
    """A model's special tokens as text finds them: one pattern (longest first), and the BOS text its
    tokenizer adds in front of a text (None when it adds none)."""

    pattern: Any
    added_bos: str | None


@lru_cache(maxsize=4)
def special_tokens(spec: str) -> SpecialTokens:
    import re

    tok = model_tokenizer(spec)
    texts = sorted((t for t in tok.special_tokens if t), key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, texts))) if texts else None
    bos = tok.bos_token
    added = bos if bos and tok.encode("x", True)[:1] == tok.encode(bos)[:1] != tok.encode("x")[:1] else None
    return SpecialTokens(pattern, added)


def first_special_token(text: str, spec: str) -> tuple[int, str] | None:
    """(position, token) of the first of the model's special tokens in ``text``, or None."""
    pattern = special_tokens(spec).pattern
    found = pattern.search(text) if pattern is not None else None
    return None if found is None else (found.start(), found.group())
