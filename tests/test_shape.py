"""Record-shape rules: missing-key, unknown-key, wrong-type, wrong-format."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint.api import lint_bytes, make_linter
from pftlint.model.view import loose_record
from pftlint.rules import shape
from pftlint.profiles.targets import load_target
from pftlint.reporters.base import path_text

SHAPE = ["missing-key", "unknown-key", "wrong-type", "wrong-format"]

USER = {"role": "user", "content": "What is the capital of France?"}
GOOD = {"input": {"messages": [USER]},
        "preferred_output": [{"role": "assistant", "content": "Paris."}],
        "non_preferred_output": [{"role": "assistant", "content": "Lyon."}]}
CALL = {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
                                             "function": {"name": "weather", "arguments": "{}"}}]}


DROP = object()


def dpo(**changes) -> dict:
    """GOOD with some keys changed (DROP removes a key)."""
    record = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if value is DROP:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def sft(*messages: dict, **extra) -> dict:
    return {"messages": list(messages), **extra}


def lint(*records, method: str = "auto", rules=SHAPE, name: str = "data.jsonl", raw: bytes | None = None):
    data = raw if raw is not None else b"".join(json.dumps(r).encode() + b"\n" for r in records)
    return lint_bytes(data, name, select=list(rules), method=method).findings


def of(findings, rule: str) -> list:
    return [f for f in findings if f.rule == rule]


# -- missing-key ------------------------------------------------------------

@pytest.mark.parametrize("key", ["input", "preferred_output", "non_preferred_output"])
def test_missing_top_level_dpo_key(key):
    found = lint(dpo(**{key: DROP}))
    assert [(f.rule, path_text(f)) for f in found] == [("missing-key", "")]
    assert f"'{key}'" in found[0].message


def test_missing_messages_in_input():
    found = lint(dpo(input={"tools": []}))
    assert [(f.rule, path_text(f)) for f in found] == [("missing-key", "input")]
    assert "'messages'" in found[0].message


def test_missing_messages_in_supervised_record():
    found = lint({"tools": []}, method="supervised")
    assert [(f.rule, path_text(f)) for f in found] == [("missing-key", "")]
    assert "'messages'" in found[0].message


def test_missing_role_points_at_the_message():
    record = dpo(input={"messages": [{"content": "Hi"}]})
    line = json.dumps(record)
    found = lint(record)
    assert [(f.rule, path_text(f)) for f in found] == [("missing-key", "input.messages[0]")]
    assert "'role'" in found[0].message and '"user"' in found[0].message
    assert found[0].column == line.index('{"content"') + 1


def test_missing_role_in_output_suggests_assistant():
    found = lint(dpo(preferred_output=[{"content": "Paris."}]))
    assert [path_text(f) for f in found] == ["preferred_output[0]"]
    assert '"assistant"' in found[0].message


@pytest.mark.parametrize("message", [
    {"role": "user"},
    {"role": "system", "name": "x"},
    {"role": "assistant"},
    {"role": "assistant", "refusal": "I cannot."},
])
def test_missing_content(message):
    found = lint(sft(USER, message, {"role": "assistant", "content": "ok"}))
    assert [(f.rule, path_text(f)) for f in found] == [("missing-key", "messages[1]")]
    assert "'content'" in found[0].message


@pytest.mark.parametrize("message", [
    CALL,
    {"role": "assistant", "function_call": {"name": "weather", "arguments": "{}"}},
])
def test_assistant_call_may_omit_content(message):
    assert lint(sft(USER, message)) == []


def test_tool_message_needs_tool_call_id_and_function_message_name():
    found = lint(sft(USER, CALL, {"role": "tool", "content": "18 C"},
                     {"role": "function", "content": "18 C"}, {"role": "assistant", "content": "18 C."}))
    assert [(path_text(f), "tool_call_id" in f.message, "'name'" in f.message) for f in found] == [
        ("messages[2]", True, False), ("messages[3]", False, True)]


def test_misspelled_required_key_is_reported_once_by_missing_key():
    found = lint(dpo(preferred_output=DROP, prefered_output=GOOD["preferred_output"],
                     input=DROP, prompt={"messages": [USER]}))
    assert sorted((f.rule, path_text(f)) for f in found) == [
        ("missing-key", "prefered_output"), ("missing-key", "prompt")]
    found = lint(sft(USER, {"Role": "assistant", "text": "Paris."}))
    assert sorted((f.rule, path_text(f)) for f in found) == [
        ("missing-key", "messages[1].Role"), ("missing-key", "messages[1].text")]


@pytest.mark.parametrize(("record", "path", "meant"), [
    (dpo(preferred_output=DROP, prefered_output=GOOD["preferred_output"]), "prefered_output", "preferred_output"),
    (dpo(non_preferred_output=DROP, nonpreferred_output=GOOD["non_preferred_output"]), "nonpreferred_output",
     "non_preferred_output"),
    (dpo(input=DROP, inptu=GOOD["input"]), "inptu", "input"),
    (dpo(input={"mesages": [USER]}), "input.mesages", "messages"),
    (sft(USER, {"role": "assistant", "contnet": "Paris."}), "messages[1].contnet", "content"),
])
def test_misspelled_required_key_is_missing_even_when_unknown_key_is_ignored(record, path, meant):
    found = lint_bytes((json.dumps(record) + "\n").encode(), "x.jsonl", ignore=["unknown-key", "too-few-examples"]
                       ).findings
    assert [(f.rule, path_text(f)) for f in found] == [("missing-key", path)]
    key = path.rsplit(".", 1)[-1]
    assert found[0].message.startswith(f"required key {meant!r} is missing; ")
    assert f"{key!r}, probably a misspelling: rename it" in found[0].message


def test_supervised_misspelt_messages_key_is_a_supervised_record():
    found = lint(*[{"mesages": [USER, {"role": "assistant", "content": "Paris."}]}] * 2)
    assert [(f.rule, path_text(f)) for f in found] == [("missing-key", "mesages")] * 2


def test_a_misspelt_copy_of_a_present_key_is_unknown_not_missing():
    found = lint(dpo(prefered_output=GOOD["preferred_output"]))
    assert [(f.rule, path_text(f)) for f in found] == [("unknown-key", "prefered_output")]
    assert "did you mean 'preferred_output'?" in found[0].message


def test_unknown_and_missing_key_share_one_similarity_test(monkeypatch):
    calls = []
    real = shape.near_miss
    monkeypatch.setattr(shape, "near_miss", lambda schema, key, *rest: calls.append(key) or real(schema, key, *rest))
    lint(dpo(prefered_output=GOOD["preferred_output"]), rules=["unknown-key"])
    lint(dpo(preferred_output=DROP, prefered_output=GOOD["preferred_output"]), rules=["missing-key"])
    assert calls and set(calls) == {"prefered_output"}


def test_missing_key_leaves_wrong_types_alone():
    found = lint({"input": "Hi", "preferred_output": "A", "non_preferred_output": "B"})
    assert of(found, "missing-key") == [] and len(of(found, "wrong-type")) == 3


# -- unknown-key ------------------------------------------------------------

@pytest.mark.parametrize(("old", "new"), [
    ("prefered_output", "preferred_output"),
    ("non-preferred_output", "non_preferred_output"),
    ("non_prefered_output", "non_preferred_output"),
    ("preferred_completion", "preferred_output"),
    ("non_preferred_completion", "non_preferred_output"),
    ("chosen", "preferred_output"),
    ("rejected", "non_preferred_output"),
    ("Preferred_Output", "preferred_output"),
    ("prompt", "input"),
    ("inputs", "input"),
])
def test_did_you_mean(old, new):
    record = dpo(**{new: DROP, old: GOOD[new]})
    found = lint(record)
    assert [(f.rule, path_text(f)) for f in found] == [("missing-key", old)]
    assert f"'{new}'" in found[0].message and f"'{old}'" in found[0].message
    # a copy beside the right key is only an unknown key
    found = lint(dpo(**{old: GOOD[new]}))
    assert [(f.rule, path_text(f)) for f in found] == [("unknown-key", old)]
    assert f"'{new}'" in found[0].message


def test_old_spec_name_says_where_it_comes_from():
    found = lint(dpo(preferred_output=DROP, preferred_completion=GOOD["preferred_output"]))
    assert "2024" in found[0].message


def test_unknown_key_column_points_at_the_key_value():
    record = dpo(**{"non-preferred_output": GOOD["non_preferred_output"]})
    line = json.dumps(record)
    (finding,) = lint(record)
    assert finding.column == line.index('"non-preferred_output": ') + len('"non-preferred_output": ') + 1


def test_extra_top_level_key_without_a_suggestion_lists_the_keys():
    found = lint(dpo(code_id=7))
    assert [(f.rule, path_text(f)) for f in found] == [("unknown-key", "code_id")]
    assert "non_preferred_output" in found[0].message and "did you mean" not in found[0].message


def test_top_level_weight_is_rejected_as_openai_does():
    found = lint(sft(USER, {"role": "assistant", "content": "Paris."}, weight=1))
    assert [(f.rule, path_text(f)) for f in found] == [("unknown-key", "weight")]
    assert "assistant message" in found[0].message


@pytest.mark.parametrize("key", ["messages", "tools"])
def test_input_keys_at_the_top_of_a_dpo_record_belong_in_input(key):
    record = dpo(tools=[]) if key == "tools" else dpo(input=DROP, messages=[USER])
    found = lint(record)
    assert [(f.rule, path_text(f)) for f in found] == [("missing-key" if key == "messages" else "unknown-key", key)]
    assert "inside 'input'" in found[0].message


def test_unknown_keys_inside_input_and_messages():
    record = dpo(input={"messages": [{"role": "user", "content": "Hi", "id": 3}], "tool": []})
    found = lint(record)
    assert sorted((path_text(f), "did you mean 'tools'" in f.message) for f in found) == [
        ("input.messages[0].id", False), ("input.tool", True)]


def test_every_schema_key_is_known():
    record = dpo(input={"messages": [{"role": "system", "content": "Be brief.", "name": "s"}, USER],
                        "tools": [], "parallel_tool_calls": False, "functions": []})
    record["preferred_output"] = [{"role": "assistant", "content": "Paris.", "refusal": None, "name": "a"}]
    assert lint(record) == []
    supervised = sft(USER, {**CALL, "content": None, "weight": 0}, {"role": "tool", "tool_call_id": "call_1",
                     "content": "18 C"}, {"role": "assistant", "content": "18 C.", "weight": 1},
                     tools=[], parallel_tool_calls=True, functions=[])
    assert lint(supervised) == []


@pytest.mark.parametrize(("key", "meant"), [("text", "content"), ("from", "role"), ("tool_call", "tool_calls"),
                                            ("Content", "content")])
def test_message_key_suggestions(key, meant):
    found = lint(sft(USER, {"role": "assistant", "content": "Paris.", key: "x"}), rules=["unknown-key"])
    assert [path_text(f) for f in found] == [f"messages[1].{key}"]
    assert f"did you mean '{meant}'" in found[0].message


# -- wrong-type -------------------------------------------------------------

def test_danah18_strings_are_wrapped():
    record = {"input": "Capital of France?", "preferred_output": "Paris.", "non_preferred_output": "Lyon."}
    line = json.dumps(record)
    found = lint(record)
    assert [(f.rule, path_text(f)) for f in found] == [
        ("wrong-type", "input"), ("wrong-type", "preferred_output"), ("wrong-type", "non_preferred_output")]
    assert [f.column for f in found] == [line.index('"Capital') + 1, line.index('"Paris') + 1,
                                         line.index('"Lyon') + 1]
    assert '{"messages": [{"role": "user", "content": "Capital of France?"}]}' in found[0].message
    assert '[{"role": "assistant", "content": "Paris."}]' in found[1].message
    assert "a string" in found[0].message and "an object" in found[0].message


@pytest.mark.parametrize(("changes", "path", "words"), [
    ({"input": [USER]}, "input", "inside an object"),
    ({"input": None}, "input", "null"),
    ({"preferred_output": {"role": "assistant", "content": "Paris."}}, "preferred_output", "in a list"),
    ({"non_preferred_output": 3}, "non_preferred_output", "a number"),
    ({"input": {"messages": "Hi"}}, "input.messages", "wrap the string"),
    ({"input": {"messages": [USER], "tools": {}}}, "input.tools", "in a list"),
    ({"input": {"messages": [USER], "functions": "f"}}, "input.functions", "a list of function"),
    ({"input": {"messages": [USER], "parallel_tool_calls": "true"}}, "input.parallel_tool_calls", "without quotes"),
    ({"input": {"messages": [USER], "parallel_tool_calls": 1}}, "input.parallel_tool_calls", "true or false"),
    ({"input": {"messages": [USER, "Hi"]}}, "input.messages[1]", '"role": "user"'),
    ({"preferred_output": ["Paris."]}, "preferred_output[0]", '"role": "assistant"'),
])
def test_wrong_type_in_dpo_records(changes, path, words):
    found = lint(dpo(**changes), rules=["wrong-type"])
    assert [path_text(f) for f in found] == [path]
    assert words in found[0].message


@pytest.mark.parametrize(("message", "path", "words"), [
    ({"role": 1, "content": "Paris."}, "messages[1].role", "a number"),
    ({"role": "assistant", "content": 42}, "messages[1].content", '"42"'),
    ({"role": "assistant", "content": None}, "messages[1].content", "null"),
    ({"role": "assistant", "content": {"type": "text", "text": "Paris."}}, "messages[1].content", "in a list"),
    ({"role": "assistant", "content": ["Paris."]}, "messages[1].content[0]", '"type": "text"'),
    ({"role": "assistant", "content": [{"text": "Paris."}]}, "messages[1].content[0]", "no 'type'"),
    ({"role": "assistant", "content": [{"type": "txt", "text": "Paris."}]}, "messages[1].content[0].type", "'txt'"),
    ({"role": "assistant", "content": [{"type": ["text"]}]}, "messages[1].content[0].type", "not one of"),
    ({"role": "assistant", "content": [{"type": "text", "text": 5}]}, "messages[1].content[0].text", "a number"),
    ({"role": "assistant", "content": [{"type": "text"}]}, "messages[1].content[0].text", "has no"),
    ({"role": "assistant", "content": "Paris.", "name": 3}, "messages[1].name", "a string"),
    ({"role": "assistant", "content": "Paris.", "tool_calls": {}}, "messages[1].tool_calls", "a list"),
    ({"role": "assistant", "content": "x", "function_call": "f"}, "messages[1].function_call", "an object"),
    ({"role": "assistant", "content": "Paris.", "weight": "1"}, "messages[1].weight", "without quotes"),
    ({"role": "assistant", "content": "Paris.", "weight": True}, "messages[1].weight", "not true"),
    ({"role": "assistant", "content": "Paris.", "weight": 1.0}, "messages[1].weight", "write 1"),
    ({"role": "assistant", "content": "Paris.", "weight": None}, "messages[1].weight", "null"),
])
def test_wrong_type_in_messages(message, path, words):
    found = lint(sft(USER, message), rules=["wrong-type"])
    assert [path_text(f) for f in found] == [path]
    assert words in found[0].message


def test_tool_content_must_be_a_string():
    parts = [{"type": "text", "text": "18 C"}]
    found = lint(sft(USER, CALL, {"role": "tool", "tool_call_id": "call_1", "content": parts}),
                 rules=["wrong-type"])
    assert [path_text(f) for f in found] == ["messages[2].content"]
    assert "tool" in found[0].message and "a list" in found[0].message
    # the same parts are fine on a user message, and a string is fine on a tool message
    assert lint(sft({"role": "user", "content": parts}, CALL,
                    {"role": "tool", "tool_call_id": "call_1", "content": "18 C"}), rules=["wrong-type"]) == []


@pytest.mark.parametrize("message", [
    {**CALL, "content": None},
    {"role": "assistant", "content": None, "function_call": {"name": "f", "arguments": "{}"}},
    {"role": "assistant", "content": [{"type": "refusal", "refusal": "No."}]},
    {"role": "assistant", "content": "Paris.", "weight": 0},
    {"role": "assistant", "content": "Paris.", "weight": 2},  # a value: invalid-weight's business
    {"role": "assistant", "content": "Paris.", "weight": 0.5},
    {"role": "assistant", "content": "Paris.", "refusal": None},
])
def test_types_that_are_fine(message):
    assert lint(sft(USER, message), rules=["wrong-type"]) == []


def test_function_message_content_may_be_null():
    found = lint(sft(USER, {"role": "function", "name": "f", "content": None}), rules=["wrong-type"])
    assert found == []


# -- wrong-format -----------------------------------------------------------

TRL_STRING = [{"prompt": f"Q{i}", "chosen": f"A{i}", "rejected": f"B{i}"} for i in range(4)]
TRL_CONV = [{"prompt": [USER], "chosen": [{"role": "assistant", "content": f"A{i}"}],
             "rejected": [{"role": "assistant", "content": f"B{i}"}]} for i in range(4)]
TRL_IMPLICIT = [{"chosen": [USER, {"role": "assistant", "content": f"A{i}"}],
                 "rejected": [USER, {"role": "assistant", "content": f"B{i}"}]} for i in range(4)]
HH_RECORDS = [{"chosen": f"\n\nHuman: Q{i}\n\nAssistant: A{i}", "rejected": f"\n\nHuman: Q{i}\n\nAssistant: B{i}"}
              for i in range(4)]
PC = [{"prompt": f"Q{i}", "completion": f"A{i}"} for i in range(4)]
SHAREGPT = [{"conversations": [{"from": "human", "value": f"Q{i}"}, {"from": "gpt", "value": f"A{i}"}]}
            for i in range(30)]
SHAREGPT_SYSTEM = [{"system": "Be brief.", **r} for r in SHAREGPT]
SHAREGPT_MESSAGES = [{"messages": r["conversations"]} for r in SHAREGPT]
SHAREGPT_RANKING = [{"conversations": [{"from": "human", "value": f"Q{i}"}], "chosen": {"from": "gpt", "value": f"A{i}"},
                     "rejected": {"from": "gpt", "value": f"B{i}"}} for i in range(4)]


@pytest.mark.parametrize(("records", "words"), [
    (TRL_STRING, "TRL"), (TRL_CONV, "TRL"), (TRL_IMPLICIT, "TRL"), (HH_RECORDS, "Anthropic HH"),
    (PC, "prompt / completion"),
])
def test_foreign_file_gets_one_finding(records, words):
    found = lint(*records, name="data/prefs.jsonl")
    assert [(f.rule, f.line) for f in found] == [("wrong-format", 1)]
    assert words in found[0].message
    to = "supervised" if words == "prompt / completion" else "openai"  # pairs without a rejected reply
    assert found[0].message.endswith(f"pftlint convert data/prefs.jsonl -o data/prefs.{to}.jsonl --to {to}")


@pytest.mark.parametrize("records", [SHAREGPT, SHAREGPT_SYSTEM, SHAREGPT_MESSAGES])
@pytest.mark.parametrize("method", ["auto", "dpo", "supervised"])
def test_sharegpt_chat_file_gets_one_finding_not_three_per_record(records, method):
    found = lint_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records), "data/chat.jsonl",
                       method=method).findings
    assert [(f.rule, f.line) for f in found] == [("wrong-format", 1)]
    assert "ShareGPT" in found[0].message
    assert found[0].message.endswith("pftlint convert data/chat.jsonl -o data/chat.supervised.jsonl --to supervised")


def test_sharegpt_preference_file_gets_one_finding():
    (finding,) = lint(*SHAREGPT_RANKING, name="prefs.jsonl")
    assert finding.rule == "wrong-format" and "ShareGPT preference" in finding.message
    assert finding.message.endswith("pftlint convert prefs.jsonl -o prefs.openai.jsonl --to openai")


def test_prompt_completion_converts_to_supervised():
    # a prompt/completion file is supervised data: read as such, it converts to supervised chat
    (finding,) = lint(*PC, name="pc.jsonl")
    assert finding.message.endswith("pftlint convert pc.jsonl -o pc.supervised.jsonl --to supervised")
    (finding,) = lint(*PC, name="pc.jsonl", method="dpo")
    assert finding.message.endswith("pftlint convert pc.jsonl -o pc.supervised.jsonl --to supervised")
    assert "no rejected reply" in finding.message


def test_convert_command_quotes_odd_paths_and_follows_the_method():
    (finding,) = lint(*TRL_STRING, name="my data.jsonl", method="supervised")
    assert "pftlint convert 'my data.jsonl' -o 'my data.supervised.jsonl' --to supervised" in finding.message


def test_supervised_file_checked_as_dpo_gets_one_finding():
    records = [sft(USER, {"role": "assistant", "content": f"A{i}"}) for i in range(3)]
    found = lint(*records, method="dpo")
    assert [(f.rule, f.line) for f in found] == [("wrong-format", 1)]
    assert "--method supervised" in found[0].message
    assert lint(*records, method="supervised") == [] and lint(*records) == []


def test_dpo_file_checked_as_supervised_gets_one_finding():
    found = lint(GOOD, GOOD, method="supervised")
    assert [(f.rule, f.line) for f in found] == [("wrong-format", 1)]
    assert "--method dpo" in found[0].message


def test_mixed_file_reports_each_odd_record():
    odd = sft(USER, {"role": "assistant", "content": "Paris."})
    found = lint(GOOD, odd, GOOD, GOOD, TRL_STRING[0], odd)
    assert [(f.rule, f.line) for f in found] == [("wrong-format", 2), ("wrong-format", 5), ("wrong-format", 6)]
    assert "separate files" in found[0].message and "convert" in found[1].message


def test_misspelled_dpo_file_is_linted_as_dpo_not_foreign():
    record = dpo(preferred_output=DROP, non_preferred_output=DROP,
                 prefered_output=GOOD["preferred_output"], **{"non-preferred_output": GOOD["non_preferred_output"]})
    result = lint_bytes((json.dumps(record) + "\n").encode() * 3, "x.jsonl", select=SHAPE)
    assert result.method == "dpo"
    assert sorted({(f.rule, path_text(f)) for f in result.findings}) == [
        ("missing-key", "non-preferred_output"), ("missing-key", "prefered_output")]


def test_wrong_format_can_be_ignored():
    found = lint_bytes(json.dumps(TRL_STRING[0]).encode(), "x.jsonl", ignore=["wrong-format"]).findings
    assert not [f for f in found if f.rule == "wrong-format"]


# -- never raise --------------------------------------------------------------

JSON = st.recursive(
    st.sampled_from([None, True, False, 0, 1, 2, 1.0, 0.5, "", "x", "true", "user", "assistant", "tool",
                     "function", "text", "image_url"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["role", "content", "messages", "input", "preferred_output", "non_preferred_output",
                         "tools", "parallel_tool_calls", "functions", "tool_calls", "tool_call_id", "name",
                         "function_call", "weight", "refusal", "type", "text", "prefered_output", "x"]),
        inner, max_size=4),
    max_leaves=10)
CHECKS = [shape.missing_key, shape.unknown_key, shape.wrong_type]
TARGET = load_target("openai")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["input", "messages", "preferred_output", "non_preferred_output", "tools",
                                        "parallel_tool_calls", "weight", "chosen"]), JSON, max_size=4))
def test_rules_never_raise(data):
    for method in ("dpo", "supervised"):
        record = loose_record(data, method, TARGET)
        for check in CHECKS:
            for problem in check(record, {}):
                assert problem.message and not problem.message.startswith(" ")


def test_rules_run_through_the_engine_on_any_record():
    linter = make_linter(select=SHAPE)
    weird = [{"input": {"messages": [[], None, {"role": ["x"], "content": {"type": []}}]}},
             {"messages": {"role": "user"}, "tools": "x", "parallel_tool_calls": None},
             {"preferred_output": [{"content": [{"type": {}}, 3]}]}]
    result = linter.lint_records(weird)
    assert result.findings and all(f.rule in SHAPE for f in result.findings)


# -- the real corpus ----------------------------------------------------------

@pytest.mark.parametrize(("name", "fmt"), [
    ("trl-string__Vecaaa_basic-rl-feedback-workflow__dpo_data.old.jsonl", "TRL"),
    ("trl-conv__Mihir-Khare429_system-design-interviewer-bot__dpo_dataset.jsonl", "TRL"),
    ("hh__anthropics_hh-rlhf__harmless-base_test.jsonl", "Anthropic HH"),
])
def test_real_foreign_files_get_exactly_one_wrong_format(corpus, name, fmt):
    path = corpus / name
    result = make_linter().run([str(path)])
    found = of(result.findings, "wrong-format")
    assert len(found) == 1
    assert fmt in found[0].message and f"pftlint convert {path}" in found[0].message
    assert not [f for f in result.findings if f.rule in ("missing-key", "unknown-key", "wrong-type")]


def test_real_string_fields_file(corpus):
    path = corpus / "oaipref__danah18_ugc-finetuning__dpo_dataset_string_fields.jsonl"
    found = [f for f in make_linter().run([str(path)]).findings if f.rule in SHAPE]
    assert [(f.rule, path_text(f)) for f in found] == [
        ("wrong-type", "input"), ("wrong-type", "preferred_output"), ("wrong-type", "non_preferred_output")]
    assert '{"messages": [{"role": "user", "content": "What is the capital of France?"}]}' in found[0].message


@pytest.mark.parametrize("prefix", ["oaipref__Azure", "oaipref__MFHChehade", "oaipref__akshata29",
                                    "oaipref__microsoft-foundry", "oaipref__mios-dev", "sft__"])
def test_real_clean_files_have_no_shape_findings(corpus, prefix):
    paths = sorted(str(p) for p in corpus.glob(f"{prefix}*.jsonl"))
    assert paths
    findings = make_linter(select=SHAPE).run(paths).findings
    assert findings == []


_OPENAI_ROW = {"input": {"messages": [{"role": "user", "content": "q"}]},
               "preferred_output": [{"role": "assistant", "content": "a"}],
               "non_preferred_output": [{"role": "assistant", "content": "b"}]}
_TRL_ROW = {"prompt": "a", "chosen": " b", "rejected": " c"}


def test_the_one_record_the_target_reads_is_not_told_to_convert_to_that_format(run_cli, tmp_path):
    (tmp_path / "mix.jsonl").write_text("".join(json.dumps(r) + "\n" for r in (_OPENAI_ROW, _TRL_ROW, _OPENAI_ROW)))
    proc = run_cli("check", "--isolated", "--output-format", "json", "--target", "trl", "mix.jsonl", cwd=tmp_path)
    found = {f["line"]: f["message"] for f in json.loads(proc.stdout)["findings"] if f["rule"] == "wrong-format"}
    assert set(found) == {1, 2}
    assert found[2].startswith("this record is in TRL preference (prompt / chosen / rejected) format, which TRL "
                               "reads, but the file is in OpenAI preference")
    assert "not OpenAI" not in found[2] and "convert it" not in found[2]
    assert found[2].endswith("pftlint convert mix.jsonl -o mix.trl.jsonl --to trl")
    # a record in a format the target does not read either keeps its message
    proc = run_cli("check", "--isolated", "--output-format", "json", "mix.jsonl", cwd=tmp_path)
    (message,) = [f["message"] for f in json.loads(proc.stdout)["findings"] if f["rule"] == "wrong-format"]
    assert message.startswith("this record is in TRL preference (prompt / chosen / rejected) format, not OpenAI")
    assert message.endswith("convert it: pftlint convert mix.jsonl -o mix.openai.jsonl --to openai")


def test_hh_under_the_trl_target_is_one_info_with_the_convert_command(run_cli, tmp_path):
    (tmp_path / "hh.jsonl").write_text("".join(json.dumps(r) + "\n" for r in HH_RECORDS))
    proc = run_cli("check", "--isolated", "--output-format", "json", "--target", "trl", "hh.jsonl", cwd=tmp_path)
    assert proc.returncode == 0
    (finding,) = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "wrong-format"]
    assert (finding["line"], finding["severity"]) == (1, "info")
    assert "cuts where chosen and rejected first differ" in finding["message"]
    assert finding["message"].endswith("pftlint convert hh.jsonl -o hh.trl.jsonl --to trl")
    proc = run_cli("check", "--isolated", "--output-format", "json", "--target", "vertex", "hh.jsonl", cwd=tmp_path)
    (finding,) = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "wrong-format"]
    assert finding["severity"] == "error" and finding["message"].endswith("--to vertex")  # unchanged elsewhere
