"""Where a record's time goes: each stage of ``pftlint check`` added in turn, in process, on one core.

    python benchmarks/bench_stages.py benchmarks/data/dpo-50MB-seed0.jsonl [--repeat 3]

Each line runs one more stage over the whole file held in memory and prints its CPU time
(``time.process_time``, best of ``--repeat``) per record:

- ``json.loads loop``: the baseline of bench.py, every line parsed into dicts;
- ``msgspec typed decode``: the C decoder of the OpenAI preference shape alone, every line;
- ``reader``: pftlint's reader (typed decode, structure checks, the parts' canonical encoding
  and the repeated-key proof);
- ``reader + view``: and the rule-facing view of each record;
- ``check, no dataset rules``: the whole engine with ``--ignore PFT6``;
- ``check``: the whole engine, all default rules.

The difference between two lines is the cost of the stage between them. Unlike bench.py's
rule-by-rule table (which times each rule alone and keeps every record alive), nothing here is
timed call by call, so the figures add up.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path


def stages(data: bytes):
    from pftlint import api
    from pftlint.model.layouts import view_of
    from pftlint.model.typed import DECODERS
    from pftlint.reading.reader import Reader, RecordUnit

    lines = data.splitlines()
    target = api.make_linter().target

    def loads():
        for line in lines:
            json.loads(line)

    def decode():
        typed = DECODERS[0]
        for line in lines:
            try:
                typed(line)
            except Exception:  # a line of another shape: the reader's business, not this baseline's
                pass

    def reader():
        for _ in Reader(io.BytesIO(data), typed=True):
            pass

    def reader_and_view():
        for unit in Reader(io.BytesIO(data), typed=True):
            if type(unit) is RecordUnit:
                view_of(unit.data, "dpo", "dpo", target, unit.line, unit.raw, unit.parts)

    def no_dataset():
        api.make_linter(ignore=["PFT6"]).lint_bytes(data, "file.jsonl")

    def check():
        api.make_linter().lint_bytes(data, "file.jsonl")

    return [("json.loads loop", loads), ("msgspec typed decode", decode), ("reader", reader),
            ("reader + view", reader_and_view), ("check, no dataset rules", no_dataset), ("check", check)]


def measure(path: Path, repeat: int) -> dict:
    data = path.read_bytes()
    records = data.count(b"\n") + (not data.endswith(b"\n"))
    out = {}
    for name, run in stages(data):
        best = float("inf")
        for _ in range(repeat):
            started = time.process_time()
            run()
            best = min(best, time.process_time() - started)
        out[name] = best / max(records, 1) * 1e6
    return {"file": str(path), "records": records, "us_per_record": out}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="a JSONL file (benchmarks/generate.py makes one)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each stage; the best counts (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    result = measure(Path(args.file), args.repeat)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['file']}: {result['records']:,} lines; CPU time per record, one core, best of {args.repeat}")
    previous = None
    for name, us in result["us_per_record"].items():
        step = "" if previous is None or name == "msgspec typed decode" else f"  (+{us - previous:.1f})"
        print(f"  {name:26} {us:7.1f} us{step}")
        if name != "json.loads loop":
            previous = us
    return 0


if __name__ == "__main__":
    sys.exit(main())
