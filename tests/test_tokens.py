"""Token counting: shipped tokenizers, the chat-format count, the models table and example-too-long."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import tiktoken

from pftlint.tokens import counting as tokens
from pftlint.api import lint_records
from pftlint.engine.findings import Severity
from pftlint.profiles.model_limits import UnknownModel, budget, known_models, models, resolve
from pftlint.tokens.counting import CL100K, O200K, count_messages, example_pieces, get_encoding, utf8_size
from pftlint.reporters.base import path_text

TEXTS = [
    "Hello, world!",
    "Summarize the plot of Hamlet in one sentence.",
    "  leading and trailing whitespace \n\n\t",
    "<|endoftext|> and <|im_start|>user<|im_end|> and <|endofprompt|> are text here",
    "naïve café — 日本語のテキスト, русский текст, emoji 🤖🚀👩‍👩‍👧",
    "def f(x):\r\n    return x ** 2  # comment\n" * 20,
    "1234567890 3.14159 1e-10 0xDEADBEEF",
    "",
    "a" * 5000,
    "\x00\x01 control \u2028 separators \ufeff",
]


@pytest.fixture(scope="module")
def tiktoken_own(tmp_path_factory):
    """tiktoken's own encodings, loaded by tiktoken (with its own hash check) from a primed cache, offline."""
    import os

    from tiktoken.load import read_file_cached  # noqa: F401  (the function whose cache we prime)
    from tiktoken_ext import openai_public

    cache = tmp_path_factory.mktemp("tiktoken-cache")
    urls = {O200K: "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
            CL100K: "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"}
    for name, url in urls.items():
        (cache / hashlib.sha1(url.encode()).hexdigest()).write_bytes(tokens.rank_file_bytes(name))
    old = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    try:
        built = {name: tiktoken.Encoding(**getattr(openai_public, name)()) for name in urls}
    finally:
        if old is None:
            del os.environ["TIKTOKEN_CACHE_DIR"]
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = old
    return built


# -- shipped tokenizers -------------------------------------------------------
@pytest.mark.parametrize("name", [O200K, CL100K])
def test_shipped_rank_files_match_the_hash_tiktoken_expects(name):
    packed = resources.files("pftlint._tokenizers").joinpath(f"{name}.tiktoken.gz").read_bytes()
    digest = hashlib.sha256(gzip.decompress(packed)).hexdigest()
    assert digest == tokens.EXPECTED_SHA256[name]
    # and tokens.py's hash is tiktoken's own expected_hash for that encoding
    import inspect

    from tiktoken_ext import openai_public

    assert tokens.EXPECTED_SHA256[name] in inspect.getsource(getattr(openai_public, name))


def test_corrupt_rank_file_is_refused(monkeypatch):
    monkeypatch.setitem(tokens.EXPECTED_SHA256, CL100K, "0" * 64)
    with pytest.raises(tokens.TokenizerError, match="corrupt"):
        tokens.rank_file_bytes(CL100K)


def test_rank_file_parser():
    assert tokens.parse_ranks(b"YQ== 0\nYg== 1\n\nYWI= 2\n") == {b"a": 0, b"b": 1, b"ab": 2}
    with pytest.raises(tokens.TokenizerError):
        tokens.parse_ranks(b"YQ== 0\nYg==\n")


@pytest.mark.parametrize("name", [O200K, CL100K])
def test_encoding_definition_equals_tiktoken_ext(name, monkeypatch):
    """pat_str, special tokens and ranks are the ones tiktoken_ext/openai_public.py builds."""
    from tiktoken_ext import openai_public

    ranks = tokens.parse_ranks(tokens.rank_file_bytes(name))
    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", lambda *a, **k: ranks)
    spec = getattr(openai_public, name)()
    ours = get_encoding(name)
    assert spec["pat_str"] == ours._pat_str
    assert spec["special_tokens"] == ours._special_tokens
    assert spec["mergeable_ranks"] == ours._mergeable_ranks


@pytest.mark.parametrize("name", [O200K, CL100K])
@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_counts_agree_with_tiktoken_own(tiktoken_own, name, text):
    ours = get_encoding(name)
    theirs = tiktoken_own[name]
    assert ours.encode_ordinary(text) == theirs.encode(text, disallowed_special=())
    assert tokens.token_counter(ours)(text) == len(theirs.encode(text, disallowed_special=()))


def test_special_tokens_in_content_never_raise():
    n = count_messages([{"role": "user", "content": "<|endoftext|>"}])
    assert n == 3 + 3 + 1 + len(get_encoding(O200K).encode("<|endoftext|>", disallowed_special=()))
    assert n > 3 + 3 + 1 + 1  # as text, more than the one special token


# -- the chat format (rules/SOURCES.md §2) -------------------------------------
COOKBOOK_MESSAGES = [
    {"role": "system", "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
    {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
    {"role": "system", "name": "example_assistant", "content": "Things working well together will increase revenue."},
    {"role": "system", "name": "example_user", "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
    {"role": "system", "name": "example_assistant", "content": "Let's talk later when we're less busy about how to do better."},
    {"role": "user", "content": "This late pivot means we don't have time to boil the ocean for the client deliverable."},
]
WEATHER_TOOLS = [{"type": "function", "function": {
    "name": "get_current_weather", "description": "Get the current weather in a given location",
    "parameters": {"type": "object", "properties": {
        "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
        "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]},
    }, "required": ["location"]}}}]
WEATHER_MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant that can answer to questions about the weather."},
    {"role": "user", "content": "What's the weather like in San Francisco?"},
]


def test_cached_counter_counts_like_the_plain_one(monkeypatch):
    monkeypatch.setattr(tokens, "CACHE_ENTRIES", 3)  # the cache is emptied again and again
    monkeypatch.setattr(tokens, "CACHE_MAX_CHARS", 12)
    enc = get_encoding(O200K)
    plain, cached = tokens.token_counter(enc), tokens.cached_counter(enc)
    texts = ["user", "assistant", "user", "a longer text than twelve characters", "user", "x" * 12,
             "<|endoftext|>", "é" * 5, "", "assistant", "tool", "user", "a longer text than twelve characters"]
    assert [cached(t) for t in texts] == [plain(t) for t in texts]


def test_cookbook_counts_verified_against_the_api():
    """The cookbook checked these against the API's prompt_tokens: 129 (gpt-3.5/4), 124 (gpt-4o)."""
    assert count_messages(COOKBOOK_MESSAGES, CL100K) == 129
    assert count_messages(COOKBOOK_MESSAGES, O200K) == 124


def test_cookbook_tool_counts():
    """num_tokens_for_tools' example: 101 for gpt-4o, 105 for gpt-3.5/gpt-4."""
    assert count_messages(WEATHER_MESSAGES, O200K, WEATHER_TOOLS) == 101
    assert count_messages(WEATHER_MESSAGES, CL100K, WEATHER_TOOLS) == 105


def _enc_len(text: str, name: str = O200K) -> int:
    return len(get_encoding(name).encode(text, disallowed_special=()))


def test_hand_computed_message_count():
    msgs = [{"role": "user", "name": "ana", "content": "Hi there"}, {"role": "assistant", "content": "Hello!"}]
    expected = (3 + _enc_len("user") + _enc_len("ana") + 1 + _enc_len("Hi there")
                + 3 + _enc_len("assistant") + _enc_len("Hello!") + 3)
    assert count_messages(msgs) == expected


def test_content_parts_tool_calls_and_odd_values():
    msgs = [
        {"role": "user", "content": [{"type": "text", "text": "part one"}, {"type": "image_url", "image_url": {"url": "x"}},
                                     {"type": "text", "text": "part two"}, "junk", 5]},
        {"role": "assistant", "content": None, "weight": 1,
         "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\": 1}"}},
                        "junk", {"function": 3}]},
        {"role": "tool", "tool_call_id": "c1", "content": "42"},
        "not a message", None,
    ]
    expected = (3 + _enc_len("user") + _enc_len("part one") + _enc_len("part two")
                + 3 + _enc_len("assistant") + _enc_len("lookup") + _enc_len("{\"q\": 1}")
                + 3 + _enc_len("tool") + _enc_len("c1") + _enc_len("42") + 3)
    assert count_messages(msgs) == expected


@pytest.mark.parametrize("record", [
    {}, {"input": "x"}, {"input": {"messages": "x", "tools": "y"}}, {"input": {"messages": [None, 1, []]}},
    {"preferred_output": {"role": "assistant"}}, {"input": {"tools": [None, {"function": {"parameters": []}},
                                                                       {"function": {"name": 1, "parameters": {"properties": {"a": None, "b": {"enum": "x"}}}}}]}},
])
def test_pieces_never_raise(record):
    for method in ("dpo", "supervised"):
        ex = example_pieces(record, method, tokens.TOOL_COSTS[O200K])
        assert ex.prompt.measure(utf8_size) >= ex.prompt.measure(tokens.token_counter(get_encoding(O200K)))


def test_byte_bound_is_an_upper_bound():
    for text in TEXTS:
        for name in (O200K, CL100K):
            assert _enc_len(text, name) <= utf8_size(text)
    assert utf8_size("é") == 2 and utf8_size("abc") == 3


# -- models table --------------------------------------------------------------
@pytest.mark.parametrize(("name", "base"), [
    ("gpt-4.1-2025-04-14", "gpt-4.1-2025-04-14"),
    ("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14"),
    ("ft:gpt-4.1-mini-2025-04-14:org::abc", "gpt-4.1-mini-2025-04-14"),
    ("ft:gpt-4.1-2025-04-14:my-org:custom-suffix:9x8y7z", "gpt-4.1-2025-04-14"),
    ("ft:gpt-3.5-turbo-0125:org::id", "gpt-3.5-turbo-0125"),
    ("gpt-4o-2024-08-06.ft-0e208cf33a6a466994aff31a08aba678", "gpt-4o-2024-08-06"),
    ("gpt-35-turbo-1106", "gpt-3.5-turbo-1106"),
])
def test_model_names_resolve_to_their_base(name, base):
    assert resolve(name) == base


def test_fine_tuned_gpt_41_gets_o200k_unlike_tiktoken_prefix_table():
    b = budget("ft:gpt-4.1-2025-04-14:org::abc", "openai")
    assert b.encoding == O200K
    from tiktoken.model import encoding_name_for_model

    assert encoding_name_for_model("ft:gpt-4.1-2025-04-14:org::abc") == CL100K  # the pitfall of §2


@pytest.mark.parametrize("name", ["gpt-5", "ft:gpt-5:org::x", "", "ft:", "gpt-4.1-2025-04-15"])
def test_unknown_models_list_the_known_ones(name):
    with pytest.raises(UnknownModel) as info:
        resolve(name)
    for known in known_models():
        assert known in str(info.value)


def test_limits_and_targets():
    assert budget("gpt-4.1-nano", "openai").limit == 65_536
    assert budget("gpt-4.1-nano", "azure").limit == 32_768
    assert "dpo" not in budget("gpt-4.1-nano", "azure").methods
    assert budget("gpt-3.5-turbo-0125", "openai").limit == 16_385
    assert budget("gpt-3.5-turbo-0125", "openai").encoding == CL100K
    assert budget("gpt-4.1", "openai").training_price == 25.0
    assert budget("gpt-4.1", "azure").training_price is None  # OpenAI's list price is not Azure's
    for info in models().values():
        assert info.encoding in tokens.ENCODINGS


# -- example-too-long -----------------------------------------------------------
def _dpo(prompt: str, preferred: str, rejected: str = "No.") -> dict:
    return {"input": {"messages": [{"role": "user", "content": prompt}]},
            "preferred_output": [{"role": "assistant", "content": preferred}],
            "non_preferred_output": [{"role": "assistant", "content": rejected}]}


def _long_findings(records, **settings):
    result = lint_records(records, select=["example-too-long"], **settings)
    return [f for f in result.findings if f.rule == "example-too-long"]


def test_dpo_80k_flagged_60k_passes():
    # " word" is one o200k token: the preferred side is 3+3+1+n(prompt) + 3+1+n(reply) tokens
    long, short = _dpo("Repeat after me.", "word " * 80_000), _dpo("Repeat after me.", "word " * 60_000)
    findings = _long_findings([long, short], model="gpt-4.1-2025-04-14")
    assert [(f.line, path_text(f), f.severity) for f in findings] == [(1, "preferred_output", Severity.ERROR)]
    expected = 3 + 3 + _enc_len("user") + _enc_len("Repeat after me.") + 3 + _enc_len("assistant") + _enc_len("word " * 80_000)
    # counting stops once over the limit: the message gives the lower bound it reached
    reached = int(re.search(r"at least ([\d,]+) tokens", findings[0].message).group(1).replace(",", ""))
    assert 65_536 < reached <= expected and "65,536" in findings[0].message


def test_limit_follows_target_and_model():
    rec = _dpo("Repeat after me.", "word " * 40_000)
    assert _long_findings([rec], model="gpt-4.1-nano") == []
    assert len(_long_findings([rec], model="gpt-4.1-nano", target="azure")) == 1
    assert len(_long_findings([rec], model="gpt-3.5-turbo")) == 1
    assert _long_findings([rec], target="together") == []  # no default model there


def test_input_alone_over_the_limit_is_one_finding():
    rec = _dpo("word " * 60, "ok", "no")
    findings = _long_findings([rec], rules={"example-too-long": {"max-tokens": 50}})
    assert [path_text(f) for f in findings] == ["input"]


def test_supervised_is_capped_at_warning():
    rec = {"messages": [{"role": "user", "content": "word " * 100}, {"role": "assistant", "content": "ok"}]}
    findings = _long_findings([rec], rules={"example-too-long": {"max-tokens": 50}})
    assert [(path_text(f), f.severity) for f in findings] == [("messages", Severity.WARNING)]
    info = _long_findings([rec], rules={"example-too-long": {"max-tokens": 50, "severity": "info"}})
    assert [f.severity for f in info] == [Severity.INFO]  # a lower configured severity still wins


def test_exact_limit_passes_one_more_fails():
    prompt = "Repeat after me."
    base = 3 + 3 + _enc_len("user") + _enc_len(prompt) + 3 + _enc_len("assistant")
    reply = "word " * 30
    n = base + _enc_len(reply)
    assert _long_findings([_dpo(prompt, reply)], rules={"example-too-long": {"max-tokens": n}}) == []
    assert len(_long_findings([_dpo(prompt, reply)], rules={"example-too-long": {"max-tokens": n - 1}})) == 1


def test_fast_path_does_not_encode(monkeypatch):
    calls = []
    real = tokens.token_counter

    def spy(enc):
        calls.append(enc)
        return real(enc)

    import pftlint.rules.tokens as rule_module

    monkeypatch.setattr(rule_module, "token_counter", spy)
    assert _long_findings([_dpo("short", "reply")] * 20) == []
    assert calls == []
    _long_findings([_dpo("short", "word " * 70_000)])
    assert len(calls) == 1


@pytest.mark.parametrize("record", [
    {"input": None, "preferred_output": "x", "non_preferred_output": 3},
    {"input": {"messages": [{"role": 1, "content": {"a": "word " * 100}}]}, "preferred_output": [None]},
    {"messages": [{"content": ["word " * 100, {"type": "text", "text": 5}]}]},
])
def test_rule_never_raises(record):
    _long_findings([record], rules={"example-too-long": {"max-tokens": 5}})


# -- long texts: counted in pieces, never all tokens at once -----------------------------------
FRAGMENTS = ["a", "b", "z", "A", "Q", " ", "  ", "\t", "\n", "\r\n", " \n ", "'s", "'LL", "'ve", "n't", "0", "42",
             "12345", "3.14", "é", "ß", "Ω", "日本", "тест", "e\u0301", "\u0301", "🤖", "👩‍👧", "<|endoftext|>",
             "!!", "?", "/", "-", "_", "x y", "ab Cd", "ok. Go", "word "]
TEXTS_MIXED = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS_MIXED, st.integers(1, 12), st.sampled_from([O200K, CL100K]))
def test_piecewise_count_equals_the_whole_text_count(text, piece_chars, encoding):
    enc = get_encoding(encoding)
    counter = tokens.TextCounter(enc, piece_chars=piece_chars)
    pieces = list(counter.pieces(text))
    assert "".join(pieces) == text
    assert counter(text) == len(enc.encode_ordinary(text))
    assert counter.count_until(text, 10**9) == (len(enc.encode_ordinary(text)), True)


@settings(max_examples=100, deadline=None)
@given(TEXTS_MIXED, st.integers(1, 8), st.integers(0, 30))
def test_count_until_stops_over_the_limit_with_a_lower_bound(text, piece_chars, stop):
    enc = get_encoding(O200K)
    n, exact = tokens.TextCounter(enc, piece_chars=piece_chars).count_until(text, stop)
    whole = len(enc.encode_ordinary(text))
    assert (n == whole) if exact else (stop < n <= whole)
    assert exact or n > stop


class EncodeSpy:
    """An encoding whose encode_ordinary records the length of every text it is given."""

    def __init__(self, enc):
        self.enc, self.name, self.sizes = enc, enc.name, []

    def encode_ordinary(self, text):
        self.sizes.append(len(text))
        return self.enc.encode_ordinary(text)


def test_a_long_message_is_encoded_in_pieces_and_only_until_over_the_limit(monkeypatch):
    import pftlint.rules.tokens as rule_module

    spies = []

    def spying_encoding(name):
        spies.append(EncodeSpy(get_encoding(name)))
        return spies[-1]

    monkeypatch.setattr(rule_module, "get_encoding", spying_encoding)
    text = "Some words here. " * 60_000  # 1 MB, about 240,000 tokens
    findings = _long_findings([_dpo(text, "reply")])
    assert [path_text(f) for f in findings] == ["input"] and "at least" in findings[0].message
    sizes = [n for spy in spies for n in spy.sizes]
    assert max(sizes) <= 2 * tokens.PIECE_CHARS  # never the whole text at once
    assert sum(sizes) < len(text) // 2  # stopped soon after the limit


def test_an_unbroken_run_over_the_limit_is_bounded_not_encoded(monkeypatch):
    import pftlint.rules.tokens as rule_module

    spies = []
    monkeypatch.setattr(rule_module, "get_encoding",
                        lambda name: spies.append(EncodeSpy(get_encoding(name))) or spies[-1])
    findings = _long_findings([_dpo("a" * 2_000_000, "reply")], rules={"example-too-long": {"max-tokens": 1000}})
    assert [path_text(f) for f in findings] == ["input"] and "at least" in findings[0].message
    assert max(n for spy in spies for n in spy.sizes) < 1000  # the run was never encoded
    # the bound is a true lower bound
    assert tokens.fewest_tokens("a" * 80_000, O200K) <= len(get_encoding(O200K).encode_ordinary("a" * 80_000))


def test_stats_counts_long_texts_exactly_in_pieces():
    enc = get_encoding(O200K)
    text = "Mixed text, 123 numbers; émoji 🤖 and words. " * 5000
    counter = tokens.cached_counter(enc)
    assert counter(text) == len(enc.encode_ordinary(text))
    assert len(list(tokens.TextCounter(enc).pieces(text))) > 1
