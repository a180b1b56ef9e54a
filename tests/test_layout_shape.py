"""The shape rules on other layouts than OpenAI's (TRL, KTO rows), the provider they name, and
column-type-change's path, column and row, all through the console script."""

from __future__ import annotations

import json

import pytest
from builders import assistant, dpo, jsonl, message, trl, user


def findings(run_cli, tmp_path, records, *args, name="data.jsonl") -> list[dict]:
    path = tmp_path / name
    path.write_bytes(jsonl(records) if not isinstance(records, bytes) else records)
    proc = run_cli("check", "--output-format", "json", *args, str(path))
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)["findings"]


def of(found: list[dict], rule: str) -> list[dict]:
    return [f for f in found if f["rule"] == rule]


# -- C: the provider the shape rules name ---------------------------------------------------

@pytest.mark.parametrize("target, title", [("together", "Together AI"), ("fireworks", "Fireworks")])
def test_shape_messages_name_the_targets_provider(run_cli, tmp_path, target, title):
    tool = message("tool", 5, tool_call_id="call_1")
    record = dpo(messages=[user(), tool], weight=1)
    found = findings(run_cli, tmp_path, [record] * 3, "--target", target)
    weight = [f for f in of(found, "unknown-key") if f["json_path"] == "weight"]
    content = [f for f in of(found, "wrong-type") if f["json_path"] == "input.messages[1].content"]
    assert weight and content
    for finding in weight + content:
        assert f"({title} rejects" in finding["message"]
        assert "OpenAI" not in finding["message"]


# -- A: missing-key and wrong-type in TRL's rows ------------------------------------------

def located(tmp_path, name, finding) -> str:
    """The text of the finding's line from its column on."""
    line = (tmp_path / name).read_text().splitlines()[finding["line"] - 1]
    return line[finding["column"] - 1:]


CLEAN = trl(conversational=True)


def test_trl_messages_without_role_or_content_are_missing_keys(run_cli, tmp_path):
    no_content = trl(prompt={"role": "user"}, chosen={"content": "Paris."}, conversational=True)
    found = findings(run_cli, tmp_path, [no_content, CLEAN], "--target", "trl")
    missing = of(found, "missing-key")
    assert [(f["line"], f["json_path"]) for f in missing] == [(1, "prompt[0].content"), (1, "chosen[0].role")]
    assert "TRL" in missing[0]["message"] and "\"content\": \"...\"" in missing[0]["message"]
    assert "\"role\": \"assistant\"" in missing[1]["message"]
    # located at the message that lacks the key
    assert located(tmp_path, "data.jsonl", missing[0]).startswith('{"role": "user"}')
    assert located(tmp_path, "data.jsonl", missing[1]).startswith('{"content": "Paris."}')


def test_trl_assistant_making_tool_calls_may_omit_content(run_cli, tmp_path):
    call = assistant(tool_calls=[{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}])
    del call["content"]
    found = findings(run_cli, tmp_path, [trl(chosen=call, conversational=True)], "--target", "trl")
    assert of(found, "missing-key") == []


@pytest.mark.parametrize("value, shown", [(5, "a number"), (None, "null"), ({"role": "user"}, "an object")])
def test_trl_prompt_of_the_wrong_type(run_cli, tmp_path, value, shown):
    found = findings(run_cli, tmp_path, [trl(prompt=value), trl()], "--target", "trl")
    wrong = of(found, "wrong-type")
    assert [(f["line"], f["json_path"]) for f in wrong] == [(1, "prompt")]
    assert wrong[0]["message"].startswith(f"'prompt' is {shown}, but it must be a string or a list of messages")
    assert "TRL" in wrong[0]["message"]
    assert located(tmp_path, "data.jsonl", wrong[0]).startswith(json.dumps(value))


def test_trl_message_items_roles_and_contents_of_the_wrong_type(run_cli, tmp_path):
    row = trl(prompt=user(5), chosen="Paris.", rejected=message(1, "Lyon."), conversational=True)
    row["chosen"] = ["Paris."]
    found = findings(run_cli, tmp_path, [row], "--target", "trl")
    wrong = {f["json_path"]: f for f in of(found, "wrong-type")}
    assert set(wrong) == {"prompt[0].content", "chosen[0]", "rejected[0].role"}
    assert "write it as a string: \"5\"" in wrong["prompt[0].content"]["message"]
    assert "{\"role\": \"assistant\", \"content\": \"Paris.\"}" in wrong["chosen[0]"]["message"]
    assert located(tmp_path, "data.jsonl", wrong["chosen[0]"]).startswith('"Paris."')
    assert located(tmp_path, "data.jsonl", wrong["rejected[0].role"]).startswith("1")


@pytest.mark.parametrize("label, fix", [("yes", "write true"), ("true", "write true, without quotes"),
                                        (0, "write false"), (None, "write true")])
def test_kto_label_must_be_a_boolean(run_cli, tmp_path, label, fix):
    row = {"prompt": "What is the capital of France?", "completion": "Paris.", "label": label}
    found = findings(run_cli, tmp_path, [row], "--target", "trl")
    wrong = of(found, "wrong-type")
    assert [f["json_path"] for f in wrong] == ["label"]
    assert fix in wrong[0]["message"] and "boolean" in wrong[0]["message"]
    assert located(tmp_path, "data.jsonl", wrong[0]).startswith(json.dumps(label))


def test_kto_completion_of_the_wrong_type(run_cli, tmp_path):
    row = {"prompt": "What is the capital of France?", "completion": 7, "label": True}
    found = findings(run_cli, tmp_path, [row], "--target", "trl")
    assert [f["json_path"] for f in of(found, "wrong-type")] == ["completion"]


def test_axolotl_chat_template_rows_are_checked_too(run_cli, tmp_path):
    row = {"messages": [{"role": "user"}], "chosen": [assistant()], "rejected": [{"content": "Lyon."}]}
    found = findings(run_cli, tmp_path, [row])
    assert [f["json_path"] for f in of(found, "missing-key")] == ["messages[0].content", "rejected[0].role"]
    assert "axolotl" in of(found, "missing-key")[0]["message"]


def test_well_shaped_trl_rows_stay_silent(run_cli, tmp_path):
    extra = trl(meta={"source": "x"}, conversational=True)  # an extra column: the loose path
    rows = [CLEAN, trl(), extra, {"prompt": "Q", "completion": "A", "label": False}]
    for i, row in enumerate(rows):
        found = findings(run_cli, tmp_path, [row], "--target", "trl", name=f"{i}.jsonl")
        assert of(found, "missing-key") == of(found, "wrong-type") == []


# -- B: column-type-change's row, path and column ------------------------------------------

def test_the_odd_first_row_is_the_one_reported_at_its_field(run_cli, tmp_path):
    rows = [trl(prompt=5)] + [trl(prompt=f"Question {i}?") for i in range(4)]
    found = of(findings(run_cli, tmp_path, rows, "--target", "trl"), "column-type-change")
    assert [(f["line"], f["json_path"]) for f in found] == [(1, "prompt")]
    assert "'prompt' is a number here but text on line 2, as in most records" in found[0]["message"]
    assert located(tmp_path, "data.jsonl", found[0]).startswith("5,")


def test_every_row_that_differs_from_most_is_reported(run_cli, tmp_path):
    parts = [{"type": "text", "text": "Q?"}]
    rows = [trl(conversational=True) for _ in range(8)]
    for i in (0, 3, 5):
        rows[i]["prompt"][0]["content"] = parts
    both = trl(conversational=True)
    both["prompt"] = [user(), user(parts)]  # both types in one row
    rows.insert(2, both)
    found = of(findings(run_cli, tmp_path, rows, "--target", "trl"), "column-type-change")
    # most of the nine rows hold text: the rows with a list of parts are reported, each at its prompt
    assert [(f["line"], f["json_path"]) for f in found] == [
        (1, "prompt[0].content"), (3, "prompt[1].content"), (5, "prompt[0].content"), (7, "prompt[0].content")]
    for finding in found:
        assert located(tmp_path, "data.jsonl", finding).startswith('[{"role": "user"')


def test_pretty_printed_records_are_located_on_their_physical_line(run_cli, tmp_path):
    rows = [trl(), trl(), {"chosen": "Paris.", "rejected": "Lyon.", "prompt": ["x"]}]
    text = json.dumps(rows[:2])[:-1] + ",\n" + json.dumps(rows[2], indent=2) + "]"
    (tmp_path / "data.json").write_text(text)
    found = of(findings(run_cli, tmp_path, text.encode(), "--target", "trl", name="data.json"),
               "column-type-change")
    assert [f["json_path"] for f in found] == ["prompt"]
    assert located(tmp_path, "data.json", found[0]).startswith('["x"]') or \
        located(tmp_path, "data.json", found[0]).rstrip() == "["  # indent=2 puts the items below
    assert text.splitlines()[found[0]["line"] - 1].lstrip().startswith('"prompt"')


def _majority_rows(n: int) -> list[dict]:
    rows = [trl(prompt=f"Question {i}?", meta={"id": i}) for i in range(n)]
    for i in (0, 40, 150, n - 1):  # odd rows among the first hundred and after them
        rows[i]["prompt"] = [user(f"Question {i}?")]
        rows[i]["meta"] = {"id": str(i)}
    return rows


def test_chunked_and_sharded_runs_agree_with_one_pass(tmp_path, monkeypatch):
    from pftlint.api import lint_bytes, lint_shard, make_linter, merge_shards
    from pftlint.engine import parallel, runner

    rows = _majority_rows(400)
    path = tmp_path / "data.jsonl"
    path.write_bytes(jsonl(rows))
    settings = dict(target="trl", select=["column-type-change"])
    one = [f.to_dict() for f in lint_bytes(path.read_bytes(), str(path), **settings).findings]
    assert [(f["line"], f["json_path"]) for f in one if f["json_path"] == "prompt"] == \
        [(1, "prompt"), (41, "prompt"), (151, "prompt"), (400, "prompt")]
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "MIN_CHUNK", 4 * 1024)
    chunked = runner.run(make_linter(**settings), [str(path)], 2)
    assert [f.to_dict() for f in chunked.files[0].findings] == one
    name = "shards"
    shards = [lint_shard(rows[start:start + 70], offset=start, name=name, **settings)
              for start in range(0, len(rows), 70)]
    merged = merge_shards(reversed(shards), **settings)
    plain = lint_shard(rows, offset=0, name=name, **settings)
    expect = [(f.line, f.column, f.json_path, f.message) for f in merge_shards([plain], **settings).findings]
    assert [(f.line, f.column, f.json_path, f.message) for f in merged.findings] == expect
    assert [line for line, *_ in expect if _[1] == ("prompt",)] == [1, 41, 151, 400]


@pytest.mark.parametrize("row, path, who", [
    ({"instruction": "Q?", "input": "", "chosen": 5, "rejected": "B"}, "chosen", "LLaMA-Factory"),
    ({"instruction": "Q?", "chosen_response": {"text": "A"}, "rejected_response": "B"}, "chosen_response", "axolotl"),
    ({"question": True, "chosen": "A", "rejected": "B"}, "question", "axolotl"),
])
def test_text_columns_of_other_layouts_must_be_strings(run_cli, tmp_path, row, path, who):
    found = of(findings(run_cli, tmp_path, [row]), "wrong-type")
    assert [f["json_path"] for f in found] == [path]
    assert who in found[0]["message"] and "must be a string" in found[0]["message"]
    assert located(tmp_path, "data.jsonl", found[0]).startswith(json.dumps(row[path]))
    clean = {**row, path: "Text."}
    assert of(findings(run_cli, tmp_path, [clean], name="clean.jsonl"), "wrong-type") == []
