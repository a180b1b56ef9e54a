"""What a record's text shows and its decoded value hides: duplicate-key (PFT205), unpaired-surrogate (PFT116).

The reader checks every record with a cheap guard and runs the precise check only when it
fires; the property tests prove the guard never lets a case through, on texts written with
every spelling JSON allows (escapes of any character, escaped quotes, spacing), against an
oracle that never looks at pftlint's code: the generated tree itself for repeated keys, and
UTF-8 encoding of the decoded value for surrogates.
"""

from __future__ import annotations

import io
import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pftlint.api import lint_bytes
from pftlint.reading.reader import Issue, Reader
from pftlint.fix import fix_file
from pftlint.reporters.base import path_text
import builders


def dpo(question: str = "Translate good morning into Spanish.") -> dict:
    return builders.dpo(question, "Buenos dias.", "Buenas noches.")


def findings(data: bytes, rule: str) -> list[tuple[int, int, str | None]]:
    result = lint_bytes(data, "t.jsonl", ignore=["too-few-examples"])
    return [(f.line, f.column, path_text(f)) for f in result.findings if f.rule == rule]


def reader_issues(text: str, rule: str) -> list[Issue]:
    return [u for u in Reader(io.BytesIO(text.encode("utf-8"))) if type(u) is Issue and u.rule == rule]


# -- duplicate-key: examples --------------------------------------------------

GOOD = json.dumps(dpo())
TWO_ROLES = GOOD.replace('{"role": "user",', '{"role": "system", "role": "user",')


def test_repeated_key_in_a_message_is_named_with_its_path_and_column():
    found = findings((TWO_ROLES + "\n").encode(), "duplicate-key")
    column = TWO_ROLES.index('"role": "user"') + 1
    assert found == [(1, column, "input.messages[0].role")]


def test_repeated_top_level_key_and_the_hostile_script_case():
    # hostile.sh D8: a second preferred_output appended at the end of the record
    text = GOOD[:-1] + ', "preferred_output": [{"role": "assistant", "content": "x"}]}'
    assert findings((text + "\n").encode(), "duplicate-key") == [(1, text.rindex('"preferred_output"') + 1,
                                                                  "preferred_output")]


def test_escaped_spelling_of_a_key_is_the_same_key():
    text = GOOD.replace('"input"', '"input": {"messages": []}, "\\u0069nput"', 1)
    assert [i.json_path for i in reader_issues(text, "duplicate-key")] == ["input"]


def test_same_key_in_different_objects_is_fine():
    assert findings((GOOD + "\n").encode(), "duplicate-key") == []
    assert findings(json.dumps(dpo(), indent=2).encode() + b"\n", "duplicate-key") == []


def test_pretty_printed_record_reports_the_line_of_the_repeat():
    pretty = json.dumps(dpo(), indent=2).replace('"role": "user",', '"role": "user",\n          "role": "user",')
    found = findings((pretty + "\n").encode(), "duplicate-key")
    lines = pretty.split("\n")
    repeat = next(i for i, line in enumerate(lines) if '"role": "user"' in line) + 1  # 0-based index of the second
    assert found == [(repeat + 1, lines[repeat].index('"role"') + 1, "input.messages[0].role")]


def test_records_in_a_json_array_and_glued_lines_are_checked():
    array = "[" + GOOD + ", " + TWO_ROLES + "]"
    assert [p for _, _, p in findings(array.encode(), "duplicate-key")] == ["input.messages[0].role"]
    glued = GOOD + "\\n" + TWO_ROLES + "\n"
    found = findings(glued.encode(), "duplicate-key")
    assert found == [(1, len(GOOD) + 2 + TWO_ROLES.index('"role": "user"') + 1, "input.messages[0].role")]


def test_fix_refuses_a_pretty_printed_record_with_a_repeated_key(tmp_path):
    # json.dumps of the decoded record would silently drop the first value
    pretty = json.dumps(dpo(), indent=2).replace('"role": "user",', '"role": "system",\n          "role": "user",')
    path = tmp_path / "t.jsonl"
    path.write_text(pretty + "\n", encoding="utf-8")
    outcome = fix_file(str(path), ["multiline-record"])
    assert outcome.blocked is not None and outcome.blocked[1] == "duplicate-key"
    assert path.read_text(encoding="utf-8") == pretty + "\n"


# -- duplicate-key: the guard is sound ----------------------------------------

# A tree is ("obj", [(key, value), ...]) with keys that may repeat, ("arr", [values]) or a scalar.
KEY_POOL = ["input", "role", "a", 'q"t', "b\\s", 'c":', "é", "\\", "😀", "x y"]
keys = st.sampled_from(KEY_POOL) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=3)
texts = st.text('ab":\\{}[], é😀\n', max_size=6) | st.sampled_from(['":', '\\":', '\\\\"', 'k": "v', '\\u0000'])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), texts)
trees = st.recursive(
    scalars,
    lambda inner: st.tuples(st.just("arr"), st.lists(inner, max_size=3))
    | st.tuples(st.just("obj"), st.lists(st.tuples(keys, inner), max_size=4)),
    max_leaves=14,
)
# A "messages" key first: the reader then takes the object for a record, never for {"data": [records]}.
roots = st.lists(st.tuples(keys, trees), max_size=5).map(lambda pairs: ("obj", [("messages", ("arr", []))] + pairs))
SPACE = ["", "", " ", "  ", "\t", "\r"]  # no newline: one physical line


def encode_string(s: str, rnd: random.Random) -> str:
    """``s`` as a JSON string, each character spelt one of the ways JSON allows."""
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch == '"':
            out.append(rnd.choice(['\\"', "\\u0022"]))
        elif ch == "\\":
            out.append(rnd.choice(["\\\\", "\\u005c", "\\u005C"]))
        elif code < 0x20:
            out.append(rnd.choice([f"\\u{code:04x}", "\\n" if ch == "\n" else f"\\u{code:04X}"]))
        elif code > 0xFFFF:
            hi, lo = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
            out.append(rnd.choice([ch, f"\\u{hi:04x}\\u{lo:04x}", f"\\u{hi:04X}\\u{lo:04X}"]))
        else:
            out.append(rnd.choice([ch, ch, f"\\u{code:04x}"]))
    out.append('"')
    return "".join(out)


def encode(tree, rnd: random.Random) -> str:
    sp = lambda: rnd.choice(SPACE)  # noqa: E731
    if isinstance(tree, tuple) and tree[0] == "obj":
        members = [f"{sp()}{encode_string(k, rnd)}{sp()}:{sp()}{encode(v, rnd)}{sp()}" for k, v in tree[1]]
        return "{" + ",".join(members) + sp() + "}"
    if isinstance(tree, tuple):
        return "[" + ",".join(f"{sp()}{encode(v, rnd)}{sp()}" for v in tree[1]) + sp() + "]"
    if isinstance(tree, str):
        return encode_string(tree, rnd)
    return json.dumps(tree)


def repeated_paths(tree, path: str = "") -> list[str]:
    """The oracle: every key that repeats in its object, in text order (as a JSON path)."""
    found = []
    if isinstance(tree, tuple) and tree[0] == "obj":
        seen = set()
        for key, value in tree[1]:
            child = f"{path}.{key}" if path else key
            if key in seen:
                found.append(child)
            seen.add(key)
            found += repeated_paths(value, child)
    elif isinstance(tree, tuple):
        for i, value in enumerate(tree[1]):
            found += repeated_paths(value, f"{path}[{i}]")
    return found


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roots, st.randoms(use_true_random=False))
def test_every_repeated_key_is_found_and_no_other(tree, rnd):
    text = encode(tree, rnd)
    assert json.loads(text) is not None  # the generator writes valid JSON
    found = [i.json_path for i in reader_issues(text, "duplicate-key")]
    assert found == repeated_paths(tree)


# -- unpaired-surrogate -------------------------------------------------------

LONE = GOOD.replace("Buenos dias.", "Hola \\ud83d")


def test_lone_high_surrogate_is_reported_at_its_string():
    found = findings((LONE + "\n").encode(), "unpaired-surrogate")
    assert found == [(1, LONE.index('"Hola') + 1, "preferred_output[0].content")]


def test_lone_low_surrogate_in_a_key_is_reported_with_a_printable_path():
    text = GOOD[:-1] + ', "meta": {"n\\uDC00te": 1}}'
    issues = reader_issues(text, "unpaired-surrogate")
    assert [i.json_path for i in issues] == ["meta.n\\udc00te"]
    assert "\\udc00" in issues[0].message
    issues[0].message.encode("utf-8")  # printable: no surrogate in the text shown to the user


def test_pairs_and_escaped_backslashes_are_not_surrogates():
    for content in ("\\ud83d\\ude00", "\\uD83D\\uDE00", "\\\\ud800", "\\\\uDC00 and \\\\\\\\ud800", "😀"):
        text = GOOD.replace("Buenos dias.", content)
        assert reader_issues(text, "unpaired-surrogate") == [], content


def test_hostile_d7_check_is_no_longer_silent():
    text = GOOD.replace("Translate good", "Translate \\ud800 good")
    assert [p for _, _, p in findings((text + "\n").encode(), "unpaired-surrogate")] == ["input.messages[0].content"]


surrogate_texts = st.lists(st.sampled_from(["a", "\ud800", "\udfff", "\udbff\udc00", "😀", "\\ud800", "\\", "u",
                                            "d800", '"']), max_size=6).map("".join)
surrogate_values = st.recursive(
    st.one_of(st.integers(0, 3), surrogate_texts),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(surrogate_texts, inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(surrogate_texts, surrogate_values, max_size=4), st.booleans())
def test_a_finding_exactly_when_the_record_cannot_be_utf8(record, ascii_only):
    text = json.dumps(record, ensure_ascii=ascii_only)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(record, ensure_ascii=True)  # a lone surrogate reaches a file only as an escape
    decoded = json.loads(text)
    try:
        json.dumps(decoded, ensure_ascii=False).encode("utf-8")
        encodable = True
    except UnicodeEncodeError:
        encodable = False
    issues = reader_issues(text, "unpaired-surrogate")
    assert bool(issues) == (not encodable)
    for issue in issues:
        issue.message.encode("utf-8")
        issue.json_path.encode("utf-8")
