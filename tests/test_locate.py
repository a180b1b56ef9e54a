"""Locating findings (pftlint/reading/locate.py): linear in the record, the same columns as a scan from the start."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pftlint.reading import locate
from pftlint.api import lint_bytes


class CountingDecoder:
    """Stands in for the locator's JSON decoder and adds up the characters every decode reads."""

    def __init__(self):
        self.decoder = json.JSONDecoder()
        self.chars = 0

    def raw_decode(self, text, pos):
        value, end = self.decoder.raw_decode(text, pos)
        self.chars += end - pos
        return value, end


def many_bad_roles(n: int, indent=None) -> str:
    record = {"input": {"messages": [{"role": "human", "content": f"message {i}"} for i in range(n)]
                        + [{"role": "user", "content": "q"}]},
              "preferred_output": [{"role": "assistant", "content": "a"}],
              "non_preferred_output": [{"role": "assistant", "content": "b"}]}
    return json.dumps(record, indent=indent)


def test_locating_all_findings_of_a_record_reads_it_a_bounded_number_of_times(monkeypatch):
    counter = CountingDecoder()
    monkeypatch.setattr(locate, "_DECODER", counter)
    text = many_bad_roles(600)
    result = lint_bytes(text.encode() + b"\n", select=["invalid-role"])
    assert len(result.findings) == 600
    # a scan from the start per finding reads ~600 x half the record; the locator reads each child once
    assert counter.chars <= 2 * len(text), (counter.chars, len(text))


def test_pretty_printed_record_findings_keep_their_physical_line_and_column():
    text = many_bad_roles(3, indent=2)
    result = lint_bytes(text.encode() + b"\n", select=["invalid-role"])
    lines = text.split("\n")
    for finding in result.findings:
        # the finding points at the role value on its own physical line
        assert lines[finding.line - 1][finding.column - 1:].startswith('"human"'), finding


# -- the old algorithm, kept here as the oracle: a scan from the start of the record for each path --
_WS = re.compile(r"[ \t\r\n]*")
_DEC = json.JSONDecoder()


def old_column_of(text, path):
    if not path:
        return 1
    try:
        pos = _WS.match(text, 0).end()
        for step in locate.parse_path(path):
            opener = text[pos:pos + 1]
            if isinstance(step, int) and opener == "[":
                found = _old_element(text, pos, step)
            elif isinstance(step, str) and opener == "{":
                found = _old_value(text, pos, step)
            else:
                break
            if found is None:
                break
            pos = found
        return pos + 1
    except (ValueError, IndexError, RecursionError):
        return 1


def _old_element(text, pos, index):
    pos = _WS.match(text, pos + 1).end()
    i = 0
    while pos < len(text) and text[pos] != "]":
        if i == index:
            return pos
        _, end = _DEC.raw_decode(text, pos)
        pos = _WS.match(text, end).end()
        if text[pos:pos + 1] == ",":
            pos = _WS.match(text, pos + 1).end()
        i += 1
    return None


def _old_value(text, pos, key):
    pos = _WS.match(text, pos + 1).end()
    while pos < len(text) and text[pos] != "}":
        name, end = _DEC.raw_decode(text, pos)
        pos = _WS.match(text, _WS.match(text, end).end() + 1).end()
        if name == key:
            return pos
        _, end = _DEC.raw_decode(text, pos)
        pos = _WS.match(text, end).end()
        if text[pos:pos + 1] == ",":
            pos = _WS.match(text, pos + 1).end()
    return None


def old_place(text, path, first_column):
    column = first_column + old_column_of(text, path) - 1
    before = text[: column - first_column]
    newlines = before.count("\n")
    if newlines:
        column = len(before) - before.rfind("\n")
    return newlines, column


KEYS = st.sampled_from(["input", "messages", "role", "content", "a.b", "x[3]", "0", "", "é", "tools"])
SCALARS = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=8)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=5),
                      max_leaves=30)
STEPS = st.lists(st.one_of(KEYS.map(lambda k: "." + k), st.integers(0, 6).map(lambda i: f"[{i}]")), max_size=5)


def duplicate_keys(text: str) -> str:
    """The same text with a repeated key, the case where only the first one must be found."""
    return text.replace('{"role": ', '{"role": 1, "role": ', 1)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.lists(STEPS, min_size=1, max_size=8), st.sampled_from([None, 0, 2, "\t"]), st.booleans(),
       st.integers(1, 9))
def test_locator_gives_the_columns_of_a_scan_from_the_start(value, paths, indent, duplicate, first_column):
    text = json.dumps({"record": value, "role": "r"}, indent=indent, ensure_ascii=False)
    if duplicate:
        text = duplicate_keys(text)
    locator = locate.Locator(text)  # one locator answers every path of the record, in any order
    for steps in paths:
        path = ("record" + "".join(steps)) if steps else "role"
        assert locator.offset(path) + 1 == old_column_of(text, path), path
        assert locator.place(path, first_column) == old_place(text, path, first_column), path
        assert locate.column_of(text, path) == old_column_of(text, path)


# -- paths are segments, never parsed back from text (issue 11 item 4) ----------------------------

def test_a_key_holding_dot_or_brackets_is_located_at_its_value():
    text = '{"messages": [{"role": "user", "content": "q"}], "a.b": 1, "x[3]": 2, "a": {"b": 0}}'
    locator = locate.Locator(text)
    assert text[locator.offset(("a.b",)):].startswith("1,")
    assert text[locator.offset(("x[3]",)):].startswith("2,")
    assert text[locator.offset(("a", "b")):].startswith("0}")


def test_a_finding_on_a_key_holding_a_dot_points_at_it_and_quotes_it():
    from pftlint.reporters.base import path_text

    text = '{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "a.b": 1}'
    result = lint_bytes(text.encode() + b"\n", select=["unknown-key"])
    [finding] = result.findings
    assert finding.json_path == ("a.b",)
    assert path_text(finding) == '["a.b"]'
    assert text[finding.column - 1:].startswith("1}")


def test_paths_render_as_before_for_ordinary_keys():
    from pftlint.engine.findings import json_path_text

    assert json_path_text(("input", "messages", 1, "role")) == "input.messages[1].role"
    assert json_path_text(("preferred_output", 0, "tool_calls", 2, "function", "arguments")) == \
        "preferred_output[0].tool_calls[2].function.arguments"
    assert json_path_text(("Non Preferred Output",)) == "Non Preferred Output"
    assert json_path_text(("meta", 'say "hi"', "x[3]", "")) == 'meta["say \\"hi\\""]["x[3]"][""]'
    assert json_path_text(None) is None
