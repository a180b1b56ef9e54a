"""Tool calls and tool definitions (tool-call-mismatch, invalid-tool-definition): JSON paths checked."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pftlint.api import lint_bytes, lint_records
from pftlint.rules import implementations, json_schema
from pftlint.reporters.base import path_text
import builders


def call(call_id="call_1", name="get_weather", arguments='{"city": "Oslo"}'):
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def calling(*calls):
    return {"role": "assistant", "tool_calls": list(calls)}


def answer(call_id="call_1", content="4 degrees"):
    return {"role": "tool", "tool_call_id": call_id, "content": content}


m = builders.message


def run(record, rule, target="openai"):
    found = lint_records([record], select=[rule], target=target).findings
    assert all(f.rule == rule for f in found)
    return found


def paths(record, rule="tool-call-mismatch"):
    return [path_text(f) for f in run(record, rule)]


def tool(name="get_weather", parameters=None, **function):
    fn = {"name": name, **function}
    fn["parameters"] = parameters if parameters is not None else {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    return {"type": "function", "function": fn}


# -- tool-call-mismatch: correct conversations -----------------------------------------
@pytest.mark.parametrize("messages", [
    # the final assistant message makes the call: the training target itself
    [m("user"), calling(call())],
    # a call answered, then the reply
    [m("user"), calling(call()), answer(), m("assistant")],
    # parallel calls answered in a row, in any order
    [m("user"), calling(call("a"), call("b"), call("c")), answer("c"), answer("a"), answer("b"), m("assistant")],
    # two rounds of calls
    [m("user"), calling(call("a")), answer("a"), calling(call("b")), answer("b"), m("assistant")],
    # the same id reused in a later round, after its answer
    [m("user"), calling(call()), answer(), m("assistant"), m("user"), calling(call()), answer(), m("assistant")],
    # a call without arguments
    [m("user"), calling(call(arguments="{}")), answer(), m("assistant")],
    # legacy function calling
    [m("user"), {"role": "assistant", "function_call": {"name": "f", "arguments": "{}"}},
     {"role": "function", "name": "f", "content": "1"}, m("assistant")],
])
def test_correct_tool_use_is_clean(messages):
    assert paths({"messages": messages}) == []


def test_correct_tool_use_in_dpo():
    record = {"input": {"messages": [m("user"), calling(call()), answer()]},
              "preferred_output": [m("assistant", "It is 4 degrees.")],
              "non_preferred_output": [m("assistant", "No idea.")]}
    assert paths(record) == []
    # a call in the output answers nothing yet: the reply is the call
    record = {"input": {"messages": [m("user")]}, "preferred_output": [calling(call(), call("call_2"))],
              "non_preferred_output": [m("assistant", "No idea.")]}
    assert paths(record) == []


# -- tool-call-mismatch: answers -----------------------------------------------------
def test_answer_to_no_call():
    found = run({"messages": [m("user"), answer("call_7"), m("assistant")]}, "tool-call-mismatch")
    assert [path_text(f) for f in found] == ["messages[1].tool_call_id"]
    assert "'call_7'" in found[0].message and "no call is waiting" in found[0].message


def test_mistyped_answer_is_reported_once():
    found = run({"messages": [m("user"), calling(call()), answer("call_9"), m("assistant")]}, "tool-call-mismatch")
    assert [path_text(f) for f in found] == ["messages[2].tool_call_id"]
    assert "'call_1'" in found[0].message  # names the open call


def test_answer_to_a_call_of_another_example_after_the_call_was_answered():
    messages = [m("user"), calling(call("a")), answer("a"), answer("a"), m("assistant")]
    found = run({"messages": messages}, "tool-call-mismatch")
    assert [path_text(f) for f in found] == ["messages[3].tool_call_id"]
    assert "second answer" in found[0].message


def test_answer_before_its_call():
    messages = [m("user"), answer("a"), calling(call("a")), answer("a"), m("assistant")]
    assert paths({"messages": messages}) == ["messages[1].tool_call_id"]


# -- tool-call-mismatch: unanswered calls --------------------------------------------
@pytest.mark.parametrize(("messages", "expected"), [
    ([m("user"), calling(call()), m("assistant")], ["messages[1].tool_calls[0].id"]),
    ([m("user"), calling(call()), m("user"), m("assistant")], ["messages[1].tool_calls[0].id"]),
    ([m("user"), calling(call("a"), call("b")), answer("a"), m("assistant")], ["messages[1].tool_calls[1].id"]),
    # the conversation ends after some answers, not all
    ([m("user"), calling(call("a"), call("b")), answer("b")], ["messages[1].tool_calls[0].id"]),
])
def test_unanswered_calls(messages, expected):
    found = run({"messages": messages}, "tool-call-mismatch")
    assert [path_text(f) for f in found] == expected
    assert "never answered" in found[0].message


def test_late_answer_is_not_reported_twice():
    messages = [m("user"), calling(call()), m("user"), answer(), m("assistant")]
    assert paths({"messages": messages}) == ["messages[1].tool_calls[0].id"]


def test_dpo_prompt_with_open_calls():
    record = {"input": {"messages": [m("user"), calling(call("a"), call("b")), answer("a")]},
              "preferred_output": [m("assistant", "Done.")], "non_preferred_output": [m("assistant", "No.")]}
    found = run(record, "tool-call-mismatch")
    assert [path_text(f) for f in found] == ["input.messages[1].tool_calls[1].id"]
    assert "before the reply" in found[0].message
    # ending the prompt on the call itself is input-ends-with-assistant's finding
    record["input"]["messages"] = [m("user"), calling(call("a"))]
    assert paths(record) == []


def test_duplicate_ids_in_one_message():
    messages = [m("user"), calling(call("a"), call("a")), answer("a"), m("assistant")]
    found = run({"messages": messages}, "tool-call-mismatch")
    assert [path_text(f) for f in found] == ["messages[1].tool_calls[1].id"]
    assert "share the id" in found[0].message


# -- tool-call-mismatch: arguments ---------------------------------------------------
@pytest.mark.parametrize(("arguments", "hint"), [
    ({"city": "Oslo"}, "json.dumps"),
    (["Oslo"], "json.dumps"),
    ("{city: Oslo}", "not valid JSON"),
    ("", "'{}'"),
    ('"Oslo"', "not an object"),
    ("[1, 2]", "not an object"),
    (None, "string"),
    (42, "string"),
])
def test_bad_arguments(arguments, hint):
    messages = [m("user"), calling(call(arguments=arguments)), answer(), m("assistant")]
    found = run({"messages": messages}, "tool-call-mismatch")
    assert [path_text(f) for f in found] == ["messages[1].tool_calls[0].function.arguments"]
    assert hint in found[0].message


def test_bad_arguments_in_dpo_output_and_legacy_call():
    record = {"input": {"messages": [m("user")]},
              "preferred_output": [calling(call(arguments={"city": "Oslo"}))],
              "non_preferred_output": [{"role": "assistant", "function_call": {"name": "f", "arguments": "{oops"}}]}
    assert paths(record) == ["preferred_output[0].tool_calls[0].function.arguments",
                             "non_preferred_output[0].function_call.arguments"]


@pytest.mark.parametrize(("bad_call", "where", "hint"), [
    ("not a call", "", "must be an object"),
    ({"type": "function", "function": {"name": "f", "arguments": "{}"}}, "", "no 'id'"),
    ({"id": 3, "type": "function", "function": {"name": "f", "arguments": "{}"}}, ".id", "string"),
    ({"id": "call_1", "function": {"name": "f", "arguments": "{}"}}, "", "no 'type'"),
    ({"id": "call_1", "type": "tool", "function": {"name": "f", "arguments": "{}"}}, ".type", '"tool"'),
    ({"id": "call_1", "type": "function", "function": "f"}, ".function", "a function with a name"),
    ({"id": "call_1", "type": "function"}, "", "a function with a name"),
    ({"id": "call_1", "type": "function", "function": {"name": "f"}}, ".function", "no arguments"),
])
def test_unreadable_tool_calls(bad_call, where, hint):
    messages = [m("user"), calling(bad_call)]
    found = run({"messages": messages}, "tool-call-mismatch")
    assert [path_text(f) for f in found] == [f"messages[1].tool_calls[0]{where}"]
    assert hint in found[0].message


@pytest.mark.parametrize("messages", [
    [m("user"), {"role": "assistant", "tool_calls": "oops"}, m("assistant")],
    [m("user"), {"role": "tool", "tool_call_id": None, "content": "1"}, m("assistant")],
    [m("user"), {"role": "tool", "content": "1"}, m("assistant")],
])
def test_mistyped_tool_keys_are_left_to_the_shape_rules(messages):
    assert paths({"messages": messages}) == []


def test_real_tool_file_is_checked(corpus):
    """The Azure tool-calling sample ends with tool calls (correct); a broken id added to it is found."""
    path = corpus / "sft__microsoft-foundry_fine-tuning__stock_toolcall_validation.jsonl"
    lines = path.read_bytes().splitlines()
    assert any(json.loads(line)["messages"][-1].get("tool_calls") for line in lines)
    rules = ["tool-call-mismatch", "invalid-tool-definition"]
    assert lint_bytes(path.read_bytes(), path.name, select=rules).findings == []
    first = json.loads(lines[0])
    first["messages"][-1]["tool_calls"][0]["function"]["arguments"] = {"symbol": "GS"}
    broken = b"\n".join([json.dumps(first).encode(), *lines[1:]])
    found = lint_bytes(broken, path.name, select=rules).findings
    assert [(f.line, path_text(f)) for f in found] == [(1, "messages[2].tool_calls[0].function.arguments")]


# -- invalid-tool-definition -----------------------------------------------------------
def sft_with(tools):
    return {"messages": [m("user"), m("assistant")], "tools": tools}


def test_good_tools_are_clean():
    tools = [tool(), tool("get-time_2", description="Time", strict=True),
             tool("x" * 64, parameters={"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"}),
             {"type": "function", "function": {"name": "no_params"}}]
    assert paths(sft_with(tools), "invalid-tool-definition") == []
    record = {"input": {"messages": [m("user")], "tools": tools, "parallel_tool_calls": True},
              "preferred_output": [m("assistant", "A.")], "non_preferred_output": [m("assistant", "B.")]}
    assert paths(record, "invalid-tool-definition") == []


@pytest.mark.parametrize(("entry", "where", "hint"), [
    (tool("get weather"), ".function.name", "'get_weather'"),
    (tool("ünïcode"), ".function.name", "letters, digits"),
    (tool(""), ".function.name", "empty"),
    (tool("a" * 65), ".function.name", "65 characters"),
    (tool(7), ".function.name", "string"),
    ({"type": "function", "function": {"parameters": {"type": "object"}}}, ".function", "no \"name\""),
    ({**tool(), "type": "retrieval"}, ".type", '"retrieval"'),
    ({"function": tool()["function"]}, "", '"type": "function"'),
    ({"type": "function", "name": "f", "parameters": {}}, "", "Responses API"),
    ({"type": "function"}, "", "no \"function\""),
    ({"type": "function", "function": "get_weather"}, ".function", "object"),
    ("get_weather", "", "must be an object"),
    (tool(description=["x"]), ".function.description", "string"),
    (tool(strict="yes"), ".function.strict", "true or false"),
    (tool(parameters=[]), ".function.parameters", "JSON Schema object"),
    (tool(parameters={"type": "object", "properties": {"city": {"type": "text"}}}),
     ".function.parameters.properties.city.type", "not a valid JSON Schema"),
    (tool(parameters={"type": "object", "required": "city"}), ".function.parameters.required",
     "not a valid JSON Schema"),
    (tool(parameters={"type": "string"}), ".function.parameters.type", "object"),
    (tool(parameters={"$schema": 4, "type": "object"}), ".function.parameters.$schema", "URI"),
    (tool(parameters={"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
                      "properties": {"n": {"type": "integer", "minimum": 0, "exclusiveMinimum": True}}}), "", None),
    (tool(parameters={"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                      "properties": {"n": {"type": "integer", "minimum": 0, "exclusiveMinimum": True}}}),
     ".function.parameters.properties.n.exclusiveMinimum", "not a valid JSON Schema"),
])
def test_bad_tool_definitions(entry, where, hint):
    found = run(sft_with([tool("first"), entry]), "invalid-tool-definition")
    if hint is None:  # draft-04 allows a boolean exclusiveMinimum: the declared $schema is used
        assert found == []
        return
    assert [path_text(f) for f in found] == [f"tools[1]{where}"]
    assert hint in found[0].message


def test_duplicate_tool_names_and_dpo_paths():
    record = {"input": {"messages": [m("user")], "tools": [tool(), tool("other"), tool()]},
              "preferred_output": [m("assistant", "A.")], "non_preferred_output": [m("assistant", "B.")]}
    found = run(record, "invalid-tool-definition")
    assert [path_text(f) for f in found] == ["input.tools[2].function.name"]
    assert "two tools are named 'get_weather'" in found[0].message


@pytest.mark.parametrize("tools", [None, "get_weather", {"type": "function"}, []])
def test_tools_that_are_not_a_list_are_wrong_types(tools):
    assert paths(sft_with(tools), "invalid-tool-definition") == []


def test_each_distinct_tool_is_validated_once(monkeypatch):
    # the module through the registry: importing a rule module directly would fill the registry early
    tools_module = sys.modules[implementations()["invalid-tool-definition"].module]
    calls = []
    original = json_schema._metaschema_problems

    def counting(schema):
        calls.append(schema)
        return original(schema)

    monkeypatch.setattr(json_schema, "_metaschema_problems", counting)
    monkeypatch.setattr(tools_module, "_CACHE", {})
    monkeypatch.setattr(tools_module, "_LISTS", {})
    monkeypatch.setattr(json_schema, "_SCHEMAS", {})
    bad = tool("other", parameters={"type": "object", "required": "city"})
    records = [sft_with([tool(), bad] if i % 2 else [bad, tool()]) for i in range(50)]
    found = lint_records(records, select=["invalid-tool-definition"]).findings
    # every line is still reported, at its own index
    assert [path_text(f) for f in found] == [f"tools[{1 if i % 2 else 0}].function.parameters.required"
                                            for i in range(50)]
    assert calls == [{"type": "object", "required": "city"}]  # the good schema needs no metaschema run


# -- invalid-tool-definition: the cost of schema checks ---------------------------------
def deep_schema(depth: int, tag: int = 0, leaf=None) -> dict:
    """Object properties nested ``depth`` times (each level two JSON levels deeper)."""
    schema = leaf if leaf is not None else {"type": "string", "description": f"leaf {tag}"}
    for d in range(depth):
        schema = {"type": "object", "properties": {f"p{d}_{tag}": schema, "n": {"type": "integer"}},
                  "required": [f"p{d}_{tag}"]}
    return schema


@pytest.fixture
def metaschema_runs(monkeypatch):
    """Every run of jsonschema's metaschema check, counted (the costly step)."""
    from jsonschema import Draft202012Validator

    tools_module = sys.modules[implementations()["invalid-tool-definition"].module]
    for module, cache in ((tools_module, "_CACHE"), (tools_module, "_LISTS"), (json_schema, "_SCHEMAS")):
        monkeypatch.setattr(module, cache, {})
    runs = []
    original = Draft202012Validator.check_schema.__func__

    def counting(cls, schema, *args, **kwargs):
        runs.append(schema)
        return original(cls, schema, *args, **kwargs)

    monkeypatch.setattr(Draft202012Validator, "check_schema", classmethod(counting))
    return runs


def test_distinct_deep_tools_of_common_keywords_need_no_metaschema_run(metaschema_runs):
    records = [sft_with([tool(f"f{i}", parameters=deep_schema(20, i))]) for i in range(200)]
    assert lint_records(records, select=["invalid-tool-definition"]).findings == []
    assert metaschema_runs == []


def test_each_distinct_schema_gets_one_metaschema_run_whatever_its_key_order(metaschema_runs):
    uncommon = {"type": "object", "properties": {"id": {"$ref": "defs.json#id"}}, "$defs": {"id": {"type": "string"}}}
    reordered = dict(reversed(list(uncommon.items())))
    records = [sft_with([tool(f"f{i}", parameters=uncommon if i % 2 else reordered)]) for i in range(40)]
    assert lint_records(records, select=["invalid-tool-definition"]).findings == []
    assert len(metaschema_runs) == 1


def test_a_schema_too_deep_to_check_gets_a_warning_not_a_hang(metaschema_runs):
    found = run(sft_with([tool(parameters=deep_schema(40))]), "invalid-tool-definition")
    assert [(path_text(f), f.severity.value) for f in found] == [("tools[0].function.parameters", "warning")]
    assert "too large to check" in found[0].message and metaschema_runs == []


def test_the_full_checks_of_one_record_are_bounded_and_never_cached(metaschema_runs):
    def heavy(i):  # patternProperties sends it to the full check; about 150 values
        return deep_schema(20, i, leaf={"patternProperties": {"^x": {"type": "string"}}})

    record = sft_with([tool(f"f{i}", parameters=heavy(i)) for i in range(16)])
    found = run(record, "invalid-tool-definition")
    assert found and all("not checked" in f.message and f.severity.value == "warning" for f in found)
    assert 1 <= len(metaschema_runs) < 16  # the budget, not every tool
    # a tool left unchecked there is checked in a record of its own
    assert run(sft_with([tool("f15", parameters=heavy(15))]), "invalid-tool-definition") == []


SCHEMA_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2)
    | st.sampled_from(["string", "object", "x", "[", "a+"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["type", "k", "properties"]), inner, max_size=3),
    max_leaves=6)
KEYWORDS = st.sampled_from(["type", "properties", "items", "required", "enum", "description", "minimum", "maxLength",
                            "$ref",
                            "additionalProperties", "anyOf", "not", "pattern", "multipleOf", "uniqueItems", "$defs",
                            "default", "format", "minItems", "title", "const", "nullable"])
SCHEMAS = st.recursive(
    st.booleans() | st.dictionaries(KEYWORDS, SCHEMA_VALUES, max_size=2)
    | st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", ["string", "null"]])},
                            optional={"maxLength": st.integers(-1, 3), "minimum": st.integers(-1, 1) | st.booleans(),
                                      "required": st.lists(st.sampled_from(["a", "b"]), max_size=3),
                                      "pattern": st.sampled_from(["a+", "(", "[x"]), "multipleOf": st.integers(-1, 2),
                                      "$ref": st.sampled_from(["#", "#/$defs/a", "#/a b", "x.json"])}),
    lambda inner: st.dictionaries(KEYWORDS, inner | st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2)
                                  | st.lists(inner, max_size=2) | SCHEMA_VALUES, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(SCHEMAS)
def test_findings_match_jsonschema_whatever_the_shortcut(schema):
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    tools_module = sys.modules[implementations()["invalid-tool-definition"].module]
    for module, cache in ((tools_module, "_CACHE"), (tools_module, "_LISTS"), (json_schema, "_SCHEMAS")):
        getattr(module, cache).clear()
    params = {"type": "object", "properties": {"x": schema}}
    found = [f for f in run(sft_with([tool(parameters=params)]), "invalid-tool-definition")]
    try:
        Draft202012Validator.check_schema(params)
    except SchemaError:
        assert len(found) == 1 and "not a valid JSON Schema" in found[0].message
    else:
        assert found == []
