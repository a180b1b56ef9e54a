"""Benchmark pftlint against a plain ``json.loads`` loop over the same file, in one run.

    python benchmarks/bench.py --size 50MB                 # generate (once) and measure
    python benchmarks/bench.py path/to/file.jsonl --repeat 5
    python benchmarks/bench.py --memory --sizes 50MB,500MB  # peak memory against file size
    python benchmarks/bench.py --size 50MB --json          # machine-readable

Measured, for one file:
- baseline: a Python loop that ``json.loads`` every line (best of --repeat runs);
- ``pftlint check --isolated --output-format json FILE > /dev/null``, the real console
  script in a subprocess, all default rules (best of --repeat runs), its CPU time and
  its peak memory: the largest single process (``ru_maxrss`` from ``wait4``) and the
  whole process tree (worker processes included), sampled from /proc;
- the same check in process through ``pftlint.api`` on one core, and a cProfile of it
  (top functions by cumulative and by own time, per record) written to --profile-out;
- the ratio pftlint / baseline and the throughput of each, in MB/s (10**6 bytes).
Runs of the baseline and of pftlint alternate, so that both see the same machine state.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py, beside this file)

# Issue 11's targets for `pftlint check` against the loop: 2 cores 1.0x at 50 MB and 0.8x from 500 MB;
# one core 1.5x.
def target_ratio(cores: int, size: int) -> float:
    if cores <= 1:
        return 1.5
    return 0.8 if size >= 500 * 10**6 else 1.0


TARGET_RSS_MB = 100.0
MB = 10**6


# -- the file -----------------------------------------------------------------------------------
def ensure_file(size_text: str, method: str, seed: int, data: Path = DATA) -> Path:
    """The generated file for this size, method and seed (made once; generation is deterministic)."""
    size = generate.parse_size(size_text)
    path = data / f"{method}-{size_text.replace(' ', '')}-seed{seed}.jsonl"
    if not path.exists() or path.stat().st_size > size:
        data.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        started = time.perf_counter()
        with open(tmp, "wb", buffering=1 << 20) as out:
            records, written = generate.generate(out, size, method, seed)
        os.replace(tmp, path)
        print(f"generated {path} ({records} records, {written / MB:.1f} MB) in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


# -- the baseline --------------------------------------------------------------------------------
def json_loop(path: Path) -> int:
    """The baseline: json.loads on every line. Returns the number of lines parsed."""
    loads = json.loads
    parsed = 0
    with open(path, "rb") as stream:
        for line in stream:
            try:
                loads(line)
                parsed += 1
            except ValueError:
                pass
    return parsed


# -- the console script in a subprocess ------------------------------------------------------------
def pftlint_command() -> list[str]:
    exe = shutil.which("pftlint", path=str(Path(sys.executable).parent)) or shutil.which("pftlint")
    return [exe] if exe else [sys.executable, "-m", "pftlint"]


class TreeMemory:
    """Samples the resident memory of a process and all its descendants (Linux /proc).

    ``peak_rss`` adds up the RSS of every process (pages shared after fork count once per
    process, so it overstates); ``peak_pss`` adds up PSS (shared pages split between the
    processes that share them: the honest total), when smaps_rollup is readable.
    """

    def __init__(self, pid: int, interval: float = 0.02):
        self.pid = pid
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_processes = 0
        self.peak_main_rss = 0  # the pftlint process itself
        self.peak_worker_rss = 0  # the largest of its descendants (worker processes)
        self.available = os.path.isdir(f"/proc/{pid}")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self.available:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, ()))
        return tree

    def sample(self) -> None:
        rss = pss = 0
        tree = self._tree()
        for pid in tree:
            one = 0
            try:
                with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                    for line in f:
                        if line.startswith(b"Rss:"):
                            one = int(line.split()[1]) * 1024
                        elif line.startswith(b"Pss:"):
                            pss += int(line.split()[1]) * 1024
            except OSError:
                continue
            rss += one
            if pid == self.pid:
                self.peak_main_rss = max(self.peak_main_rss, one)
            else:
                self.peak_worker_rss = max(self.peak_worker_rss, one)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_processes = max(self.peak_processes, len(tree))


def run_cli(path: Path, extra: list[str], sample_memory: bool = True) -> dict:
    """One ``pftlint check`` run: wall time, CPU time, exit status, peak memory."""
    cmd = [*pftlint_command(), "check", "--isolated", "--output-format", "json", *extra, str(path)]
    env = {**os.environ, "NO_COLOR": "1"}
    with open(os.devnull, "wb") as devnull, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=devnull, stderr=err, stdin=subprocess.DEVNULL, env=env)
        tree = TreeMemory(proc.pid) if sample_memory else None
        if tree:
            tree.__enter__()
        try:
            if hasattr(os, "wait4"):
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
            else:  # pragma: no cover - not Linux or macOS
                proc.wait()
                usage = None
        finally:
            if tree:
                tree.__exit__()
        seconds = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace").strip()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"pftlint check failed with exit status {proc.returncode}: {stderr}")
    result = {"seconds": seconds, "exit_status": proc.returncode}
    if usage is not None:
        # ru_maxrss: KiB on Linux, bytes on macOS; wait4 reports the largest of the child and
        # its waited-for descendants, not their sum.
        scale = 1 if sys.platform == "darwin" else 1024
        result["max_process_rss_mb"] = usage.ru_maxrss * scale / MB
        result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    if tree and tree.available:
        result["tree_peak_rss_mb"] = tree.peak_rss / MB
        result["tree_peak_pss_mb"] = tree.peak_pss / MB
        result["processes"] = tree.peak_processes
        result["main_peak_rss_mb"] = tree.peak_main_rss / MB
        result["worker_peak_rss_mb"] = tree.peak_worker_rss / MB
    return result


def best_cli(runs: list[dict]) -> dict:
    best = dict(min(runs, key=lambda r: r["seconds"]))
    for key in ("max_process_rss_mb", "tree_peak_rss_mb", "tree_peak_pss_mb", "processes",
                "main_peak_rss_mb", "worker_peak_rss_mb"):
        values = [r[key] for r in runs if key in r]
        if values:
            best[key] = max(values)  # the peak over all runs
    return best


# -- in process --------------------------------------------------------------------------------------
def single_core_linter():
    """A Linter with the default rules on one core (cProfile cannot follow worker processes)."""
    from pftlint import api

    return api.make_linter()  # a Linter runs in one process; workers are runner.run's


def in_process(path: Path) -> dict:
    linter = single_core_linter()
    cpu, started = time.process_time(), time.perf_counter()
    report = linter.run([str(path)])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu, "findings": sum(len(f.findings) for f in report.files),
            "records": sum(f.records for f in report.files)}


def profile(path: Path, out: Path, top: int = 25) -> dict:
    """cProfile of one in-process, single-core run; writes the report to ``out``."""
    linter = single_core_linter()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    report = linter.run([str(path)])
    profiler.disable()
    seconds = time.perf_counter() - started
    records = max(1, sum(f.records for f in report.files))
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, lineno, name), (cc, nc, tottime, cumtime, _) in stats.stats.items():
        rows.append({"function": _where(filename, lineno, name), "calls": nc, "tottime": tottime,
                     "cumtime": cumtime})
    text = io.StringIO()
    text.write(f"cProfile of one in-process, single-core pftlint run (all default rules)\n"
               f"file: {path} ({path.stat().st_size / MB:.1f} MB, {records} records)\n"
               f"profiled time: {seconds:.2f} s (cProfile itself slows the run down)\n\n")
    for key, title in (("cumtime", "cumulative"), ("tottime", "own time (tottime)")):
        text.write(f"== top {top} by {title}: microseconds per record, calls per record ==\n")
        text.write(f"{'cum us/rec':>11} {'own us/rec':>11} {'calls/rec':>10}  function\n")
        for row in sorted(rows, key=lambda r: r[key], reverse=True)[:top]:
            text.write(f"{row['cumtime'] / records * 1e6:11.2f} {row['tottime'] / records * 1e6:11.2f} "
                       f"{row['calls'] / records:10.2f}  {row['function']}\n")
        text.write("\n")
    for key in ("cumulative", "tottime"):
        text.write(f"== pstats, sorted by {key} ==\n")
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(key).print_stats(top)
        text.write(stream.getvalue())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text.getvalue(), encoding="utf-8")
    by_own = sorted(rows, key=lambda r: r["tottime"], reverse=True)[:10]
    return {"seconds": seconds, "records": records, "path": str(out),
            "top_own_us_per_record": [{"function": r["function"],
                                       "us_per_record": round(r["tottime"] / records * 1e6, 2)}
                                      for r in by_own]}


def rule_costs(path: Path, limit: int = 5000) -> dict | None:
    """Microseconds per record of each part of a check, without a profiler, on the first records.

    The reader, the walk over the messages (Record.messages(), shared by the rules), each
    record rule, each dataset rule's per-record key, and what is left of the one-core engine
    run over the same bytes (dispatch, findings, file rules, dataset bookkeeping). Uses the
    engine's internals, so it reports None if they have changed shape.
    """
    from itertools import islice

    from pftlint.model import formats
    from pftlint.reading.reader import Reader, RecordUnit
    from pftlint.model.layouts import view_of
    from pftlint.rules import silent_when_typed

    with open(path, "rb") as stream:
        data = b"".join(islice(stream, limit))
    linter = single_core_linter()
    try:
        clock = time.process_time
        started = clock()  # first, while module-level caches are as cold as in a real run
        linter.lint_bytes(data, str(path))
        total = clock() - started
        started = clock()
        units = [u for u in Reader(io.BytesIO(data), typed=True) if type(u) is RecordUnit]
        reader = clock() - started
        if not units:
            return None
        fmt = formats.detect(units[0].data)
        method = formats.METHOD_OF.get(fmt, "dpo")
        started = clock()
        for line in data.splitlines():
            json.loads(line)
        loads = clock() - started
        started = clock()
        records = [view_of(u.data, fmt, method, linter.target, u.line, u.text, u.parts) for u in units]
        for record in records:
            record.messages()
        walk = clock() - started
        # Every part runs on each record in the engine's order, timed call by call, so that a
        # value one part caches for the next (e.g. a digest shared by dataset rules) counts once.
        checks = [(active.rule.name, check, active.options, guard) for check, active, guard in linter._record_checks[method]]
        keys = [(f"{active.rule.name} (dataset key)", state) for state, active in linter._dataset_for(method)]
        spent = [0.0] * (len(checks) + len(keys))
        timer = time.perf_counter  # cheap enough per call; scaled to CPU time below
        overhead = timer()
        for _ in range(10000):
            started = timer()
            spent[0] += timer() - started
        overhead = spent[0] / 10000
        spent[0] = 0.0
        cpu, wall = clock(), timer()
        for record, unit in zip(records, units):
            i = 0
            for _, check, options, guard in checks:
                started = timer()
                # as the engine does: a rule whose guard says silent is skipped
                if guard is None or not (guard is silent_when_typed and record.typed or guard(record, options)):
                    for _ in check(record, options):
                        pass
                spent[i] += timer() - started
                i += 1
            for _, state in keys:
                started = timer()
                state.key(record, unit)
                spent[i] += timer() - started
                i += 1
        cpu, wall = clock() - cpu, timer() - wall
        # other processes on the machine stretch wall time; count the parts in CPU time
        scale = cpu / wall if wall > 0 else 1.0
        spent = [max(0.0, (t - overhead * len(records)) * scale) for t in spent]
        parts = list(zip([c[0] for c in checks] + [k[0] for k in keys], spent))
    except (AttributeError, TypeError, ValueError):
        return None
    n = len(units)
    measured = reader + walk + sum(t for _, t in parts)
    rows = [("reader (decode, json.loads, structure checks)", reader), ("Record.messages() walk", walk),
            *sorted(parts, key=lambda p: p[1], reverse=True),
            ("rest of the engine (dispatch, findings, file and dataset bookkeeping)", max(0.0, total - measured))]
    return {"records": n, "total_us_per_record": total / n * 1e6, "json_loads_us_per_record": loads / n * 1e6,
            # parts timed one by one add up to more than the whole on a busy machine: shares of the larger
            "parts": [{"part": name, "us_per_record": t / n * 1e6, "share": t / max(total, measured, 1e-9)}
                      for name, t in rows]}


def format_rule_costs(costs: dict) -> str:
    lines = [f"== cost per record without a profiler (CPU time, first {costs['records']} records, one core) ==",
             f"engine total {costs['total_us_per_record']:.1f} us/record; the json.loads loop alone "
             f"{costs['json_loads_us_per_record']:.1f} us/record (parts are approximate: timed one by one)",
             f"{'us/rec':>8} {'share':>6}  part"]
    for part in costs["parts"]:
        lines.append(f"{part['us_per_record']:8.1f} {part['share'] * 100:5.1f}%  {part['part']}")
    return "\n".join(lines) + "\n"


def _where(filename: str, lineno: int, name: str) -> str:
    if filename == "~":
        return name  # a builtin
    parts = Path(filename).parts
    short = "/".join(parts[parts.index("pftlint"):]) if "pftlint" in parts else Path(filename).name
    return f"{short}:{lineno}({name})"


# -- the machine --------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    try:
        from pftlint import __version__ as version
    except ImportError:
        version = "?"
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"date": datetime.date.today().isoformat(), "cpu": cpu, "nproc": cores,
            "python": platform.python_version(), "pftlint": version, "commit": commit,
            "load_before": load}


# -- the runs -------------------------------------------------------------------------------------------
def bench_file(path: Path, repeat: int, extra: list[str], profile_out: Path | None) -> dict:
    size = path.stat().st_size
    base_times, base_cpu, cli_runs = [], [], []
    lines = 0
    for _ in range(repeat):
        cpu, started = time.process_time(), time.perf_counter()
        lines = json_loop(path)
        base_times.append(time.perf_counter() - started)
        base_cpu.append(time.process_time() - cpu)
        cli_runs.append(run_cli(path, extra))
    baseline = min(base_times)
    cli = best_cli(cli_runs)
    tiny = _startup(extra, repeat)
    api = in_process(path)
    result = {
        "file": str(path), "bytes": size, "records": api["records"], "repeat": repeat,
        "baseline": {"seconds": baseline, "cpu_seconds": min(base_cpu), "mb_per_s": size / MB / baseline,
                     "lines": lines},
        "cli": {**cli, "mb_per_s": size / MB / cli["seconds"]},
        "startup": tiny,
        "api_one_core": {**api, "mb_per_s": size / MB / api["seconds"]},
        "ratio": cli["seconds"] / baseline,
        "ratio_api_one_core": api["seconds"] / baseline,
        # CPU time is less disturbed than wall time by other load on the machine
        "cpu_ratio": cli.get("cpu_seconds", float("nan")) / min(base_cpu),
    }
    if profile_out is not None:
        result["profile"] = profile(path, profile_out)
        costs = rule_costs(path)
        if costs is not None:
            result["rule_costs"] = costs
            with open(profile_out, "a", encoding="utf-8") as out:
                out.write("\n" + format_rule_costs(costs))
    return result


def _startup(extra: list[str], repeat: int) -> dict:
    """pftlint check on a 60 KB file: interpreter, imports and catalog, little real work."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tiny.jsonl"
        with open(path, "wb") as out:
            generate.generate(out, 60_000, "dpo", 0)
        runs = [run_cli(path, extra) for _ in range(max(1, repeat))]
    best = best_cli(runs)
    return {"seconds": best["seconds"], "max_process_rss_mb": best.get("max_process_rss_mb")}


def bench_memory(sizes: list[str], method: str, seed: int, extra: list[str], data: Path = DATA) -> dict:
    rows = []
    for size_text in sizes:
        path = ensure_file(size_text, method, seed, data)
        run = run_cli(path, extra)
        rows.append({"size": size_text, "file": str(path), "bytes": path.stat().st_size, **run,
                     "mb_per_s": path.stat().st_size / MB / run["seconds"]})
    key = "tree_peak_pss_mb" if all("tree_peak_pss_mb" in r for r in rows) else "max_process_rss_mb"
    peaks = [r.get(key, 0.0) for r in rows]
    return {"rows": rows, "measure": key, "peak_mb": max(peaks),
            "growth_mb": peaks[-1] - peaks[0], "target_mb": TARGET_RSS_MB}


# -- output ---------------------------------------------------------------------------------------------
def _mem(run: dict) -> str:
    parts = []
    if "tree_peak_pss_mb" in run:
        parts.append(f"tree PSS {run['tree_peak_pss_mb']:.1f} MB, tree RSS {run['tree_peak_rss_mb']:.1f} MB "
                     f"({run['processes']} processes; RSS of the main one {run['main_peak_rss_mb']:.1f} MB, "
                     f"largest worker {run['worker_peak_rss_mb']:.1f} MB)")
    if "max_process_rss_mb" in run:
        parts.append(f"largest process {run['max_process_rss_mb']:.1f} MB")
    return "; ".join(parts) or "not measured"


def _header(kind: str, m: dict) -> None:
    load = "" if m["load_before"] is None else f"; load average {m['load_before']:.2f} before the run"
    print(f"pftlint {kind}, {m['date']}: {m['cpu']}, {m['nproc']} cores, Python {m['python']}, "
          f"pftlint {m['pftlint']} ({m['commit']}){load}")


def print_file_report(m: dict, r: dict) -> None:
    _header("benchmark", m)
    print(f"file: {r['file']}: {r['bytes'] / MB:.1f} MB, {r['records']} records")
    print(f"{'':34}{'best s':>9}{'MB/s':>9}{'x loop':>9}{'CPU s':>9}")
    rows = [("json.loads loop (baseline)", r["baseline"]),
            ("pftlint check (CLI, default)", r["cli"]),
            ("pftlint api (in process, 1 core)", r["api_one_core"])]
    for name, run in rows:
        seconds = run["seconds"]
        cpu = f"{run['cpu_seconds']:9.2f}" if "cpu_seconds" in run else f"{'?':>9}"
        print(f"{name:34}{seconds:9.2f}{r['bytes'] / MB / seconds:9.1f}"
              f"{seconds / r['baseline']['seconds']:9.2f}{cpu}")
    cli = r["cli"]
    print(f"CPU time (user+sys, all processes of the check / the loop): {r['cpu_ratio']:.2f}x")
    print(f"pftlint check startup on a 60 KB file: {r['startup']['seconds']:.2f} s")
    print(f"pftlint check peak memory: {_mem(cli)}")
    print(f"findings on this file: {r['api_one_core']['findings']} (CLI exit status {cli['exit_status']})")
    target = target_ratio(m["nproc"], r["bytes"])
    verdict = "met" if r["ratio"] <= target else "NOT met"
    print(f"ratio pftlint check / json.loads loop: {r['ratio']:.2f}x wall, {r['cpu_ratio']:.2f}x CPU "
          f"(target <= {target}x on {m['nproc']} core{'s' if m['nproc'] > 1 else ''}: {verdict})")
    if "profile" in r:
        p = r["profile"]
        print(f"profile ({p['seconds']:.2f} s under cProfile) written to {p['path']}; own time per record:")
        for row in p["top_own_us_per_record"]:
            print(f"  {row['us_per_record']:9.2f} us  {row['function']}")
    if "rule_costs" in r:
        print(format_rule_costs(r["rule_costs"]), end="")


def print_memory_report(m: dict, r: dict) -> None:
    _header("memory", m)
    for row in r["rows"]:
        print(f"{row['size']:>8} ({row['bytes'] / MB:7.1f} MB): {row['seconds']:7.2f} s, "
              f"{row['mb_per_s']:6.1f} MB/s; {_mem(row)}")
    verdict = "met" if r["peak_mb"] < TARGET_RSS_MB else "NOT met"
    print(f"peak ({r['measure']}): {r['peak_mb']:.1f} MB (target < {TARGET_RSS_MB:.0f} MB: {verdict}); "
          f"growth from the smallest to the largest file: {r['growth_mb']:+.1f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("file", nargs="?", help="a JSONL file to measure (or use --size)")
    parser.add_argument("--size", help="generate a file of this size under benchmarks/data (50MB, 2MiB...)")
    parser.add_argument("--method", choices=("dpo", "supervised", "trl"), default="dpo",
                        help="of the generated file (trl: the DPO records in TRL's layout)")
    parser.add_argument("--seed", type=int, default=0, help="of the generated file")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts (default 3)")
    parser.add_argument("--memory", action="store_true", help="memory mode: one run per size of --sizes")
    parser.add_argument("--sizes", default="50MB,500MB", help="sizes for --memory (default 50MB,500MB)")
    parser.add_argument("--data-dir", default=str(DATA),
                        help="where generated files are kept (default benchmarks/data, git-ignored)")
    parser.add_argument("--profile-out", default=str(HERE / "profile.txt"),
                        help="where to write the cProfile report (default benchmarks/profile.txt)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run")
    parser.add_argument("--cli-arg", action="append", default=[], metavar="ARG",
                        help="an extra argument for pftlint check (repeatable), e.g. --cli-arg=--target=azure")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    info = machine()
    if args.memory:
        sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
        try:
            for size in [*sizes, args.size or "0"]:
                generate.parse_size(size)
        except ValueError as exc:
            parser.error(str(exc))
        if not sizes:
            parser.error("--sizes needs at least one size")
        result = bench_memory(sizes, args.method, args.seed, args.cli_arg, Path(args.data_dir))
        if args.json:
            print(json.dumps({"machine": info, "memory": result}, indent=2))
        else:
            print_memory_report(info, result)
        return 0
    if args.file and args.size:
        parser.error("give a FILE or --size, not both")
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            parser.error(f"{path}: no such file")
    elif args.size:
        try:
            path = ensure_file(args.size, args.method, args.seed, Path(args.data_dir))
        except ValueError as exc:
            parser.error(str(exc))
    else:
        parser.error("give a FILE or --size")
    result = bench_file(path, args.repeat, args.cli_arg, None if args.no_profile else Path(args.profile_out))
    if args.json:
        print(json.dumps({"machine": info, "benchmark": result}, indent=2))
    else:
        print_file_report(info, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
