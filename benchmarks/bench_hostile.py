"""Time and peak memory of `pftlint check` on hostile single-purpose files (issue 10, items 7-9).

    python benchmarks/bench_hostile.py                         # every case, this checkout's pftlint
    python benchmarks/bench_hostile.py --case memory --sizes 8MB,10MB,24MB
    python benchmarks/bench_hostile.py --pftlint /path/to/other/venv/bin/pftlint   # another version
    python benchmarks/bench_hostile.py --json

Cases (each file is generated into --work, default benchmarks/data/hostile):
  locate   one record with N bad roles (--roles, default 1000,4000,20000): N findings to locate
  memory   one message of N bytes (--sizes), as plain words and as one unbroken run of 'a'
  tools    1,000 records, each with a distinct tool schema nested 20 levels; 1,000 records repeating
           one such tool; distinct ones with patternProperties (a keyword that needs the full check)

Peak memory is the child's maximum RSS (os.wait4), time its wall clock. No figure is asserted:
the test suite only runs this script on tiny inputs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAKE = False  # write the files: only in the --generate-only child


def parse_size(text: str) -> int:
    text = text.strip().upper().replace(" ", "")
    for unit, factor in (("MIB", 2**20), ("KIB", 2**10), ("MB", 10**6), ("KB", 10**3), ("B", 1)):
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def _write(path: Path, records) -> Path:
    """Write the records (an iterator, consumed only in the --generate-only child) to ``path``."""
    if MAKE:
        with path.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _dpo(content: str) -> dict:
    return {"input": {"messages": [{"role": "user", "content": content}]},
            "preferred_output": [{"role": "assistant", "content": "a"}],
            "non_preferred_output": [{"role": "assistant", "content": "b"}]}


def roles_records(n: int):
    """Block D5 of the hostile test: one record whose input holds n messages with role 'human'."""
    record = _dpo("q")
    record["input"]["messages"][:0] = [{"role": "human", "content": f"m{i}"} for i in range(n)]
    yield record


def message_records(size: int, kind: str):
    """One DPO record whose user message is ``size`` characters: words, or one run of 'a' (block D10)."""
    if kind == "run":
        yield _dpo("a" * size)
    else:
        unit = "The quick brown fox jumps over the lazy dog, 42 times. "
        yield _dpo((unit * (size // len(unit) + 1))[:size])


def deep_schema(depth: int, tag: int, leaf: dict) -> dict:
    schema = leaf
    for d in range(depth):
        schema = {"type": "object", "properties": {f"p{d}_{tag}": schema, "n": {"type": "integer"}},
                  "required": [f"p{d}_{tag}"]}
    return schema


def tools_records(n: int, distinct: bool, full: bool, depth: int = 20):
    """n records with one tool each, its parameters nested ``depth`` levels.

    ``full``: the leaf uses patternProperties, a keyword that needs jsonschema's full metaschema check.
    """
    for i in range(n):
        tag = i if distinct else 0
        leaf = {"type": "string", "description": f"leaf {tag}"}
        if full:
            leaf["patternProperties"] = {"^x": {"type": "string"}}
        params = deep_schema(depth, tag, leaf)
        yield {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}],
               "tools": [{"type": "function", "function": {"name": f"f{tag}", "parameters": params}}]}


def measure(pftlint: list[str], path: Path, *args: str, timeout: float) -> dict:
    """Wall time, peak RSS (MB) and exit status of one `pftlint check` run."""
    start = time.perf_counter()
    proc = subprocess.Popen([*pftlint, "check", "--output-format", "concise", *args, str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _, status, usage = _wait(proc, timeout)
    except TimeoutError:
        proc.kill()
        os.wait4(proc.pid, 0)
        return {"file": path.name, "args": list(args), "seconds": None, "peak_mb": None, "status": "timeout"}
    return {"file": path.name, "args": list(args), "seconds": round(time.perf_counter() - start, 2),
            "peak_mb": round(usage.ru_maxrss / 1024, 1), "status": os.waitstatus_to_exitcode(status)}


def _wait(proc: subprocess.Popen, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return pid, status, usage
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.02)


def files(args) -> list[tuple[str, int, str | None, Path, tuple[str, ...]]]:
    """(case, n, kind, file, extra arguments of check) of every run asked for, generating the files."""
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    cases = set(args.case or ["locate", "memory", "tools"])
    out = []
    if "locate" in cases:
        for n in [int(x) for x in args.roles.split(",")]:
            out.append(("locate", n, None, _write(work / f"roles-{n}.jsonl", roles_records(n)),
                        ("--select", "invalid-role")))
    if "memory" in cases:
        for size in [parse_size(x) for x in args.sizes.split(",")]:
            for kind in ("words", "run"):
                path = _write(work / f"message-{kind}-{size}.jsonl", message_records(size, kind))
                out.append(("memory", size, kind, path, ()))
    if "tools" in cases:
        for distinct, full in ((True, False), (False, False), (True, True)):
            kind = ("distinct" if distinct else "same") + ("-full" if full else "")
            path = _write(work / f"tools-{args.tools}-{kind}.jsonl", tools_records(args.tools, distinct, full))
            out.append(("tools", args.tools, kind, path, ("--select", "invalid-tool-definition")))
    return out


def run(args, argv: list[str]) -> list[dict]:
    # The files are made in a child process: Linux keeps a process's peak RSS across fork and exec, so
    # a parent that had built a 24 MB message would lend its peak to every pftlint it starts.
    subprocess.run([sys.executable, __file__, "--generate-only", *argv], check=True)
    found = args.pftlint or shutil.which("pftlint")
    pftlint = [found] if found else [sys.executable, "-m", "pftlint"]
    return [{"case": case, "n": n, "kind": kind, **measure(pftlint, path, *extra, timeout=args.timeout)}
            for case, n, kind, path, extra in files(args)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", action="append", choices=["locate", "memory", "tools"])
    parser.add_argument("--roles", default="1000,4000,20000", help="bad roles per record (locate)")
    parser.add_argument("--sizes", default="8MB,10MB,24MB", help="message sizes (memory)")
    parser.add_argument("--tools", type=int, default=1000, help="records of the tools case")
    parser.add_argument("--pftlint", help="the pftlint executable to measure (default: the one on PATH)")
    parser.add_argument("--work", default=str(HERE / "data" / "hostile"), help="where the files are written")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run is stopped")
    parser.add_argument("--json", action="store_true", help="print the rows as one JSON document")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    if args.generate_only:
        global MAKE
        MAKE = True
        files(args)
        return 0
    rows = run(args, argv)
    if args.json:
        print(json.dumps({"rows": rows}, indent=2))
    else:
        for r in rows:
            seconds = "timeout" if r["seconds"] is None else f"{r['seconds']:.2f} s"
            peak = "-" if r["peak_mb"] is None else f"{r['peak_mb']:.1f} MB"
            print(f"{r['case']:7} {r['file']:40} {seconds:>10} {peak:>10}  exit {r['status']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
