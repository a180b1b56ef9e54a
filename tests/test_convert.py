"""``pftlint convert``: every source shape, every input format, the skips, the output lints clean."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import random
import re
import shlex
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint.api import lint_bytes, lint_path
from pftlint.engine.catalog import rule_docs
from pftlint.cli import main
from pftlint.convert import Options, Stats, convert, units
from pftlint.convert.common import IDENTICAL
import builders
from builders import user

TRL_STRING = "trl-string__Vecaaa_basic-rl-feedback-workflow__dpo_data.old.jsonl"
TRL_CONV = "trl-conv__Mihir-Khare429_system-design-interviewer-bot__dpo_dataset.jsonl"
HH = "hh__anthropics_hh-rlhf__harmless-base_test.jsonl"

# What the converter cannot vouch for: the dataset's size and rules over the whole dataset
# (duplicates, conflicts, length bias), and what the source texts themselves say.
DATASET_RULES = {doc.name for doc in rule_docs() if doc.scope == "dataset"} | {"too-few-examples"}
SOURCE_TEXT_RULES = {"near-identical-outputs", "special-token-in-content", "literal-escape-in-content",
                     "example-too-long"}
SKIP_LINE = re.compile(r"^(.*):(\d+): skipped: (.+)$")


bot = builders.assistant


def dpo(prompt, chosen, rejected):
    return builders.dpo(chosen=chosen, rejected=rejected, messages=prompt)


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(tmp_path, records_or_path, *flags, name="in.jsonl"):
    """Convert in-process: (exit status, output records, skip reports {line: message}, stderr)."""
    src = records_or_path if isinstance(records_or_path, Path) else write_jsonl(tmp_path / name, records_or_path)
    out = tmp_path / "out.jsonl"
    if out.exists():
        out.unlink()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["convert", str(src), "-o", str(out), *flags])
    text = err.getvalue()
    skips = {int(m[2]): m[3] for m in map(SKIP_LINE.match, text.splitlines()) if m}
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else None
    return status, records, skips, text


def lint_findings(path: Path, allowed=DATASET_RULES):
    """Every finding of the default rules on a converted file, apart from ``allowed`` rules."""
    result = lint_path(path, ignore=sorted(allowed)).files[0]
    return [(f.line, f.rule, f.message) for f in result.findings]


# -- the seed article: flat columns instruction / chosen_response / rejected_response -------------

def seed_dataset(n=12, seed=7):
    rng = random.Random(seed)
    words = "the cat sat on a warm mat while rain fell over quiet hills".split()
    rows = []
    for i in range(n):
        instruction = f"Question {i}: " + " ".join(rng.choices(words, k=6)) + "?"
        rows.append({"instruction": instruction,
                     "chosen_response": f"Answer {i}: " + " ".join(rng.choices(words, k=8)) + ".\nSecond line.",
                     "rejected_response": f"Wrong {i}: " + " ".join(rng.choices(words, k=3)) + " “quoted” é"})
    return rows


def expected_seed(rows):
    return [dpo([user(r["instruction"])], r["chosen_response"], r["rejected_response"]) for r in rows]


SEED_FLAGS = ("--prompt-field", "instruction", "--chosen-field", "chosen_response",
              "--rejected-field", "rejected_response")


@pytest.mark.parametrize("container", ["jsonl", "json", "csv"])
def test_seed_article_conversion_record_by_record(tmp_path, container):
    rows = seed_dataset()
    src = tmp_path / f"hf.{container}"
    if container == "jsonl":
        write_jsonl(src, rows)
    elif container == "json":
        src.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        with src.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    status, records, skips, err = run(tmp_path, src, *SEED_FLAGS)
    assert status == 0, err
    assert skips == {}
    expected = expected_seed(rows)
    assert len(records) == len(expected)
    for got, want in zip(records, expected):
        assert got == want
    data = (tmp_path / "out.jsonl").read_bytes()
    # the article's bug: records joined by a literal backslash-n. Here every record ends with a real newline.
    assert data.count(b"\n") == len(rows) and data.endswith(b"}\n") and b"}\\n{" not in data
    assert "“quoted” é".encode() in data  # written as UTF-8, not \u escapes
    assert f"read {len(rows)} records" in err and f"wrote {len(rows)} records" in err
    assert lint_findings(tmp_path / "out.jsonl", allowed=set()) == []  # 12 records: not even too-few-examples


def test_seed_article_columns_are_the_argilla_ultrafeedback_layout(tmp_path):
    rows = seed_dataset(3)
    status, records, skips, err = run(tmp_path, rows)
    assert (status, skips) == (0, {}) and records == expected_seed(rows)
    assert "UltraFeedback, argilla" in err


def test_unknown_flat_columns_are_guessed_in_the_hint(tmp_path):
    rows = [{"my_question": r["instruction"], "good_answer": r["chosen_response"],
             "bad_answer": r["rejected_response"]} for r in seed_dataset(3)]
    status, records, skips, err = run(tmp_path, rows)
    assert status == 1 and records is None  # nothing written: OUT is not created
    assert set(skips) == {1, 2, 3} and all("not a format pftlint knows" in s for s in skips.values())
    assert "--prompt-field my_question --chosen-field good_answer --rejected-field bad_answer" in err


def test_system_column(tmp_path):
    rows = [{"q": "Hi", "good": "Hello", "bad": "Go away", "sys": "Be kind"},
            {"q": "Hi", "good": "Hello", "bad": "Go away", "sys": ""}]
    status, records, _, _ = run(tmp_path, rows, "--prompt-field", "q", "--chosen-field", "good",
                                "--rejected-field", "bad", "--system-field", "sys")
    assert status == 0
    assert records[0]["input"]["messages"] == [{"role": "system", "content": "Be kind"}, user("Hi")]
    assert records[1]["input"]["messages"] == [user("Hi")]  # an empty system cell: no system prompt


# -- the real corpus ------------------------------------------------------------------------------

def corpus_conversion(tmp_path, corpus, name):
    src = corpus / name
    status, records, skips, err = run(tmp_path, src)
    source = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    read = int(re.search(r"read ([\d,]+) record", err)[1].replace(",", ""))
    assert read == len(source) == len(records) + len(skips), err  # every record accounted for
    assert f"wrote {len(records):,} record" in err
    if skips:
        assert f"skipped {len(skips):,} record" in err and status == 1
    else:
        assert status == 0
    kept = [rec for line, rec in enumerate(source, 1) if line not in skips]
    return records, kept, skips


def test_corpus_trl_string(tmp_path, corpus):
    records, kept, skips = corpus_conversion(tmp_path, corpus, TRL_STRING)
    source46 = json.loads((corpus / TRL_STRING).read_text(encoding="utf-8").splitlines()[45])
    assert source46["chosen"] == source46["rejected"]
    assert list(skips) == [46] and "same reply" in skips[46]
    for got, src in zip(records, kept):
        assert got == dpo([user(src["prompt"])], src["chosen"], src["rejected"])  # code_id dropped
    # passes check; the only findings left are what the source texts say (whitespace-only differences)
    findings = lint_findings(tmp_path / "out.jsonl")
    assert {rule for _, rule, _ in findings} <= SOURCE_TEXT_RULES


def test_corpus_trl_conversational(tmp_path, corpus):
    records, kept, skips = corpus_conversion(tmp_path, corpus, TRL_CONV)
    assert skips == {}
    for got, src in zip(records, kept):
        assert got == {"input": {"messages": src["prompt"]}, "preferred_output": src["chosen"],
                       "non_preferred_output": src["rejected"]}
    assert lint_findings(tmp_path / "out.jsonl") == []


def _transcript(messages):
    names = {"user": "Human", "assistant": "Assistant"}
    return [(names[m["role"]], m["content"]) for m in messages]


def _turns(text):
    parts = re.split(r"(?:^|\n\n)(Human|Assistant):", text)
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts), 2)]


def test_corpus_hh(tmp_path, corpus):
    records, kept, skips = corpus_conversion(tmp_path, corpus, HH)
    assert len(skips) < len(kept) / 100  # a handful of malformed transcripts, each reported
    for got, src in zip(records, kept):
        prompt = _transcript(got["input"]["messages"])
        assert _turns(src["chosen"]) == prompt + _transcript(got["preferred_output"])
        assert _turns(src["rejected"]) == prompt + _transcript(got["non_preferred_output"])
        assert prompt[-1][0] == "Human"
    assert lint_findings(tmp_path / "out.jsonl") == []


def test_corpus_wrong_shape_openai_file_is_repaired(tmp_path, corpus):
    name = "oaipref__danah18_ugc-finetuning__dpo_dataset_string_fields.jsonl"
    status, records, skips, _ = run(tmp_path, corpus / name)
    src = json.loads((corpus / name).read_text(encoding="utf-8"))
    assert status == 0 and records == [dpo([user(src["input"])], src["preferred_output"],
                                           src["non_preferred_output"])]
    assert lint_findings(tmp_path / "out.jsonl") == []


def test_wrong_format_finding_names_a_command_that_works(tmp_path, run_cli):
    src = write_jsonl(tmp_path / "prefs.jsonl", [{"prompt": f"Q{i}", "chosen": f"Good {i}", "rejected": f"Bad {i}"}
                                                 for i in range(12)])
    for flags, kind in (((), "preference"), (("--method", "supervised"), "supervised")):
        proc = run_cli("check", "--isolated", "--output-format", "json", *flags, str(src))
        finding = next(f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "wrong-format")
        command = re.search(r"(pftlint convert .*)$", finding["message"])[1]
        argv = shlex.split(command)
        assert argv[:3] == ["pftlint", "convert", str(src)]
        out = Path(argv[argv.index("-o") + 1])
        converted = run_cli(*argv[1:])
        assert converted.returncode == 0, converted.stderr
        assert run_cli("check", "--isolated", *flags, str(out)).returncode == 0
        lines = out.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 12 and ("messages" in json.loads(lines[0])) == (kind == "supervised")
        out.unlink()


def test_wrong_format_on_axolotl_chat_template_names_a_command_that_works(tmp_path, run_cli):
    src = write_jsonl(tmp_path / "axolotl.jsonl", [{"messages": [user(f"Q{i}")], "chosen": bot(f"Good {i}"),
                                                    "rejected": bot(f"Bad {i}")} for i in range(12)])
    for target in ("openai", "trl"):
        proc = run_cli("check", "--isolated", "--target", target, "--output-format", "json", str(src))
        (finding,) = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "wrong-format"]
        assert "does not read" not in finding["message"]
        argv = shlex.split(re.search(r"(pftlint convert .*)$", finding["message"])[1])
        assert argv[-2:] == ["--to", target]
        out = Path(argv[argv.index("-o") + 1])
        assert run_cli(*argv[1:]).returncode == 0
        assert run_cli("check", "--isolated", "--target", target, str(out)).returncode == 0
        assert len(out.read_text(encoding="utf-8").splitlines()) == 12
        out.unlink()


# -- ShareGPT ---------------------------------------------------------------------------------------

def turn(who, text):
    return {"from": who, "value": text}


SYSTEM_MSG = {"role": "system", "content": "Be brief."}
SHAREGPT_CHAT = [
    ({"conversations": [turn("human", "Q"), turn("gpt", "A")]}, [user("Q"), bot("A")]),
    ({"conversations": [turn("system", "Be brief."), turn("user", "Q"), turn("chatgpt", "A"), turn("human", "Q2"),
                        turn("model", "A2")]},
     [SYSTEM_MSG, user("Q"), bot("A"), user("Q2"), bot("A2")]),
    ({"system": "Be brief.", "conversations": [turn("human", "Q"), turn("assistant", "A")]},
     [SYSTEM_MSG, user("Q"), bot("A")]),
    ({"system": "", "conversations": [turn("human", "Q"), turn("gpt", "A")]}, [user("Q"), bot("A")]),
    ({"system": "Be brief.", "messages": [turn("human", "Q"), turn("gpt", "A")]}, [SYSTEM_MSG, user("Q"), bot("A")]),
]


@pytest.mark.parametrize(("record", "messages"), SHAREGPT_CHAT)
@pytest.mark.parametrize("forced", [(), ("--from", "sharegpt")])
def test_sharegpt_to_supervised(tmp_path, record, messages, forced):
    status, records, skips, _ = run(tmp_path, [record] * 2, "--to", "supervised", *forced)
    assert (status, skips) == (0, {}) and records == [{"messages": messages}] * 2
    assert lint_findings(tmp_path / "out.jsonl") == []


def test_sharegpt_chat_cannot_become_preference_records(tmp_path):
    status, records, skips, _ = run(tmp_path, [SHAREGPT_CHAT[0][0]])
    assert status == 1 and records is None and "--to supervised" in skips[1]


def test_sharegpt_preference_layout_converts_to_dpo(tmp_path):
    record = {"system": "Be brief.", "conversations": [turn("human", "Q")], "chosen": turn("gpt", "A"),
              "rejected": turn("gpt", "B")}
    status, records, skips, _ = run(tmp_path, [record])
    assert (status, skips) == (0, {}) and records == [dpo([SYSTEM_MSG, user("Q")], "A", "B")]
    assert lint_findings(tmp_path / "out.jsonl") == []


@pytest.mark.parametrize("record", [
    {"conversations": [turn("human", "Q"), turn("observation", "42"), turn("gpt", "A")]},  # a role that does not map
    {"conversations": [turn("human", "Q")]},  # no reply
    {"conversations": []},
    {"system": ["not text"], "conversations": [turn("human", "Q"), turn("gpt", "A")]},
])
def test_sharegpt_records_that_cannot_convert_are_skipped(tmp_path, record):
    status, records, skips, _ = run(tmp_path, [record], "--to", "supervised")
    assert status == 1 and records is None and list(skips) == [1]


def test_sharegpt_wrong_format_finding_names_a_command_that_works(tmp_path, run_cli):
    src = write_jsonl(tmp_path / "chat.jsonl", [{"system": "Be brief.", "conversations": [
        turn("human", f"Q{i}"), turn("gpt", f"A{i}")]} for i in range(12)])
    proc = run_cli("check", "--isolated", "--output-format", "json", str(src))
    findings = json.loads(proc.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["wrong-format"]
    argv = shlex.split(re.search(r"(pftlint convert .*)$", findings[0]["message"])[1])
    converted = run_cli(*argv[1:])
    assert converted.returncode == 0, converted.stderr
    out = Path(argv[argv.index("-o") + 1])
    assert run_cli("check", "--isolated", str(out)).returncode == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 12


# -- source shapes --------------------------------------------------------------------------------

SYSTEM = {"role": "system", "content": "Be brief."}


@pytest.mark.parametrize(("record", "prompt", "chosen", "rejected"), [
    ({"prompt": "Q", "chosen": "A", "rejected": "B"}, [user("Q")], "A", "B"),
    ({"prompt": [SYSTEM, user("Q")], "chosen": [bot("A")], "rejected": [bot("B")]}, [SYSTEM, user("Q")], "A", "B"),
    # a reply list that repeats the prompt first
    ({"prompt": [user("Q")], "chosen": [user("Q"), bot("A")], "rejected": [bot("B")]}, [user("Q")], "A", "B"),
    # implicit prompt, conversations
    ({"chosen": [user("Q"), bot("x"), user("Q2"), bot("A")], "rejected": [user("Q"), bot("x"), user("Q2"), bot("B")]},
     [user("Q"), bot("x"), user("Q2")], "A", "B"),
    # implicit prompt, texts: the shared prefix, cut back to a word boundary
    ({"chosen": "What is 2+2? It is four.", "rejected": "What is 2+2? It is five."}, [user("What is 2+2? It is")],
     "four.", "five."),
    # ShareGPT-style messages and role names
    ({"prompt": [{"from": "human", "value": "Q"}], "chosen": [{"from": "gpt", "value": "A"}],
      "rejected": [{"from": "gpt", "value": "B"}]}, [user("Q")], "A", "B"),
    # text parts
    ({"prompt": [{"role": "user", "content": [{"type": "text", "text": "Q"}]}], "chosen": "A", "rejected": "B"},
     [{"role": "user", "content": [{"type": "text", "text": "Q"}]}], "A", "B"),
])
def test_trl_shapes(tmp_path, record, prompt, chosen, rejected):
    status, records, skips, err = run(tmp_path, [record])
    assert (status, skips) == (0, {}), err
    assert records == [dpo(prompt, chosen, rejected)]


@pytest.mark.parametrize(("chosen", "rejected", "prompt", "a", "b"), [
    ("\n\nHuman: Hi\n\nAssistant: Hello", "\n\nHuman: Hi\n\nAssistant: Go away", [user("Hi")], "Hello", "Go away"),
    ("Human: Hi\n\nAssistant: Hello", "Human: Hi\n\nAssistant: Bye", [user("Hi")], "Hello", "Bye"),
    # the shared prefix ends inside the last Assistant turn: the replies stay whole
    ("\n\nHuman: Help?\n\nAssistant: Sure, here it is.", "\n\nHuman: Help?\n\nAssistant: Sure, but no.",
     [user("Help?")], "Sure, here it is.", "Sure, but no."),
    # multi-turn: earlier turns are the prompt; paragraphs inside a turn stay in it
    ("\n\nHuman: A\n\nAssistant: B\n\nmore B\n\nHuman: C\n\nAssistant: D1",
     "\n\nHuman: A\n\nAssistant: B\n\nmore B\n\nHuman: C\n\nAssistant: D2",
     [user("A"), bot("B\n\nmore B"), user("C")], "D1", "D2"),
])
def test_hh_shapes(tmp_path, chosen, rejected, prompt, a, b):
    status, records, skips, err = run(tmp_path, [{"chosen": chosen, "rejected": rejected}])
    assert (status, skips) == (0, {}), err
    assert records == [dpo(prompt, a, b)]


@pytest.mark.parametrize(("record", "flags", "words"), [
    ({"prompt": "Q", "chosen": "A", "rejected": "A"}, (), "same reply"),
    ({"prompt": "Q", "chosen": "  ", "rejected": "B"}, (), "chosen reply is empty"),
    ({"prompt": "Q", "chosen": "A", "rejected": ""}, (), "rejected reply is empty"),
    ({"prompt": "", "chosen": "A", "rejected": "B"}, (), "prompt message 1 (user) is empty"),
    ({"prompt": "Q", "chosen": "A"}, ("--from", "trl"), "no 'rejected' field"),
    ({"prompt": [{"role": "tool", "content": "x"}], "chosen": "A", "rejected": "B"}, (), "does not map"),
    ({"prompt": [{"role": "narrator", "content": "x"}], "chosen": "A", "rejected": "B"}, (), "does not map"),
    ({"prompt": [user("Q"), SYSTEM], "chosen": "A", "rejected": "B"}, (), "system message after"),
    ({"prompt": [user("Q"), user("Q")], "chosen": "A", "rejected": "B"}, (), "both user turns"),
    ({"prompt": [user("Q"), bot("x")], "chosen": "A", "rejected": "B"}, (), "ends with an assistant turn"),
    ({"prompt": "Q", "chosen": [bot("A"), bot("B")], "rejected": "B"}, (), "holds 2 messages"),
    ({"prompt": "Q", "chosen": [user("A")], "rejected": "B"}, (), "not the assistant's reply"),
    ({"prompt": "Q", "chosen": 3, "rejected": "B"}, (), "int"),
    ({"prompt": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}],
      "chosen": "A", "rejected": "B"}, (), "not text"),
    ({"prompt": "Q", "chosen": {"role": "assistant", "content": None, "tool_calls": [{"id": "1"}]},
      "rejected": "B"}, (), "calls tools"),
    ({"chosen": "abc", "rejected": "xyz"}, (), "share no prompt"),
    ({"chosen": "\n\nHuman: Hi\n\nAssistant: A\n\nHuman: more", "rejected": "\n\nHuman: Hi\n\nAssistant: B"}, (),
     "differ before their last Assistant turn"),
    ({"chosen": "\n\nHuman: Hi\n\nAssistant: A", "rejected": "\n\nHuman: Hi\n\nAssistant: A"}, (), "identical"),
    ({"chosen": "\n\nHuman: Hi\n\nAssistant: A\n\nHuman: B", "rejected": "\n\nHuman: Hi\n\nAssistant: A\n\nHuman: C"},
     (), "ends with a Human turn"),
    ({"chosen": "\n\nHuman: Hi\n\nAssistant:", "rejected": "\n\nHuman: Hi\n\nAssistant: B"}, (), "empty"),
    ({"prompt": "Q", "completion": "A"}, (), "--to supervised"),
    ({"messages": [user("Q"), bot("A")]}, (), "no rejected reply"),
    ({"text": "hello"}, (), "not a format pftlint knows"),
    ({"instruction": "Q", "out": "A", "rejected_response": "B"}, SEED_FLAGS, "no 'chosen_response' field"),
    ({"input": {"messages": [user("Q")], "tools": [{"type": "function"}]}, "preferred_output": [bot("A")],
      "non_preferred_output": [bot("B")]}, (), 'the tool has no "function"'),
])
def test_skips_are_reported_with_their_line(tmp_path, record, flags, words):
    good = ({"instruction": "Q", "chosen_response": "A", "rejected_response": "B"} if flags == SEED_FLAGS
            else {"prompt": "Q", "chosen": "A", "rejected": "B"})
    src = tmp_path / "in.jsonl"
    # a blank line first: line numbers are source lines, not record counts
    src.write_text("\n" + json.dumps(good) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    status, records, skips, err = run(tmp_path, src, *flags)
    assert status == 1, err
    assert list(skips) == [3] and words in skips[3], skips
    assert len(records) == 1
    assert "read 2 records" in err and "skipped 1 record" in err


def test_unreadable_lines_are_skipped_not_fatal(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'\xef\xbb\xbf{"prompt": "Q", "chosen": "A", "rejected": "B"}\n{"prompt": \n[1, 2]\n\xff\xfe\n'
                    b'{"prompt": "Q2", "chosen": "A", "rejected": "B"}')  # BOM, no final newline
    status, records, skips, err = run(tmp_path, src)
    assert status == 1
    assert set(skips) == {2, 3, 4}
    assert "not valid JSON" in skips[2] and "JSON array, not an object" in skips[3] and "UTF-8" in skips[4]
    assert [r["input"]["messages"][0]["content"] for r in records] == ["Q", "Q2"]
    assert "invalid JSON: 2" in err and "not a JSON object: 1" in err


def test_openai_records_to_supervised_and_prompt_completion(tmp_path):
    rows = [dpo([user("Q")], "A", "B"),
            {"prompt": "P", "completion": "C"},
            {"input": [user("Q3")], "preferred_completion": "A3", "non_preferred_completion": "B3"},
            {"prompt": [user("Q4")], "chosen": [bot("A4")]}]  # no rejected: fine for SFT
    status, records, skips, err = run(tmp_path, rows, "--to", "supervised")
    assert (status, skips) == (0, {}), err
    assert records == [{"messages": [user("Q"), bot("A")]}, {"messages": [user("P"), bot("C")]},
                       {"messages": [user("Q3"), bot("A3")]}, {"messages": [user("Q4"), bot("A4")]}]
    assert lint_findings(tmp_path / "out.jsonl") == []


# -- input and output files -----------------------------------------------------------------------

def test_csv_big_multiline_fields_and_line_numbers(tmp_path):
    big = "word " * 60_000  # 300 KB: over csv's default 128 KiB field limit
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["prompt", "chosen", "rejected"])
        w.writerow(["Q1", "line one\nline two", "B"])   # lines 2-3
        w.writerow(["Q2", big, "B"])                     # line 4
        w.writerow(["Q3", "A", "A"])                     # line 5: identical
        w.writerow(["Q4", "A", "B", "extra"])            # line 6: too many values
    status, records, skips, err = run(tmp_path, src)
    assert status == 1
    assert set(skips) == {5, 6}
    assert records[0]["preferred_output"][0]["content"] == "line one\nline two"
    assert records[1]["preferred_output"][0]["content"] == big


def test_tsv_and_json_array_line_numbers(tmp_path):
    src = tmp_path / "in.tsv"
    src.write_text("prompt\tchosen\trejected\nQ\tA\tB\nQ\tA\tA\n", encoding="utf-8")
    status, records, skips, _ = run(tmp_path, src)
    assert len(records) == 1 and list(skips) == [3]
    src = tmp_path / "in.json"
    src.write_text('[\n  {"prompt": "Q", "chosen": "A", "rejected": "B"},\n  {"prompt": "Q",\n   "chosen": "A",'
                   '\n   "rejected": "A"},\n  7\n]\n', encoding="utf-8")
    status, records, skips, _ = run(tmp_path, src)
    assert len(records) == 1 and set(skips) == {3, 6}


@pytest.mark.parametrize(("content", "words"), [
    (b'[{"prompt": "Q", "chosen": "A", "rejected": "B"},\n{"prompt": ', "line 2: the JSON array is broken"),
    (b'[{"prompt": "Q", "chosen": "A", "rejected": "B"}] x', "text after the end"),
    (b"prompt,chosen\n\xff,x\n", "not valid UTF-8"),
])
def test_broken_input_exits_2_and_leaves_out_alone(tmp_path, content, words):
    src = tmp_path / ("in.csv" if b"prompt," in content else "in.json")
    src.write_bytes(content)
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["convert", str(src), "-o", str(out)]) == 2
    assert words in err.getvalue() and "Traceback" not in err.getvalue()
    assert out.read_text() == "previous\n"
    assert {p.name for p in tmp_path.iterdir()} == {src.name, "out.jsonl"}  # no temporary file left


def test_refuses_to_overwrite_the_input(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"prompt": "Q", "chosen": "A", "rejected": "B"}])
    before = src.read_bytes()
    assert main(["convert", str(src), "-o", str(src)]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert src.read_bytes() == before


def test_usage_errors(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"prompt": "Q", "chosen": "A", "rejected": "B"}])
    assert main(["convert", str(src), "-o", str(tmp_path / "o.jsonl"), "--from", "hh", "--prompt-field", "x"]) == 2
    assert main(["convert", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert main(["convert", str(src)]) == 2  # -o is required
    (tmp_path / "empty.jsonl").write_text("\n\n")
    assert main(["convert", str(tmp_path / "empty.jsonl"), "-o", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "does not take --*-field" in err and "no records to convert" in err and "Traceback" not in err
    assert not (tmp_path / "o.jsonl").exists()


def test_stdin_to_stdout(run_cli):
    lines = b"".join(json.dumps(r).encode() + b"\n" for r in seed_dataset(4))
    proc = run_cli("convert", "-", "-o", "-", *SEED_FLAGS, input=lines)
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line) for line in proc.stdout.splitlines()] == expected_seed(seed_dataset(4))
    assert "read 4 records" in proc.stderr
    csv_text = b"instruction,chosen_response,rejected_response\nQ,A,B\n"
    proc = run_cli("convert", "-", "-o", "-", "--input-format", "csv", *SEED_FLAGS, input=csv_text)
    assert proc.returncode == 0 and json.loads(proc.stdout) == dpo([user("Q")], "A", "B")


# -- by construction: whatever comes in, what goes out lints clean ---------------------------------

_text = st.text(alphabet=st.sampled_from("ab \n\t."), max_size=6)
_role = st.sampled_from(["user", "assistant", "system", "human", "gpt", "tool", "User", "narrator", 3, None])
_message = st.one_of(st.fixed_dictionaries({"role": _role, "content": st.one_of(_text, st.none(), st.integers())}),
                     _text, st.integers())
_value = st.one_of(_text, st.lists(_message, max_size=4), _message, st.none())
_hh = st.lists(st.tuples(st.sampled_from(["Human", "Assistant"]), _text), max_size=4).map(
    lambda turns: "".join(f"\n\n{r}: {t}" for r, t in turns))
_part = st.one_of(st.fixed_dictionaries({"text": st.one_of(_text, st.integers())}),
                  st.just({"inlineData": {"data": "AA"}}), st.just({"image": {"format": "png"}}), _text)
_parts = st.one_of(st.lists(_part, max_size=3), _text, st.none())
_completion = st.fixed_dictionaries({"score": st.sampled_from([0, 1, 1.0, 2, "1", True, None]),
                                     "completion": st.fixed_dictionaries({"role": _role, "parts": _parts})})
_candidates = st.fixed_dictionaries({"role": _role, "candidates": st.lists(st.fixed_dictionaries(
    {"content": _parts, "preferenceLabel": st.sampled_from(["preferred", "non-preferred", "good", None])}),
    max_size=3)})
_record = st.one_of(
    st.fixed_dictionaries({"prompt": _value, "chosen": _value, "rejected": _value}),
    st.fixed_dictionaries({"chosen": _value, "rejected": _value}),
    st.fixed_dictionaries({"chosen": _hh, "rejected": _hh}),
    st.fixed_dictionaries({"input": st.one_of(_value, st.fixed_dictionaries({"messages": _value})),
                           "preferred_output": _value, "non_preferred_output": _value}),
    st.dictionaries(st.sampled_from(["prompt", "completion", "messages", "x"]), _value),
    st.fixed_dictionaries({"conversations": st.lists(st.fixed_dictionaries({"from": _role, "value": _text}),
                                                     max_size=4)},
                          optional={"system": st.one_of(_text, st.none()), "chosen": _value, "rejected": _value}),
    # the sources only convert reads: Vertex, Nova, argilla, H4, alpaca ranking, axolotl
    st.fixed_dictionaries({"contents": st.lists(st.fixed_dictionaries({"role": _role, "parts": _parts}), max_size=3),
                           "completions": st.lists(_completion, max_size=3)},
                          optional={"system_instruction": st.one_of(st.fixed_dictionaries({"parts": _parts}),
                                                                    _text, st.none())}),
    st.fixed_dictionaries({"messages": st.tuples(st.lists(st.fixed_dictionaries({"role": _role, "content": _parts}),
                                                          max_size=3), _candidates).map(lambda t: [*t[0], t[1]])},
                          optional={"system": _parts, "schemaVersion": st.just("bedrock-conversation-2024")}),
    st.dictionaries(st.sampled_from(["instruction", "input", "question", "prompt", "chosen", "chosen_response",
                                     "rejected", "rejected_response", "system", "history"]),
                    st.one_of(_value, st.lists(st.lists(_text, max_size=3), max_size=2)), min_size=2),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(_record, min_size=1, max_size=6),
       to=st.sampled_from(["dpo", "openai", "supervised", "trl", "vertex", "nova"]))
def test_any_input_converts_to_clean_records_or_reported_skips(records, to):
    data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    stats = Stats()
    out = []
    for line, result in convert(units(io.BytesIO(data), "in.jsonl"), Options(to=to), stats):
        assert isinstance(line, int) and 1 <= line <= len(records)
        if isinstance(result, bytes):
            out.append(result)
        else:
            assert result.reason and result.detail
    assert stats.read == len(records) == stats.written + stats.skipped_total == len(out) + stats.skipped_total
    if out and to in ("trl", "vertex", "nova"):
        # read back: every record of the layout converts, and as OpenAI records it lints clean
        back = list(convert(units(io.BytesIO(b"".join(out)), "out.jsonl"), Options(source=to), Stats()))
        assert all(isinstance(result, bytes) for _, result in back), back
        out, to = [result for _, result in back], "dpo"
    if out:
        result = lint_bytes(b"".join(out), "out.jsonl", method="dpo" if to == "openai" else to,
                            ignore=sorted(DATASET_RULES | SOURCE_TEXT_RULES))
        assert [(f.rule, f.message) for f in result.findings] == []


def test_identical_reason_counts_in_the_summary():
    data = b'{"prompt": "Q", "chosen": "A", "rejected": "A"}\n'
    stats = Stats()
    assert [r.reason for _, r in convert(units(io.BytesIO(data), "x.jsonl"), Options(), stats)] == [IDENTICAL]
    assert stats.skipped == {IDENTICAL: 1} and stats.written == 0


def test_readme_example_converts_and_passes_check(tmp_path, run_cli):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Converting", 1)[1].split("\n## ", 1)[0]
    command = next(block for block in section.split("```sh\n")[1:]).split("```", 1)[0]
    command = command.replace("\\\n", " ")
    argv = shlex.split(next(line for line in command.splitlines() if "examples/" in line).split("#")[0])
    out = tmp_path / "train.jsonl"
    argv[argv.index("-o") + 1] = str(out)
    proc = run_cli(*argv[1:], cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 0, proc.stderr
    assert run_cli("check", "--isolated", str(out)).returncode == 0
    rows = list(csv.DictReader((Path(__file__).resolve().parent.parent / "examples" / "hf-preferences.csv")
                               .open(encoding="utf-8", newline="")))
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == expected_seed(rows)
