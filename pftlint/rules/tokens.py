"""Token budgets and the model: examples longer than the model's per-example training limit, and a file
of a method the model does not train."""

from __future__ import annotations

from functools import lru_cache

from ..engine.findings import Problem, Severity
from ..profiles.model_limits import budget, models_for
from ..tokens.counting import TOOL_COSTS, example_pieces, get_encoding, token_counter, utf8_size
from ..model.view import CHOSEN, MESSAGES, PROMPT, REJECTED
from . import file_rule, record_rule
from .content import side_names

SLACK = 64  # reply priming and the fixed tool-definition tokens
_REPLIES = (CHOSEN, REJECTED)


@lru_cache(maxsize=64)
def _limit(model: str | None, target: str, max_tokens: int) -> tuple[int, str, str] | None:
    """(limit, encoding, what the limit is) for this run, or None when there is nothing to check."""
    if not model:
        return None
    b = budget(model, target)
    if max_tokens > 0:
        return max_tokens, b.encoding, f"the max-tokens limit of {max_tokens:,}"
    if b.limit is None:
        return None
    return b.limit, b.encoding, f"{b.model}'s training limit of {b.limit:,} tokens per example"


def _found(target, options):
    found = _limit(target.default_model, target.name, options["max-tokens"])
    if found is None and target.max_example_tokens and not target.default_model:
        # a platform limit without a shipped tokenizer (Vertex: SOURCES.md §7 V2): o200k_base estimates it
        n = target.max_example_tokens
        return n, "o200k_base", f"{target.title}'s limit of {n:,} tokens per example (counted with o200k_base, an estimate)"
    return found


def surely_short(record, options) -> bool:
    """The rule's guard: no limit to check, or a record too short to reach it.

    Per-message and tool overheads are a few tokens each, always fewer than the bytes of JSON
    syntax around them; no token is shorter than one byte. So a record whose whole JSON text is
    under the limit in bytes (Record.text_bytes, a bound on its UTF-8 size) cannot exceed it.
    """
    found = _found(record.target, options)
    return found is None or (0 <= record.text_bytes and record.text_bytes + SLACK <= found[0])


@record_rule("example-too-long", guard=surely_short)
def example_too_long(record, options):
    found = _found(record.target, options)
    if found is None:
        return
    limit, encoding, what = found
    # counted on OpenAI's layout of the record, whatever format it is written in
    pieces = example_pieces(record.normal(), record.method, TOOL_COSTS[encoding])
    # No token is shorter than one byte: an example whose text fits in `limit` bytes fits in `limit` tokens.
    prompt_bound = pieces.prompt.measure(utf8_size)
    if not pieces.outputs:  # supervised: the whole conversation, truncated by the provider
        if prompt_bound <= limit:
            return
        n, exact = pieces.prompt.count_until(token_counter(get_encoding(encoding)), limit)
        if n > limit:
            yield Problem(f"the conversation is {_tokens(n, exact)}, over {what}: training truncates it from "
                          "the end, so its last replies are lost; shorten it or split it into several examples",
                          json_path=record.paths[MESSAGES] or None, severity=Severity.WARNING)
        return
    bounds = [prompt_bound + out.measure(utf8_size) for out in pieces.outputs]
    if max(bounds) <= limit:
        return
    # Counting stops once over the limit: the finding needs no more, and a huge text is never encoded whole.
    count = token_counter(get_encoding(encoding))
    prompt, exact = pieces.prompt.count_until(count, limit)
    if prompt > limit:
        yield Problem(f"the input alone is {_tokens(prompt, exact)}, over {what}; shorten the prompt "
                      "or drop this example", json_path=record.paths[PROMPT] or None)
        return
    for key, out, bound in zip(_REPLIES, pieces.outputs, bounds):
        if bound <= limit:
            continue
        n, exact = out.count_until(count, limit, start=prompt)
        if n > limit:
            yield Problem(f"the input with {side_names(record)[key == REJECTED]} is {_tokens(n, exact)}, over {what}; shorten the "
                          "prompt or the reply, or drop this example", json_path=record.paths[key] or None)


def _tokens(n: int, exact: bool) -> str:
    """The count, or the lower bound it reached when counting stopped early."""
    return f"{n:,} tokens" if exact else f"at least {n:,} tokens (counting stops past the limit)"


_METHOD_WORDS = {"dpo": "preference (DPO)", "supervised": "supervised"}


@file_rule("method-not-supported")
def method_not_supported(file, options):
    model = file.target.default_model  # --model, or the target's default model
    if not model or not file.stats.records or file.method not in _METHOD_WORDS:
        return
    b = budget(model, file.target.name)
    if file.method in b.methods:
        return
    others = models_for(file.method, file.target.name)
    instead = f"choose a model that does with --model ({', '.join(others)})" if others else \
        f"no model pftlint knows trains it under --target {file.target.name}"
    trains = " or ".join(_METHOD_WORDS[m] for m in b.methods) or "nothing"
    yield Problem(f"this is a {_METHOD_WORDS[file.method]} file, but {b.model} is not listed for "
                  f"{_METHOD_WORDS[file.method]} fine-tuning under {file.target.title} (only {trains}), so expect "
                  f"the job to be refused; {instead}")
