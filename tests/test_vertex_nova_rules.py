"""Vertex AI and Amazon Nova records judged in their own words, through the console script.

Their roles as written (Vertex: user / model; Nova: user / assistant, its system prompt the
top-level ``system`` key, its first turn the user's), their non-text parts, the role names the
messages use, and the profiles' severity of tool-call id findings (SOURCES.md §7 V1, N1; §5 U4).
"""

from __future__ import annotations

import json

import pytest

from pftlint.model import formats
from pftlint.profiles.targets import load_target


def text(value: str) -> list:
    return [{"text": value}]


def vertex(contents: list, chosen_role="model", rejected_role="model", **extra) -> dict:
    return {**extra, "contents": contents, "completions": [
        {"score": 1, "completion": {"role": chosen_role, "parts": text("Blue.")}},
        {"score": 0, "completion": {"role": rejected_role, "parts": text("Green.")}}]}


def nova(turns: list, **extra) -> dict:
    final = {"role": "assistant", "candidates": [{"content": text("Blue."), "preferenceLabel": "preferred"},
                                                 {"content": text("Green."), "preferenceLabel": "non-preferred"}]}
    return {"schemaVersion": "bedrock-conversation-2024", **extra, "messages": [*turns, final]}


USER_V = {"role": "user", "parts": text("Sky colour?")}
USER_N = {"role": "user", "content": text("Sky colour?")}


@pytest.fixture
def findings(run_cli, tmp_path):
    """(rule, json_path, severity, message) of each finding of one record checked under a target."""

    def check(record: dict, target: str, *flags: str) -> list[tuple[str, str, str, str]]:
        path = tmp_path / "data.jsonl"
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        proc = run_cli("check", "--target", target, "--output-format", "json", *flags, str(path))
        assert proc.returncode in (0, 1), proc.stderr
        return [(f["rule"], f["json_path"], f["severity"], f["message"]) for f in json.loads(proc.stdout)["findings"]]

    return check


def rules_at(found) -> set[tuple[str, str]]:
    return {(rule, path) for rule, path, _, _ in found}


# -- A: roles as written ------------------------------------------------------------------------

def test_clean_vertex_and_nova_records_stay_clean(findings):
    assert findings(vertex([USER_V], system_instruction={"parts": text("Be brief.")}), "vertex") == []
    assert findings(nova([USER_N], system=text("Be brief.")), "nova") == []


def test_nova_system_turn_and_assistant_first_turn(findings):
    record = nova([{"role": "system", "content": text("be nice")}, {"role": "assistant", "content": text("Hello")},
                   USER_N])
    found = findings(record, "nova")
    assert rules_at(found) == {("invalid-role", "messages[0].role"), ("first-turn-not-user", "messages[1].role")}
    role = next(message for rule, _, _, message in found if rule == "invalid-role")
    assert "'system'" in role and "top-level 'system' key" in role and "'user' or 'assistant'" in role


def test_nova_first_turn_from_the_assistant(findings):
    found = findings(nova([{"role": "assistant", "content": text("Hello")}, USER_N]), "nova")
    assert [(rule, path, severity) for rule, path, severity, _ in found] == \
        [("first-turn-not-user", "messages[0].role", "error")]
    assert "Amazon Nova wants the user's turn first" in found[0][3]


def test_nova_candidates_turn_alone_is_not_a_first_user_turn(findings):
    found = findings(nova([], system=text("Be brief.")), "nova")
    assert ("first-turn-not-user", "messages[0].role") in rules_at(found)


@pytest.mark.parametrize(("role", "words"), [
    ("system", "the system prompt goes in the top-level 'system_instruction' key"),
    ("assistant", "use 'model'"),
    ("bot", "use 'model'"),
    ("human", "use 'user'"),
    ("narrator", "Vertex AI turns are 'user' or 'model'"),
])
def test_vertex_turn_roles_are_user_and_model(findings, role, words):
    found = findings(vertex([{"role": role, "parts": text("Hi")}, USER_V]), "vertex")
    assert rules_at(found) >= {("invalid-role", "contents[0].role")}
    message = next(m for rule, path, _, m in found if path == "contents[0].role" and rule == "invalid-role")
    assert words in message and "'assistant'" not in message.split(";", 1)[1]


def test_vertex_completion_with_role_assistant(findings):
    found = findings(vertex([USER_V], rejected_role="assistant"), "vertex")
    assert [(rule, path) for rule, path, _, _ in found] == [("invalid-role", "completions[1].completion.role")]
    assert "use 'model'" in found[0][3]


@pytest.mark.parametrize("role", [{}, [], 5, None, True])
def test_vertex_roles_that_are_not_strings(findings, role):
    found = findings(vertex([{"role": role, "parts": text("Sky?")}]), "vertex")
    assert ("invalid-role", "contents[0].role") in rules_at(found)
    assert "not a string" in next(m for rule, _, _, m in found if rule == "invalid-role")


def test_vertex_turn_without_a_role_but_a_completion_may_leave_it_out(findings):
    record = vertex([{"parts": text("Sky?")}])
    del record["completions"][0]["completion"]["role"]
    found = findings(record, "vertex")
    assert [(rule, path) for rule, path, _, _ in found] == [("invalid-role", "contents[0]")]
    assert "no role" in found[0][3]


def test_nova_roles_are_judged_under_any_target(findings):
    found = findings(nova([{"role": "model", "content": text("Hi")}, USER_N]), "openai", "--select", "invalid-role")
    assert rules_at(found) == {("invalid-role", "messages[0].role")}
    assert "use 'assistant'" in found[0][3]


def test_profiles_of_formats_with_own_role_names_list_what_those_names_stand_for():
    for name in ("vertex", "nova"):
        target = load_target(name)
        (fmt,) = target.formats
        assert target.roles == set(formats.TURN_ROLES[fmt].values()), name
        assert "system" not in target.roles  # the system prompt is a key of its own (SYSTEM_KEYS)


# -- B: words and content ------------------------------------------------------------------------

def test_vertex_image_part_is_non_text_content_not_empty_content(findings):
    image = {"role": "user", "parts": [{"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}]}
    found = findings(vertex([USER_V, {"role": "model", "parts": text("Which?")}, image]), "vertex")
    assert [(rule, path) for rule, path, _, _ in found] == [("non-text-content", "contents[2].parts[0]")]
    assert found[0][3].startswith("image part")


def test_vertex_file_part_beside_text(findings):
    part = {"fileData": {"mimeType": "application/pdf", "fileUri": "gs://b/a.pdf"}}
    found = findings(vertex([{"role": "user", "parts": [*text("Summarise:"), part]}]), "vertex")
    assert [(rule, path) for rule, path, _, _ in found] == [("non-text-content", "contents[0].parts[1]")]


def test_nova_image_beside_or_instead_of_text_is_content(findings):
    image = {"image": {"format": "png", "source": {"s3Location": {"uri": "s3://bucket/sky.png"}}}}
    assert findings(nova([{"role": "user", "content": [*text("Sky?"), image]}]), "nova") == []
    assert findings(nova([{"role": "user", "content": [image]}]), "nova") == []


def test_vertex_messages_name_the_model(findings):
    found = findings(vertex([USER_V, {"role": "model", "parts": text("Which sky?")}], rejected_role="user"),
                     "vertex")
    messages = {rule: message for rule, _, _, message in found}
    assert set(messages) == {"input-ends-with-assistant", "output-not-single-assistant"}
    assert "ends with a model turn" in messages["input-ends-with-assistant"]
    assert "not the model's reply" in messages["output-not-single-assistant"]
    assert "assistant" not in messages["input-ends-with-assistant"] + messages["output-not-single-assistant"]


def test_two_model_turns_in_a_row(findings):
    model = {"role": "model", "parts": text("Hm.")}
    found = findings(vertex([USER_V, model, model, USER_V]), "vertex")
    assert [(rule, path) for rule, path, _, _ in found] == [("consecutive-same-role", "contents[2].role")]
    assert found[0][3].startswith("two model messages")


def test_prompt_ending_with_the_system_prompt_is_worded_per_format(findings):
    found = findings(nova([], system=text("Be brief.")), "nova")
    message = next(m for rule, _, _, m in found if rule == "input-ends-with-system")
    assert "Amazon Nova" in message and "TRL" not in message
    trl = findings({"prompt": [{"role": "system", "content": "Be brief."}], "chosen": [
        {"role": "assistant", "content": "A"}], "rejected": [{"role": "assistant", "content": "B"}]}, "trl")
    assert "TRL's chat-template step" in next(m for rule, _, _, m in trl if rule == "input-ends-with-system")


# -- C: tool-call ids where the service check is unconfirmed (§5 U4) -------------------------------

CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Oslo\"}"}}


def chat(answer_id: str, arguments: object = "{\"city\": \"Oslo\"}") -> dict:
    call = {**CALL, "function": {**CALL["function"], "arguments": arguments}}
    return {"messages": [{"role": "user", "content": "Weather in Oslo?"},
                         {"role": "assistant", "tool_calls": [call]},
                         {"role": "tool", "tool_call_id": answer_id, "content": "4 degrees"},
                         {"role": "assistant", "content": "4 degrees in Oslo."}]}


@pytest.mark.parametrize(("target", "severity"), [("openai", "warning"), ("azure", "warning"), ("trl", "error")])
def test_an_answer_to_no_call(findings, target, severity):
    found = findings(chat("call_9"), target, "--select", "tool-call-mismatch")
    assert [(rule, path, sev) for rule, path, sev, _ in found] == \
        [("tool-call-mismatch", "messages[2].tool_call_id", severity)]


def test_arguments_that_are_not_a_string_stay_an_error(findings):
    found = findings(chat("call_1", arguments={"city": "Oslo"}), "openai", "--select", "tool-call-mismatch")
    assert [(path, sev) for _, path, sev, _ in found] == [("messages[1].tool_calls[0].function.arguments", "error")]


# -- C: Fireworks' string content (SOURCES.md §4 Fireworks) ------------------------------------------

def openai_dpo(prompt_content: object, rejected_content: object = "Green.") -> dict:
    return {"input": {"messages": [{"role": "user", "content": prompt_content}]},
            "preferred_output": [{"role": "assistant", "content": "Blue."}],
            "non_preferred_output": [{"role": "assistant", "content": rejected_content}]}


def test_fireworks_wants_string_content(findings):
    parts = [{"type": "text", "text": "Sky colour?"}]
    found = findings(openai_dpo(parts, [{"type": "text", "text": "Green."}]), "fireworks",
                     "--select", "non-text-content")
    assert [(rule, path, sev) for rule, path, sev, _ in found] == [
        ("non-text-content", "input.messages[0].content", "error"),
        ("non-text-content", "non_preferred_output[0].content", "error")]
    assert "as a string" in found[0][3]
    assert findings(openai_dpo("Sky colour?"), "fireworks", "--select", "non-text-content") == []
    assert findings(openai_dpo(parts), "openai", "--select", "non-text-content") == []  # OpenAI's schema allows it
