"""Packed inputs (pftlint.reading.sources): gzip and Parquet read as the JSON lines they hold, through the
real console script. The same records give the same findings in every format."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from pftlint.reading import sources
from pftlint.reading.discovery import DiscoveryError, discover


def _message(role: str, content: str, **more) -> dict:
    return {"role": role, "content": content, **more}


def _pair(prompt: str, good: str, bad: str, **top) -> dict:
    return {"input": {"messages": [_message("user", prompt)]},
            "preferred_output": [_message("assistant", good)],
            "non_preferred_output": [_message("assistant", bad)], **top}


WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "The weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Oslo\"}"}}


def records() -> list[dict]:
    """Preference records with mistakes, whose keys differ from row to row (Arrow fills the gaps with null)."""
    rows = [_pair(f"Question number {i}: how do plants grow?", f"Answer {i}: with light and water.",
                  f"Answer {i}: no idea.") for i in range(12)]
    rows[1]["input"]["messages"][0]["role"] = "human"                     # invalid-role
    rows[2]["non_preferred_output"][0]["content"] = ""                    # empty-content
    rows[3]["preferred_output"][0]["name"] = "helper"                     # a field only one row has
    rows[4] = dict(rows[0])                                               # a duplicate pair
    rows[5]["input"]["tools"] = [WEATHER]                                 # tools in one row only
    rows[5]["input"]["messages"].append(_message("assistant", "Let me look.", tool_calls=[CALL]))
    rows[6]["metadata"] = "not a provider key"                            # unknown-key, one row only
    rows[7]["preferred_output"] = rows[7]["non_preferred_output"]         # identical replies
    rows[8]["input"]["messages"].insert(0, _message("system", "You are helpful."))
    return rows


def _jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode("utf-8")


def _write_parquet(rows: list[dict], path: Path, row_group_size: int | None = None) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    columns = sorted({key for row in rows for key in row})  # as datasets does: every column, null where absent
    table = pa.table({key: [row.get(key) for row in rows] for key in columns})
    pq.write_table(table, path, row_group_size=row_group_size)


def _findings(run_cli, *paths: Path, extra=()) -> tuple[int, list[dict], str]:
    proc = run_cli("check", "--isolated", "--output-format", "json", *extra, *map(str, paths))
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout) if proc.stdout else {"findings": []}
    return proc.returncode, doc["findings"], proc.stderr


def _record_findings(findings: list[dict], columns: bool = True) -> list[tuple]:
    """Each finding but the file name's, without the path (each file has its own)."""
    return sorted((f["line"], *((f["column"],) if columns else ()), f["rule"], f["message"], f["json_path"])
                  for f in findings if f["rule"] != "wrong-extension")


@pytest.mark.parametrize("packed", ["data.jsonl.gz", "data.json.gz", "data.parquet"])
def test_records_give_the_same_findings_as_jsonl_gzip_and_parquet(run_cli, tmp_path, packed):
    rows = records()
    plain, path = tmp_path / "data.jsonl", tmp_path / packed
    plain.write_bytes(_jsonl(rows))
    if packed.endswith(".gz"):
        path.write_bytes(gzip.compress(_jsonl(rows)))
    else:
        _write_parquet(rows, path, row_group_size=5)  # three row groups: findings keep the row across them

    status, expected, _ = _findings(run_cli, plain)
    rules = {f["rule"] for f in expected}
    assert {"invalid-role", "empty-content", "unknown-key", "duplicate-example", "identical-outputs"} <= rules, rules
    got_status, got, stderr = _findings(run_cli, path)
    assert got_status == status, stderr
    # gzip: the same text, so the same columns too; Parquet: the same rows, its own JSON text
    same_text = packed.endswith(".gz")
    assert _record_findings(got, columns=same_text) == _record_findings(expected, columns=same_text)
    assert not any("null" in f["message"] for f in got)


def test_a_directory_picks_up_packed_files_next_to_jsonl(tmp_path):
    for name in ("a.jsonl", "b.jsonl.gz", "c.json.gz", "d.parquet", "notes.txt.gz", "e.json", "f.csv"):
        (tmp_path / name).write_bytes(b"")
    assert [Path(p).name for p in discover([str(tmp_path)])] == ["a.jsonl", "b.jsonl.gz", "c.json.gz", "d.parquet"]
    (empty := tmp_path / "empty").mkdir()
    with pytest.raises(DiscoveryError, match=r"\.parquet"):
        discover([str(empty)])


def test_gzip_keeps_the_line_rules_of_the_text_inside(run_cli, tmp_path):
    pair = json.dumps(_pair("Hello there", "Hi, how can I help?", "Go away.")).encode()
    text = b"\xef\xbb\xbf" + pair + b"\r\n\n" + pair + b"\r\n" + pair  # BOM, CRLF, blank line, no final newline
    plain, packed = tmp_path / "lines.jsonl", tmp_path / "lines.jsonl.gz"
    plain.write_bytes(text)
    packed.write_bytes(gzip.compress(text))
    _, expected, _ = _findings(run_cli, plain)
    _, got, _ = _findings(run_cli, packed)
    assert {"utf8-bom", "blank-line", "crlf-line-endings", "missing-final-newline"} & {f["rule"] for f in expected}
    assert _record_findings(got) == _record_findings(expected)


def test_wrong_extension_tells_to_unpack_for_the_provider(run_cli, tmp_path):
    rows = records()
    (tmp_path / "train.jsonl.gz").write_bytes(gzip.compress(_jsonl(rows)))
    _, got, _ = _findings(run_cli, tmp_path / "train.jsonl.gz")
    [message] = [f["message"] for f in got if f["rule"] == "wrong-extension"]
    assert "gunzip -k train.jsonl.gz" in message and "upload train.jsonl" in message
    _write_parquet(rows, tmp_path / "train.v2.parquet")
    _, got, _ = _findings(run_cli, tmp_path / "train.v2.parquet")
    [message] = [f["message"] for f in got if f["rule"] == "wrong-extension"]
    assert "convert it to JSON Lines" in message and "upload train.v2.jsonl" in message


def test_stats_reads_gzip_as_the_text_inside(run_cli, tmp_path):
    data = _jsonl(records())
    (tmp_path / "s.jsonl").write_bytes(data)
    (tmp_path / "s.jsonl.gz").write_bytes(gzip.compress(data))
    docs = []
    for name in ("s.jsonl", "s.jsonl.gz"):
        proc = run_cli("stats", "--isolated", "--output-format", "json", str(tmp_path / name))
        assert proc.returncode == 0, proc.stderr
        [file] = json.loads(proc.stdout)["files"]
        docs.append({key: value for key, value in file.items() if key != "path"})
    assert docs[0] == docs[1]


# -- a missing extra: one line, exit status 2 -------------------------------------------------------------
def _one_line_error(proc, *words: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    for word in words:
        assert word in line, line


# -- broken packed files: one finding on the file, the run goes on (exit status 1) -------------------------
CLEAN_FILE = REPO / "examples" / "clean-dpo.jsonl"
BROKEN_FILE = REPO / "examples" / "broken.jsonl"


def _one_finding(run_cli, path: Path, *words: str, records: int = 0) -> None:
    """check and stats on the damaged ``path`` beside good files: one invalid-utf8 finding (of the file, at
    line 1) for it, every other file reported, the report file written; ``records``: read before the damage."""
    report = path.parent / "report.json"
    proc = run_cli("check", "--isolated", "--output-format", "json", "--output-file", str(report),
                   str(BROKEN_FILE), str(path), cwd=path.parent)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads(report.read_text(encoding="utf-8"))
    alone = json.loads(run_cli("check", "--isolated", "--output-format", "json", str(BROKEN_FILE)).stdout)
    assert [f for f in doc["findings"] if f["path"] == str(BROKEN_FILE)] == alone["findings"]
    [damage] = [f for f in doc["findings"] if f["path"] == str(path) and f["rule"] == "invalid-utf8"]
    assert (damage["line"], damage["column"], damage["fixable"]) == (1, 1, False)
    for word in words:
        assert word in damage["message"], damage["message"]
    assert [f["records"] for f in doc["files"] if f["path"] == str(path)] == [records]
    stats = run_cli("stats", "--isolated", "--output-format", "json", str(path), str(CLEAN_FILE))
    assert stats.returncode == 1 and "Traceback" not in stats.stderr, stats.stderr
    [line] = stats.stderr.strip().splitlines()  # the damaged file named once; the clean one counted
    assert line.startswith(f"pftlint: {path}: ") and words[0] in line
    counted = {f["path"]: f for f in json.loads(stats.stdout)["files"]}
    assert counted[str(CLEAN_FILE)]["examples"] == len(CLEAN_FILE.read_text(encoding="utf-8").splitlines())
    assert words[0] in counted[str(path)]["error"]


def test_truncated_gzip_is_one_finding_naming_where_it_broke(run_cli, tmp_path):
    data = gzip.compress(_jsonl(records() * 50))
    broken = tmp_path / "cut.jsonl.gz"
    broken.write_bytes(data[: len(data) // 2])
    _one_finding(run_cli, broken, "gzip data is damaged after line", "truncated or corrupt",
                 records=_damaged_after(broken))


def test_damaged_gzip_and_text_named_gz_are_one_finding(run_cli, tmp_path):
    data = bytearray(gzip.compress(_jsonl(records())))
    data[-8] ^= 0xFF  # the CRC of the data
    (tmp_path / "crc.jsonl.gz").write_bytes(bytes(data))
    _one_finding(run_cli, tmp_path / "crc.jsonl.gz", "gzip data is damaged after line 12 (CRC check failed",
                 records=12)
    (tmp_path / "plain.jsonl.gz").write_bytes(_jsonl(records()))
    _one_finding(run_cli, tmp_path / "plain.jsonl.gz", "gzip data is damaged at its start")


def _damaged_after(path: Path) -> int:
    """How many lines Python's gzip gives of a damaged file before it raises (what the finding says)."""
    lines = 0
    with gzip.open(path) as f:
        try:
            for lines, _ in enumerate(f, 1):
                pass
        except (OSError, EOFError):
            pass
    assert lines > 0
    return lines


def test_gzip_is_streamed_not_unpacked_whole(tmp_path):
    import random

    rng = random.Random(7)  # text that compresses poorly: the compressed file is large
    lines = b"".join(json.dumps({"n": i, "text": rng.randbytes(300).hex()}).encode() + b"\n" for i in range(4000))
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(gzip.compress(lines))
    with sources.open_lines(str(path)) as stream:
        first = next(iter(stream))
        assert json.loads(first)["n"] == 0
        raw = stream_raw_position(path)
    assert raw is None or raw < path.stat().st_size


def stream_raw_position(path: Path):
    """How far the compressed file has been read after the first line (None: unknown on this platform)."""
    import os

    for fd in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path):
                return os.lseek(int(fd), 0, os.SEEK_CUR)
        except OSError:
            continue
    return None


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_parquet_is_one_finding(run_cli, tmp_path, damage):
    path = tmp_path / "bad.parquet"
    if damage == "garbage":
        path.write_bytes(b"PAR1 this is not a parquet file at all" * 10)
    else:
        _write_parquet(records(), path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    _one_finding(run_cli, path, "not a readable Parquet file")


# -- Arrow's nulls ------------------------------------------------------------------------------------------
def test_without_nulls_drops_object_members_and_keeps_list_items():
    row = {"a": None, "b": {"c": None, "d": 1, "e": [None, {"f": None}]}, "g": float("nan"), "h": [float("inf")]}
    assert sources.without_nulls(row) == {"b": {"d": 1, "e": [None, {}]}, "h": [None]}


def test_parquet_values_json_has_no_type_for(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    import datetime
    import decimal

    table = pa.table({"when": [datetime.datetime(2026, 1, 2, 3, 4, 5)], "blob": [b"text"], "raw": [b"\xff\x00"],
                      "price": pa.array([decimal.Decimal("1.50")], pa.decimal128(5, 2)),
                      "tags": pa.array([[("k", "v")]], pa.map_(pa.string(), pa.string()))})
    pq.write_table(table, tmp_path / "v.parquet")
    with sources.open_lines(str(tmp_path / "v.parquet")) as stream:
        [line] = list(stream)
    assert json.loads(line) == {"when": "2026-01-02T03:04:05", "blob": "text", "raw": "/wA=", "price": 1.5,
                                "tags": {"k": "v"}}


# -- the extra is optional -----------------------------------------------------------------------------------
_WITHOUT_PYARROW = """
import sys
sys.modules["pyarrow"] = None  # as if pftlint[parquet] were not installed
sys.modules["pyarrow.parquet"] = None
from pftlint.cli import main
import pftlint.reading.sources, pftlint.engine.runner, pftlint.api
assert not [m for m in sys.modules if m.startswith("pyarrow") and sys.modules[m] is not None]
sys.exit(main(["check", "--isolated", sys.argv[1]]))
"""


def test_parquet_without_pyarrow_is_exit_2_naming_the_extra(tmp_path):
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1")
    proc = subprocess.run([sys.executable, "-c", _WITHOUT_PYARROW, str(path)], capture_output=True, text=True,
                          timeout=120)
    _one_line_error(proc, "data.parquet", "pip install 'pftlint[parquet]'")


def test_core_does_not_import_the_extras():
    code = ("import sys; import pftlint, pftlint.cli, pftlint.api, pftlint.reading.sources, pftlint.engine.runner;"
            "import pftlint.tokens.hf;"
            "print(sorted(m for m in ('pyarrow', 'tokenizers', 'jinja2') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# -- datasets.Dataset and IterableDataset (pftlint.api.lint_dataset) -----------------------------------------
@pytest.fixture
def loaded(tmp_path, monkeypatch):
    """records() as a JSONL file and as the Dataset `load_dataset("json")` makes of it, offline."""
    datasets = pytest.importorskip("datasets")
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("datasets tried to reach the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    path = tmp_path / "pairs.jsonl"
    path.write_bytes(_jsonl(records()))
    dataset = datasets.load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache"))
    return path, dataset


def _from_columns(rows: list[dict]):
    """A Dataset built in memory, as Dataset.from_dict does: struct fields unioned, null where a row lacks one."""
    import datasets

    return datasets.Dataset.from_dict({key: [row.get(key) for row in rows] for key in sorted({k for r in rows for k in r})})


def test_a_dataset_gets_the_findings_of_its_jsonl_file(loaded):
    from pftlint import lint_path
    from pftlint.api import lint_dataset

    path, dataset = loaded
    in_memory = _from_columns(records())
    # Arrow's fills, which must cause no finding: a column (load_dataset), a struct field (from_dict)
    assert dataset[0]["metadata"] is None and in_memory[0]["preferred_output"][0]["name"] is None
    expected = [(f.line, f.rule, f.message, f.json_path) for f in lint_path(path).files[0].findings
                if f.rule != "wrong-extension"]
    assert {"invalid-role", "duplicate-example", "unknown-key"} <= {rule for _, rule, _, _ in expected}
    for rows in (dataset, dataset.to_iterable_dataset(num_shards=3), in_memory):
        result = lint_dataset(rows)
        assert [(f.line, f.rule, f.message, f.json_path) for f in result.findings] == expected
        assert result.records == len(records())


def test_lint_dataset_refuses_a_dict_of_splits_and_names_an_unwritable_row(loaded):
    import datasets

    from pftlint.api import lint_dataset

    _, dataset = loaded
    with pytest.raises(TypeError, match=r"dataset\['train'\]"):
        lint_dataset(datasets.DatasetDict({"train": dataset}))
    with pytest.raises(TypeError, match="row 2 cannot be written as JSON"):
        lint_dataset([{"a": 1}, {"a": object()}])


def test_a_parquet_value_json_cannot_write_is_one_finding_naming_the_row(run_cli, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    keys = pa.array([[], [(b"k", "v")]], pa.map_(pa.binary(), pa.string()))  # bytes keys: JSON has none
    pq.write_table(pa.table({"m": keys}), tmp_path / "keys.parquet")
    _one_finding(run_cli, tmp_path / "keys.parquet", "row 2 cannot be written as JSON", records=1)


_WITHOUT_EXTRAS = """
import sys
for name in ("pyarrow", "tokenizers", "jinja2", "datasets", "dask"):
    sys.modules[name] = None  # as in a core install: pip install pftlint, no extras
from pftlint.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("args, status", [(["check", "--isolated", "examples/clean-dpo.jsonl"], 0),
                                          (["check", "--isolated", "examples/broken.jsonl"], 1),
                                          (["stats", "--isolated", "examples/clean-dpo.jsonl"], 0),
                                          (["convert", "examples/hf-preferences.csv", "-o", "-", "--prompt-field",
                                            "instruction", "--chosen-field", "chosen_response",
                                            "--rejected-field", "rejected_response"], 0)])
def test_the_core_install_works_without_any_extra(args, status):
    proc = subprocess.run([sys.executable, "-c", _WITHOUT_EXTRAS, *args], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
