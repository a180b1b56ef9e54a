"""invalid-json's words and places, through the console script: Python's truncated reasons written
out, NaN at the NaN, and a text file given as JSONL reported once (pftlint.reading.textfile)."""

from __future__ import annotations

import json

from conftest import REPO

CLEAN = (REPO / "examples" / "clean-dpo.jsonl").read_text(encoding="utf-8").splitlines()
# A text file as /etc/services or a README is: comments, words, blank lines; no line starts like JSON.
TEXT = "\n".join([f"# line {i} of a text file" if i % 7 else "" for i in range(1, 60)]
                 + ["tcpmux  1/tcp  # TCP port service multiplexer"]) + "\n"


def findings(run_cli, cwd, name: str, data: str, *args: str) -> list[tuple[int, int, str, str]]:
    (cwd / name).write_text(data, encoding="utf-8")
    proc = run_cli("check", "--isolated", "--output-format", "json", "--ignore", "too-few-examples", *args, name,
                   cwd=cwd)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    return [(f["line"], f["column"], f["rule"], f["message"]) for f in json.loads(proc.stdout)["findings"]]


def test_an_unterminated_string_is_a_whole_sentence_saying_where(run_cli, tmp_path):
    [(line, column, rule, message)] = findings(run_cli, tmp_path, "t.jsonl", '{"a": "abc\n')
    assert (line, column, rule) == (1, 7, "invalid-json")
    assert message == ("invalid JSON: the string that starts at column 7 is never closed (a closing '\"' is "
                       "missing, or the text was cut off); fix the syntax of this line")


def test_nan_and_infinity_are_reported_where_they_are_written(run_cli, tmp_path):
    data = '{"a": NaN}\n{"note": "NaN here is text", "b": [1, -Infinity]}\n{"x":\n  [1,\n   "NaN", Infinity]}\n'
    got = findings(run_cli, tmp_path, "t.jsonl", data)
    second, fifth = data.splitlines()[1], data.splitlines()[4]
    assert [(line, column) for line, column, _, _ in got] == \
        [(1, 7), (2, second.index("-Infinity") + 1), (5, fifth.index("Infinity") + 1)]
    assert {rule for _, _, rule, _ in got} == {"invalid-json"}
    assert [m.split(" is ")[0] for _, _, _, m in got] == ["invalid JSON: NaN", "invalid JSON: -Infinity",
                                                         "invalid JSON: Infinity"]


def test_a_line_break_inside_a_string_of_a_document_is_named(run_cli, tmp_path):
    [(_, _, _, message)] = findings(run_cli, tmp_path, "t.jsonl", '{"a":\n "abc\n}\n')
    assert "the raw control character '\\n' inside a string" in message


def test_a_text_file_is_one_finding_not_one_per_line(run_cli, tmp_path):
    got = findings(run_cli, tmp_path, "services.jsonl", TEXT)
    assert len(got) == 1, got  # not 60 invalid-json findings, nor one per blank line
    [(line, column, rule, message)] = got
    assert (line, column, rule) == (1, 1, "invalid-json")
    assert message.startswith("the file is text, not JSON Lines: its first 5 lines are not JSON")
    stats = run_cli("stats", "--isolated", "services.jsonl", cwd=tmp_path)
    assert stats.returncode == 1 and stats.stderr.strip() == f"pftlint: services.jsonl: {message}"


def test_records_after_a_text_header_are_still_checked(run_cli, tmp_path):
    rows = [json.loads(line) for line in CLEAN]
    rows[2]["input"]["messages"][0]["role"] = "human"
    header = "\n".join(f"# header line {i}" for i in range(6)) + "\n"
    body = "\n".join(json.dumps(r) for r in rows) + "\n"
    got = findings(run_cli, tmp_path, "t.jsonl", header + body + "a footer line\n{broken\n")
    assert [(line, rule) for line, _, rule, _ in got] == \
        [(1, "invalid-json"), (9, "invalid-role"), (len(rows) + 8, "invalid-json")]
    assert "Expecting property name" in got[-1][3]  # a line that starts like JSON is still reported
    assert got[0][3].startswith("the file is text, not JSON Lines")


def test_a_few_bad_lines_keep_a_finding_each(run_cli, tmp_path):
    few = "first\nsecond\nthird\nfourth\n"  # fewer than five: each is reported
    assert [line for line, *_ in findings(run_cli, tmp_path, "few.jsonl", few)] == [1, 2, 3, 4]
    after = CLEAN[0] + "\n" + "\n".join(f"text {i}" for i in range(6)) + "\n"  # text after a record: each line
    assert [line for line, _, rule, _ in findings(run_cli, tmp_path, "after.jsonl", after)
            if rule == "invalid-json"] == [2, 3, 4, 5, 6, 7]
