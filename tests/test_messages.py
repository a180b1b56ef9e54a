"""Roles and messages (PFT301-PFT307): bad and good cases per rule, JSON paths checked."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pftlint.api import lint_bytes, lint_records, make_linter
from pftlint.reporters.base import path_text
import builders
from builders import message as m, sft

MESSAGE_RULES = [
    "invalid-role", "output-not-single-assistant", "input-ends-with-assistant", "system-not-first",
    "consecutive-same-role", "no-assistant-message", "invalid-weight",
]
ALL_MINE = MESSAGE_RULES + ["tool-call-mismatch", "invalid-tool-definition"]


def dpo(inp, preferred=None, non_preferred=None, **extra):
    """A DPO record of these input messages (``extra``: keys of ``input``); the outputs are whole lists."""
    record = builders.dpo(chosen="Good answer.", rejected="Bad answer.", messages=list(inp))
    record["input"].update(extra)
    if preferred is not None:
        record["preferred_output"] = preferred
    if non_preferred is not None:
        record["non_preferred_output"] = non_preferred
    return record


def run(record, rule, target="openai"):
    result = lint_records([record], select=[rule], target=target)
    return result.findings


def paths(record, rule, target="openai"):
    found = run(record, rule, target)
    assert all(f.rule == rule for f in found)
    return [path_text(f) for f in found]


# -- invalid-role ---------------------------------------------------------------
@pytest.mark.parametrize(("role", "meant"), [
    ("human", "user"), ("bot", "assistant"), ("gpt", "assistant"), ("model", "assistant"),
    ("ai", "assistant"), ("User", "user"), ("ASSISTANT", "assistant"), (" user", "user"),
    ("developer", "system"), ("prompter", "user"),
])
def test_invalid_role_suggests_the_meant_role(role, meant):
    found = run(sft(m(role), m("assistant")), "invalid-role")
    assert [path_text(f) for f in found] == ["messages[0].role"]
    assert f"use '{meant}'" in found[0].message
    assert repr(role) in found[0].message


def test_invalid_role_unknown_lists_allowed_roles():
    (finding,) = run(sft(m("user"), m("narrator")), "invalid-role")
    assert path_text(finding) == "messages[1].role"
    assert "system, user, assistant, tool, function" in finding.message


def test_developer_is_explained():
    (finding,) = run(dpo([m("developer"), m("user")]), "invalid-role")
    assert path_text(finding) == "input.messages[0].role"
    assert "reinforcement" in finding.message


def test_invalid_role_in_output_suggests_assistant():
    record = dpo([m("user")], preferred=[m("bot")], non_preferred=[m("Assistant")])
    found = run(record, "invalid-role")
    assert [path_text(f) for f in found] == ["preferred_output[0].role", "non_preferred_output[0].role"]
    assert all("use 'assistant'" in f.message for f in found)


def test_tool_role_depends_on_target():
    record = sft(m("user"), {"role": "assistant", "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "42"}, m("assistant"))
    assert paths(record, "invalid-role") == []
    assert paths(record, "invalid-role", target="azure") == []
    assert paths(record, "invalid-role", target="together") == ["messages[2].role"]
    assert paths(record, "invalid-role", target="fireworks") == ["messages[2].role"]
    (finding,) = run(record, "invalid-role", target="together")
    assert "Together AI" in finding.message


@pytest.mark.parametrize("role", [None, 3, ["user"], {"r": 1}, True])
def test_invalid_role_skips_non_strings(role):
    assert paths(sft({"role": role, "content": "x"}, m("assistant")), "invalid-role") == []


def test_valid_roles_pass():
    record = sft(m("system"), m("user"), m("assistant"), m("user"), m("assistant"))
    assert paths(record, "invalid-role") == []
    assert paths(dpo([m("system"), m("user")]), "invalid-role") == []


# -- output-not-single-assistant -------------------------------------------------
def test_output_empty():
    found = run(dpo([m("user")], preferred=[]), "output-not-single-assistant")
    assert [path_text(f) for f in found] == ["preferred_output"]
    assert "empty" in found[0].message


def test_output_two_messages_names_what_was_found():
    record = dpo([m("system")], preferred=[m("user"), m("assistant")],
                 non_preferred=[m("assistant", "A."), m("assistant", "B.")])
    found = run(record, "output-not-single-assistant")
    assert [path_text(f) for f in found] == ["preferred_output", "non_preferred_output"]
    by_path = {path_text(f): f.message for f in found}
    assert "2 messages (user, assistant)" in by_path["preferred_output"]
    assert "2 messages (assistant, assistant)" in by_path["non_preferred_output"]


@pytest.mark.parametrize("role", ["user", "system", "tool"])
def test_output_wrong_single_role(role):
    found = run(dpo([m("user")], non_preferred=[m(role)]), "output-not-single-assistant")
    assert [path_text(f) for f in found] == ["non_preferred_output[0].role"]
    assert f"a {role} message" in found[0].message


def test_output_same_on_azure():
    # Azure allows several messages and tool roles (D1); pftlint lints the common ground
    assert paths(dpo([m("user")], preferred=[m("assistant"), m("tool")]), "output-not-single-assistant",
                 target="azure") == ["preferred_output"]


@pytest.mark.parametrize("output", [
    [m("assistant")],
    [{"role": "assistant", "tool_calls": [{"id": "c", "type": "function",
                                           "function": {"name": "f", "arguments": "{}"}}]}],
    [m("bot")],  # invalid-role's
    ["a string"],  # wrong-type's
    [{"content": "no role"}],  # missing-key's
    "a string",  # wrong-type's
])
def test_output_good_or_not_mine(output):
    assert paths(dpo([m("user")], preferred=output), "output-not-single-assistant") == []


def test_output_rule_is_dpo_only():
    assert paths(sft(m("user"), m("assistant"), m("assistant")), "output-not-single-assistant") == []


# -- input-ends-with-assistant ---------------------------------------------------
def test_input_ends_with_assistant():
    found = run(dpo([m("system"), m("user"), m("assistant")]), "input-ends-with-assistant")
    assert [path_text(f) for f in found] == ["input.messages[2].role"]


@pytest.mark.parametrize("inp", [
    [m("user")],
    [m("user"), m("assistant"), m("user")],
    [m("user"), {"role": "assistant", "tool_calls": []}, {"role": "tool", "tool_call_id": "x", "content": "1"}],
    [],
    [m("user"), "not a message"],
])
def test_input_ends_with_assistant_good(inp):
    assert paths(dpo(inp), "input-ends-with-assistant") == []


def test_input_ends_with_assistant_ignores_supervised():
    assert paths(sft(m("user"), m("assistant")), "input-ends-with-assistant") == []


# -- system-not-first ------------------------------------------------------------
def test_system_in_the_middle():
    found = run(sft(m("user"), m("system"), m("assistant")), "system-not-first")
    assert [path_text(f) for f in found] == ["messages[1].role"]
    assert "move it to the start" in found[0].message


def test_a_leading_block_of_system_messages_is_the_system_prompt():
    record = sft(*[m("system")] * 8, m("user"), m("assistant"))
    assert paths(record, "system-not-first") == []
    assert paths(dpo([m("system"), m("system"), m("user")]), "system-not-first") == []


@pytest.mark.parametrize("record", [
    sft(*[m("system")] * 8, m("user"), m("assistant")),
    dpo([m("system"), m("system"), m("user")]),
])
def test_a_target_that_rejects_several_gets_one_finding_per_record(record):
    count = len(record.get("messages") or record["input"]["messages"]) - (2 if "messages" in record else 1)
    found = run(record, "system-not-first", target="together")
    assert len(found) == 1 and found[0].severity.value == "error"
    assert f"starts with {count} system messages" in found[0].message and "merge" in found[0].message


def test_a_system_message_after_the_start_is_one_finding_each():
    record = sft(m("system"), m("system"), m("user"), m("system"), m("assistant"), m("system"), m("user"),
                 m("assistant"))
    assert paths(record, "system-not-first") == ["messages[3].role", "messages[5].role"]
    found = run(record, "system-not-first", target="together")
    assert [(path_text(f), f.severity.value) for f in found] == [
        ("messages[1].role", "error"), ("messages[3].role", "warning"), ("messages[5].role", "warning")]
    assert "merge it into the system prompt" in found[1].message


def test_several_late_system_messages():
    record = sft(m("user"), m("assistant"), m("system"), m("user"), m("system"), m("assistant"))
    assert paths(record, "system-not-first") == ["messages[2].role", "messages[4].role"]


@pytest.mark.parametrize("record", [
    sft(m("system"), m("user"), m("assistant")),
    sft(m("user"), m("assistant")),
    dpo([m("system"), m("user")]),
    dpo([m("user")], preferred=[m("system")]),  # output-not-single-assistant's
])
def test_system_first_good(record):
    assert paths(record, "system-not-first") == []


# -- consecutive-same-role -------------------------------------------------------
def test_two_users():
    found = run(sft(m("user"), m("user"), m("assistant")), "consecutive-same-role")
    assert [path_text(f) for f in found] == ["messages[1].role"]
    assert found[0].severity.value == "warning"


def test_two_assistants_in_dpo_input_error_on_together():
    record = dpo([m("user"), m("assistant"), m("assistant"), m("user")])
    (finding,) = run(record, "consecutive-same-role", target="together")
    assert path_text(finding) == "input.messages[2].role"
    assert finding.severity.value == "error"


def test_three_in_a_row_reports_each_repeat():
    assert paths(sft(m("user"), m("user"), m("user"), m("assistant")),
                 "consecutive-same-role") == ["messages[1].role", "messages[2].role"]


@pytest.mark.parametrize("record", [
    sft(m("system"), m("user"), m("assistant"), m("user"), m("assistant")),
    # parallel tool calls answered by tool messages in a row
    sft(m("user"), {"role": "assistant", "tool_calls": [
        {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}},
        {"id": "b", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "a", "content": "1"}, {"role": "tool", "tool_call_id": "b", "content": "2"},
        m("assistant")),
    # a call followed directly by an assistant turn is tool-call-mismatch's
    sft(m("user"), {"role": "assistant", "tool_calls": [
        {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}, m("assistant")),
    sft(m("system"), m("system"), m("user"), m("assistant")),  # system-not-first's
    sft(m("user"), {"role": 1}, m("user"), m("assistant")),
    dpo([m("user")], preferred=[m("assistant"), m("assistant")]),  # output-not-single-assistant's
])
def test_consecutive_good(record):
    assert paths(record, "consecutive-same-role") == []


# -- no-assistant-message --------------------------------------------------------
@pytest.mark.parametrize("messages", [
    [m("system"), m("user")],
    [m("user")],
    [m("user"), {"role": "tool", "tool_call_id": "x", "content": "1"}],
])
def test_no_assistant(messages):
    assert paths(sft(*messages), "no-assistant-message") == ["messages"]


@pytest.mark.parametrize("messages", [
    [m("user"), m("assistant")],
    [m("user"), {"role": "assistant", "tool_calls": []}],
    [m("user"), m("gpt")],  # invalid-role's: it means assistant
    [m("user"), {"content": "no role"}],  # a shape rule reports the missing role first
])
def test_no_assistant_good(messages):
    assert paths(sft(*messages), "no-assistant-message") == []


def test_an_empty_message_list_is_reported_as_empty_not_as_no_assistant():
    found = lint_records([sft()], select=["no-assistant-message", "missing-key"]).findings
    assert [(f.rule, path_text(f)) for f in found] == [("missing-key", "messages")]
    assert "'messages' is empty" in found[0].message


def test_no_assistant_is_supervised_only():
    assert paths(dpo([m("user")]), "no-assistant-message") == []


# -- invalid-weight --------------------------------------------------------------
@pytest.mark.parametrize(("weight", "shown"), [(0.5, "0.5"), (2, "2"), (-1, "-1"), (0.25, "0.25")])
def test_bad_weight_values(weight, shown):
    found = run(sft(m("user"), m("assistant", weight=weight)), "invalid-weight")
    assert [path_text(f) for f in found] == ["messages[1].weight"]
    assert f"weight {shown} is not 0 or 1" in found[0].message


@pytest.mark.parametrize("weight", [1.0, 0.0, True, False, "1", None, [1]])
def test_wrong_weight_types_are_wrong_types(weight):
    assert paths(sft(m("user"), m("assistant", weight=weight)), "invalid-weight") == []


def test_weight_on_user_message():
    found = run(sft(m("system", weight=1), m("user", weight=True), m("assistant", weight=1)), "invalid-weight")
    assert [path_text(f) for f in found] == ["messages[0].weight", "messages[1].weight"]
    assert "only allowed on assistant" in found[0].message


def test_weight_in_dpo_input():
    record = dpo([m("user"), m("assistant", weight=0.5), m("user", weight=1)])
    assert paths(record, "invalid-weight") == ["input.messages[1].weight", "input.messages[2].weight"]


@pytest.mark.parametrize("record", [
    sft(m("user"), m("assistant", weight=0), m("user"), m("assistant", weight=1)),
    sft(m("user"), m("assistant")),
    dpo([m("user"), m("assistant", weight=0), m("user")]),
])
def test_good_weights(record):
    assert paths(record, "invalid-weight") == []


# -- every rule, any input -------------------------------------------------------
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5)
    | st.sampled_from(["user", "assistant", "system", "tool", "human", "function", "developer"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["role", "content", "weight", "tool_calls", "tool_call_id", "function", "id",
                         "arguments", "name", "type", "parameters", "messages", "tools", "x"]),
        children, max_size=5),
    max_leaves=25,
)


_LINTERS = {}


@settings(max_examples=200, deadline=None)
@given(messages=_json, outputs=_json, tools=_json)
def test_rules_never_raise(messages, outputs, tools):
    records = [{"messages": messages, "tools": tools},
               {"input": {"messages": messages, "tools": tools}, "preferred_output": outputs,
                "non_preferred_output": messages}]
    for target in ("openai", "together"):
        if target not in _LINTERS:
            _LINTERS[target] = make_linter(select=ALL_MINE, target=target)
        for record in records:
            result = _LINTERS[target].lint_records([record])
            assert all(f.rule in ALL_MINE for f in result.findings)


# -- the real corpus -------------------------------------------------------------
def test_real_openai_files_are_clean(corpus):
    checked = 0
    for path in sorted(corpus.glob("*.jsonl")):
        if not path.name.startswith(("oaipref__", "sft__")):
            continue
        result = lint_bytes(path.read_bytes(), path.name, select=ALL_MINE)
        assert result.method in ("dpo", "supervised")
        assert [(f.line, f.rule, f.message) for f in result.findings] == [], path.name
        checked += 1
    assert checked >= 8



# -- invalid-weight: the profile's weight-roles (Together weighs every message) ---------------
@pytest.mark.parametrize(("target", "expected"), [
    ("together", []),
    ("openai", ["messages[0].weight", "messages[1].weight"]),
    ("azure", ["messages[0].weight", "messages[1].weight"]),
    ("fireworks", ["messages[0].weight", "messages[1].weight"]),
])
def test_weight_roles_come_from_the_profile(target, expected):
    record = sft(m("system", weight=0), m("user", weight=1), m("assistant", weight=1))
    assert paths(record, "invalid-weight", target) == expected
    assert paths(dpo([m("system", weight=1), m("user", weight=0)]), "invalid-weight", target) == \
        [p.replace("messages", "input.messages") for p in expected]


def test_together_still_checks_the_weight_value_on_every_message():
    found = run(sft(m("user", weight=2), m("assistant", weight=0.5)), "invalid-weight", "together")
    assert [path_text(f) for f in found] == ["messages[0].weight", "messages[1].weight"]
    assert "weight 2 is not 0 or 1" in found[0].message


def test_together_weight_on_a_role_it_does_not_weigh():
    (finding,) = run(sft(m("user"), m("assistant"), m("tool", weight=0)), "invalid-weight", "together")
    assert path_text(finding) == "messages[2].weight"
    assert "system, user, assistant" in finding.message and "Together AI" in finding.message
