"""Content rules (PFT4xx): empty, non-text, identical and near-identical outputs, special tokens, literal escapes."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint.api import lint_bytes, lint_records
from pftlint.rules.content import escaped_newlines
from pftlint.reporters.base import path_text
import builders
from builders import assistant, sft, user

CONTENT_RULES = ["empty-content", "non-text-content", "identical-outputs", "near-identical-outputs",
                 "special-token-in-content", "literal-escape-in-content"]


def dpo(prompt="What is 2 + 2?", preferred="4.", rejected="5.", *, messages=None):
    """A DPO record; prompt/preferred/rejected are contents (or whole messages when dicts)."""
    return builders.dpo(prompt, preferred, rejected, messages=messages)


def run(rule, record, method="dpo", **options):
    result = lint_records([record], name="t.jsonl", method=method, select=[rule],
                          rules={rule: options} if options else None)
    return [(f.rule, path_text(f), f.message) for f in result.findings]


def paths(rule, record, method="dpo", **options):
    return [p for _, p, _ in run(rule, record, method, **options)]


# -- empty-content ----------------------------------------------------------

@pytest.mark.parametrize(("record", "method", "expected"), [
    (dpo(preferred=""), "dpo", ["preferred_output[0].content"]),
    (dpo(rejected="   \n\t"), "dpo", ["non_preferred_output[0].content"]),
    (dpo(prompt=[]), "dpo", ["input.messages[0].content"]),
    (dpo(prompt=[{"type": "text", "text": ""}, {"type": "text", "text": " "}]), "dpo", ["input.messages[0].content"]),
    (dpo(messages=[{"role": "system", "content": ""}, user("Hi")]), "dpo", ["input.messages[0].content"]),
    (sft(user("Hi"), assistant("")), "supervised", ["messages[1].content"]),
    (sft(user(""), assistant(" ")), "supervised", ["messages[0].content", "messages[1].content"]),
    (sft(user("Hi"), assistant(None, tool_calls=[{"id": "c", "type": "function",
                                                  "function": {"name": "f", "arguments": "{}"}}]),
         {"role": "tool", "tool_call_id": "c", "content": ""}, assistant("Done.")),
     "supervised", ["messages[2].content"]),
])
def test_empty_content_bad(record, method, expected):
    assert paths("empty-content", record, method) == expected


def test_empty_content_names_the_message():
    [(_, _, msg)] = run("empty-content", dpo(preferred=""))
    assert "the preferred reply" in msg and "empty" in msg
    [(_, _, msg)] = run("empty-content", dpo(messages=[user("Hi"), assistant("Hello"), user("  ")]))
    assert "prompt message 3 (user)" in msg and "whitespace" in msg
    [(_, _, msg)] = run("empty-content", sft(user("Hi"), assistant("")), "supervised")
    assert "message 2 (assistant)" in msg


CALL = [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]


@pytest.mark.parametrize(("record", "method"), [
    (dpo(), "dpo"),
    (dpo(preferred=assistant(None, tool_calls=CALL)), "dpo"),
    (dpo(preferred={"role": "assistant", "tool_calls": CALL}), "dpo"),
    (dpo(preferred=assistant("", tool_calls=CALL)), "dpo"),
    (dpo(preferred=assistant(None, function_call={"name": "f", "arguments": "{}"})), "dpo"),
    (dpo(prompt=[{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]), "dpo"),
    (dpo(prompt=[{"type": "text", "text": "Hi"}, {"type": "text", "text": ""}]), "dpo"),
    (dpo(prompt=[{"type": "refusal", "refusal": "I can't help with that."}]), "dpo"),
    (dpo(prompt=None), "dpo"),      # wrong-type's business
    (dpo(prompt=5), "dpo"),
    (dpo(prompt=["", 3]), "dpo"),   # parts that are not objects: wrong-type's business
    (dpo(prompt=[{"type": ["text"], "text": ""}]), "dpo"),
    (sft(user("Hi"), assistant("Hello")), "supervised"),
])
def test_empty_content_good(record, method):
    assert run("empty-content", record, method) == []


# -- non-text-content -------------------------------------------------------

IMAGE = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
AUDIO = {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}
FILE = {"type": "file", "file": {"file_id": "file-abc"}}
TEXT = {"type": "text", "text": "What is this?"}


@pytest.mark.parametrize(("record", "method", "expected"), [
    (dpo(prompt=[TEXT, IMAGE]), "dpo", ["input.messages[0].content[1]"]),
    (dpo(prompt=[AUDIO, TEXT, FILE]), "dpo", ["input.messages[0].content[0]", "input.messages[0].content[2]"]),
    (dpo(preferred=[IMAGE]), "dpo", ["preferred_output[0].content[0]"]),
    (dpo(rejected=[TEXT, {"type": "input_image", "image_url": "https://x/y.png"}]), "dpo",
     ["non_preferred_output[0].content[1]"]),
    (sft(user([TEXT, AUDIO]), assistant("A bird.")), "supervised", ["messages[0].content[1]"]),
    (sft(user([TEXT, FILE]), assistant("A report.")), "supervised", ["messages[0].content[1]"]),
    (sft(user("Draw a cat."), assistant([IMAGE])), "supervised", ["messages[1].content[0]"]),
    (sft({"role": "system", "content": [IMAGE]}, user("Hi"), assistant("Hello")), "supervised",
     ["messages[0].content[0]"]),
])
def test_non_text_content_bad(record, method, expected):
    assert paths("non-text-content", record, method) == expected


def test_non_text_content_messages():
    [(_, _, msg)] = run("non-text-content", dpo(prompt=[TEXT, IMAGE]))
    assert "image" in msg and "DPO" in msg and "text-only" in msg
    [(_, _, msg)] = run("non-text-content", sft(user([AUDIO]), assistant("x")), "supervised")
    assert msg.startswith("audio part")
    [(_, _, msg)] = run("non-text-content", sft(user("Draw"), assistant([IMAGE])), "supervised")
    assert "message 2 (assistant)" in msg and "user messages only" in msg


@pytest.mark.parametrize(("record", "method"), [
    (dpo(prompt=[TEXT]), "dpo"),
    (dpo(prompt=[TEXT, {"type": None}, {"type": ["image_url"]}, "image_url", 7]), "dpo"),
    (sft(user([TEXT, IMAGE]), assistant("A cat.")), "supervised"),
    (sft(user([IMAGE, IMAGE]), assistant("Two cats.")), "supervised"),
])
def test_non_text_content_good(record, method):
    assert run("non-text-content", record, method) == []


# -- identical-outputs / near-identical-outputs ------------------------------

def test_identical_outputs_bad():
    assert paths("identical-outputs", dpo(preferred="Paris.", rejected="Paris.")) == ["non_preferred_output"]
    with_calls = dpo(preferred=assistant(None, tool_calls=CALL), rejected=assistant(None, tool_calls=CALL))
    assert paths("identical-outputs", with_calls) == ["non_preferred_output"]
    [(_, _, msg)] = run("identical-outputs", dpo(preferred="Paris.", rejected="Paris."))
    assert "identical" in msg and "zero gradient" in msg


@pytest.mark.parametrize("record", [
    dpo(preferred="Paris.", rejected="Lyon."),
    dpo(preferred="Paris.", rejected="paris."),                       # near-identical's case
    dpo(preferred=assistant("Paris.", weight=1), rejected=assistant("Paris.", weight=True)),  # JSON: 1 != true
    dpo(preferred=assistant("Paris.", weight=1), rejected=assistant("Paris.", weight=1.0)),   # JSON: 1 != 1.0
    {"input": {"messages": [user("Hi")]}, "preferred_output": [], "non_preferred_output": []},
    {"input": {"messages": [user("Hi")]}, "preferred_output": "Paris.", "non_preferred_output": "Paris."},
    {"input": {"messages": [user("Hi")]}, "preferred_output": None, "non_preferred_output": None},
])
def test_identical_outputs_good(record):
    assert run("identical-outputs", record) == []


def test_identical_outputs_on_a_whole_file():
    lines = [json.dumps(dpo(preferred=f"A{i}", rejected=f"A{i}" if i % 3 == 0 else f"B{i}")) for i in range(12)]
    result = lint_bytes(("\n".join(lines) + "\n").encode(), "t.jsonl", select=["identical-outputs"])
    assert [f.line for f in result.findings] == [1, 4, 7, 10]
    assert {f.severity.value for f in result.findings} == {"error"}


@pytest.mark.parametrize(("preferred", "rejected"), [
    ("The capital is Paris.", "the capital is paris."),
    ("The capital is Paris.", "The capital  is\nParis.  "),
    ("Straße", "STRASSE"),                                              # casefold, not lower
    ("Paris.", [{"type": "text", "text": "  PARIS."}]),
    (assistant("Paris.", weight=1), assistant("Paris.", weight=True)),
    (assistant("Paris.", name="a"), assistant("paris.", name="b")),
])
def test_near_identical_outputs_bad(preferred, rejected):
    found = run("near-identical-outputs", dpo(preferred=preferred, rejected=rejected))
    assert [p for _, p, _ in found] == ["non_preferred_output"]
    assert "case or whitespace" in found[0][2]


@pytest.mark.parametrize(("preferred", "rejected"), [
    ("Paris.", "Paris."),                                  # identical-outputs' case
    ("The capital is Paris.", "The capital is Lyon."),
    ("Hello world", "Helloworld"),                         # whitespace is folded, not removed
    ("Paris.", "Paris!"),
    (assistant("x", tool_calls=CALL), assistant("X", tool_calls=[{**CALL[0], "id": "call_2"}])),
    (assistant("Paris."), {"role": "tool", "content": "Paris."}),
])
def test_near_identical_outputs_good(preferred, rejected):
    assert run("near-identical-outputs", dpo(preferred=preferred, rejected=rejected)) == []


def test_near_identical_is_a_warning_and_identical_an_error():
    data = (json.dumps(dpo(preferred="Paris.", rejected="Paris.")) + "\n"
            + json.dumps(dpo(preferred="Paris.", rejected="PARIS.")) + "\n").encode()
    result = lint_bytes(data, "t.jsonl", select=["identical-outputs", "near-identical-outputs"])
    assert [(f.line, f.rule, f.severity.value) for f in result.findings] == [
        (1, "identical-outputs", "error"), (2, "near-identical-outputs", "warning")]


def test_deeply_nested_outputs_do_not_crash():
    deep = "[" * 600 + "]" * 600
    line = ('{"input": {"messages": [{"role": "user", "content": "hi"}]}, '
            f'"preferred_output": [{{"role": "assistant", "content": "a", "tool_calls": {deep}}}], '
            f'"non_preferred_output": [{{"role": "assistant", "content": "A", "tool_calls": {deep}}}]}}\n')
    result = lint_bytes(line.encode(), "t.jsonl", method="dpo", select=CONTENT_RULES)
    assert [f.rule for f in result.findings] == ["near-identical-outputs"]


# -- special-token-in-content -----------------------------------------------

@pytest.mark.parametrize(("text", "token"), [
    ("<|im_start|>user\nWhat is 2 + 2?<|im_end|>", "<|im_start|>"),
    ("4.<|endoftext|>", "<|endoftext|>"),
    ("<|begin_of_text|><|start_header_id|>user<|end_header_id|>", "<|begin_of_text|>"),
    ("Sure.<|eot_id|>", "<|eot_id|>"),
    ("<|start|>assistant<|channel|>final<|message|>Hi<|end|>", "<|start|>"),
    ("<|user|>\nHi<|end|>\n<|assistant|>", "<|user|>"),
    ("<|system|>Be brief.", "<|system|>"),
    ("[INST] What is 2 + 2? [/INST]", "[INST]"),
    ("What is 2 + 2? [/INST]", "[/INST]"),
    ("<<SYS>>\nBe brief.\n<</SYS>>", "<<SYS>>"),
    ("<start_of_turn>user\nHi<end_of_turn>", "<start_of_turn>"),
    ("Hi<end_of_turn>", "<end_of_turn>"),
    ("<s>What is 2 + 2?", "<s>"),
    ("  <s> What is 2 + 2?", "<s>"),
    ("It is 4.</s>", "</s>"),
    ("It is 4. </s>\n", "</s>"),
    ("<｜begin▁of▁sentence｜>Hi", "<｜begin▁of▁sentence｜>"),
    ("[TOOL_CALLS] [{\"name\": \"f\"}]", "[TOOL_CALLS]"),
    ("Price <s>$10</s> now, then <|endoftext|>", "<|endoftext|>"),
])
def test_special_token_bad(text, token):
    found = run("special-token-in-content", dpo(preferred=text))
    assert [p for _, p, _ in found] == ["preferred_output[0].content"]
    assert repr(token) in found[0][2]


def test_special_token_in_text_parts_and_supervised():
    record = dpo(prompt=[{"type": "text", "text": "Hi "}, {"type": "text", "text": "<|im_end|>"}])
    assert paths("special-token-in-content", record) == ["input.messages[0].content"]
    record = sft(user("Hi"), assistant("Hello!</s>"))
    [(_, path, msg)] = run("special-token-in-content", record, "supervised")
    assert path == "messages[1].content" and "message 2 (assistant)" in msg


@pytest.mark.parametrize("text", [
    "What is 2 + 2?",
    "<s>$10</s> <b>$8</b>",                   # HTML strikethrough around the text
    "Old price: <s>$10</s>",                  # ... at the end
    "Use <s> for strikethrough and </s> to close it.",
    "a <s> b",                                # <s> in the middle
    "parser = p1 <|> p2",                     # Haskell's Alternative operator
    "f <| x |> g",                            # F# pipes
    "In Llama 2 the user turn is wrapped in [inst] tags.",
    "<|  spaced  |>",
    "List[int] and Dict[str, int]",
    "",
])
def test_special_token_good(text):
    assert run("special-token-in-content", dpo(preferred=text or "x", prompt=text or "Hi")) == []


# -- literal-escape-in-content ----------------------------------------------

@pytest.mark.parametrize("text", [
    "The primary colors are:\\n\\n1. Red\\n2. Yellow\\n3. Blue",
    '"Summarize this:\\nLine one.\\nLine two.\\nLine three."',           # json.dumps(text) stored as text
    'def f(x):\\n    print(\\"hi\\")\\n    return x\\n',                 # code with escaped quotes
    'print("a")\\nprint("b")\\nprint("c")\\nprint("d")',                 # quotes balanced, \n between them
    "Step 1\\r\\nStep 2\\r\\nStep 3\\r\\nDone",
    "A:\\n\\n1. x\\n2. y",                                              # a label, not a drive path
    "Q:\\nWhy?\\nA:\\nBecause.",
])
def test_literal_escape_bad(text):
    found = run("literal-escape-in-content", dpo(preferred=text))
    assert [p for _, p, _ in found] == ["preferred_output[0].content"]
    assert "JSON-encoded twice" in found[0][2]


@pytest.mark.parametrize("text", [
    "The primary colors are:\n\n1. Red\n2. Yellow\n3. Blue",
    'Why does print("a\\nb\\nc\\nd") print four lines?',                   # literal inside a string literal
    "Why does print('a\\nb\\nc\\nd') print four lines? Don't guess.",
    "Use '\\n', '\\n\\n' or '\\r\\n' as separators.",
    'import json\nprint("a\\nb\\nc\\nd")\nprint("\\n")',                  # real newlines: code, left alone
    "Show that $\\nabla f \\neq 0$ and $\\nu \\notin S$.",               # LaTeX
    "Files are in C:\\new\\notes\\nina and D:\\nightly\\N1\\n2.",                 # Windows paths
    "Run \\newcommand, then \\noindent and \\nonumber.",                   # LaTeX
    "One\\nTwo",                                                         # too few
    '{"a": "x\\ny", "b": "z\\nw\\nq"}',                                   # one-line JSON
])
def test_literal_escape_good(text):
    assert run("literal-escape-in-content", dpo(preferred=text)) == []


def test_literal_escape_option_and_parts():
    assert run("literal-escape-in-content", dpo(preferred="One\\nTwo\\nThree")) == []
    assert paths("literal-escape-in-content", dpo(preferred="One\\nTwo\\nThree"), **{"min-escapes": 2}) == [
        "preferred_output[0].content"]
    record = dpo(prompt=[{"type": "text", "text": "A\\nB\\n"}, {"type": "text", "text": "C\\nD"}])
    assert paths("literal-escape-in-content", record) == ["input.messages[0].content"]


def test_literal_escape_counts_in_message():
    [(_, _, msg)] = run("literal-escape-in-content", dpo(preferred="a:\\n\\n1. X\\n2. Y\\n"))
    assert "4 literal" in msg
    [(_, _, msg)] = run("literal-escape-in-content", dpo(preferred="Q: Why?\\nA: Because.\\nQ: Sure?\\nA: Yes."))
    assert "3 literal" in msg


# -- robustness and the real corpus ------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["", " ", "<s>x", "x</s>", "<|im_end|>", "a\\nb\\nc\\nd", "image_url", "text"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["role", "content", "type", "text", "tool_calls", "function_call", "refusal"]),
        inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(prompt=JSON, preferred=JSON, rejected=JSON, messages=JSON)
def test_content_rules_never_raise(prompt, preferred, rejected, messages):
    for record, method in (
        ({"input": {"messages": prompt}, "preferred_output": preferred, "non_preferred_output": rejected}, "dpo"),
        ({"input": {"messages": [prompt]}, "preferred_output": [preferred], "non_preferred_output": [rejected]},
         "dpo"),
        ({"messages": messages}, "supervised"),
        ({"messages": [messages, {"role": "assistant", "content": preferred}]}, "supervised"),
    ):
        lint_records([record], method=method, select=CONTENT_RULES)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def test_real_corpus_has_no_content_findings(corpus):
    """The real OpenAI-layout files hold none of these mistakes (wildfire's pretty-printed JSON content
    included); the TRL and HH files hold real ones (tests/test_corpus.py)."""
    files = sorted(p for p in corpus.glob("*.jsonl") if p.name.startswith(("oaipref__", "sft__")))
    assert files
    for path in files:
        result = lint_bytes(path.read_bytes(), path.name, select=CONTENT_RULES)
        assert [(f.line, f.rule) for f in result.findings] == [], path.name


def test_literal_escape_heuristic_on_real_texts(corpus):
    """Every real text passes; the same texts encoded twice are caught (all but the rare lowercase-led lines)."""
    multiline = flagged = 0
    for path in sorted(corpus.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            for text in _strings(record):
                assert not escaped_newlines(text), (path.name, text[:200])
                assert not escaped_newlines(" ".join(text.split("\n"))), (path.name, text[:200])
                if text.count("\n") >= 3:
                    multiline += 1
                    flagged += bool(escaped_newlines(text.replace("\n", "\\n")))
                    assert escaped_newlines(json.dumps(text)) or not escaped_newlines(text.replace("\n", "\\n"))
    assert multiline > 1000
    assert flagged >= 0.99 * multiline


# -- the profile's content-part limits (non-text-content) and DPO outputs (empty-content) -------
PNG = "data:image/png;base64,iVBORw0KGgo="


def image(url=PNG):
    return {"type": "image_url", "image_url": {"url": url}}


def text(value):
    return {"type": "text", "text": value}


def lint(rule, record, target):
    result = lint_records([record], name="t.jsonl", select=[rule], target=target)
    return [(path_text(f), f.message) for f in result.findings]


def pictures(first: int, second: int) -> dict:
    """A supervised example with images in two user turns, every content a list of parts."""
    return sft(user([text("Look.")] + [image()] * first), assistant([text("Seen.")]),
               user([image()] * second), assistant([text("Seen too.")]))


@pytest.mark.parametrize(("target", "images", "expected"), [
    ("openai", 11, "messages[2].content[4]"),  # the 11th image of the example, in its second user turn
    ("openai", 10, None),
    ("together", 11, "messages[2].content[4]"),
    ("together", 10, None),
    ("azure", 11, None),  # Azure's vision fine-tuning allows 64 images per example
    ("azure", 65, "messages[2].content[58]"),
    ("fireworks", 70, None),  # no published limit
])
def test_images_per_example_limit_per_target(target, images, expected):
    found = lint("non-text-content", pictures(6, images - 6), target)
    assert [p for p, _ in found] == ([expected] if expected else [])
    if expected:
        assert f"holds {images} images" in found[0][1] and "at most" in found[0][1]


def test_image_limit_is_not_repeated_in_dpo():
    record = dpo(prompt=[text("Look.")] + [image()] * 11)
    found = lint("non-text-content", record, "openai")
    assert len(found) == 11 and all("DPO example" in m for _, m in found)  # each image once, no count on top


@pytest.mark.parametrize(("url", "bad"), [
    ("https://example.com/cat.png", True),
    ("http://example.com/cat.jpg", True),
    ("data:image/gif;base64,R0lGODlh", True),
    ("data:image/png,iVBORw0KGgo=", True),  # not base64
    ("data:image/jpeg;base64,/9j/4AAQ", False),
    ("data:image/png;base64,iVBORw0KGgo=", False),
    ("data:image/webp;base64,UklGRg==", False),
])
def test_together_wants_base64_data_urls(url, bad):
    record = sft(user([text("What is it?"), image(url)]), assistant([text("A cat.")]))
    found = lint("non-text-content", record, "together")
    assert [p for p, _ in found] == (["messages[0].content[1].image_url.url"] if bad else [])
    if bad:
        assert "base64" in found[0][1] and "data:image/png;base64," in found[0][1]
    assert lint("non-text-content", record, "openai") == []  # OpenAI fetches web addresses


@pytest.mark.parametrize("part", [
    {"type": "image_url"}, {"type": "image_url", "image_url": "https://e.com/a.png"},
    {"type": "image_url", "image_url": {"url": 7}},
])
def test_together_image_part_without_a_url(part):
    record = sft(user([text("What is it?"), part]), assistant([text("A cat.")]))
    assert [p for p, _ in lint("non-text-content", record, "together")] == ["messages[0].content[1]"]


def test_together_images_only_in_user_messages():
    record = sft(user([text("Draw a cat.")]), assistant([image()]))
    (finding,) = lint("non-text-content", record, "together")
    assert finding[0] == "messages[1].content[0]" and "user messages only" in finding[1]


@pytest.mark.parametrize(("record", "method", "expected"), [
    (sft(user([text("What is it?"), image()]), assistant("A cat.")), "supervised", "messages[1].content"),
    (sft(user("Hi."), assistant([text("Hello.")])), "supervised", "messages[1].content"),
    (sft(user("Hi."), assistant("Hello."), user([text("Again?"), image()]), assistant("Yes.")), "supervised",
     "messages[2].content"),
    (dpo(prompt=[text("Hi.")]), "dpo", "preferred_output[0].content"),
    (dpo(preferred=[text("4.")]), "dpo", "preferred_output[0].content"),
    (sft(user("Hi."), assistant("Hello.")), "supervised", None),
    (sft(user([text("What is it?"), image()]), assistant([text("A cat.")])), "supervised", None),
    (dpo(), "dpo", None),
    # null content (a tool call) is neither form
    (sft(user([text("Weather?"), image()]), assistant(None, tool_calls=[{"id": "c"}]), assistant([text("Sun.")])),
     "supervised", None),
])
def test_together_does_not_mix_strings_and_part_lists(record, method, expected):
    found = lint("non-text-content", record, "together")
    found = [(p, m) for p, m in found if "DPO example" not in m]  # images in DPO are reported on their own
    assert [p for p, _ in found] == ([expected] if expected else [])
    if expected:
        assert "mixes" in found[0][1] and '"type": "text"' in found[0][1]
    assert [m for _, m in lint("non-text-content", record, "openai") if "mixes" in m] == []


CALL = [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]


@pytest.mark.parametrize(("reply", "expected"), [
    (assistant(None, tool_calls=CALL), "preferred_output[0].content"),
    ({"role": "assistant", "tool_calls": CALL}, "preferred_output[0]"),  # no content key at all
    (assistant("", tool_calls=CALL), "preferred_output[0].content"),
    (assistant("Calling f.", tool_calls=CALL), None),
])
def test_together_dpo_output_needs_text(reply, expected):
    found = lint("empty-content", dpo(preferred=reply), "together")
    assert [p for p, _ in found] == ([expected] if expected else [])
    if expected:
        assert "the preferred reply (assistant)" in found[0][1]
    assert lint("empty-content", dpo(preferred=reply), "openai") == []  # OpenAI: the calls are the message


def test_together_tool_call_in_the_prompt_is_not_an_output():
    record = dpo(messages=[user("Weather?"), assistant(None, tool_calls=CALL), user("And tomorrow?")])
    assert lint("empty-content", record, "together") == []
