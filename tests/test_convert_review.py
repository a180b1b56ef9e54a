"""``pftlint convert`` through the console script: what a layout cannot hold or a source does not say is a skip
with its reason (KTO's undesirable rows, values of any type where a role belongs), never a crash, and what a
layout has no place for is reported."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from builders import jsonl

SKIP_LINE = re.compile(r"^(.*):(\d+): skipped: (.+)$")


def convert(run_cli, tmp_path: Path, records, *flags: str):
    """(exit status, written records or None, {line: skip message}, stderr)."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl(records))
    out = tmp_path / "out.jsonl"
    if out.exists():
        out.unlink()
    proc = run_cli("convert", str(src), "-o", str(out), *flags)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    skips = {int(m[2]): m[3] for m in map(SKIP_LINE.match, proc.stderr.splitlines()) if m}
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else None
    return proc.returncode, written, skips, proc.stderr


KTO = [{"prompt": "Q1", "completion": " good", "label": True},
       {"prompt": "Q2", "completion": " terrible", "label": False},
       {"prompt": "Q3", "completion": " fine", "label": "yes"},
       {"prompt": "Q4", "completion": " plain"}]


def test_kto_rows_labelled_undesirable_are_not_written_as_supervised_examples(run_cli, tmp_path):
    status, written, skips, err = convert(run_cli, tmp_path, KTO, "--to", "supervised")
    assert status == 1
    assert [r["messages"][-1]["content"] for r in written] == [" good", " plain"]
    assert set(skips) == {2, 3}
    assert skips[2] == "labelled undesirable (label false): a supervised example would teach it"
    assert "'label' is \"yes\", not true or false" in skips[3]
    assert "labelled undesirable: 1" in err and "wrong type: 1" in err


def test_kto_file_hint_says_only_desirable_rows_convert_and_names_the_output_after_the_layout(run_cli, tmp_path):
    (tmp_path / "kto.jsonl").write_bytes(jsonl(KTO[:2]))
    proc = run_cli("check", "kto.jsonl", cwd=tmp_path)
    (line,) = [line for line in proc.stdout.splitlines() if "PFT204" in line]
    assert "only the desirable rows, label true, are converted" in line
    assert line.endswith("pftlint convert kto.jsonl -o kto.supervised.jsonl --to supervised")


U = {"role": "user", "content": "Sky?"}
A = {"role": "assistant", "content": "Blue."}
B = {"role": "assistant", "content": "Green."}
TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}
# One record each source reader converts (--from NAME), to be broken at every position.
SAMPLES = {
    "trl": {"prompt": [U], "chosen": [A], "rejected": [B], "tools": [TOOL]},
    "hh": {"chosen": "\n\nHuman: Sky?\n\nAssistant: Blue.", "rejected": "\n\nHuman: Sky?\n\nAssistant: Green."},
    "sharegpt": {"system": "Be brief.", "conversations": [{"from": "human", "value": "Sky?"},
                                                         {"from": "gpt", "value": "Blue."}],
                 "chosen": {"from": "gpt", "value": "Blue."}, "rejected": {"from": "gpt", "value": "Green."}},
    "columns": {"prompt": "Sky?", "chosen": "Blue.", "rejected": "Green."},
    "prompt-completion": {"prompt": "Sky?", "completion": "Blue.", "label": True},
    "dpo": {"input": {"messages": [U], "tools": [TOOL]}, "preferred_output": [A], "non_preferred_output": [B]},
    "supervised": {"messages": [U, A], "tools": [TOOL]},
    "vertex": {"system_instruction": {"parts": [{"text": "Be brief."}]},
               "contents": [{"role": "user", "parts": [{"text": "Sky?"}]}],
               "completions": [{"score": 1, "completion": {"role": "model", "parts": [{"text": "Blue."}]}},
                               {"score": 0, "completion": {"role": "model", "parts": [{"text": "Green."}]}}]},
    "nova": {"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "Be brief."}],
             "messages": [{"role": "user", "content": [{"text": "Sky?"}]},
                          {"role": "assistant", "candidates": [
                              {"content": [{"text": "Blue."}], "preferenceLabel": "preferred"},
                              {"content": [{"text": "Green."}], "preferenceLabel": "non-preferred"}]}]},
    "ultrafeedback-argilla": {"instruction": "Sky?", "chosen_response": "Blue.", "rejected_response": "Green."},
    "ultrafeedback-h4": {"prompt": "Sky?", "chosen": [U, A], "rejected": [U, B]},
    "alpaca-ranking": {"instruction": "Sky?", "input": "Now.", "system": "Be brief.", "history": [["Hi", "Hello"]],
                       "chosen": "Blue.", "rejected": "Green."},
    "axolotl": {"system": "Be brief.", "question": "Sky?", "chosen_response": "Blue.", "rejected_response": "Green."},
    "axolotl-chat-template": {"messages": [U], "chosen": [U, A], "rejected": B},
}
ODD_VALUES = ({}, [], 5, None, True)


def broken_everywhere(value):
    """``value`` with each of its values (the whole too), one at a time, replaced by each odd value."""
    for odd in ODD_VALUES:
        yield odd
    if isinstance(value, dict):
        for key, item in value.items():
            for changed in broken_everywhere(item):
                yield {**value, key: changed}
    elif isinstance(value, list):
        for i, item in enumerate(value):
            for changed in broken_everywhere(item):
                yield [*value[:i], changed, *value[i + 1:]]


def test_every_source_names_a_sample():
    from pftlint.convert import SOURCES

    assert set(SOURCES) - {"openai"} == set(SAMPLES)  # openai is dpo's other name


@pytest.mark.parametrize("to", ["openai", "supervised", "vertex"])
@pytest.mark.parametrize("source", sorted(SAMPLES))
def test_no_value_anywhere_crashes_a_source_reader(run_cli, tmp_path, source, to):
    records = [SAMPLES[source], *broken_everywhere(SAMPLES[source])]
    records = [r for r in records if isinstance(r, dict)]  # the reader skips a line that is not an object
    status, written, skips, _ = convert(run_cli, tmp_path, records, "--from", source, "--to", to)
    assert status in (0, 1)  # every record converted or skipped with its line: none stops the run
    assert len(written or ()) + len(skips) == len(records)


def test_a_vertex_role_that_is_an_object_or_a_list_is_a_skip(run_cli, tmp_path):
    good = SAMPLES["vertex"]
    odd = [{**good, "contents": [{"role": role, "parts": [{"text": "Sky?"}]}]} for role in ({}, ["user"])]
    status, written, skips, _ = convert(run_cli, tmp_path, [odd[0], good, odd[1]])
    assert status == 1 and len(written) == 1 and set(skips) == {1, 3}
    assert all("Vertex AI turns are 'user' or 'model'" in skip for skip in skips.values())


def test_no_value_anywhere_crashes_detection(run_cli, tmp_path):
    records = [r for sample in SAMPLES.values() for r in broken_everywhere(sample) if isinstance(r, dict)]
    status, written, skips, _ = convert(run_cli, tmp_path, records, "--to", "trl")
    assert status == 1 and len(written) + len(skips) == len(records)


BAD_TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": "oops"}}}


def test_a_bad_tool_definition_skip_names_its_json_path_as_check_does(run_cli, tmp_path):
    sft = {"messages": [U, A], "tools": [BAD_TOOL]}
    pref = {"input": {"messages": [U], "tools": [BAD_TOOL]}, "preferred_output": [A], "non_preferred_output": [B]}
    _, _, skips, _ = convert(run_cli, tmp_path, [sft], "--to", "supervised")
    assert skips[1].startswith("tools[0].function.parameters.properties: parameters is not a valid JSON Schema")
    _, _, skips, _ = convert(run_cli, tmp_path, [pref])
    assert skips[1].startswith("input.tools[0].function.parameters.properties: parameters is not a valid JSON")
    (tmp_path / "check.jsonl").write_bytes(jsonl([pref]))
    checked = run_cli("check", "--isolated", "--output-format", "json", str(tmp_path / "check.jsonl"))
    (finding,) = [f for f in json.loads(checked.stdout)["findings"] if f["rule"] == "invalid-tool-definition"]
    assert skips[1].startswith(f"{finding['json_path']}: {finding['message']}")


NOT_CARRIED = re.compile(r"^not carried over: (.+): convert writes the (\w+) layout's own fields only$", re.M)


def test_columns_no_layout_holds_are_named_in_the_summary(run_cli, tmp_path):
    records = [{**SAMPLES["trl"], "code_id": i, **({"score": 0.5} if i % 2 else {})} for i in range(4)]
    status, written, skips, err = convert(run_cli, tmp_path, records)
    assert status == 0 and len(written) == 4  # the records themselves are converted
    assert NOT_CARRIED.findall(err) == [("code_id (4 records), score (2 records)", "openai")]
    assert not any("code_id" in json.dumps(r) for r in written)


def test_a_skipped_record_is_not_counted_and_a_clean_conversion_says_nothing(run_cli, tmp_path):
    same = {**SAMPLES["columns"], "rejected": "Blue.", "code_id": 2}
    status, _, skips, err = convert(run_cli, tmp_path, [{**SAMPLES["columns"], "code_id": 1}, same])
    assert status == 1 and set(skips) == {2}
    assert NOT_CARRIED.findall(err) == [("code_id (1 record)", "openai")]
    _, _, _, err = convert(run_cli, tmp_path, [SAMPLES[name] for name in ("trl", "vertex", "nova", "hh")])
    assert "not carried over" not in err  # every key of those is read (Nova's schemaVersion is its marker)


def test_supervised_output_does_not_report_the_rejected_reply_it_leaves_out_by_design(run_cli, tmp_path):
    records = [SAMPLES[name] for name in ("alpaca-ranking", "axolotl", "axolotl-chat-template", "dpo", "trl")]
    status, written, _, err = convert(run_cli, tmp_path, [{**r, "extra": 1} for r in records], "--to", "supervised")
    assert status == 0 and len(written) == 5
    assert NOT_CARRIED.findall(err) == [("extra (5 records)", "supervised")]


def test_many_columns_are_cut_to_the_most_common(run_cli, tmp_path):
    records = [{**SAMPLES["trl"], **{f"c{k}": 1 for k in range(i + 1)}} for i in range(10)]
    _, _, _, err = convert(run_cli, tmp_path, records, "--to", "trl")
    (names, layout), = NOT_CARRIED.findall(err)
    assert names.startswith("c0 (10 records), c1 (9 records)") and names.endswith(", and 2 other columns")
    assert layout == "trl"


def test_the_real_trl_file_reports_its_code_id_column(run_cli, tmp_path, corpus):
    src = corpus / "trl-string__Vecaaa_basic-rl-feedback-workflow__dpo_data.old.jsonl"
    with_code_id = sum("code_id" in json.loads(line) for line in src.read_text(encoding="utf-8").splitlines())
    proc = run_cli("convert", str(src), "-o", str(tmp_path / "x.jsonl"))
    written = len((tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines())
    assert with_code_id > written > 0 and proc.returncode == 1  # one record is skipped (identical replies)
    assert NOT_CARRIED.findall(proc.stderr) == [(f"code_id ({written} records)", "openai")]
