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


def test_foreign_formats_are_reported_once_per_file_and_nothing_else_errs(corpus, run_cli):
    for name in sorted(BROKEN):
        if BROKEN[name][0] != "wrong-format":
            continue
        status, doc = check(run_cli, corpus / name)
        errors = [f["rule"] for f in doc["findings"] if f["severity"] == "error"]
        assert errors == ["wrong-format"], (name, errors)
        assert status == 1
        assert "pftlint convert" in doc["findings"][0]["message"]


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
