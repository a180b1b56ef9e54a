"""Benchmark token counting: `pftlint check` (example-too-long on) and `pftlint stats`
against tiktoken's single-thread encoding of all message text, in one run.

    python benchmarks/bench_tokens.py --size 50MB             # generate (once) and measure
    python benchmarks/bench_tokens.py path/to/file.jsonl --repeat 5 --json

Measured, for one file, best of --repeat rounds (the three alternate within a round,
so that all see the same machine state):
- baseline: every message's text (string content and text parts, of every message list)
  extracted beforehand, then encoded one string after another on one thread with
  tiktoken (``Encoding.encode_ordinary``; the encoding is built from the rank files
  pftlint ships, which are tiktoken's own). Parsing is *not* in the baseline, which
  makes the ratios stricter than a script that also reads the file;
- script: the same, but reading and ``json.loads``-ing the file inside the timing (what a
  cookbook-style counting script does); ratios against it are reported too;
- ``pftlint check --isolated --output-format json FILE``: all default rules, the token
  rule included (its byte-size fast path skips encoding examples that cannot be too long);
- ``pftlint stats --isolated --output-format json FILE``: every example counted exactly.
Both are the real console script in a subprocess (start-up and tokenizer loading included).
Reported: wall seconds, CPU seconds (children), ratio to the baseline. Targets (issue 3):
check at most 0.3x, stats at most 0.8x, on two cores; issue 11: stats at most 0.6x the script.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import DATA, ensure_file, machine, pftlint_command  # noqa: E402

TARGETS = {"check": 0.3, "stats": 0.8}  # against the baseline
SCRIPT_TARGETS = {"stats": 0.6}  # against the script


def message_texts(path: Path) -> list[str]:
    """The text of every message in the file (what a naive token count would encode)."""
    texts: list[str] = []
    with open(path, "rb") as fh:
        for line in fh:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if not isinstance(record, dict):
                continue
            lists = [record.get("messages"), record.get("preferred_output"), record.get("non_preferred_output")]
            inp = record.get("input")
            if isinstance(inp, dict):
                lists.append(inp.get("messages"))
            for messages in lists:
                for msg in messages if isinstance(messages, list) else ():
                    content = msg.get("content") if isinstance(msg, dict) else None
                    if isinstance(content, str):
                        texts.append(content)
                    elif isinstance(content, list):
                        texts.extend(p["text"] for p in content
                                     if isinstance(p, dict) and isinstance(p.get("text"), str))
    return texts


def baseline(texts: list[str] | None, path: Path | None = None) -> dict:
    """Encode every text on one thread; with ``path``, read and parse the file first (timed too)."""
    from pftlint.tokens.counting import O200K, get_encoding

    encode = get_encoding(O200K).encode_ordinary
    wall, cpu = time.perf_counter(), time.process_time()
    if path is not None:
        texts = message_texts(path)
    tokens = 0
    for text in texts:
        tokens += len(encode(text))
    return {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu, "tokens": tokens}


def run_cli(args: list[str]) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    proc = subprocess.run([*pftlint_command(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env={**os.environ, "NO_COLOR": "1"})
    seconds = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"pftlint {' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return {"seconds": seconds, "cpu_seconds": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "stdout": proc.stdout}


def bench(path: Path, repeat: int) -> dict:
    texts = message_texts(path)
    base_runs, script_runs, check_runs, stats_runs = [], [], [], []
    for _ in range(repeat):
        base_runs.append(baseline(texts))
        script_runs.append(baseline(None, path))
        check_runs.append(run_cli(["check", "--isolated", "--output-format", "json", str(path)]))
        stats_runs.append(run_cli(["stats", "--isolated", "--output-format", "json", str(path)]))
    best = {name: min(runs, key=lambda r: r["seconds"])
            for name, runs in (("baseline", base_runs), ("script", script_runs), ("check", check_runs),
                               ("stats", stats_runs))}
    check_doc = json.loads(best["check"].pop("stdout"))
    stats_doc = json.loads(best["stats"].pop("stdout"))
    for runs in (check_runs, stats_runs):
        for run in runs:
            run.pop("stdout", None)
    counted = stats_doc["files"][0]
    base = best["baseline"]["seconds"]
    return {
        "file": str(path), "bytes": path.stat().st_size, "repeat": repeat, "machine": machine(),
        "message_texts": len(texts), "baseline_tokens": best["baseline"]["tokens"],
        "stats_examples": counted["examples"], "stats_total_tokens": counted["tokens"]["total"],
        "check_findings": len(check_doc["findings"]),
        "baseline": best["baseline"], "script": best["script"], "check": best["check"], "stats": best["stats"],
        "ratios": {name: round(best[name]["seconds"] / base, 3) for name in ("check", "stats")},
        "ratios_vs_script": {name: round(best[name]["seconds"] / best["script"]["seconds"], 3)
                             for name in ("check", "stats")},
        "cpu_ratios": {name: round(best[name]["cpu_seconds"] / best["baseline"]["cpu_seconds"], 3)
                       for name in ("check", "stats")},
        "targets": TARGETS,
        "script_targets": SCRIPT_TARGETS,
    }


def report(r: dict) -> None:
    m = r["machine"]
    print(f"{r['file']}: {r['bytes'] / 1e6:.1f} MB, {r['stats_examples']:,} examples, "
          f"{r['message_texts']:,} message texts, {r['baseline_tokens']:,} text tokens; best of {r['repeat']}")
    print(f"machine: {m.get('cpu')}, {m.get('nproc')} cores, Python {m.get('python')}")
    print(f"load average before: {m.get('load_before')}")
    print(f"{'':40} {'wall s':>8} {'cpu s':>8} {'ratio':>7} {'cpu ratio':>9} {'vs script':>9} {'target':>7} {'script target':>13}")
    print(f"{'baseline: tiktoken, 1 thread, encode only':40} {r['baseline']['seconds']:8.2f} "
          f"{r['baseline']['cpu_seconds']:8.2f} {'1.000':>7} {'1.000':>9}")
    print(f"{'script: read + json.loads + encode':40} {r['script']['seconds']:8.2f} {r['script']['cpu_seconds']:8.2f}")
    for name, label in (("check", "pftlint check (token rule on)"), ("stats", "pftlint stats (exact counts)")):
        print(f"{label:40} {r[name]['seconds']:8.2f} {r[name]['cpu_seconds']:8.2f} {r['ratios'][name]:7.3f} "
              f"{r['cpu_ratios'][name]:9.3f} {r['ratios_vs_script'][name]:9.3f} {TARGETS[name]:7.1f} "
              f"{SCRIPT_TARGETS[name] if name in SCRIPT_TARGETS else '':>13}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", help="a JSONL file (default: the generated --size file)")
    parser.add_argument("--size", default="50MB", help="size of the generated file (default 50MB)")
    parser.add_argument("--method", default="dpo", choices=("dpo", "supervised"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    args = parser.parse_args(argv)
    path = Path(args.file) if args.file else ensure_file(args.size, args.method, args.seed, DATA)
    result = bench(path, max(1, args.repeat))
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        print()
    else:
        report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
