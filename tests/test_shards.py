"""Sharded runs (pftlint.api.lint_shard / merge_shards): shards linted apart, merged, give one pass's findings."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pftlint.api import lint_dataset, lint_shard, merge_shards

# Every dataset rule on, length-bias on small datasets, the dataset named as the validation file (its
# digests are kept: the overlap rule's keys go through the merge too).
SETTINGS = dict(extend_select=["duplicate-prompt"],
                rules={"length-bias": {"min-pairs": 3, "threshold": 0.5},
                       "train-validation-overlap": {"validation": "valid.jsonl"}})
NAME = "valid.jsonl"
QUESTIONS = ["What is 2+2?", "Name a colour.", "Say hi."]
REPLIES = ["4", "Four, of course: two and two make four.", "Blue", "hi", "Hello there, how are you today?"]


CHAT = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
HH = {"chosen": "\n\nHuman: hi\n\nAssistant: hello", "rejected": "\n\nHuman: hi\n\nAssistant: go"}


def pair(question: str, good: str, bad: str) -> dict:
    return {"input": {"messages": [{"role": "user", "content": question}]},
            "preferred_output": [{"role": "assistant", "content": good}],
            "non_preferred_output": [{"role": "assistant", "content": bad}]}


# Records from few questions and replies: duplicates, repeated prompts and swapped pairs are common;
# some are broken (per-record findings), some planted as exact copies or swaps of an earlier row.
record = st.one_of(
    st.builds(pair, st.sampled_from(QUESTIONS), st.sampled_from(REPLIES), st.sampled_from(REPLIES)),
    st.builds(lambda q: {"input": {"messages": [{"role": "human", "content": q}]},
                         "preferred_output": [{"role": "assistant", "content": "x"}]}, st.sampled_from(QUESTIONS)),
    st.sampled_from([1, None, "text", [1, 2], [pair("q", "a", "b")], {"a": "\ud800"}]),  # not records
    st.sampled_from([CHAT, HH]),  # other formats: a shard, or the whole, may be mostly in one
)


@st.composite
def dataset(draw):
    rows = draw(st.lists(record, min_size=0, max_size=40))
    for _ in range(draw(st.integers(0, 6))):  # planted copies and swaps of earlier rows, anywhere
        if not rows:
            break
        source = rows[draw(st.integers(0, len(rows) - 1))]
        planted = dict(source) if isinstance(source, dict) else source
        if draw(st.booleans()) and isinstance(source, dict) and "non_preferred_output" in source:
            planted["preferred_output"], planted["non_preferred_output"] = (source["non_preferred_output"],
                                                                            source["preferred_output"])
        rows.insert(draw(st.integers(0, len(rows))), planted)
    return rows


def one_pass(rows, method="auto"):
    return lint_dataset(rows, name=NAME, method=method, **SETTINGS)


def as_seen(result):
    return [(f.line, f.column, f.rule, f.severity, f.message, f.json_path) for f in result.findings]


def shards_of(rows, data, method, file_format=None):
    cuts = sorted(data.draw(st.lists(st.integers(0, len(rows)), max_size=5), label="cuts"))
    results = []
    for start, end in zip([0] + cuts, cuts + [len(rows)]):
        part = rows[start:end]
        ways = ["offset", "index"] + (["columns"] if all(isinstance(row, dict) for row in part) else [])
        how = data.draw(st.sampled_from(ways), label="how")
        if how == "offset":
            shard = lint_shard(part, offset=start, name=NAME, method=method, file_format=file_format, **SETTINGS)
        elif how == "index":
            shard = lint_shard(iter(part), index=range(start, end), name=NAME, method=method,
                               file_format=file_format, **SETTINGS)
        else:  # a batch of columns, as Dataset.map(batched=True) passes it, in the key order every row has
            keys = [key for key in ("input", "preferred_output", "non_preferred_output", "a", "messages",
                                    "chosen", "rejected") if any(key in row for row in part)]
            columns = {key: [row.get(key) for row in part] for key in keys}
            shard = lint_shard(columns, index=list(range(start, end)), name=NAME, method=method,
                               file_format=file_format, **SETTINGS)
        results.append(pickle.loads(pickle.dumps(shard)))  # as it comes back from another process
    return data.draw(st.permutations(results), label="order of completion")


@settings(max_examples=80, deadline=None)
@given(rows=dataset(), method=st.sampled_from(["auto", "dpo", "supervised"]), data=st.data())
def test_merged_shards_are_one_pass(rows, method, data):
    done = shards_of(rows, data, method)
    try:
        merged = merge_shards(done, method=method, **SETTINGS)
    except ValueError as refused:  # a shard read otherwise than the whole: the method and format it names work
        named = re.search(r"lint every shard with method='(\w+)', file_format='([\w-]+)'", str(refused))
        if method != "auto":
            assert named.group(1) == method
        method, file_format = named.group(1), named.group(2)
        merged = merge_shards(shards_of(rows, data, method, file_format), method=method, **SETTINGS)
    expected = one_pass(rows, method)
    assert as_seen(merged) == as_seen(expected)
    assert (merged.records, merged.lines, merged.bytes, merged.method) == \
           (expected.records, expected.lines, expected.bytes, expected.method)


def test_findings_across_shards_are_found_and_worded_as_one_pass():
    rows = [pair("q1", "a", "b"), pair("q2", "a", "b"), pair("q3", "long answer", "s"),
            pair("q1", "a", "b"), pair("q2", "b", "a"), pair("q3", "other long answer", "s")]
    merged = merge_shards([lint_shard(rows[3:], offset=3, name=NAME, **SETTINGS),
                           lint_shard(rows[:3], offset=0, name=NAME, **SETTINGS)])
    found = {(f.line, f.rule): f.message for f in merged.findings}
    assert "line 1" in found[(4, "duplicate-example")]
    assert "lines 2 and 5" in found[(5, "conflicting-preference")]
    assert "line 3" in found[(6, "duplicate-prompt")]
    assert as_seen(merged) == as_seen(one_pass(rows))


def test_a_shard_keeps_digests_and_rows_never_the_records():
    secret = "a very private prompt that must not travel"
    shard = lint_shard([pair(secret, "a", "b")] * 3, offset=7, name=NAME, **SETTINGS)
    blob = pickle.dumps(shard)
    assert secret.encode() not in blob
    assert list(shard.lines) == [8, 9, 10] and shard.first == 8 and shard.rows == 3


def test_ambiguous_or_inconsistent_positions_are_refused():
    rows = [pair("q", "a", "b")] * 3
    with pytest.raises(ValueError, match="not neither"):
        lint_shard(rows)
    with pytest.raises(ValueError, match="not both"):
        lint_shard(rows, offset=0, index=[0, 1, 2])
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(ValueError, match="offset must be a row number"):
            lint_shard(rows, offset=bad)
    with pytest.raises(ValueError, match="consecutive"):
        lint_shard(rows, index=[0, 2, 4])
    with pytest.raises(ValueError, match="index has 2 entries for a shard of 3 rows"):
        lint_shard(rows, index=[5, 6])
    with pytest.raises(ValueError, match="index has 4 entries for a shard of 3 rows"):
        lint_shard(rows, index=(i for i in range(5, 9)))  # any iterable of indices
    with pytest.raises(ValueError, match="index must be a sequence of row numbers"):
        lint_shard(rows, index="012")
    with pytest.raises(ValueError, match="different lengths"):
        lint_shard({"input": [1, 2], "preferred_output": [1]}, offset=0)


def test_merges_of_missing_overlapping_or_mismatched_shards_are_refused():
    rows = [pair(f"q{i}", "a", "b") for i in range(6)]
    first, second = lint_shard(rows[:3], offset=0), lint_shard(rows[3:], offset=3)
    with pytest.raises(ValueError, match="given none"):
        merge_shards([])
    with pytest.raises(ValueError, match=r"rows 0 to 2 \(0-based\) are in no shard"):
        merge_shards([second])
    with pytest.raises(ValueError, match=r"rows 3 to 5 \(0-based\) are in two shards"):
        merge_shards([first, second, second])
    with pytest.raises(ValueError, match="different datasets"):
        merge_shards([first, lint_shard(rows[3:], offset=3, name="other")])
    with pytest.raises(ValueError, match="different settings"):
        merge_shards([first, lint_shard(rows[3:], offset=3, ignore=["duplicate-example"])])
    with pytest.raises(ValueError, match="different settings"):
        merge_shards([first, second], ignore=["duplicate-example"])
    with pytest.raises(ValueError, match="takes what lint_shard returns"):
        merge_shards([first, {"rows": 3}])
    # the same settings spelled otherwise (a tuple for a list) are the same settings
    assert merge_shards([lint_shard(rows[:3], offset=0, ignore=("duplicate-example",)),
                         lint_shard(rows[3:], offset=3, ignore=["duplicate-example"])]).records == 6


def test_a_shard_read_as_another_method_than_the_whole_is_refused_with_what_to_pass():
    rows = [pair("q", "a", "b")] * 3 + [CHAT] * 3
    parts = [lint_shard(rows[:3], offset=0), lint_shard(rows[3:], offset=3)]
    with pytest.raises(ValueError, match=r"rows 3 to 5 \(0-based\) of <dataset> was read as supervised.*method='dpo'"):
        merge_shards(parts)
    parts = [lint_shard(rows[:3], offset=0, method="dpo"), lint_shard(rows[3:], offset=3, method="dpo")]
    with pytest.raises(ValueError, match=r"rows 3 to 5 \(0-based\) of <dataset> was read as dpo records in the supervised "
                                         r"format.*method='dpo', file_format='dpo'"):
        merge_shards(parts)  # one pass reads the file as its first records: DPO in OpenAI's layout
    parts = [lint_shard(rows[:3], offset=0, method="dpo", file_format="dpo"),
             lint_shard(rows[3:], offset=3, method="dpo", file_format="dpo")]
    assert as_seen(merge_shards(parts)) == as_seen(lint_dataset(rows, method="dpo"))
    with pytest.raises(ValueError, match="not a format pftlint reads"):
        lint_shard(rows, offset=0, file_format="openai-ish")


def test_a_file_in_a_foreign_format_is_reported_once_as_in_one_pass():
    rows = [HH] * 5
    merged = merge_shards([lint_shard(rows[2:], offset=2), lint_shard(rows[:2], offset=0)])
    expected = lint_dataset(rows)
    assert [f.rule for f in expected.findings].count("wrong-format") == 1
    assert as_seen(merged) == as_seen(expected)


def test_a_row_json_cannot_write_is_named_by_its_row_in_the_whole_dataset():
    with pytest.raises(TypeError, match="row 12 cannot be written as JSON"):
        lint_shard([{"a": 1}, {"a": object()}], offset=10)


def test_a_dict_of_splits_is_refused():
    datasets = pytest.importorskip("datasets")
    split = datasets.Dataset.from_list([pair("q", "a", "b")])
    with pytest.raises(TypeError, match=r"dataset\['train'\]"):
        lint_shard(datasets.DatasetDict({"train": split}), offset=0)


@pytest.mark.parametrize("row", [[1, 2], [pair("q", "a", "b")], {"data": [pair("q", "a", "b"), pair("r", "a", "b")]}])
def test_a_row_alone_or_among_others_is_read_as_in_one_pass(row):
    # a file of one line that is an array, or an object holding records under a key, is one JSON document
    alone = merge_shards([lint_shard([row], offset=0)])
    assert as_seen(alone) == as_seen(lint_dataset([row]))
    rows = [pair("q", "a", "b"), row]
    among = merge_shards([lint_shard(rows[:1], offset=0), lint_shard(rows[1:], offset=1)])
    assert as_seen(among) == as_seen(lint_dataset(rows))
    assert as_seen(among) != as_seen(alone)


# -- a run of several datasets: a training set and its validation set (train-validation-overlap) -----------
@settings(max_examples=40, deadline=None)
@given(train=dataset(), valid=dataset(), data=st.data())
def test_merged_shards_of_a_run_are_lint_path_over_its_files(tmp_path_factory, train, valid, data):
    from pftlint import lint_path
    from pftlint.api import merge_run
    from pftlint.reading.sources import row_lines

    folder = tmp_path_factory.mktemp("run")
    paths = {"train": str(folder / "train.jsonl"), "valid": str(folder / "valid.jsonl")}
    rows = {"train": train, "valid": valid}
    settings_ = dict(extend_select=["duplicate-prompt"], rules={"train-validation-overlap": {"validation": paths["valid"]}})
    file_formats: dict[str, str | None] = {path: None for path in paths.values()}
    cuts = {key: sorted(data.draw(st.lists(st.integers(0, len(rows[key])), max_size=3), label=f"{key} cuts"))
            for key in paths}
    for key, path in paths.items():
        with open(path, "wb") as out:
            out.writelines(row_lines(rows[key]))  # the rows as the lines lint_shard reads
    for _attempt in range(len(paths) + 1):  # a refusal names the format one dataset's shards must take
        results = []
        for key, path in paths.items():
            for start, end in zip([0] + cuts[key], cuts[key] + [len(rows[key])]):
                shard = lint_shard(rows[key][start:end], offset=start, name=path, method="dpo",
                                   file_format=file_formats[path], **settings_)
                results.append(pickle.loads(pickle.dumps(shard)))
        try:
            report = merge_run(data.draw(st.permutations(results), label="order of completion"), method="dpo",
                               **settings_)
            break
        except ValueError as refused:
            named = re.search(r"\(0-based\) of (.+?) was read as .*file_format='([\w-]+)'", str(refused))
            file_formats[named.group(1)] = named.group(2)
    expected = lint_path(paths["valid"], paths["train"], method="dpo", **settings_)
    assert [file.path for file in report.files] == [paths["valid"], paths["train"]]
    assert [as_seen(file) for file in report.files] == [as_seen(file) for file in expected.files]


def test_an_overlap_across_a_run_is_reported_on_both_sides():
    from pftlint.api import merge_run

    overlap = {"rules": {"train-validation-overlap": {"validation": "valid.jsonl"}}}
    train = [pair(f"q{i}", "a", "b") for i in range(6)]
    valid = [pair("q4", "a", "b"), pair("other", "a", "b")]
    shards = [lint_shard(train[:3], offset=0, name="train.jsonl", **overlap),
              lint_shard(train[3:], offset=3, name="train.jsonl", **overlap),
              lint_shard(valid, offset=0, name="valid.jsonl", **overlap)]
    report = merge_run(shards[::-1], **overlap)
    found = {(f.path, f.line) for f in report.findings if f.rule == "train-validation-overlap"}
    assert found == {("train.jsonl", 5), ("valid.jsonl", 1)}
    with pytest.raises(ValueError, match="merge_run"):
        merge_shards(shards, **overlap)
