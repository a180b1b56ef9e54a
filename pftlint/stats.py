"""``pftlint stats``: token counts, limits, epochs and cost of training files.

Every example is counted exactly (pftlint.tokens.counting). A large file is cut into
chunks at line boundaries by the driver ``pftlint check`` uses (pftlint.engine.parallel):
forked worker processes and the main process read, parse and count one chunk at a
time, so parsing and encoding both use every core, and the main process adds up the
chunks' sums.
Threads were slower: between tiktoken's calls the GIL is held for the parsing
and the many short strings of a record, so the threads waited on each other.
Small files, standard input and files the chunks cannot reproduce are counted
in one pass. Results are plain dicts (the JSON output); ``render`` draws them
with Rich for a terminal.

The figures of a file, all in tokens of the model's encoding (defined here, in ``_Acc`` and
``_summary``, and nowhere else):

- an example's *size* is what the per-example limit applies to: for supervised, the whole
  conversation; for DPO, the input plus the longer of its two outputs (each pair is trained as
  input + output, pftlint.rules.tokens). ``min``, ``median``, ``p90``, ``max`` and ``mean``
  are figures of these sizes (median and p90 are nearest-rank percentiles), so
  min <= median <= p90 <= max and min <= mean <= max always hold.
- ``total`` is every token of the file: supervised, the sum of the sizes; DPO, each input once
  plus both outputs (more than the sum of the sizes).
- ``billed_tokens`` = default epochs x the file's training tokens, where an example's training
  tokens are its size capped at the limit (supervised, as OpenAI's cookbook does), or the input
  once plus both outputs, uncapped (DPO: ``total``); see ``BILLING_NOTE``.

What the reader could not read is reported, not counted: ``error`` names a file that is not
JSON Lines text at all (UTF-16, gzip, zip, Parquet, binary, a damaged .gz or .parquet: the
reader's own wording) or holds no records; ``unreadable_lines`` counts lines (a broken
multi-line document once) that are not a JSON record object, with ``first_unreadable`` the first
of them; ``invalid_utf8_lines`` counts records whose line is not valid UTF-8 (counted with the bad
bytes replaced), ``first_invalid_utf8`` the first. ``skipped`` counts records of another format than
the file's method.

Each file is counted with the settings of its closest configuration, found and grouped as
``pftlint check`` finds them (pftlint.engine.plan.files_by_settings); the document's run-level
keys (target, model, encoding, limit, price, trainer) are the working directory's settings (or
--config's, --isolated's), and a file counted with other settings carries them as ``settings``
(the same keys, and ``config``: the configuration file).
"""

from __future__ import annotations

from array import array
from contextlib import nullcontext
from dataclasses import dataclass, field, fields, replace
from itertools import chain
from typing import BinaryIO, Iterator

from . import __version__
from .engine.linter import sample_method
from .engine.parallel import Chunk, FileJob, available_cores, read_chunk, run_file
from .model import formats
from .profiles.model_limits import Budget, budget
from .reading.reader import Issue, Reader, RecordUnit
from .reading.streams import LineStream
from .model.layouts import view_of
from .profiles.targets import load_target
from .tokens import trainer
from .util.distribution import histogram, percentile
from .util.gc_pause import no_cycle_collection
from .tokens.trainer_figures import PairFigures
from .tokens.counting import O200K, TOOL_COSTS, cached_counter, example_pieces, get_encoding
from .util.progress import ByteProgress

# OpenAI's default-epochs heuristic, as the cookbook reproduces it (SOURCES.md §1d).
TARGET_EPOCHS, MIN_TARGET_EXAMPLES, MAX_TARGET_EXAMPLES = 3, 100, 25_000
MIN_DEFAULT_EPOCHS, MAX_DEFAULT_EPOCHS = 1, 25

BILLING_NOTE = ("billed tokens = epochs x training tokens, summed over the examples: for supervised, the "
                "example's tokens capped at the limit (as the cookbook does); for DPO, the input once plus "
                "both outputs, uncapped, i.e. the total tokens (how providers bill DPO is unconfirmed: "
                "SOURCES.md §1f, §5 U6). Tokens per example are what the limit applies to: "
                "a DPO input plus its longer output")
TRAINER_NOTE = ("with --tokenizer, a DPO file's tokens are the model's, counted as TRL's DPOTrainer builds each "
                "pair (SOURCES.md §9 B1): the prompt rendered with the generation prompt, prompt+chosen and "
                "prompt+rejected rendered whole (text pairs: the tokenizer's BOS and TRL's EOS included); a "
                "reply's tokens are prompt+reply's less the prompt's; tokens per example is the longer side. "
                "Dropped: the prompt alone reaches max_length (TRL >= 1.9, keep_start); truncated: a side "
                "over max_length, cut as truncation_mode says")
# Reader findings that mean a line (or a broken multi-line document) is not a record to count.
UNREADABLE_RULES = frozenset({"invalid-json", "not-an-object"})


def default_epochs(n: int) -> int:
    if n <= 0:
        return 0
    if n * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n)
    if n * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n)
    return TARGET_EPOCHS


@dataclass
class Settings:
    target: str
    model: str | None  # base snapshot, or None: o200k_base counts, no limit
    method: str = "auto"
    jobs: int = 0
    # The trainer's budget (pftlint.tokens.trainer): with a tokenizer, pairs are counted as TRL builds them
    tokenizer: str | None = None
    max_length: int = trainer.DEFAULT_MAX_LENGTH
    truncation_mode: str = trainer.KEEP_START

    @property
    def budget(self) -> Budget | None:
        return budget(self.model, self.target) if self.model else None

    @property
    def encoding(self) -> str:
        b = self.budget
        return b.encoding if b else O200K


@dataclass
class _Acc:
    """Per-file accumulators."""

    limit: int | None
    sizes: array = field(default_factory=lambda: array("q"))  # tokens the limit applies to, per example
    size_sum: int = 0  # sum of ``sizes``: the mean's numerator
    total: int = 0  # every token of the file (a DPO input once, both outputs)
    capped: int = 0  # training tokens: what one epoch bills
    over: int = 0
    preferred: int = 0
    non_preferred: int = 0
    preferred_longer: int = 0
    non_preferred_longer: int = 0
    equal: int = 0

    def add(self, prompt: int, outputs: tuple[int, ...]) -> None:
        limit = self.limit
        if outputs:  # DPO: input + each output
            pref, nonpref = outputs
            size = prompt + max(pref, nonpref)
            self.total += prompt + pref + nonpref
            self.capped += prompt + pref + nonpref
            self.preferred += pref
            self.non_preferred += nonpref
            if pref > nonpref:
                self.preferred_longer += 1
            elif nonpref > pref:
                self.non_preferred_longer += 1
            else:
                self.equal += 1
        else:
            size = prompt
            self.total += size
            self.capped += min(size, limit) if limit else size
        self.sizes.append(size)
        self.size_sum += size
        if limit and size > limit:
            self.over += 1

    def merge(self, other: _Acc) -> None:
        """Add another chunk's sums (the order of ``sizes`` does not matter: they are sorted)."""
        self.sizes.extend(other.sizes)
        for f in fields(self):
            if f.name not in ("limit", "sizes"):
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class _Unread:
    """What the reader could not turn into records: reported, never counted."""

    lines: int = 0  # lines (a broken multi-line document once) that are not a record object
    first: Issue | None = None  # the first of them
    empty: Issue | None = None  # the reader's empty-file finding
    last: Issue | None = None  # the latest finding: the one that says what a binary file is
    bad_text: int = 0  # lines that are not valid UTF-8: counted, their bad bytes replaced (U+FFFD)
    first_bad_text: int | None = None

    def note(self, issue: Issue) -> None:
        self.last = issue
        if issue.rule == "invalid-utf8" and "file" not in issue.found:
            self.bad_text += 1
            if self.first_bad_text is None:
                self.first_bad_text = issue.line
        elif issue.rule in UNREADABLE_RULES:
            self.lines += 1
            if self.first is None:
                self.first = issue
        elif issue.rule == "empty-file":
            self.empty = issue

    def problem(self, reader: Reader, examples: int) -> str | None:
        """Why the file could not be counted at all (None when it could), in the reader's words."""
        if reader.stats.structure == "binary" and self.last is not None:
            return self.last.message
        if self.empty is not None:
            return self.empty.message
        if not examples and not reader.stats.records and self.first is not None:
            if self.first.found.get("kind") == "text":  # a text file: the reader's one finding says it all
                return self.first.message
            return (f"no line is a JSON record object ({lines_text(self.lines)} {'is' if self.lines == 1 else 'are'} "
                    f"not; line {self.first.line}: "
                    f"{self.first.message})")
        return None


def lines_text(n: int) -> str:
    """``1 line``, ``2,000 lines``."""
    return f"{n:,} line" + ("" if n == 1 else "s")


def _counted_as(fmt: str, method: str) -> bool:
    """Whether a record of format ``fmt`` is counted in a file of ``method``: every format of that method
    pftlint reads into its view, except unpaired rows (a KTO row has one reply, not a pair)."""
    return formats.METHOD_OF.get(fmt) == method and fmt != formats.TRL_UNPAIRED


def _count_units(units: Iterator, method: str, encoding: str, acc: _Acc, unread: _Unread,
                 target_name: str = "openai") -> int:
    """Count the records of ``method`` into ``acc``, the reader's findings into ``unread``;
    the number of records in another format."""
    costs = TOOL_COSTS[encoding]
    count = None  # the tokenizer is loaded at the first record
    add = acc.add
    target = None  # loaded at the first record of another format
    skipped = [0]
    with no_cycle_collection():
        for unit, fmt in _countable(units, method, unread, skipped):
            data = unit.data
            if fmt != method:
                target = target or load_target(target_name)
                data = view_of(data, fmt, method, target, unit.line).normal()  # OpenAI's layout: the same counts
            if count is None:
                count = cached_counter(get_encoding(encoding))
            ex = example_pieces(data, method, costs)
            add(ex.prompt.measure(count), tuple([out.measure(count) for out in ex.outputs]))
    return skipped[0]


def _countable(units: Iterator, method: str, unread: _Unread, skipped: list[int]) -> Iterator[tuple[RecordUnit, str]]:
    """(record, its format) for the records counted in a file of ``method``; the reader's findings go to
    ``unread``; ``skipped[0]`` counts the records of another method."""
    detect = formats.detect
    for unit in units:
        if type(unit) is not RecordUnit:
            unread.note(unit)
            continue
        fmt = detect(unit.data)
        if fmt == method or _counted_as(fmt, method):
            yield unit, fmt
        else:
            skipped[0] += 1


# -- pairs as TRL tokenizes them (--tokenizer) --------------------------------------------------------------
# Records tokenized per batch: the texts of this many pairs go to the Rust tokenizer at once.
PAIR_BATCH = 1024


def _count_pairs(units: Iterator, settings: Settings, acc: _Acc, unread: _Unread, pairs: PairFigures) -> int:
    """Count a DPO file's pairs with the model's tokenizer, as TRL builds them, a batch at a time; the
    number of records that are no pair (another format, an unpaired row)."""
    model, target = pairs.model, load_target(settings.target)
    batch: list = []  # (line, PairInputs)

    def flush() -> None:
        texts: dict[bool, list[str]] = {True: [], False: []}  # by add_special_tokens: text pairs, conversations
        owners = []
        for line, inputs in batch:
            try:
                rendered = model.pair_texts(inputs.prompt, (inputs.chosen, inputs.rejected), inputs.tools,
                                            inputs.template_kwargs)
            except ValueError:  # the template refuses the conversation (hf.RenderError)
                pairs.refused(line)
                continue
            kind = not inputs.conversational
            owners.append((kind, len(texts[kind])))
            texts[kind].extend(rendered)
        counts = {kind: model.count_texts(items, add_special_tokens=kind) if items else []
                  for kind, items in texts.items()}
        for kind, start in owners:
            prompt, chosen, rejected = counts[kind][start:start + 3]
            sizes = pairs.add(prompt, chosen, rejected)
            acc.add(sizes[0], sizes[1:])
        batch.clear()

    skipped = [0]
    with no_cycle_collection():
        for unit, fmt in _countable(units, formats.DPO, unread, skipped):
            inputs = trainer.pair_inputs(view_of(unit.data, fmt, formats.DPO, target, unit.line, unit.text))
            if inputs is None:
                pairs.refused(unit.line)
                continue
            batch.append((unit.line, inputs))
            if len(batch) >= PAIR_BATCH:
                flush()
        flush()
    return skipped[0]



def file_stats(path: str, settings: Settings) -> dict:
    """Count one file ("-": standard input), in chunks on ``settings.jobs`` cores when it is large."""
    return run_file(_CountJob(settings), path, settings.jobs)


class _CountJob(FileJob):
    def __init__(self, settings: Settings):
        self.settings = settings
        self.budget = settings.budget
        self.limit = self.budget.limit if self.budget else None
        self.method = ""
        self.acc = _Acc(self.limit)
        self.skipped = 0
        self.unread = _Unread()  # what the chunks say of lines that are not valid UTF-8
        self.path = ""
        self.progress: ByteProgress | None = None

    def one_pass(self, stream: BinaryIO, path: str, size: int | None) -> dict:
        settings, b = self.settings, self.budget
        progress = ByteProgress(path, size)
        # without a bar, the stream itself: a packed file's stream tells the reader where it broke off
        reader = Reader(stream if progress.bar is None else LineStream(progress.wrap(stream)))
        units = iter(reader)
        head, method, _ = sample_method(units, settings.method)
        acc = _Acc(self.limit)
        unread = _Unread()
        if settings.tokenizer and method == formats.DPO:
            pairs = PairFigures(settings.tokenizer, settings.max_length, settings.truncation_mode)
            skipped = _count_pairs(chain(head, units), settings, acc, unread, pairs)
            summary = _summary(path, method, acc, skipped, b, unread, unread.problem(reader, len(acc.sizes)))
            summary["trainer"] = pairs.summary(len(acc.sizes))
            return summary
        skipped = _count_units(chain(head, units), method, settings.encoding, acc, unread, settings.target)
        return _summary(path, method, acc, skipped, b, unread, unread.problem(reader, len(acc.sizes)))

    def prepare(self, stream: BinaryIO, path: str, size: int) -> bool:
        if self.settings.tokenizer:  # one pass: the tokenizer encodes each batch on every core itself
            return False
        _, self.method, _ = sample_method(iter(Reader(stream)), self.settings.method)
        get_encoding(self.settings.encoding)  # loaded once, before the fork: every worker inherits it
        self.path = path
        self.progress = ByteProgress(path, size)  # its bar starts after the fork (running())
        return True

    def running(self):
        return self.progress.bar or nullcontext()

    def chunk(self, chunk: Chunk) -> tuple[_Acc, int, _Unread] | None:
        acc = _Acc(self.limit)
        unread = _Unread()
        # A chunk with a line that is not a record falls back to one pass (not a local issue), which
        # reports it; lines that are not valid UTF-8 are local (counted, and said): kept here.
        done = read_chunk(chunk, lambda units: _count_units(units, self.method, self.settings.encoding,
                                                            acc, unread, self.settings.target))
        return None if done is None else (acc, done[0], unread)

    def add(self, part: tuple[_Acc, int, _Unread], chunk: Chunk) -> None:
        self.acc.merge(part[0])
        self.skipped += part[1]
        text = part[2]  # chunks come in file order: the first chunk with a bad line has the first one
        if text.bad_text:
            self.unread.bad_text += text.bad_text
            if self.unread.first_bad_text is None:
                self.unread.first_bad_text = text.first_bad_text
        bar = self.progress.bar
        if bar is not None:
            bar.advance(self.progress.task, chunk.end - chunk.start)

    def finish(self, size: int) -> dict:
        return _summary(self.path, self.method, self.acc, self.skipped, self.budget, self.unread, None)


def _summary(path: str, method: str, acc: _Acc, skipped: int, b: Budget | None, unread: _Unread,
             error: str | None) -> dict:
    """The JSON of one file (each figure is defined in the module docstring)."""
    ordered = sorted(acc.sizes)
    n = len(ordered)
    epochs = default_epochs(n)
    billed = acc.capped * epochs
    price = b.training_price if b else None
    preference = None
    if method == formats.DPO:
        preference = {
            "preferred_tokens_mean": round(acc.preferred / n, 1) if n else None,
            "non_preferred_tokens_mean": round(acc.non_preferred / n, 1) if n else None,
            "preferred_longer": acc.preferred_longer,
            "non_preferred_longer": acc.non_preferred_longer,
            "equal": acc.equal,
            "preferred_longer_share": round(acc.preferred_longer / n, 4) if n else None,
        }
    return {
        "path": path,
        "method": method,
        "examples": n,
        "skipped": skipped,
        "unreadable_lines": unread.lines,
        "first_unreadable": unread.first.line if unread.first else None,
        "invalid_utf8_lines": unread.bad_text,
        "first_invalid_utf8": unread.first_bad_text,
        "error": error,
        "tokens": {
            "total": acc.total,
            "mean": round(acc.size_sum / n, 1) if n else None,
            "min": ordered[0] if n else None,
            "median": percentile(ordered, 50),
            "p90": percentile(ordered, 90),
            "max": ordered[-1] if n else None,
        },
        "over_limit": {"count": acc.over, "share": round(acc.over / n, 4) if n else 0.0} if b and b.limit else None,
        "preference": preference,
        "epochs": epochs,
        "billed_tokens": billed,
        "cost_usd": round(billed * price / 1_000_000, 2) if price is not None else None,
        "histogram": histogram(ordered),
    }


def compute_by_settings(named: list[str], groups: list[tuple[Settings, list[str], str | None]],
                        default: Settings) -> dict:
    """The whole JSON document for files counted with the settings of their closest configuration.

    ``named``: the files in the order found; ``groups``: (settings, files, the configuration file that gave
    them or None) covering them. The document's run-level keys are ``default``'s (the settings of the
    working directory, or of --config / --isolated); a file counted with other settings carries them as
    ``settings`` (the same keys, and ``config``), so one configuration for every file gives the document a
    run of one configuration always had.
    """
    if default.jobs <= 0:
        default = replace(default, jobs=available_cores())
    doc = compute([], default)
    notes: list[str] = []  # those of the settings some file was counted with (each once)
    by_path: dict[str, dict] = {}  # each file is found once (pftlint.reading.discovery)
    for settings, paths, config in groups:
        settings = replace(settings, jobs=default.jobs)
        part = compute(paths, settings)
        notes += [note for note in part["notes"] if note not in notes]
        if settings != default:
            described = {key: part[key] for key in _RUN_KEYS if key in part} | {"config": config}
            for f in part["files"]:
                f["settings"] = described
        by_path.update(zip(paths, part["files"]))
    doc["files"] = [by_path[path] for path in named]
    if groups:
        doc["notes"] = notes
    return doc


# The run-level keys of the document that a file counted with other settings carries as its own.
_RUN_KEYS = ("target", "model", "encoding", "limit", "training_price_per_million", "trainer")


def file_settings(doc: dict, f: dict) -> dict:
    """What a file was counted with: its own ``settings``, or the document's."""
    return f.get("settings") or doc


def compute(paths: list[str], settings: Settings) -> dict:
    """The whole JSON document for these files, all counted with ``settings``."""
    if settings.jobs <= 0:
        settings = replace(settings, jobs=available_cores())
    b = settings.budget
    notes = [BILLING_NOTE]
    if settings.tokenizer:
        notes.append(TRAINER_NOTE)
    if b is None and not settings.tokenizer:  # with a tokenizer the counts are the model's own
        notes.append(f"no model: the {settings.target} profile has no default-model, so tokens are o200k_base "
                     "counts (an estimate for this provider's models), with no limit and no cost; pass --model")
    elif b is not None and b.training_price is None:
        notes.append(f"no published training price for {b.model} under --target {settings.target}: no cost shown")
    files = [file_stats(p, settings) for p in paths]
    for f in files:
        if b is not None and f["examples"] and f["method"] not in b.methods:
            notes.append(f"{f['path']}: {b.model} is not listed for {f['method']} fine-tuning "
                         f"under --target {settings.target} (rules/models.toml)")
    doc = {
        "version": __version__,
        "target": settings.target,
        "model": b.model if b else None,
        "encoding": settings.encoding,
        "limit": b.limit if b else None,
        "training_price_per_million": b.training_price if b else None,
        "files": files,
        "notes": notes,
    }
    if settings.tokenizer:  # only then: the figures of the files' "trainer" objects are counted with it
        doc["trainer"] = {"tokenizer": settings.tokenizer, "max_length": settings.max_length,
                          "truncation_mode": settings.truncation_mode}
    return doc
