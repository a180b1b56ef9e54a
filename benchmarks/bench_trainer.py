"""Benchmark `pftlint stats --tokenizer` on a TRL file against the tokenizer's own batch encoding of the
same texts, side by side.

    python benchmarks/bench_trainer.py --size 50MB            # generate (once) and measure
    python benchmarks/bench_trainer.py --size 5MB --repeat 1 --json

Made once under benchmarks/data/ (git-ignored):
- a TRL conversational file: the DPO file of generate.py (same size and seed) with each record written
  as {"prompt": [...], "chosen": [...], "rejected": [...], "tools": [...]};
- a tokenizer: a byte-level BPE of 32,000 tokens trained on the file's own text (the size of Llama 2's
  and Mistral's vocabularies), adding a BOS, with a ChatML chat template that renders tools, saved as
  tokenizer.json + tokenizer_config.json (what a model's Hugging Face folder holds).

Measured, best of --repeat rounds (the two alternate within a round, so both see the same machine state):
- baseline: every text TRL tokenizes (the prompt rendered with the generation prompt, prompt+chosen and
  prompt+rejected rendered whole, by pftlint.tokens.hf), rendered *before* the timing and written to a
  file, then read back and encoded in a subprocess with ``Tokenizer.encode_batch_fast`` in batches of
  the same size pftlint uses; only the encoding is timed (CPU of every thread of the process);
- ``pftlint stats --isolated --target trl --tokenizer DIR --output-format json FILE``: the real console
  script in a subprocess, start-up, reading, JSON parsing, the view, rendering and encoding included
  (CPU of the child and its threads).
Reported: wall and CPU seconds, and the CPU ratio (target: at most 1.2x). The machine may be loaded:
CPU seconds are the figure to compare.
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
DATA = HERE / "data"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

VOCAB = 32_000
BATCH = 1024  # pftlint.stats.PAIR_BATCH
TEMPLATE = (
    "{{ bos_token }}"
    "{% if tools %}{{ '<|im_start|>system\\n# Tools\\n' + (tools | tojson) + '<|im_end|>\\n' }}{% endif %}"
    "{% for m in messages %}"
    "{% if m['role'] == 'assistant' and m.get('tool_calls') %}"
    "{{ '<|im_start|>assistant\\n' + (m['tool_calls'] | tojson) + '<|im_end|>\\n' }}"
    "{% else %}"
    "{{ '<|im_start|>' + m['role'] + '\\n' + (m['content'] if m['content'] is string else '') + '<|im_end|>\\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
ENCODE_ONLY = """
import json, sys, time
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1])
texts = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
batch = int(sys.argv[3])
start, wall = time.process_time(), time.perf_counter()
n = 0
for i in range(0, len(texts), batch):
    n += sum(len(e) for e in tok.encode_batch_fast(texts[i:i + batch], add_special_tokens=False))
print(json.dumps({"cpu": time.process_time() - start, "wall": time.perf_counter() - wall, "tokens": n,
                  "texts": len(texts)}))
"""


def trl_file(size: int, seed: int) -> Path:
    """The DPO file of generate.py in TRL's conversational layout (made once)."""
    path = DATA / f"trl-{size}-{seed}.jsonl"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    openai_path = DATA / f"dpo-{size}-{seed}.jsonl"
    if not openai_path.exists():
        with open(openai_path, "wb") as out:
            generate.generate(out, size, "dpo", seed)
    with open(openai_path, encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
        for line in src:
            record = json.loads(line)
            inp = record["input"]
            row = {"prompt": inp["messages"], "chosen": record["preferred_output"],
                   "rejected": record["non_preferred_output"]}
            if inp.get("tools"):
                row["tools"] = inp["tools"]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def tokenizer_dir(source: Path) -> Path:
    """A 32k byte-level BPE trained on the file's text, with a ChatML template (made once)."""
    folder = DATA / f"tokenizer-{VOCAB}"
    if (folder / "tokenizer.json").exists():
        return folder
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    def texts():
        with open(source, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= 4000:
                    break
                record = json.loads(line)
                for side in ("prompt", "chosen", "rejected"):
                    for m in record[side]:
                        if isinstance(m.get("content"), str):
                            yield m["content"]

    special = ["<s>", "</s>", "<|im_start|>", "<|im_end|>"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(texts(), trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=special,
                                                         show_progress=False,
                                                         initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", tok.token_to_id("<s>"))])
    folder.mkdir(parents=True, exist_ok=True)
    tok.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps(
        {"bos_token": "<s>", "eos_token": "<|im_end|>", "chat_template": TEMPLATE}), encoding="utf-8")
    return folder


def rendered_texts(path: Path, folder: Path) -> Path:
    """Every text TRL tokenizes for the file, one JSON string a line (rendered once, outside the timing)."""
    out_path = path.with_suffix(f".texts-{folder.name}.jsonl")
    if out_path.exists():
        return out_path
    from pftlint.tokens import hf

    model = hf.load(str(folder))
    with open(path, encoding="utf-8") as src, open(out_path, "w", encoding="utf-8") as out:
        for line in src:
            r = json.loads(line)
            for text in model.pair_texts(r["prompt"], (r["chosen"], r["rejected"]), r.get("tools")):
                out.write(json.dumps(text, ensure_ascii=False) + "\n")
    return out_path


def child_cpu(cmd: list[str]) -> tuple[float, float, str]:
    """(CPU seconds of the child and its threads, wall seconds, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {proc.stderr.strip()}")
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall, proc.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="50MB", help="file size to generate (default 50MB)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON document")
    args = parser.parse_args(argv)
    size = generate.parse_size(args.size)
    path = trl_file(size, args.seed)
    folder = tokenizer_dir(path)
    texts = rendered_texts(path, folder)
    pftlint = [sys.executable, "-m", "pftlint", "stats", "--isolated", "--target", "trl", "--tokenizer", str(folder),
               "--output-format", "json", str(path)]
    baseline = [sys.executable, "-c", ENCODE_ONLY, str(folder / "tokenizer.json"), str(texts), str(BATCH)]
    best: dict[str, tuple[float, float]] = {}
    tokens = None
    for _ in range(args.repeat):
        _, _, out = child_cpu(baseline)
        encoded = json.loads(out)  # CPU of the encoding alone, measured inside the child
        base = (encoded["cpu"], encoded["wall"])
        cpu, wall, out = child_cpu(pftlint)
        doc = json.loads(out)
        tokens = doc["files"][0]["tokens"]["total"]
        for name, figures in (("baseline", base), ("pftlint stats", (cpu, wall))):
            if name not in best or figures[0] < best[name][0]:
                best[name] = figures
    result = {"file": str(path), "bytes": path.stat().st_size, "texts": encoded["texts"],
              "tokens_encoded": encoded["tokens"], "tokens_counted_by_stats": tokens, "cores": os.cpu_count(),
              "baseline_cpu": round(best["baseline"][0], 2), "baseline_wall": round(best["baseline"][1], 2),
              "stats_cpu": round(best["pftlint stats"][0], 2), "stats_wall": round(best["pftlint stats"][1], 2),
              "cpu_ratio": round(best["pftlint stats"][0] / best["baseline"][0], 2)}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{path.name}: {result['bytes']:,} bytes, {result['texts']:,} texts, {result['tokens_encoded']:,} tokens")
        print(f"  baseline (encode_batch_fast only): {result['baseline_cpu']:.2f} s CPU, {result['baseline_wall']:.2f} s wall")
        print(f"  pftlint stats --tokenizer:        {result['stats_cpu']:.2f} s CPU, {result['stats_wall']:.2f} s wall")
        print(f"  CPU ratio: {result['cpu_ratio']:.2f}x (target <= 1.2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
