"""``pftlint convert`` reads what ``pftlint check`` reads: gzip (.jsonl.gz, .json.gz) and Parquet, and the
command a ``wrong-format`` finding suggests for such a file runs, writing a name without the packing suffix."""

from __future__ import annotations

import gzip
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from builders import jsonl

TRL = [{"prompt": f"Q{i}?", "chosen": f" A{i}.", "rejected": f" B{i}."} for i in range(3)]
OPENAI_OF_TRL = [{"input": {"messages": [{"role": "user", "content": r["prompt"]}]},
                  "preferred_output": [{"role": "assistant", "content": r["chosen"]}],
                  "non_preferred_output": [{"role": "assistant", "content": r["rejected"]}]} for r in TRL]


def write_parquet(path: Path, rows) -> Path:
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    parquet.write_table(pa.Table.from_pylist(rows), path)
    return path


def packed(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    if name.endswith(".jsonl.gz"):
        path.write_bytes(gzip.compress(jsonl(TRL)))
    elif name.endswith(".json.gz"):
        path.write_bytes(gzip.compress(json.dumps(TRL).encode()))
    else:
        write_parquet(path, TRL)
    return path


def read_jsonl(path: Path) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", ["t.jsonl.gz", "t.json.gz", "t.parquet"])
def test_packed_input_converts(run_cli, tmp_path, name):
    src = packed(tmp_path, name)
    proc = run_cli("convert", str(src), "-o", str(tmp_path / "out.jsonl"))
    assert proc.returncode == 0, proc.stderr
    assert read_jsonl(tmp_path / "out.jsonl") == OPENAI_OF_TRL


@pytest.mark.parametrize(("name", "out"), [("t.jsonl.gz", "t.openai.jsonl"), ("t.json.gz", "t.openai.jsonl"),
                                           ("t.parquet", "t.openai.jsonl"), ("t.jsonl", "t.openai.jsonl")])
def test_the_suggested_convert_command_runs(run_cli, tmp_path, name, out):
    if name == "t.jsonl":
        (tmp_path / name).write_bytes(jsonl(TRL))
    else:
        packed(tmp_path, name)
    checked = run_cli("check", "--output-format", "json", name, cwd=tmp_path)
    (message,) = [f["message"] for f in json.loads(checked.stdout)["findings"] if f["rule"] == "wrong-format"]
    command = message[message.index("pftlint convert "):]
    assert command == f"pftlint convert {name} -o {out} --to openai"
    proc = run_cli(*shlex.split(command)[1:], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert read_jsonl(tmp_path / out) == OPENAI_OF_TRL


def test_a_skip_in_a_parquet_file_names_its_row(run_cli, tmp_path):
    rows = [*TRL, {"prompt": "Q?", "chosen": " same", "rejected": " same"}]
    src = write_parquet(tmp_path / "t.parquet", rows)
    proc = run_cli("convert", str(src), "-o", str(tmp_path / "out.jsonl"))
    assert proc.returncode == 1
    assert f"{src}:4: skipped: chosen and rejected are the same reply" in proc.stderr


def test_damaged_gzip_is_exit_2_and_out_is_not_written(run_cli, tmp_path):
    src = tmp_path / "t.jsonl.gz"
    src.write_bytes(gzip.compress(jsonl(TRL * 50))[:-20])
    proc = run_cli("convert", str(src), "-o", str(tmp_path / "out.jsonl"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "the gzip data is damaged" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.jsonl").exists()


_WITHOUT_PYARROW = """
import sys
sys.modules["pyarrow"] = None  # as if pftlint[parquet] were not installed
sys.modules["pyarrow.parquet"] = None
from pftlint.cli import main
sys.exit(main(["convert", sys.argv[1], "-o", sys.argv[2]]))
"""


def test_parquet_without_pyarrow_is_exit_2_naming_the_extra(tmp_path):
    src = tmp_path / "data.parquet"
    src.write_bytes(b"PAR1")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([sys.executable, "-c", _WITHOUT_PYARROW, str(src), str(out)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert "data.parquet" in line and "pip install 'pftlint[parquet]'" in line
    assert not out.exists()


def test_help_names_the_packed_inputs(run_cli):
    text = " ".join(run_cli("convert", "--help").stdout.split())
    assert ".jsonl.gz" in text and ".parquet (needs pftlint[parquet])" in text
