"""``pftlint convert --to openai|trl|vertex|nova|supervised``, and the sources convert reads beyond the linter's.

Each output layout has a clean case (the exact record written) and a broken one (the Skip, with
its line); OpenAI -> TRL -> Vertex -> Nova -> OpenAI gives back the same prompts and replies, on
generated pairs and through the real console script; every record is accounted for.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint.api import lint_bytes
from pftlint.convert import Options, Stats, convert, units
from pftlint.convert import detect
from pftlint.convert.common import NOT_IN_LAYOUT, PREFERENCE, TOOLS, TURN_ORDER
from pftlint.engine.catalog import rule_docs
from pftlint.model.formats import AXOLOTL_CHAT_TEMPLATE
from pftlint.profiles.targets import all_targets
import builders
from builders import jsonl, user

# What the data itself says, which convert keeps as it is (the README: "apart from what the data itself says"):
# the dataset rules, too few examples, and replies that differ only in case or whitespace.
DATASET_RULES = sorted({doc.name for doc in rule_docs() if doc.scope == "dataset"}
                       | {"too-few-examples", "near-identical-outputs"})
SKIP_LINE = re.compile(r"^(.*):(\d+): skipped: (.+)$")
CHAIN = ("trl", "vertex", "nova", "openai")


bot = builders.assistant
SYSTEM = builders.system("Be brief.")
TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                         "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                                                        "required": ["city"]}}}


def openai(prompt, chosen, rejected, tools=None):
    record = builders.dpo(chosen=chosen, rejected=rejected, messages=prompt)
    if tools:
        record["input"]["tools"] = tools
    return record


def convert_bytes(data: bytes, to: str, source: str | None = None):
    """In-process: (written records, {line: Skip}, stats)."""
    stats = Stats()
    written, skips = [], {}
    for line, result in convert(units(io.BytesIO(data), "in.jsonl"), Options(source=source, to=to), stats):
        if isinstance(result, bytes):
            written.append(json.loads(result))
        else:
            skips[line] = result
    assert stats.read == stats.written + stats.skipped_total == len(written) + len(skips)  # accounted for
    return written, skips, stats


def cli(run_cli, tmp_path: Path, records, to: str, *flags: str, name="in.jsonl"):
    """Through the console script: (exit status, written records or None, {line: skip message}, stderr)."""
    src = tmp_path / name
    src.write_bytes(jsonl(records))
    out = tmp_path / f"out-{to}.jsonl"
    if out.exists():
        out.unlink()
    proc = run_cli("convert", str(src), "-o", str(out), "--to", to, *flags)
    skips = {int(m[2]): m[3] for m in map(SKIP_LINE.match, proc.stderr.splitlines()) if m}
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else None
    assert "Traceback" not in proc.stderr
    return proc.returncode, written, skips, proc.stderr


def lint_clean(records, target: str = "openai", method: str = "dpo"):
    result = lint_bytes(jsonl(records), "out.jsonl", target=target, method=method, ignore=DATASET_RULES)
    return [(f.line, f.rule, f.message) for f in result.findings]


def assert_lints_clean(records, layout: str):
    """What a layout writes passes check: directly where pftlint has the layout's target, and always once
    read back and written as OpenAI records (which proves the pair itself was clean)."""
    if layout in ("openai", "supervised"):
        assert lint_clean(records, method="dpo" if layout == "openai" else "supervised") == []
        return
    if layout in {t.name for t in all_targets()}:  # the trl / vertex / nova profiles, once they exist
        assert lint_clean(records, target=layout, method="auto") == []
    back, skips, _ = convert_bytes(jsonl(records), "openai", source=layout)
    assert skips == {} and len(back) == len(records)
    assert lint_clean(back) == []


# -- one clean case per layout: the exact record written ------------------------------------------

SOURCE = openai([SYSTEM, user("Q1"), bot("A1"), user("Q2")], "Good.", "Bad.")
TOOLED = openai([user("Weather in Paris?")], "Let me check.", "No idea.", tools=[TOOL])

CLEAN = {
    "openai": (SOURCE, SOURCE),
    "trl": (TOOLED, {"prompt": [user("Weather in Paris?")], "chosen": [bot("Let me check.")],
                     "rejected": [bot("No idea.")], "tools": [TOOL]}),
    "vertex": (SOURCE, {"system_instruction": {"parts": [{"text": "Be brief."}]},
                        "contents": [{"role": "user", "parts": [{"text": "Q1"}]},
                                     {"role": "model", "parts": [{"text": "A1"}]},
                                     {"role": "user", "parts": [{"text": "Q2"}]}],
                        "completions": [{"score": 1, "completion": {"role": "model", "parts": [{"text": "Good."}]}},
                                        {"score": 0, "completion": {"role": "model", "parts": [{"text": "Bad."}]}}]}),
    "nova": (SOURCE, {"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "Be brief."}],
                      "messages": [{"role": "user", "content": [{"text": "Q1"}]},
                                   {"role": "assistant", "content": [{"text": "A1"}]},
                                   {"role": "user", "content": [{"text": "Q2"}]},
                                   {"role": "assistant", "candidates": [
                                       {"content": [{"text": "Good."}], "preferenceLabel": "preferred"},
                                       {"content": [{"text": "Bad."}], "preferenceLabel": "non-preferred"}]}]}),
    "supervised": (TOOLED, {"messages": [user("Weather in Paris?"), bot("Let me check.")], "tools": [TOOL]}),
}


@pytest.mark.parametrize("layout", sorted(CLEAN))
def test_clean_case_per_layout(run_cli, tmp_path, layout):
    source, expected = CLEAN[layout]
    status, written, skips, err = cli(run_cli, tmp_path, [source, source], layout)
    assert (status, skips) == (0, {}), err
    assert written == [expected, expected]
    assert "read 2 records" in err and "wrote 2 records" in err
    assert_lints_clean(written, layout)


def test_dpo_is_a_synonym_of_openai(run_cli, tmp_path):
    records = [TOOLED, SOURCE]
    assert cli(run_cli, tmp_path, records, "dpo")[1] == cli(run_cli, tmp_path, records, "openai")[1] == records


# -- one broken case per layout: what the layout cannot hold is a Skip, with its line ---------------

BAD_TOOL = openai([user("Q")], "A", "B", tools=[{"type": "function", "function": {"name": "has space"}}])
BROKEN = {
    # a tool definition the linter's invalid-tool-definition rule reports: never written
    "openai": (BAD_TOOL, TOOLS, "may only hold letters"),
    "trl": (BAD_TOOL, TOOLS, "may only hold letters"),
    "supervised": (BAD_TOOL, TOOLS, "may only hold letters"),
    # Vertex holds text turns only: no tool definitions, no message names
    "vertex": (TOOLED, TOOLS, "Vertex AI preference records cannot hold"),
    # Nova wants the user's turn first (after the system prompt)
    "nova": (openai([SYSTEM, bot("Hello, how can I help?"), user("Q")], "A", "B"), TURN_ORDER,
             "Amazon Nova wants the user's turn first"),
}


@pytest.mark.parametrize("layout", sorted(BROKEN))
def test_broken_case_per_layout(run_cli, tmp_path, layout):
    record, reason, words = BROKEN[layout]
    status, written, skips, err = cli(run_cli, tmp_path, [SOURCE, record, SOURCE], layout)
    assert status == 1, err
    assert list(skips) == [2] and words in skips[2], skips
    assert len(written) == 2 and f"skipped 1 record ({reason}: 1)" in err
    assert_lints_clean(written, layout)


@pytest.mark.parametrize("layout", ["vertex", "nova"])
def test_a_message_name_is_not_dropped_silently(layout):
    named = openai([{"role": "user", "content": "Q", "name": "alice"}], "A", "B")
    written, skips, _ = convert_bytes(jsonl([named]), layout)
    assert written == [] and skips[1].reason == NOT_IN_LAYOUT and "'alice'" in skips[1].detail
    written, skips, _ = convert_bytes(jsonl([named]), "trl")
    assert skips == {} and written[0]["prompt"][0]["name"] == "alice"


def test_text_parts_become_vertex_and_nova_parts():
    parts = [{"type": "text", "text": "Part one. "}, {"type": "text", "text": "Part two."}]
    record = {"input": {"messages": [{"role": "user", "content": parts}]},
              "preferred_output": [bot("A")], "non_preferred_output": [bot("B")]}
    (vertex,), _, _ = convert_bytes(jsonl([record]), "vertex")
    assert vertex["contents"] == [{"role": "user", "parts": [{"text": "Part one. "}, {"text": "Part two."}]}]
    (nova,), _, _ = convert_bytes(jsonl([vertex]), "nova")
    assert nova["messages"][0]["content"] == [{"text": "Part one. "}, {"text": "Part two."}]
    (back,), _, _ = convert_bytes(jsonl([nova]), "openai")
    assert back == record  # several parts stay several parts


# -- the round trip ---------------------------------------------------------------------------------

_word = st.text(alphabet=st.sampled_from("abcxyz .,?!\n'\"é字"), min_size=1, max_size=12).filter(
    lambda t: t.strip() != "")


@st.composite
def pairs(draw):
    turns = draw(st.integers(min_value=0, max_value=3))
    prompt = [{"role": "system", "content": draw(_word)}] if draw(st.booleans()) else []
    for _ in range(turns):
        prompt += [user(draw(_word)), bot(draw(_word))]
    prompt.append(user(draw(_word)))
    chosen = draw(_word)
    rejected = draw(_word.filter(lambda t: t != chosen))
    return openai(prompt, chosen, rejected)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(pairs(), min_size=1, max_size=5))
def test_openai_trl_vertex_nova_openai_gives_back_the_same_pairs(records):
    data = jsonl(records)
    for layout in CHAIN:
        written, skips, stats = convert_bytes(data, layout)
        assert skips == {} and stats.written == len(records)
        data = jsonl(written)
    assert written == records


def test_round_trip_through_the_console_script(run_cli, tmp_path):
    records = [SOURCE, openai([user("Sky colour?")], "Blue.", "Green."),
               openai([SYSTEM, user("Two\nlines \u201cquoted\u201d \U0001f600")], "Yes.", "No.")]
    current = records
    for layout in CHAIN:
        status, current, skips, err = cli(run_cli, tmp_path, current, layout, name=f"from-{layout}.jsonl")
        assert (status, skips) == (0, {}), err
        assert_lints_clean(current, layout)
    assert current == records


def test_the_round_trip_says_what_it_read_at_each_step(run_cli, tmp_path):
    _, trl, _, _ = cli(run_cli, tmp_path, [SOURCE], "trl")
    _, vertex, _, err = cli(run_cli, tmp_path, trl, "vertex", name="trl.jsonl")
    assert "TRL preference" in err and "Vertex AI Gemini preference JSONL" in err
    _, nova, _, err = cli(run_cli, tmp_path, vertex, "nova", name="vertex.jsonl")
    assert "Vertex AI Gemini preference (contents / completions): 1" in err
    _, _, _, err = cli(run_cli, tmp_path, nova, "openai", name="nova.jsonl")
    assert "Amazon Nova DPO (messages ending with candidates): 1" in err


def as_axolotl_chat_template(record: dict) -> dict:
    """An OpenAI preference record in axolotl's chat_template layout (its default field names)."""
    return {"messages": record["input"]["messages"], "chosen": record["preferred_output"][0],
            "rejected": record["non_preferred_output"][0]}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(pairs(), min_size=1, max_size=5))
def test_axolotl_chat_template_openai_trl_vertex_nova_openai_gives_back_the_same_pairs(records):
    data = jsonl([as_axolotl_chat_template(r) for r in records])
    for layout in ("openai", *CHAIN):
        written, skips, stats = convert_bytes(data, layout)
        assert skips == {} and stats.written == len(records)
        data = jsonl(written)
    assert written == records


def test_axolotl_chat_template_round_trip_through_the_console_script(run_cli, tmp_path):
    records = [SOURCE, openai([user("Sky colour?")], "Blue.", "Green.")]
    status, current, skips, err = cli(run_cli, tmp_path, [as_axolotl_chat_template(r) for r in records], "trl",
                                      name="axolotl.jsonl")
    assert (status, skips) == (0, {}) and "axolotl chat_template" in err, err
    assert_lints_clean(current, "trl")
    for layout in CHAIN[1:]:
        status, current, skips, err = cli(run_cli, tmp_path, current, layout, name=f"from-{layout}.jsonl")
        assert (status, skips) == (0, {}), err
    assert current == records
    status, forced, skips, err = cli(run_cli, tmp_path, [as_axolotl_chat_template(r) for r in records], "openai",
                                     "--from", AXOLOTL_CHAT_TEMPLATE, name="forced.jsonl")
    assert (status, skips, forced) == (0, {}, records), err


def test_real_trl_file_round_trips(run_cli, tmp_path, corpus):
    src = corpus / "trl-conv__Mihir-Khare429_system-design-interviewer-bot__dpo_dataset.jsonl"
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    status, first, skips, err = cli(run_cli, tmp_path, rows, "openai", name="real.jsonl")
    assert (status, skips) == (0, {}), err
    current = first
    for layout in CHAIN:
        status, current, skips, err = cli(run_cli, tmp_path, current, layout, name=f"real-{layout}.jsonl")
        assert (status, skips) == (0, {}), err
    assert current == first and len(current) == len(rows)


# -- the sources convert reads beyond the linter's formats -------------------------------------------

VERTEX_RECORD = CLEAN["vertex"][1]
NOVA_RECORD = CLEAN["nova"][1]
SOURCE_PAIR = openai([SYSTEM, user("Q1"), bot("A1"), user("Q2")], "Good.", "Bad.")

SOURCES = [
    (detect.VERTEX, VERTEX_RECORD, SOURCE_PAIR),
    # the order of the completions does not matter, the scores do; 1.0 / 0.0 are scores too
    (detect.VERTEX, {"contents": [{"role": "user", "parts": [{"text": "Q"}]}], "completions": [
        {"score": 0.0, "completion": {"role": "model", "parts": [{"text": "Bad."}]}},
        {"score": 1.0, "completion": {"parts": [{"text": "Good."}]}}]}, openai([user("Q")], "Good.", "Bad.")),
    (detect.NOVA, NOVA_RECORD, SOURCE_PAIR),
    (detect.ULTRAFEEDBACK_ARGILLA, {"source": "evol", "instruction": "Q", "chosen_response": "Good.",
                                    "rejected_response": "Bad.", "chosen_avg_rating": 4.5,
                                    "rejected_avg_rating": 2.0}, openai([user("Q")], "Good.", "Bad.")),
    (detect.ULTRAFEEDBACK_H4, {"prompt": "Q", "prompt_id": "x1", "chosen": [user("Q"), bot("Good.")],
                               "rejected": [user("Q"), bot("Bad.")], "messages": [user("Q"), bot("Good.")],
                               "score_chosen": 8.0, "score_rejected": 3.0}, openai([user("Q")], "Good.", "Bad.")),
    (detect.ALPACA_RANKING, {"instruction": "Translate to French.", "input": "Hello", "chosen": "Bonjour",
                             "rejected": "Hola"}, openai([user("Translate to French.\nHello")], "Bonjour", "Hola")),
    (detect.ALPACA_RANKING, {"system": "Be brief.", "history": [["Q1", "A1"]], "instruction": "Q2", "input": "",
                             "chosen": "Good.", "rejected": "Bad."}, SOURCE_PAIR),
    (detect.AXOLOTL, {"question": "Q", "chosen": "Good.", "rejected": "Bad.", "system": "Be brief."},
     openai([SYSTEM, user("Q")], "Good.", "Bad.")),
    (detect.AXOLOTL, {"input": "Q", "chosen": "Good.", "rejected": "Bad."}, openai([user("Q")], "Good.", "Bad.")),
    (detect.AXOLOTL, {"prompt": "Q", "chosen_response": "Good.", "rejected_response": "Bad."},
     openai([user("Q")], "Good.", "Bad.")),
    # axolotl's chat_template.default: replies as message objects, texts, or lists whose last message is trained on
    (AXOLOTL_CHAT_TEMPLATE, {"messages": [SYSTEM, user("Q1"), bot("A1"), user("Q2")], "chosen": bot("Good."),
                             "rejected": bot("Bad.")}, SOURCE_PAIR),
    (AXOLOTL_CHAT_TEMPLATE, {"messages": "Q", "chosen": "Good.", "rejected": [bot("Bad.")]},
     openai([user("Q")], "Good.", "Bad.")),
    (AXOLOTL_CHAT_TEMPLATE, {"messages": [user("Q")], "chosen": [user("Q"), bot("Good.")],
                             "rejected": [user("Q"), bot("Bad.")]}, openai([user("Q")], "Good.", "Bad.")),
]


@pytest.mark.parametrize(("fmt", "record", "expected"), SOURCES)
def test_clean_case_per_source(fmt, record, expected):
    assert detect.detect(record) == fmt
    for forced in (None, fmt):
        written, skips, stats = convert_bytes(jsonl([record]), "openai", source=forced)
        assert skips == {} and written == [expected]
        assert stats.formats == {fmt: 1}
    assert lint_clean(written) == []


def test_sources_to_supervised_need_no_rejected_reply():
    records = [{"instruction": "Q", "chosen_response": "Good."},  # argilla without the rejected response
               {"question": "Q", "chosen": "Good."}]
    written, skips, _ = convert_bytes(jsonl(records), "supervised", source=detect.AXOLOTL)
    assert skips == {} and written == [{"messages": [user("Q"), bot("Good.")]}] * 2


BROKEN_SOURCES = [
    (detect.VERTEX, {**VERTEX_RECORD, "completions": [VERTEX_RECORD["completions"][0]] * 2}, PREFERENCE,
     "one scored 1 (preferred) and one scored 0"),
    (detect.VERTEX, {**VERTEX_RECORD, "completions": VERTEX_RECORD["completions"][:1]}, PREFERENCE, "exactly two"),
    (detect.VERTEX, {**VERTEX_RECORD, "contents": [{"role": "user", "parts": [
        {"inlineData": {"mimeType": "image/png", "data": "AAAA"}}]}]}, "non-text content", "not text"),
    (detect.VERTEX, {**VERTEX_RECORD, "contents": [{"role": "function", "parts": [{"text": "x"}]}]},
     "role does not map", "'user' or 'model'"),
    (detect.NOVA, {**NOVA_RECORD, "messages": [NOVA_RECORD["messages"][0], {"role": "assistant", "candidates": [
        {"content": [{"text": "A"}], "preferenceLabel": "preferred"},
        {"content": [{"text": "B"}], "preferenceLabel": "preferred"}]}]}, PREFERENCE, "'non-preferred'"),
    (detect.NOVA, {"messages": [{"role": "user", "content": [{"text": "Q"}, {"image": {"format": "png"}}]},
                                NOVA_RECORD["messages"][-1]]}, "non-text content", "not text"),
    (detect.NOVA, {"messages": [{"role": "system", "content": [{"text": "Q"}]}, NOVA_RECORD["messages"][-1]]},
     "role does not map", "'user' or 'assistant'"),
    (detect.ULTRAFEEDBACK_ARGILLA, {"instruction": "Q", "chosen_response": "Same.", "rejected_response": "Same."},
     "identical replies", "same reply"),
    (detect.ULTRAFEEDBACK_H4, {"prompt": "Another question", "chosen": [user("Q"), bot("Good.")],
                               "rejected": [user("Q"), bot("Bad.")]}, "prompt and replies cannot be told apart",
     "says two things"),
    (detect.ALPACA_RANKING, {"instruction": "Q", "history": [["only a question"]], "chosen": "A", "rejected": "B"},
     "wrong type", "[question, answer]"),
    (detect.AXOLOTL, {"question": "Q", "chosen": "Good.", "rejected": ["x", "y"]}, TURN_ORDER, "holds 2 messages"),
    # earlier messages that are not the prompt: axolotl would drop them, convert does not do so silently
    (AXOLOTL_CHAT_TEMPLATE, {"messages": [user("Q")], "chosen": [user("Other?"), bot("Good.")],
                             "rejected": bot("Bad.")}, TURN_ORDER, "trains on the last message only"),
    (AXOLOTL_CHAT_TEMPLATE, {"messages": [user("Q")], "chosen": bot("Good."), "rejected": user("Bad.")},
     "role does not map", "not the assistant's reply"),
    (AXOLOTL_CHAT_TEMPLATE, {"messages": [user("Q")], "chosen": bot("Same."), "rejected": bot("Same.")},
     "identical replies", "same reply"),
]


@pytest.mark.parametrize(("fmt", "record", "reason", "words"), BROKEN_SOURCES)
def test_broken_case_per_source(fmt, record, reason, words):
    assert detect.detect(record) == fmt
    good = CLEAN["openai"][0]
    written, skips, stats = convert_bytes(jsonl([good, record]), "openai")
    assert written == [good] and list(skips) == [2]
    assert skips[2].reason == reason and words in skips[2].detail, skips[2].detail
    assert stats.skipped == {reason: 1}


def test_trl_vision_rows_are_skipped_not_stripped_of_their_images():
    record = {"images": ["cat.png"], "prompt": [user("What is this?")], "chosen": [bot("A cat.")],
              "rejected": [bot("A dog.")]}
    written, skips, _ = convert_bytes(jsonl([record]), "openai")
    assert written == [] and skips[1].reason == "non-text content"


def test_trl_tools_as_json_text_are_read():
    record = {"prompt": [user("Weather in Paris?")], "chosen": [bot("Let me check.")], "rejected": [bot("No idea.")],
              "tools": json.dumps([TOOL])}
    written, skips, _ = convert_bytes(jsonl([record]), "openai")
    assert skips == {} and written == [TOOLED]


@pytest.mark.parametrize("record", [
    {"prompt": "Q", "chosen": "A", "rejected": "B"},                    # TRL standard
    {"input": {"messages": [user("Q")]}, "preferred_output": [bot("A")], "non_preferred_output": [bot("B")]},
    {"input": "Q", "preferred_output": "A", "non_preferred_output": "B"},  # OpenAI keys, wrong shapes: OpenAI still
    {"messages": [user("Q"), bot("A")]},                                 # supervised chat
    {"chosen": "\n\nHuman: Hi\n\nAssistant: A", "rejected": "\n\nHuman: Hi\n\nAssistant: B"},
])
def test_the_linters_formats_are_detected_as_before(record):
    from pftlint.model import formats

    assert detect.detect(record) == formats.detect(record)


# -- by construction: pairs near the edges convert to clean records or to reported skips ----------------

_edits = st.sampled_from(["none", "name", "tools", "bad-tools", "assistant-first", "parts", "identical", "blank",
                          "system-late", "tool-role"])


def _edit(record: dict, edit: str) -> dict:
    messages = record["input"]["messages"]
    if edit == "name":
        messages[-1]["name"] = "alice"
    elif edit == "tools":
        record["input"]["tools"] = [TOOL]
    elif edit == "bad-tools":
        record["input"]["tools"] = [{"type": "function", "function": {"name": ""}}]
    elif edit == "assistant-first":
        messages[:0] = [bot("Hello."), user("Hi.")] if messages[0]["role"] != "system" else []
        if messages[0]["role"] == "system":
            messages[1:1] = [bot("Hello.")] if messages[1]["role"] == "user" else []
    elif edit == "parts":
        messages[-1]["content"] = [{"type": "text", "text": messages[-1]["content"]}, {"type": "text", "text": "!"}]
    elif edit == "identical":
        record["non_preferred_output"] = record["preferred_output"]
    elif edit == "blank":
        record["preferred_output"] = [bot(" \n")]
    elif edit == "system-late":
        messages.append(SYSTEM)
    elif edit == "tool-role":
        messages.insert(-1, {"role": "tool", "content": "42", "tool_call_id": "1"})
    return record


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(st.tuples(pairs(), _edits).map(lambda t: _edit(*t)), min_size=1, max_size=6),
       layout=st.sampled_from(["openai", "trl", "vertex", "nova", "supervised"]))
def test_pairs_near_the_edges_are_written_clean_or_skipped(records, layout):
    written, skips, _ = convert_bytes(jsonl(records), layout)
    assert all(skip.reason and skip.detail for skip in skips.values())
    if written:
        assert_lints_clean(written, layout)


def test_a_text_prompt_with_reply_lists_is_trl_not_h4():
    record = {"prompt": "Q", "chosen": [bot("Good.")], "rejected": [bot("Bad.")]}
    assert detect.detect(record) == "trl"
    written, skips, _ = convert_bytes(jsonl([record]), "openai")
    assert skips == {} and written == [openai([user("Q")], "Good.", "Bad.")]


def test_from_openai_is_from_dpo():
    for source in ("openai", "dpo"):
        written, skips, stats = convert_bytes(jsonl([TOOLED]), "trl", source=source)
        assert skips == {} and written == [CLEAN["trl"][1]] and stats.formats == {source: 1}


def test_skip_messages_show_long_values_cut():
    record = {**VERTEX_RECORD, "completions": [{"score": "x" * 500, "completion": {}}] * 2}
    _, skips, _ = convert_bytes(jsonl([record]), "openai")
    assert skips[1].reason == PREFERENCE and len(skips[1].detail) < 250 and "..." in skips[1].detail


@pytest.mark.parametrize(("record", "reason"), [
    (openai([user("Q"), bot("Partial answer")], "A", "B"), TURN_ORDER),            # the prompt ends with the model
    (openai([user("Q"), {"role": "assistant", "content": None, "tool_calls": [
        {"id": "1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}, user("Q2")], "A", "B"), TOOLS),
    (openai([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}], "A", "B"),
     "non-text content"),
])
@pytest.mark.parametrize("layout", ["vertex", "nova"])
def test_what_vertex_and_nova_cannot_say_is_a_skip(record, reason, layout):
    written, skips, stats = convert_bytes(jsonl([record, SOURCE]), layout)
    assert len(written) == 1 and list(skips) == [1] and skips[1].reason == reason
    assert_lints_clean(written, layout)


def test_the_formats_convert_cannot_read_are_the_ones_the_linter_says_so_for():
    """model.formats.NO_CONVERTER (what wrong-format and the README's table say) is what convert really lacks."""
    from pftlint.convert import Options, Stats, convert
    from pftlint.convert.readers import Unit
    from pftlint.model import formats

    samples = {  # one record per recognised format, as the linter detects it
        formats.AXOLOTL_CHAT_TEMPLATE: {"messages": [{"role": "user", "content": "Sky?"}],
                                        "chosen": {"role": "assistant", "content": "Blue."},
                                        "rejected": {"role": "assistant", "content": "Green."}},
        formats.AXOLOTL_CHATML: {"question": "Sky?", "chosen": "Blue.", "rejected": "Green."},
        formats.ALPACA_RANKING: {"instruction": "Sky?", "chosen": "Blue.", "rejected": "Green."},
    }
    for fmt, record in samples.items():
        assert formats.detect(record) == fmt, fmt
        stats = Stats()
        out = list(convert([Unit(1, record)], Options(), stats))
        assert (stats.written == 0) is (fmt in formats.NO_CONVERTER), (fmt, out)
