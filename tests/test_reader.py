"""The streaming reader and the file-structure rules (PFT1xx) on hostile input.

Each structure rule gets bad and good cases beyond its documented examples;
the reader is pushed with huge lines, deep nesting, broken encodings and
broken documents, and must answer with findings, never a crash.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint.api import lint_bytes
from pftlint.reading.reader import Issue, Reader, RecordUnit
import builders

STRUCTURE = ["json-array", "multiline-record", "literal-newline-separator", "blank-line",
             "trailing-blank-lines", "utf8-bom", "invalid-utf8", "invalid-json", "not-an-object",
             "wrong-extension", "file-too-large", "empty-file", "crlf-line-endings",
             "missing-final-newline"]


def dpo(question: str = "Translate good morning into Spanish.", good: str = "Buenos dias.",
        bad: str = "Buenas noches.") -> dict:
    return builders.dpo(question, good, bad)


R1 = json.dumps(dpo()).encode()
R2 = json.dumps(dpo("What is 2 + 2?", "4.", "Five.")).encode()
R3 = json.dumps(dpo("Name a primary colour.", "Red.", "Purple.")).encode()
PRETTY = json.dumps(dpo(), indent=2).encode()


def units(data: bytes) -> list:
    return list(Reader(io.BytesIO(data)))


def issues(data: bytes) -> list[tuple[str, int, int]]:
    return [(u.rule, u.line, u.column) for u in units(data) if isinstance(u, Issue)]


def records(data: bytes) -> list[tuple[int, dict]]:
    return [(u.line, u.data) for u in units(data) if isinstance(u, RecordUnit)]


def structure_findings(data: bytes, name: str = "data.jsonl", **settings) -> list[tuple[str, int, int]]:
    """Findings of the structure rules only (record rules are other modules' business)."""
    settings.setdefault("extend_select", ["crlf-line-endings", "missing-final-newline"])
    settings.setdefault("ignore", ["too-few-examples"])
    result = lint_bytes(data, name, **settings)
    return [(f.rule, f.line, f.column) for f in result.findings if f.rule in STRUCTURE]


def rules_of(data: bytes, **settings) -> set[str]:
    return {rule for rule, _, _ in structure_findings(data, **settings)}


# -- every structure rule: edge cases beyond the documented examples ------------------
CASES = [
    # rule, bad bytes, expected (line, column), good bytes
    ("json-array", b"[\n" + R1 + b",\n" + R2 + b"\n]\n", (1, 1), R1 + b"\n" + R2 + b"\n"),
    ("json-array", b"\n  [" + R1 + b", " + R2 + b"]", (2, 1), R1 + b"\n" + R2),
    ("multiline-record", R1 + b"\n" + PRETTY + b"\n", (2, 1), R1 + b"\n" + R1 + b"\n"),
    ("literal-newline-separator", R1 + b"\\r\\n" + R2 + b"\\r\\n" + R3 + b"\n", (1, len(R1) + 1),
     R1 + b"\r\n" + R2 + b"\r\n" + R3 + b"\r\n"),
    ("literal-newline-separator", R1 + b"\\n" + R2 + b"\\n\n", (1, len(R1) + 1),
     json.dumps(dpo("What does \\n mean in C?", "A newline.", "A tab.")).encode() + b"\n"),
    ("blank-line", R1 + b"\n \t \n" + R2 + b"\n", (2, 1), R1 + b"\n" + R2 + b"\n"),
    ("blank-line", b"\n\n" + R1 + b"\n", (1, 1), R1 + b"\n"),
    ("blank-line", R1 + b"\n\xc2\xa0\n" + R2 + b"\n", (2, 1), R1 + b"\n" + R2),
    ("trailing-blank-lines", R1 + b"\n\n", (2, 1), R1 + b"\n"),
    ("trailing-blank-lines", R1 + b"\n   ", (2, 1), R1),
    ("trailing-blank-lines", R1 + b"\r\n\r\n", (2, 1), R1 + b"\r\n"),
    ("utf8-bom", b"\xef\xbb\xbf" + R1 + b"\n" + R2 + b"\n", (1, 1), R1 + b"\n" + R2 + b"\n"),
    ("invalid-utf8", R1 + b"\n" + R2.replace(b"Five", b"F\xefve") + b"\n", (2, R2.index(b"Five") + 2),
     R1 + b"\n" + R2.replace(b"Five", "Fïve".encode()) + b"\n"),
    ("invalid-utf8", b"\xff\xfe" + "{}\n".encode("utf-16-le"), (1, 1), R1 + b"\n"),
    ("invalid-utf8", b"\x1f\x8b\x08\x00binary\n\x00\xff\n", (1, 1), R1 + b"\n"),
    ("invalid-json", R1 + b"\n" + R2[:-1] + b",}\n", (2, len(R2) + 1), R1 + b"\n" + R2 + b"\n"),
    ("invalid-json", R1.replace(b"[", b"[\x00", 1) + b"\n", (1, R1.index(b"[") + 2), R1 + b"\n"),
    ("invalid-json", b'{"input": NaN}\n', (1, len(b'{"input": ') + 1), b'{"input": null}\n'),
    ("not-an-object", R1 + b"\n42\n", (2, 1), R1 + b"\n"),
    ("not-an-object", b"[" * 200_000 + b"]" * 200_000 + b"\n" + R1 + b"\n", (1, 1), R1 + b"\n"),
    ("not-an-object", json.dumps(R1.decode()).encode() + b"\n", (1, 1), R1 + b"\n"),
    ("empty-file", b"  \n\t\n\n", (1, 1), R1 + b"\n"),
    ("empty-file", b"\xef\xbb\xbf", (1, 1), b"\xef\xbb\xbf" + R1),
    ("crlf-line-endings", R1 + b"\n" + R2 + b"\r\n", (2, 1), R1 + b"\n" + R2 + b"\n"),
    ("missing-final-newline", R1 + b"\n" + R2, (2, 1), R1 + b"\n" + R2 + b"\n"),
]


@pytest.mark.parametrize(("rule", "bad", "where", "good"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_structure_rule_bad_and_good(rule, bad, where, good):
    found = structure_findings(bad, target="azure" if rule == "empty-file" else "openai")
    assert (rule, *where) in found, found
    assert rule not in {r for r, _, _ in structure_findings(good)}


def test_wrong_extension_bad_and_good():
    assert rules_of(R1 + b"\n", name="train.jsonl.txt") == {"wrong-extension"}
    assert rules_of(R1 + b"\n", name="dir.jsonl/train.JSON") == {"wrong-extension"}
    assert rules_of(R1 + b"\n", name="v1.2/train.jsonl") == set()


def test_file_too_large_uses_target_limit_unless_max_bytes_is_set():
    data = R1 + b"\n"
    assert rules_of(data, rules={"file-too-large": {"max-bytes": len(data) - 1}}) == {"file-too-large"}
    assert rules_of(data, rules={"file-too-large": {"max-bytes": len(data)}}) == set()
    assert rules_of(data) == set()  # max-bytes 0: the target's 512 MB


def test_final_newline_is_correct_and_its_absence_is_off_by_default():
    assert rules_of(R1 + b"\n" + R2 + b"\n") == set()
    result = lint_bytes(R1 + b"\n" + R2, "data.jsonl", ignore=["too-few-examples"])
    assert [f.rule for f in result.findings if f.rule in STRUCTURE] == []


def test_crlf_is_off_by_default_and_records_still_parse():
    data = R1 + b"\r\n" + R2 + b"\r\n"
    assert [(line, rec) for line, rec in records(data)] == [(1, dpo()), (2, json.loads(R2))]
    result = lint_bytes(data, "data.jsonl", ignore=["too-few-examples"])
    assert [f.rule for f in result.findings if f.rule in STRUCTURE] == []


# -- encodings --------------------------------------------------------------------------
def test_bom_with_record_on_line_one_is_still_parsed():
    got = units(b"\xef\xbb\xbf" + R1 + b"\n" + R2 + b"\n")
    assert [(u.rule, u.line) for u in got if isinstance(u, Issue)] == [("utf8-bom", 1)]
    assert [(u.line, u.column, u.data) for u in got if isinstance(u, RecordUnit)] == [
        (1, 1, dpo()), (2, 1, json.loads(R2))]


def test_invalid_utf8_line_and_column_and_later_lines_checked():
    line2 = '{"input": {"messages": [{"role": "user", "content": "Caf'.encode() + b"\xe9" + b'?"}]}}'
    data = R1 + b"\n" + line2 + b"\n" + R2 + b"\n" + b"{broken\n"
    got = issues(data)
    assert ("invalid-utf8", 2, len('{"input": {"messages": [{"role": "user", "content": "Caf') + 1) in got
    assert ("invalid-json", 4, 2) in got
    assert [line for line, _ in records(data)] == [1, 2, 3]  # line 2 is still read, with U+FFFD
    message = next(u.message for u in units(data) if isinstance(u, Issue) and u.rule == "invalid-utf8")
    assert "E9" in message and "é" in message


def test_invalid_utf8_column_counts_characters_not_bytes():
    line = '{"a": "ééé'.encode() + b"\xff" + b'"}'
    assert issues(line + b"\n")[0] == ("invalid-utf8", 1, len('{"a": "ééé') + 1)


def test_utf16_file_is_one_finding_not_one_per_line():
    data = (R1.decode() + "\n" + R2.decode() + "\n").encode("utf-16")
    assert issues(data) == [("invalid-utf8", 1, 1)]
    assert rules_of(data) == {"invalid-utf8"}


def test_nul_bytes_are_findings():
    padded = R1 + b"\n" + b"\x00" * 4096 + b"\n" + R2 + b"\n"
    got = units(padded)
    assert [(u.rule, u.line) for u in got if isinstance(u, Issue)] == [("invalid-json", 2)]
    assert "NUL" in next(u.message for u in got if isinstance(u, Issue))
    assert [line for line, _ in records(padded)] == [1, 3]
    assert issues(b'{"a": "x\x00y"}\n')[0] == ("invalid-json", 1, 9)


# -- huge and deep ------------------------------------------------------------------------
def test_line_of_200000_nested_brackets_is_a_finding():
    for deep in (b"[" * 200_000 + b"]" * 200_000, b"[" * 200_000, b'{"a":' * 200_000 + b"1" + b"}" * 200_000):
        got = issues(deep + b"\n" + R1 + b"\n")
        assert got[0][:2] == ("not-an-object", 1) and len(got) == 1, got
        assert records(deep + b"\n" + R1 + b"\n") == [(2, dpo())]


def test_deeply_nested_but_valid_json_is_a_record():
    depth = 300  # 600 levels of nesting: deep, but within what the parser handles
    nested = '{"k": [' * depth + '"leaf"' + "]}" * depth
    data = R1[:-1] + b', "metadata": ' + nested.encode() + b"}\n"
    assert issues(data) == []
    [(line, record)] = records(data)
    value = record["metadata"]
    for _ in range(depth):
        value = value["k"][0]
    assert (line, value) == (1, "leaf")


def test_20_mb_line_valid_and_broken():
    big = json.dumps(dpo(good="x" * (20 << 20))).encode()
    assert records(big + b"\n" + R1 + b"\n") == [(1, json.loads(big)), (2, dpo())]
    broken = big[:-1]  # the closing brace cut off
    got = issues(broken + b"\n" + R1 + b"\n")
    assert got == [("invalid-json", 1, 1)]
    assert records(broken + b"\n" + R1 + b"\n") == [(2, dpo())]


_BIG_LINE_SCRIPT = textwrap.dedent("""
    import resource, sys
    from pftlint.reading.reader import Reader, RecordUnit, Issue
    with open(sys.argv[1], "rb") as fh:
        got = [(type(u).__name__, u.line) for u in Reader(fh)]
    print(got, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10)
""")


@pytest.mark.slow
@pytest.mark.parametrize("broken", [False, True], ids=["valid", "broken"])
def test_200_mb_line_in_bounded_memory(tmp_path, broken):
    pytest.importorskip("resource")
    path = tmp_path / "huge.jsonl"
    size = 200 << 20
    with open(path, "wb") as fh:
        fh.write(b'{"input": {"messages": [{"role": "user", "content": "')
        for _ in range(size >> 20):
            fh.write(b"a" * (1 << 20))
        fh.write(b'"}]}' if broken else b'"}]}}')
        fh.write(b"\n" + R1 + b"\n")
    proc = subprocess.run([sys.executable, "-c", _BIG_LINE_SCRIPT, str(path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    units_text, peak_mb = proc.stdout.rsplit(" ", 1)
    first = "('Issue', 1)" if broken else "('RecordUnit', 1)"
    assert units_text == f"[{first}, ('RecordUnit', 2)]"
    # the line is held once as bytes while decoding, once as text, once parsed: not 5 copies
    assert int(peak_mb) < 4 * (size >> 20), f"peak {peak_mb} MB for a {size >> 20} MB line"


# -- documents over several lines ---------------------------------------------------------------
def test_pretty_printed_records_are_linted_at_their_lines():
    data = PRETTY + b"\n" + PRETTY + b"\n"
    n = PRETTY.count(b"\n") + 1
    assert records(data) == [(1, dpo()), (n + 1, dpo())]
    got = issues(data)
    assert got == [("multiline-record", 1, 1)]
    message = next(u.message for u in units(data) if isinstance(u, Issue))
    assert message.startswith("2 records") and f"lines 1-{n}" in message


def test_pretty_printed_json_array_records_at_their_lines():
    data = json.dumps([dpo(), dpo("What is 2 + 2?", "4.", "Five.")], indent=2).encode() + b"\n"
    lines = data.decode().splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line == "  {"]
    assert [line for line, _ in records(data)] == starts
    assert issues(data) == [("json-array", 1, 1)]
    assert "2 records" in next(u.message for u in units(data) if isinstance(u, Issue))


def test_array_with_one_record_per_line():
    data = b"[\n" + R1 + b",\n" + R2 + b"\n]\n"
    assert records(data) == [(2, dpo()), (3, json.loads(R2))]
    assert issues(data) == [("json-array", 1, 1)]


def test_data_wrapper_document():
    data = json.dumps({"data": [dpo(), dpo()]}, indent=2).encode() + b"\n"
    got = issues(data)
    assert got == [("json-array", 1, 1)]
    assert "'data'" in next(u.message for u in units(data) if isinstance(u, Issue))
    assert [line for line, _ in records(data)] == [3, 3 + json.dumps(dpo(), indent=2).count("\n") + 1]
    one_line = json.dumps({"data": [dpo(), dpo()]}).encode() + b"\n"
    assert issues(one_line) == [("json-array", 1, 1)] and len(records(one_line)) == 2


def test_array_on_first_line_followed_by_more_lines_is_not_an_object():
    data = b'[{"role": "user", "content": "Hi"}]\n[{"role": "user", "content": "Yo"}]\n'
    assert issues(data) == [("not-an-object", 1, 1), ("not-an-object", 2, 1)]
    assert records(data) == []
    assert "list of 1 message" in next(u.message for u in units(data) if isinstance(u, Issue))


def test_glued_records_count_in_message():
    data = R1 + b"\\n" + R2 + b"\\n" + R3 + b"\\n" + R1 + b"\n"
    got = units(data)
    issue = next(u for u in got if isinstance(u, Issue))
    assert (issue.rule, issue.line) == ("literal-newline-separator", 1)
    assert issue.message.startswith("4 records")
    recs = [u for u in got if isinstance(u, RecordUnit)]
    assert [r.column for r in recs] == [1, len(R1) + 3, len(R1) + len(R2) + 5, len(R1) + len(R2) + len(R3) + 7]
    assert [r.data for r in recs] == [dpo(), json.loads(R2), json.loads(R3), dpo()]


def test_broken_pretty_printed_record_one_finding_then_go_on():
    broken = PRETTY.replace(b'"preferred_output"', b'"preferred_output" "x"', 1)
    break_line = broken[: broken.index(b'"x"')].count(b"\n") + 1
    data = broken + b"\n" + R1 + b"\n" + b"{oops\n" + R2 + b"\n"
    n = broken.count(b"\n") + 1
    got = issues(data)
    assert [(r, line) for r, line, _ in got] == [("invalid-json", break_line), ("invalid-json", n + 2)]
    assert [line for line, _ in records(data)] == [n + 1, n + 3]


def test_unclosed_pretty_printed_record_does_not_swallow_the_file():
    unclosed = PRETTY.rsplit(b"\n", 1)[0]  # the final "}" is missing
    data = unclosed + b"\n" + PRETTY + b"\n" + R1 + b"\n"
    n = unclosed.count(b"\n") + 1
    got = issues(data)
    assert ("invalid-json", 1, 1) in got
    assert [line for line, _ in records(data)] == [n + 1, n + PRETTY.count(b"\n") + 2]
    # a line cut off mid-record, followed by compact records
    cut = R1[: len(R1) // 2].rsplit(b",", 1)[0] + b","
    data = cut + b"\n" + R2 + b"\n" + R3 + b"\n"
    assert issues(data) == [("invalid-json", 1, 1)]
    assert [line for line, _ in records(data)] == [2, 3]


def test_cut_off_string_is_invalid_json_on_its_own_line():
    data = R1[:60] + b"\n" + R2 + b"\n"
    assert issues(data)[0][:2] == ("invalid-json", 1)
    assert records(data) == [(2, json.loads(R2))]


@pytest.mark.parametrize("data", [b"\r", b"\n", b"\x00", b"{", b"[", b"]", b"}", b'"', b"\\n", b"\xef\xbb",
                                  b"\xef\xbb\xbf\xef\xbb\xbf{}", b"{}\\n[]", b"[{}, 1, [2]]", b"{\n", b"[\n{}\n",
                                  b'{"data": []}', b"\\n\\n", b"\xff" * 10, b"PAR1\n", b"{" * 100 + b"\n" + b"}" * 100])
def test_odd_inputs_never_crash(data):
    for unit in units(data):
        assert isinstance(unit, (Issue, RecordUnit))
    lint_bytes(data, "odd.jsonl", select=["PFT1"])


# -- the property -----------------------------------------------------------------------------
# Text that a reader could trip over: line breaks, literal backslash-n, BOM, NUL, brackets.
TEXT = st.text(st.sampled_from(["a", " ", "\n", "\r", "\\", "n", '"', "{", "]", "\u2028", "\ufeff", "\x00", "é",
                                "\U0001f600", "\x1f", "\t"]), max_size=10)
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)
RECORDS = st.dictionaries(TEXT, JSON_VALUES, max_size=4)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORDS, max_size=8), st.booleans(), st.booleans())
def test_jsonl_yields_exactly_the_records(recs, ascii_only, final_newline):
    lines = [json.dumps(r, ensure_ascii=ascii_only).encode("utf-8") for r in recs]
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    got = units(data)
    expected = ["missing-final-newline"] if recs and not final_newline else [] if recs else ["empty-file"]
    assert [u.rule for u in got if isinstance(u, Issue)] == expected
    assert [(u.line, u.data) for u in got if isinstance(u, RecordUnit)] == list(enumerate(recs, 1))


# -- the real corpus ------------------------------------------------------------------------
def test_real_bom_file_warns_for_openai_and_is_clean_for_azure(corpus, run_cli):
    path = corpus / "oaipref__akshata29_finetuning__dpo_train.jsonl"
    with open(path, "rb") as fh:
        assert fh.read(3) == b"\xef\xbb\xbf"
    openai = run_cli("check", "--output-format", "json", str(path))
    found = json.loads(openai.stdout)["findings"]
    assert [(f["rule"], f["line"], f["severity"]) for f in found if f["code"].startswith("PFT1")] == [
        ("utf8-bom", 1, "warning")]
    assert json.loads(openai.stdout)["files"][0]["records"] == 180
    azure = run_cli("check", "--output-format", "json", "--target", "azure", str(path))
    assert azure.returncode == 0, azure.stderr
    assert json.loads(azure.stdout)["findings"] == []


def test_real_files_without_final_newline_have_no_structure_finding(corpus):
    for name in ("oaipref__Azure_azure-sdk-for-python__dpo_training_set.jsonl",
                 "oaipref__microsoft-foundry_fine-tuning__orca_dpo_pairs_validation.jsonl"):
        data = (corpus / name).read_bytes()
        assert not data.endswith(b"\n")
        assert rules_of(data, extend_select=[]) == set(), name
        assert rules_of(data) == {"missing-final-newline"}, name


def test_every_structure_rule_the_reader_detects_is_worded_by_its_rule_module():
    from pftlint.rules import READER, implementations

    reader_rules = {name: impl for name, impl in implementations().items() if impl.kind == READER}
    structure = {name for name, impl in reader_rules.items() if impl.module == "pftlint.rules.structure"}
    assert {"blank-line", "invalid-json", "json-array", "not-an-object", "unpaired-surrogate"} <= structure
    assert all(reader_rules[name].check is not None for name in structure)
    # what the reader found is plain data; the words come from the rule
    issue = next(u for u in units(b'{"a": 1}\n\n{"b": 2}\n') if isinstance(u, Issue))
    assert issue.found == {"count": 1, "before_records": False}
    assert issue.message == reader_rules["blank-line"].check(issue.found)
