"""Real files published by others (../shared/corpus/real, see its README), through the console script.

Clean files must have no errors (a file below the target's minimum example count
gets exactly too-few-examples); broken files must get the finding a user needs.
Skipped when ../shared is absent.
"""

from __future__ import annotations

import json

import pytest

CLEAN = [
    "oaipref__Azure_azure-sdk-for-python__dpo_training_set.jsonl",
    "oaipref__Azure_azure-sdk-for-python__dpo_validation_set.jsonl",  # clean, but 2 examples
    "oaipref__akshata29_finetuning__dpo_train.jsonl",  # a BOM: a warning for openai, not an error
    "oaipref__microsoft-foundry_fine-tuning__orca_dpo_pairs_validation.jsonl",
    "oaipref__mios-dev_MiOS__dpo.jsonl",  # clean, but 6 examples
    "sft__microsoft-foundry_fine-tuning__stock_toolcall_validation.jsonl",
    "sft__microsoft-foundry_foundry-samples__sft_training_set.jsonl",
]
# file -> (rule the user needs, how many times it must be reported; None: at least once)
BROKEN = {
    "oaipref__danah18_ugc-finetuning__dpo_dataset_string_fields.jsonl": ("wrong-type", None),
    "oaipref__akshata29_finetuning__dpo_train.jsonl": ("utf8-bom", 1),
    "trl-string__Vecaaa_basic-rl-feedback-workflow__dpo_data.old.jsonl": ("wrong-format", 1),
    "trl-conv__Mihir-Khare429_system-design-interviewer-bot__dpo_dataset.jsonl": ("wrong-format", 1),
    "hh__anthropics_hh-rlhf__harmless-base_test.jsonl": ("wrong-format", 1),
    "oaipref__Azure_azure-sdk-for-python__dpo_validation_set.jsonl": ("too-few-examples", 1),
    # valid shape, but line 160 repeats line 76 and line 168 repeats line 84 (the corpus README);
    # pftlint also finds two pairs with their labels swapped (151/152, 193/194): conflicting-preference
    "oaipref__MFHChehade_wildfire-codes__dpo_openai_prefs.jsonl": ("duplicate-example", 2),
}


def check(run_cli, path, *args: str) -> tuple[int, dict]:
    proc = run_cli("check", "--isolated", "--output-format", "json", *args, str(path))
    assert proc.returncode in (0, 1), proc.stderr
    assert proc.stderr == ""
    return proc.returncode, json.loads(proc.stdout)


def test_every_corpus_file_is_covered(corpus):
    names = {p.name for p in corpus.glob("*.jsonl")}
    assert names == set(CLEAN) | set(BROKEN), "a new corpus file: say here what pftlint must report for it"


@pytest.mark.parametrize("name", CLEAN)
def test_clean_files_have_no_errors(corpus, run_cli, name):
    status, doc = check(run_cli, corpus / name)
    records = doc["files"][0]["records"]
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    expected = ["too-few-examples"] if records < 10 else []
    assert [f["rule"] for f in errors] == expected, errors
    assert status == (1 if expected else 0)
    method = "supervised" if name.startswith("sft__") else "dpo"
    assert doc["files"][0]["method"] == method


@pytest.mark.parametrize("name", CLEAN)
def test_clean_files_pass_for_together(corpus, run_cli, name):
    """Together's minimum is one example, and its profile is the strictest about BOMs."""
    _, doc = check(run_cli, corpus / name, "--target", "together", "--ignore", "utf8-bom")
    assert [f for f in doc["findings"] if f["severity"] == "error"] == []


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_get_the_finding_a_user_needs(corpus, run_cli, name):
    rule, times = BROKEN[name]
    status, doc = check(run_cli, corpus / name)
    found = [f for f in doc["findings"] if f["rule"] == rule]
    assert found, doc["findings"]
    if times is not None:
        assert len(found) == times, found
    assert all(f["message"] for f in found)


FOREIGN = sorted(name for name in BROKEN if BROKEN[name][0] == "wrong-format")
TRL_FILES = sorted(name for name in FOREIGN if name.startswith("trl-"))
# what a reader of the file finds, whatever its format (the format rule aside)
CONTENT = {"empty-content", "identical-outputs", "near-identical-outputs", "special-token-in-content",
           "literal-escape-in-content", "duplicate-example", "duplicate-prompt", "conflicting-preference",
           "length-bias", "consecutive-same-role", "invalid-role", "output-not-single-assistant",
           "input-ends-with-assistant", "system-not-first"}


def _found(doc: dict) -> list[tuple]:
    return sorted((f["rule"], f["line"], f["json_path"], f["severity"]) for f in doc["findings"]
                  if f["rule"] in CONTENT)


@pytest.mark.parametrize("name", FOREIGN)
def test_foreign_formats_get_one_wrong_format_and_their_content_findings(corpus, run_cli, name):
    """Under the default target: one wrong-format at line 1 with the convert command, and every other
    rule still runs: the same findings as under --target trl, which reads TRL files as they are."""
    status, doc = check(run_cli, corpus / name)
    wrong = [f for f in doc["findings"] if f["rule"] == "wrong-format"]
    assert [(f["line"], f["column"]) for f in wrong] == [(1, 1)]
    assert f"pftlint convert {corpus / name} -o " in wrong[0]["message"] and wrong[0]["message"].endswith("--to openai")
    assert status == 1
    _, trl = check(run_cli, corpus / name, "--target", "trl")
    assert _found(doc) == _found(trl)
    errors = {f["rule"] for f in doc["findings"] if f["severity"] == "error"}
    assert errors <= CONTENT | {"wrong-format"}, errors  # no shape finding on a recognised format


def _records(path) -> list[tuple[int, dict]]:
    return [(n, json.loads(line)) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if line.strip()]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


@pytest.mark.parametrize("name", TRL_FILES)
def test_trl_files_under_the_trl_target(corpus, run_cli, name):
    """Identical and near-identical pairs where the JSON says so; no error on the clean file."""
    path = corpus / name
    status, doc = check(run_cli, path, "--target", "trl")
    assert not [f for f in doc["findings"] if f["rule"] == "wrong-format"]
    records = _records(path)
    identical = [n for n, r in records if r["chosen"] == r["rejected"]]
    near = [n for n, r in records if r["chosen"] != r["rejected"] and isinstance(r["chosen"], str)
            and _fold(r["chosen"]) == _fold(r["rejected"])]
    found = {rule: [f["line"] for f in doc["findings"] if f["rule"] == rule]
             for rule in ("identical-outputs", "near-identical-outputs")}
    assert found == {"identical-outputs": identical, "near-identical-outputs": near}
    for f in doc["findings"]:
        if f["rule"] == "identical-outputs":
            assert f["json_path"] == "rejected" and f["column"] > 1  # the reply as written, not the view
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    assert len(errors) == len(identical) and status == (1 if identical else 0)


def test_trl_string_file_has_its_identical_pair(corpus, run_cli):
    """The corpus README: line 46 of the string TRL file has chosen == rejected."""
    _, doc = check(run_cli, corpus / "trl-string__Vecaaa_basic-rl-feedback-workflow__dpo_data.old.jsonl",
                   "--target", "trl")
    assert [f["line"] for f in doc["findings"] if f["rule"] == "identical-outputs"] == [46]


def test_hh_file_gets_its_empty_replies(corpus, run_cli):
    """An HH transcript whose chosen side ends with an empty Assistant turn trains on nothing."""
    path = corpus / "hh__anthropics_hh-rlhf__harmless-base_test.jsonl"
    _, doc = check(run_cli, path)
    marker = "\n\nAssistant:"
    empty = [n for n, r in _records(path) if not r["chosen"][r["chosen"].rfind(marker) + len(marker):].strip()]
    assert empty
    found = [(f["line"], f["json_path"]) for f in doc["findings"] if f["rule"] == "empty-content"]
    assert found == [(n, "chosen") for n in empty]


def test_duplicates_are_found_in_every_format(tmp_path, corpus, run_cli):
    """A TRL file with a record written twice: duplicate-example at the copy, as for OpenAI's layout."""
    lines = (corpus / "trl-conv__Mihir-Khare429_system-design-interviewer-bot__dpo_dataset.jsonl").read_text(
        encoding="utf-8").splitlines()
    path = tmp_path / "dupes.jsonl"
    path.write_text("\n".join([*lines, lines[2]]) + "\n", encoding="utf-8")
    _, doc = check(run_cli, path, "--target", "trl")
    found = [(f["rule"], f["line"]) for f in doc["findings"] if f["rule"].startswith("duplicate-")]
    assert ("duplicate-example", len(lines) + 1) in found and str(3) in [
        f for f in doc["findings"] if f["rule"] == "duplicate-example"][0]["message"]


def test_duplicates_point_at_both_lines(corpus, run_cli):
    _, doc = check(run_cli, corpus / "oaipref__MFHChehade_wildfire-codes__dpo_openai_prefs.jsonl")
    dupes = [f for f in doc["findings"] if f["rule"] == "duplicate-example"]
    assert [f["line"] for f in dupes] == [160, 168]
    assert "76" in dupes[0]["message"] and "84" in dupes[1]["message"]
    errors = {f["rule"] for f in doc["findings"] if f["severity"] == "error"}
    assert errors <= {"conflicting-preference"}  # no shape or message errors: the shape is valid


def test_string_fields_name_each_field(corpus, run_cli):
    _, doc = check(run_cli, corpus / "oaipref__danah18_ugc-finetuning__dpo_dataset_string_fields.jsonl")
    paths = {f["json_path"] for f in doc["findings"] if f["rule"] == "wrong-type"}
    assert {"input", "preferred_output", "non_preferred_output"} <= paths


def test_bom_depends_on_the_target(corpus, run_cli):
    path = corpus / "oaipref__akshata29_finetuning__dpo_train.jsonl"
    levels = {}
    for target in ("openai", "azure", "together"):
        _, doc = check(run_cli, path, "--target", target)
        levels[target] = [f["severity"] for f in doc["findings"] if f["rule"] == "utf8-bom"]
    assert levels == {"openai": ["warning"], "azure": [], "together": ["error"]}


def test_whole_corpus_in_one_run(corpus, run_cli):
    proc = run_cli("check", "--isolated", "--output-format", "concise", str(corpus))
    assert proc.returncode == 1 and proc.stderr == ""
    assert proc.stdout.splitlines()[-1].startswith(f"Checked {len(set(CLEAN) | set(BROKEN))} files")


def test_hh_file_under_the_trl_target_is_read_as_it_is(corpus, run_cli):
    """TRL trains on HH transcripts as implicit-prompt text rows: no error about the format, one info that
    converting gives the chat template a real prompt, and the same content findings as under openai."""
    path = corpus / "hh__anthropics_hh-rlhf__harmless-base_test.jsonl"
    _, trl = check(run_cli, path, "--target", "trl")
    (wrong,) = [f for f in trl["findings"] if f["rule"] == "wrong-format"]
    assert (wrong["line"], wrong["severity"]) == (1, "info")
    assert wrong["message"].startswith("TRL trains on Anthropic HH")
    assert wrong["message"].endswith(f"-o {path.with_name(path.stem + '.trl.jsonl')} --to trl")
    _, openai = check(run_cli, path)
    assert _found(trl) == _found(openai)
    (wrong,) = [f for f in openai["findings"] if f["rule"] == "wrong-format"]
    assert wrong["severity"] == "error" and wrong["message"].endswith("--to openai")


def test_hh_file_under_the_trl_target_gets_the_split_trl_makes(corpus, run_cli):
    """TRL cuts an HH row's prompt where chosen and rejected first differ: often inside the first word of the
    last Assistant turn. implicit-prompt-split says so under --target trl only (elsewhere HH is converted)."""
    path = corpus / "hh__anthropics_hh-rlhf__harmless-base_test.jsonl"
    _, trl = check(run_cli, path, "--target", "trl")
    split = [f for f in trl["findings"] if f["rule"] == "implicit-prompt-split"]
    assert split
    first = split[0]
    row = json.loads(path.read_text(encoding="utf-8").splitlines()[first["line"] - 1])
    a, b = row["chosen"], row["rejected"]
    shared = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
    assert a[shared - 1].isalnum() and "inside a word" in first["message"]  # the cut falls mid-word indeed
    _, openai = check(run_cli, path)
    assert not [f for f in openai["findings"] if f["rule"] == "implicit-prompt-split"]
