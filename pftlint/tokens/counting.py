"""Token counting, offline: the tokenizers ship inside the package.

Encodings are built from the rank files in ``pftlint/_tokenizers`` (checked
against the SHA-256 tiktoken itself expects, then parsed once per installed file
and kept in pftlint's own cache: see that package for why the cache can be
trusted), never downloaded and never read from tiktoken's cache directory. They
are loaded lazily, once per process.

A conversation is counted the way the cookbook counts the chat format
(SOURCES.md §2): 3 tokens per message, +1 for a ``name``, the tokens of
every string value, 3 for the reply priming, and tool definitions per
``num_tokens_for_tools``. Content parts count their text, tool calls their
function name and arguments. Special tokens inside text are counted as text.

Counting goes through :class:`Pieces`: the strings of an example and the
constant overhead around them. Summing the strings' UTF-8 sizes instead of their
tokens gives an upper bound (no token is shorter than one byte), which lets the
token rule skip encoding every example that cannot be over the limit.

A long string is encoded in pieces (:class:`TextCounter`), cut only where the
encodings' pre-tokenizer cuts anyway, so the count is exact and the tokens of only
one piece are held at a time; the token rule also stops counting once it is over.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

# The rank files and their loader; the hashes, the error and the raw readers are re-exported for callers.
from .._tokenizers import CL100K, ENCODINGS, O200K, load_ranks
from .._tokenizers import EXPECTED_SHA256, TokenizerError, parse_ranks, rank_file_bytes  # noqa: F401

if TYPE_CHECKING:  # imported by get_encoding: a run that counts no token never loads tiktoken
    import tiktoken

ENDOFTEXT = "<|endoftext|>"
FIM_PREFIX = "<|fim_prefix|>"
FIM_MIDDLE = "<|fim_middle|>"
FIM_SUFFIX = "<|fim_suffix|>"
ENDOFPROMPT = "<|endofprompt|>"

# The split patterns and special tokens of tiktoken_ext/openai_public.py (tiktoken 0.7 to 0.14).
_PATTERNS = {
    O200K: "|".join([
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]),
    CL100K: r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",
}
_SPECIAL = {
    O200K: {ENDOFTEXT: 199999, ENDOFPROMPT: 200018},
    CL100K: {ENDOFTEXT: 100257, FIM_PREFIX: 100258, FIM_MIDDLE: 100259, FIM_SUFFIX: 100260, ENDOFPROMPT: 100276},
}


_LOCK = threading.Lock()
_CACHE: dict[str, tiktoken.Encoding] = {}
_RANKS: dict[str, dict[bytes, int]] = {}  # the same dicts the encodings hold


def get_encoding(name: str) -> tiktoken.Encoding:
    """The encoding, built from the shipped rank file on first use (thread-safe)."""
    enc = _CACHE.get(name)
    if enc is not None:
        return enc
    with _LOCK:
        enc = _CACHE.get(name)
        if enc is None:
            import tiktoken

            ranks = load_ranks(name)
            enc = tiktoken.Encoding(name, pat_str=_PATTERNS[name], mergeable_ranks=ranks,
                                    special_tokens=_SPECIAL[name])
            _RANKS[name] = ranks
            _CACHE[name] = enc
    return enc


# -- the chat format --------------------------------------------------------
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3  # <|start|>assistant<|message|>


@dataclass(frozen=True)
class ToolCosts:
    """num_tokens_for_tools' constants ([CB-TOK]); they differ by model family."""

    func_init: int
    prop_init: int = 3
    prop_key: int = 3
    enum_init: int = -3
    enum_item: int = 3
    func_end: int = 12


TOOL_COSTS = {O200K: ToolCosts(func_init=7), CL100K: ToolCosts(func_init=10)}


@dataclass(slots=True)
class Pieces:
    """The strings of part of an example, and the tokens around them that do not depend on text."""

    overhead: int = 0
    strings: list[str] = field(default_factory=list)

    def measure(self, size: Callable[[str], int]) -> int:
        return self.overhead + sum(map(size, self.strings))

    def count_until(self, counter: TextCounter, stop: int, start: int = 0) -> tuple[int, bool]:
        """(start + tokens, exact): counting ends once the total is over ``stop`` (then a lower bound)."""
        total = start + self.overhead
        for i, text in enumerate(self.strings):
            n, exact = counter.count_until(text, stop - total)
            total += n
            if total > stop and (not exact or i + 1 < len(self.strings)):
                return total, False
        return total, True


def utf8_size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def add_messages(pieces: Pieces, messages: object) -> None:
    """Add a message list: per message 3 tokens, every string value, +1 per name."""
    if not isinstance(messages, list):
        return
    strings = pieces.strings
    overhead = 0
    for msg in messages:
        if not isinstance(msg, dict):
            continue
        overhead += TOKENS_PER_MESSAGE
        for key, value in msg.items():
            if isinstance(value, str):
                strings.append(value)
                if key == "name":
                    overhead += TOKENS_PER_NAME
            elif key == "content" and isinstance(value, list):
                for part in value:
                    if isinstance(part, dict):
                        text = part.get("text") if part.get("type") == "text" else part.get("refusal")
                        if isinstance(text, str):
                            strings.append(text)
            elif key == "tool_calls" and isinstance(value, list):
                for call in value:
                    if isinstance(call, dict):
                        _add_call(strings, call.get("function"))
            elif key == "function_call":
                _add_call(strings, value)
    pieces.overhead += overhead


def _add_call(strings: list[str], function: object) -> None:
    if isinstance(function, dict):
        for key in ("name", "arguments"):
            value = function.get(key)
            if isinstance(value, str):
                strings.append(value)


def _strip_period(text: str) -> str:
    return text[:-1] if text.endswith(".") else text


def add_tools(pieces: Pieces, tools: object, costs: ToolCosts, legacy: bool = False) -> None:
    """Tool definitions as ``num_tokens_for_tools`` counts them (``legacy``: the old ``functions`` list)."""
    if not isinstance(tools, list) or not tools:
        return
    strings = pieces.strings
    overhead = costs.func_end
    for tool in tools:
        function = tool if legacy else (tool.get("function") if isinstance(tool, dict) else None)
        if not isinstance(function, dict):
            continue
        overhead += costs.func_init
        name, desc = function.get("name"), function.get("description")
        strings.append(f"{name if isinstance(name, str) else ''}:"
                       f"{_strip_period(desc) if isinstance(desc, str) else ''}")
        params = function.get("parameters")
        props = params.get("properties") if isinstance(params, dict) else None
        if not isinstance(props, dict) or not props:
            continue
        overhead += costs.prop_init
        for key, spec in props.items():
            overhead += costs.prop_key
            spec = spec if isinstance(spec, dict) else {}
            enum = spec.get("enum")
            if isinstance(enum, list):
                overhead += costs.enum_init
                for item in enum:
                    overhead += costs.enum_item
                    if isinstance(item, str):
                        strings.append(item)
            ptype, pdesc = spec.get("type"), spec.get("description")
            strings.append(f"{key}:{ptype if isinstance(ptype, str) else ''}:"
                           f"{_strip_period(pdesc) if isinstance(pdesc, str) else ''}")
    pieces.overhead += overhead


@dataclass(slots=True)
class ExamplePieces:
    """An example cut into the parts the limit and the statistics need.

    ``prompt`` holds the conversation a reply is primed on (DPO: ``input``, with
    its tools and the priming; supervised: the whole conversation); ``outputs``
    the DPO outputs (preferred, non-preferred), empty for supervised.
    """

    prompt: Pieces
    outputs: tuple[Pieces, ...] = ()


def example_pieces(data: dict, method: str, costs: ToolCosts) -> ExamplePieces:
    """Collect the strings of one record (any value may have any type)."""
    prompt = Pieces(REPLY_PRIMING)
    if method == "dpo":
        inp = data.get("input")
        if isinstance(inp, dict):
            add_messages(prompt, inp.get("messages"))
            add_tools(prompt, inp.get("tools"), costs)
            add_tools(prompt, inp.get("functions"), costs, legacy=True)
        outputs = []
        for key in ("preferred_output", "non_preferred_output"):
            out = Pieces()
            add_messages(out, data.get(key))
            outputs.append(out)
        return ExamplePieces(prompt, tuple(outputs))
    add_messages(prompt, data.get("messages"))
    add_tools(prompt, data.get("tools"), costs)
    add_tools(prompt, data.get("functions"), costs, legacy=True)
    return ExamplePieces(prompt)


# Strings longer than this are encoded in pieces of about this many characters.
PIECE_CHARS = 1 << 16
# A piece is cut just before a space that follows an ASCII lowercase letter and precedes an ASCII
# letter: both encodings' split patterns end a word there (the letter run stops at the space, and no
# contraction follows), and they have no look-behind or start anchor, so the text after the cut is
# split exactly as it is inside the whole string. tests/test_tokens.py checks this for both encodings.
_CUT = re.compile(r"[a-z] [A-Za-z]")
# A piece with no cut this long is only bounded, not encoded, when a lower bound already decides.
BOUND_CHARS = 1 << 20


class TextCounter:
    """Tokens of strings, encoded piece by piece; special tokens in them count as text and never raise."""

    def __init__(self, enc: tiktoken.Encoding, piece_chars: int = PIECE_CHARS):
        self.encode = enc.encode_ordinary
        self.name = enc.name
        self.piece_chars = piece_chars

    def __call__(self, text: str) -> int:
        """The exact count."""
        if len(text) <= self.piece_chars:
            return len(self.encode(text))
        return sum(len(self.encode(piece)) for piece in self.pieces(text))

    def pieces(self, text: str) -> Iterator[str]:
        """``text`` cut into pieces of at least ``piece_chars`` characters (but the last) at safe cuts."""
        start, size = 0, self.piece_chars
        while len(text) - start > size:
            cut = _CUT.search(text, start + size)
            if cut is None:
                break
            yield text[start:cut.start() + 1]
            start = cut.start() + 1
        yield text[start:] if start else text

    def count_until(self, text: str, stop: int) -> tuple[int, bool]:
        """(tokens, exact): counting ends once the count is over ``stop`` (then it is a lower bound)."""
        if len(text) <= self.piece_chars:
            return len(self.encode(text)), True
        total = 0
        for piece in self.pieces(text):
            if len(piece) > BOUND_CHARS:  # one unbroken run: its tokens would take ~50 bytes per character
                least = fewest_tokens(piece, self.name)
                if total + least > stop:
                    return total + least, False
            total += len(self.encode(piece))
            if total > stop:
                return total, False
        return total, True


def fewest_tokens(text: str, encoding: str) -> int:
    """A lower bound on the tokens of ``text``: its UTF-8 size over the longest token made of its bytes."""
    chars = "".join(set(text))  # the distinct characters: no copy of a long text
    present = bytes(sorted(set(chars.encode("utf-8", "surrogatepass"))))
    get_encoding(encoding)
    longest = 1
    for token in _RANKS[encoding]:
        if len(token) > longest and not token.translate(None, present):  # every byte of it is in the text
            longest = len(token)
    return -(-utf8_size(text) // longest)


def token_counter(enc: tiktoken.Encoding) -> TextCounter:
    """Tokens of one string; special tokens in it count as text and never raise."""
    return TextCounter(enc)


# Strings this long or shorter are remembered by ``cached_counter``: roles, names, tool-call ids and
# the system prompts that many examples of a file repeat are encoded once.
CACHE_MAX_CHARS = 4096
CACHE_ENTRIES = 8192


def cached_counter(enc: tiktoken.Encoding) -> Callable[[str], int]:
    """Like :func:`token_counter`, remembering the counts of short strings (a bounded cache)."""
    encode = enc.encode_ordinary
    long_text = TextCounter(enc)
    cache: dict[str, int] = {}
    get = cache.get

    def count(text: str) -> int:
        if len(text) > CACHE_MAX_CHARS:
            return long_text(text)
        n = get(text)
        if n is None:
            if len(cache) >= CACHE_ENTRIES:
                cache.clear()
            n = cache[text] = len(encode(text))
        return n

    return count


def count_messages(messages: Iterable, encoding: str = O200K, tools: object = None) -> int:
    """Tokens of a conversation with reply priming (and tools): the cookbook's number, exactly."""
    pieces = Pieces(REPLY_PRIMING)
    add_messages(pieces, list(messages))
    add_tools(pieces, tools, TOOL_COSTS[encoding])
    return pieces.measure(token_counter(get_encoding(encoding)))
