"""Start-up cost: `pftlint check` on a 12-record file against `python -c pass`, and tokenizer loading.

    python benchmarks/bench_startup.py                          # the pftlint on PATH
    python benchmarks/bench_startup.py --pftlint /tmp/venv/bin/pftlint --repeat 30 --json

Measured, best of --repeat rounds (within a round the commands alternate, so that all see
the same machine state):
- ``python -c pass`` with the interpreter of the pftlint console script (its shebang line);
- ``pftlint check --isolated --output-format json examples/clean-dpo.jsonl`` (default rules);
- the same with ``--model gpt-4.1-mini --output-format table``: a token-counting model and the
  table (rich);
- tokenizer loading in a fresh interpreter, ``pftlint.tokens.counting.get_encoding`` for each encoding
  (tiktoken's import and the encoding's construction included), and the ranks alone
  (``pftlint._tokenizers.load_ranks``): cold (an empty cache folder: verify the rank file's
  SHA-256, parse it, write the cache) and warm (the cache written by the cold run).
Use the console script of a non-editable install (``pip install .`` into a fresh venv): an
editable install without bytecode recompiles every run. Target (issue 11): check within 0.1 s
of ``python -c pass``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLEAN = REPO / "examples" / "clean-dpo.jsonl"
TARGET_SECONDS = 0.1
LOAD = ("import sys, time; t = time.perf_counter(); from pftlint.tokens.counting import get_encoding; "
        "get_encoding(sys.argv[1]); print(time.perf_counter() - t)")
# The ranks alone (verify + parse, or the cache), without importing tiktoken or building the encoding.
RANKS = ("import sys, time; from pftlint._tokenizers import load_ranks; t = time.perf_counter(); "
         "load_ranks(sys.argv[1]); print(time.perf_counter() - t)")


def interpreter_of(script: str) -> str:
    """The Python a console script runs with (its #! line), else this one."""
    try:
        with open(script, "rb") as fh:
            first = fh.readline().decode("utf-8", "replace").strip()
    except OSError:
        return sys.executable
    return first[2:].strip() if first.startswith("#!") and "python" in first else sys.executable


def wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=REPO)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return seconds


def measure(pftlint: str, repeat: int, load_repeat: int) -> dict:
    python = interpreter_of(pftlint)
    cache = Path(tempfile.mkdtemp(prefix="pftlint-bench-cache-"))
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(cache)}
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "check": [pftlint, "check", "--isolated", "--output-format", "json", str(CLEAN)],
        "check --model gpt-4.1-mini (table)": [pftlint, "check", "--isolated", "--model", "gpt-4.1-mini",
                                               "--output-format", "table", str(CLEAN)],
    }
    best = {name: float("inf") for name in commands}
    loads: dict[str, dict[str, float]] = {}
    try:
        for _ in range(repeat):
            for name, argv in commands.items():
                best[name] = min(best[name], wall(argv, env))
        for encoding in ("o200k_base", "cl100k_base"):
            figures = {}
            for what, code in (("", LOAD), ("ranks ", RANKS)):
                cold = warm = float("inf")
                for _ in range(load_repeat):
                    shutil.rmtree(cache / "pftlint", ignore_errors=True)
                    cold = min(cold, float(subprocess.check_output([python, "-c", code, encoding], env=env)))
                    warm = min(warm, float(subprocess.check_output([python, "-c", code, encoding], env=env)))
                figures.update({f"{what}cold": round(cold, 4), f"{what}warm": round(warm, 4)})
            loads[encoding] = figures
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    base = best["python -c pass"]
    return {
        "pftlint": pftlint, "python": python, "repeat": repeat, "load repeat": load_repeat, "cpus": os.cpu_count(),
        "load": os.getloadavg()[0],
        "seconds": {name: round(s, 4) for name, s in best.items()},
        "over python -c pass": {name: round(s - base, 4) for name, s in best.items() if name != "python -c pass"},
        "target": TARGET_SECONDS,
        "tokenizer load (seconds, in a fresh interpreter)": loads,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pftlint", default=shutil.which("pftlint"), help="the console script (default: on PATH)")
    parser.add_argument("--repeat", type=int, default=20, help="rounds (best of)")
    parser.add_argument("--load-repeat", type=int, default=5, help="rounds of the tokenizer loads (best of)")
    parser.add_argument("--json", action="store_true", help="one JSON document")
    args = parser.parse_args(argv)
    if not args.pftlint:
        parser.error("no pftlint on PATH; pass --pftlint")
    doc = measure(args.pftlint, max(1, args.repeat), max(1, args.load_repeat))
    if args.json:
        print(json.dumps(doc, indent=1))
        return 0
    print(f"{doc['pftlint']} (python {doc['python']}), best of {doc['repeat']}, {doc['cpus']} CPUs, "
          f"load {doc['load']:.2f}")
    for name, seconds in doc["seconds"].items():
        extra = doc["over python -c pass"].get(name)
        print(f"  {name:<38} {seconds:7.3f} s" + ("" if extra is None else f"   +{extra:.3f} s"))
    print(f"  target: check within {TARGET_SECONDS} s of python -c pass")
    for encoding, figures in doc["tokenizer load (seconds, in a fresh interpreter)"].items():
        print(f"  get_encoding({encoding}): cold {figures['cold']:.3f} s, warm {figures['warm']:.3f} s; "
              f"its ranks alone: cold {figures['ranks cold']:.3f} s, warm {figures['ranks warm']:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
