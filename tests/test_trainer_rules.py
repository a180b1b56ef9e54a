"""The rules of what trainers and platforms do with their own layouts (issue 12 item 4): TRL's implicit
prompt split, its prompt and reply kinds, Arrow's column types, Vertex/Nova marks, ratings, prompt roles."""

from __future__ import annotations

import json

import pytest

from pftlint.api import lint_bytes
from pftlint.model.layouts import split_index
from pftlint.reporters.base import path_text


def jsonl(*records) -> bytes:
    return ("\n".join(json.dumps(r) for r in records) + "\n").encode()


def found(*records, rule: str, target: str = "trl", **settings):
    result = lint_bytes(jsonl(*records), "data.jsonl", select=[rule], target=target, **settings)
    return [(f.line, path_text(f), f.severity.value, f.message) for f in result.findings]


def m(role, content="Some text."):
    return {"role": role, "content": content}


def trl(prompt, chosen="Paris.", rejected="Lyon.", **extra):
    def side(x, role):
        return x if not isinstance(x, str) or isinstance(prompt, str) else [m(role, x)]
    return {"prompt": prompt, "chosen": side(chosen, "assistant"), "rejected": side(rejected, "assistant"), **extra}


# -- implicit-prompt-split ----------------------------------------------------------------------------

@pytest.mark.parametrize("chosen, rejected, words", [
    ("The sky is blue.", "The sky is blue. And green.", "rejected starts with the whole of chosen"),
    ("The sky is blue. And green.", "The sky is blue.", "chosen starts with the whole of rejected"),
    ("Blue, the sky is.", "Green, the sky is.", "the prompt TRL extracts is empty"),
    ("Xsky ", "Ysky", "chosen minus its last character"),
])
def test_implicit_split_says_what_trl_trains_on(chosen, rejected, words):
    (line, path, severity, message), = found({"chosen": chosen, "rejected": rejected}, rule="implicit-prompt-split")
    assert words in message and severity == "error"
    idx = split_index(chosen, rejected)
    if idx > 0:  # the replies TRL keeps after its cut are quoted
        assert repr(chosen[idx:]) in message and repr(rejected[idx:]) in message


def test_implicit_split_inside_a_word_is_a_warning():
    (_, _, severity, message), = found({"chosen": "The sky is blue.", "rejected": "The sky is black."},
                                       rule="implicit-prompt-split")
    assert severity == "warning" and "'The sky is bl'" in message and "'ue.'" in message and "'ack.'" in message


def test_implicit_split_empty_side_and_conversational_cases():
    user, a, b = m("user", "Q"), m("assistant", "A"), m("assistant", "B")
    got = found({"chosen": "", "rejected": "Lyon."},
                {"chosen": [user, a], "rejected": [{**user, "name": None}, b]},
                {"chosen": [user, a], "rejected": [user, a, m("user", "more")]},
                rule="implicit-prompt-split")
    assert [(line, path) for line, path, _, _ in got] == [(1, "chosen"), (2, "rejected"), (3, "rejected")]
    assert "UnboundLocalError" in got[0][3]
    assert "differ only in 'name'" in got[1][3]
    assert "[assistant message, user message] as rejected" in got[2][3]


def test_implicit_split_silent_on_good_splits_identical_pairs_and_explicit_prompts():
    assert found({"chosen": "The sky is blue.", "rejected": "The sky is green."},
                 {"chosen": [m("user", "Q"), m("assistant", "A")], "rejected": [m("user", "Q"), m("assistant", "B")]},
                 {"chosen": "Same.", "rejected": "Same."},  # identical-outputs' finding
                 {"prompt": "Q", "chosen": "", "rejected": "x"},
                 rule="implicit-prompt-split") == []


# -- the prompt's roles ---------------------------------------------------------------------------------

def test_prompt_ending_with_system_and_empty_prompt_in_trl():
    got = found(trl([m("system", "Be brief.")]), trl([m("user"), m("system", "Be brief.")]), trl([]),
                trl([m("user")]), rule="input-ends-with-system")
    assert [(line, path) for line, path, _, _ in got] == [(1, "prompt[0].role"), (2, "prompt[1].role")]
    got = found(trl([]), trl([m("user")]), {"chosen": "x", "rejected": "y"}, rule="empty-prompt")
    assert [(line, path) for line, path, _, _ in got] == [(1, "prompt")]


def test_prompt_rules_leave_openai_layout_and_find_vertex_empty_contents():
    openai = {"input": {"messages": [m("system", "Be brief.")]}, "preferred_output": [m("assistant")],
              "non_preferred_output": [m("assistant", "Other.")]}
    assert found(openai, rule="input-ends-with-system", target="openai") == []
    vertex = {"contents": [], "completions": [
        {"score": 1, "completion": {"role": "model", "parts": [{"text": "A"}]}},
        {"score": 0, "completion": {"role": "model", "parts": [{"text": "B"}]}}]}
    assert [(line, path) for line, path, _, _ in found(vertex, rule="empty-prompt", target="vertex")] == \
        [(1, "contents")]


def test_trl_replies_with_user_turns_use_the_existing_role_rules():
    got = found(trl([m("user")], [m("user", "Hi"), m("assistant", "A")], [m("assistant", "B")]),
                rule="output-not-single-assistant")
    assert [(line, path) for line, path, _, _ in got] == [(1, "chosen")]
    got = found(trl([m("user"), m("assistant", "Earlier.")]), rule="input-ends-with-assistant")
    assert [(line, path) for line, path, _, _ in got] == [(1, "prompt[1].role")]


# -- invalid-score --------------------------------------------------------------------------------------

def vertex(*scores, extra=()):
    completions = [{"score": s, "completion": {"role": "model", "parts": [{"text": f"Reply {i}."}]}}
                   for i, s in enumerate(scores)]
    return {"contents": [{"role": "user", "parts": [{"text": "Q?"}]}], "completions": completions, **dict(extra)}


def nova(*labels):
    candidates = [{"content": [{"text": f"Reply {i}."}], "preferenceLabel": label} for i, label in enumerate(labels)]
    return {"messages": [{"role": "user", "content": [{"text": "Q?"}]}, {"role": "assistant", "candidates": candidates}]}


def test_vertex_scores():
    got = found(vertex(1, 0), vertex(0, 1), vertex(1, 1), vertex(1, 0, 0), vertex(1, 2), vertex(1, "0"),
                vertex(1, 0.0), rule="invalid-score", target="vertex")
    assert [(line, path) for line, path, _, _ in got] == [
        (3, "completions[1].score"), (4, "completions"), (5, "completions[1].score"), (6, "completions[1].score")]
    assert "both completions have score 1" in got[0][3] and "has 3" in got[1][3]


def test_nova_labels():
    got = found(nova("preferred", "non-preferred"), nova("non-preferred", "preferred"), nova("preferred", "preferred"),
                nova("preferred"), nova("preferred", "Non-Preferred"), rule="invalid-score", target="nova")
    assert [(line, path) for line, path, _, _ in got] == [
        (3, "messages[1].candidates[1].preferenceLabel"), (4, "messages[1].candidates"),
        (5, "messages[1].candidates[1].preferenceLabel")]


def test_invalid_score_is_silent_on_other_formats():
    assert found(trl("Q", "A", "B", score=7), rule="invalid-score") == []


# -- score-contradicts-preference -----------------------------------------------------------------------

def test_ratings_lower_is_a_warning_and_a_tie_info():
    got = found(trl("Q", "A", "B", score_chosen=2.0, score_rejected=9.0),
                trl("Q", "A", "C", score_chosen=5, score_rejected=5.0),
                trl("Q", "A", "D", score_chosen=9, score_rejected=2),
                trl("Q", "A", "E", score_chosen="9", score_rejected=2),
                trl("Q", "A", "F", score_chosen=float("nan"), score_rejected=2),
                rule="score-contradicts-preference")
    assert [(line, path, severity) for line, path, severity, _ in got] == [
        (1, "score_chosen", "warning"), (2, "score_chosen", "info")]


def test_ratings_argilla_and_own_fields():
    argilla = {"instruction": "Q", "chosen_response": "A", "rejected_response": "B", "chosen_avg_rating": 1.5,
               "rejected_avg_rating": 4.75}
    assert [line for line, *_ in found(argilla, rule="score-contradicts-preference")] == [1]
    own = trl("Q", "A", "B", mine=1, theirs=3)
    assert found(own, rule="score-contradicts-preference") == []
    got = found(own, rule="score-contradicts-preference",
                rules={"score-contradicts-preference": {"chosen-field": "mine", "rejected-field": "theirs"}})
    assert [(line, path) for line, path, _, _ in got] == [(1, "mine")]


# -- mixed-prompt-types ---------------------------------------------------------------------------------

H4 = {"prompt": "Q?", "chosen": [m("user", "Q?"), m("assistant", "A")], "rejected": [m("user", "Q?"), m("assistant", "B")]}


def test_h4_layout_once_per_file_with_the_fix(run_cli, tmp_path):
    path = tmp_path / "h4.jsonl"
    path.write_bytes(jsonl(*[{**H4, "prompt_id": str(i)} for i in range(5)]))
    proc = run_cli("check", "--isolated", "--target", "trl", "--select", "mixed-prompt-types",
                   "--output-format", "json", str(path))
    (finding,) = json.loads(proc.stdout)["findings"]
    assert finding["line"] == 1 and "every record" in finding["message"] and "5 records" in finding["message"]
    assert f"pftlint convert {path}" in finding["message"] and "--to trl" in finding["message"]


def test_mixed_records_in_a_file_are_reported_one_by_one():
    clean = trl([m("user")])
    other = {"prompt": [m("user")], "chosen": "A", "rejected": "B"}
    # the first two have H4's mix, then a clean record: both are reported, then each mixed record
    got = found(H4, H4, clean, other, H4, clean, rule="mixed-prompt-types")
    assert [line for line, *_ in got] == [1, 2, 4, 5]
    assert "chosen and rejected are text" in got[2][3] and "every record" not in got[0][3]
    assert found(clean, clean, rule="mixed-prompt-types") == []
    # two different mixes: not "every record" either
    assert [line for line, *_ in found(H4, other, rule="mixed-prompt-types")] == [1, 2]


# -- column-type-change ---------------------------------------------------------------------------------

def test_content_text_then_parts_is_an_error_under_trl():
    parts = [{"type": "text", "text": "Q?"}]
    got = found(trl([m("user", "Q?")]), trl([m("user", "Q?")]), trl([m("user", parts)]), rule="column-type-change")
    ((line, path, severity, message),) = got
    assert line == 3 and severity == "error"
    assert "'prompt[].content' is a list here but text on line 1" in message
    # under another target the same change is a warning
    assert [s for _, _, s, _ in found(trl([m("user", "Q?")]), trl([m("user", parts)]), rule="column-type-change",
                                      target="openai")] == ["warning"]


def test_other_columns_are_warnings_and_nulls_empties_and_missing_keys_no_change():
    got = found(trl("Q", meta={"id": 1}), trl("Q", meta={"id": "two"}), rule="column-type-change")
    assert [(line, severity) for line, _, severity, _ in got] == [(2, "warning")]
    assert "'meta.id' is text here but a number on line 1" in got[0][3]
    assert found(trl("Q", meta="x", tags=["a"]), trl("Q", meta=None, tags=[]), trl("Q"), trl("Q", meta="y"),
                 rule="column-type-change") == []


def test_tool_call_arguments_object_then_text():
    def call(arguments):
        return [{"role": "assistant", "content": None, "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "f", "arguments": arguments}}]}]
    got = found(trl([m("user")], call({"city": "Paris"}), [m("assistant")]),
                trl([m("user")], call('{"city": "Paris"}'), [m("assistant")]), rule="column-type-change")
    assert [(line, severity) for line, _, severity, _ in got] == [(2, "error")]
    assert "'chosen[].tool_calls[].function.arguments' is text here but an object on line 1" in got[0][3]


def test_one_record_holding_both_types():
    got = found(trl([m("user", "Q"), m("user", [{"type": "text", "text": "more"}])]), rule="column-type-change")
    assert [line for line, *_ in got] == [1] and "elsewhere in this record" in got[0][3]


def test_openai_layout_is_left_out():
    rec = {"input": {"messages": [m("user", "Q")]}, "preferred_output": [m("assistant", "A")],
           "non_preferred_output": [m("assistant", [{"type": "text", "text": "B"}])]}
    assert found(rec, {**rec, "input": {"messages": [m("user", [{"type": "text", "text": "Q"}])]}},
                 rule="column-type-change", target="openai") == []


# -- the replies named as the record's format names them -----------------------------------------------

def test_messages_name_the_sides_as_the_format_does():
    (_, _, _, trl_message), = found({"prompt": "Q", "chosen": "Same.", "rejected": "Same."}, rule="identical-outputs")
    assert trl_message.startswith("the rejected reply is identical to the chosen reply")
    (_, _, _, empty), = found({"prompt": "Q", "chosen": "", "rejected": "No."}, rule="empty-content")
    assert empty.startswith("the chosen reply (assistant) has empty content")
    record = nova("preferred", "non-preferred")
    record["messages"][1]["candidates"][1]["content"] = [{"text": "reply 0."}]  # only the case differs
    (_, _, _, nova_message), = found(record, rule="near-identical-outputs", target="nova")
    assert nova_message.startswith("the non-preferred candidate differs from the preferred candidate")
    openai = {"input": {"messages": [m("user", "Q")]}, "preferred_output": [m("assistant", "A")],
              "non_preferred_output": [m("assistant", "A")]}
    (_, _, _, openai_message), = found(openai, rule="identical-outputs", target="openai")
    assert openai_message.startswith("the non-preferred output is identical to the preferred output")
