"""File and line structure: how the bytes of a JSONL file are laid out."""

from __future__ import annotations

from ..engine.findings import Problem
from . import builtin_rules, file_rule

# Detected while streaming, by pftlint.reading.reader.
builtin_rules(
    __name__,
    "json-array", "multiline-record", "literal-newline-separator", "blank-line",
    "trailing-blank-lines", "utf8-bom", "invalid-utf8", "invalid-json", "not-an-object",
    "empty-file", "crlf-line-endings", "missing-final-newline", "unpaired-surrogate",
)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    raise AssertionError


@file_rule("wrong-extension")
def wrong_extension(file, options):
    if file.path in ("-", "<bytes>", "<records>", "<dataset>"):
        return
    if not file.path.endswith(".jsonl"):
        name = file.path.rsplit("/", 1)[-1]
        stem = name.rsplit(".", 1)[0] if "." in name else name
        if name.endswith((".gz", ".parquet")):  # read here as the JSON lines inside (pftlint.reading.sources)
            gz = name.endswith(".gz")
            base = stem.rsplit(".", 1)[0] if gz and stem.endswith((".jsonl", ".json")) else stem
            how = f"decompress it (gunzip -k {name})" if gz else "convert it to JSON Lines"
            yield Problem(f"the fine-tuning upload takes only .jsonl files, not {name!r}; {how} "
                          f"and upload {base}.jsonl")
            return
        yield Problem(f"the file name {name!r} does not end in .jsonl, which the fine-tuning upload requires; "
                      f"rename it to {stem}.jsonl")


@file_rule("file-too-large")
def file_too_large(file, options):
    size = file.size if file.size is not None else file.stats.bytes
    limit = options["max-bytes"]
    if limit > 0:
        if size > limit:
            yield Problem(f"the file is {_size(size)}, over the configured limit of {_size(limit)} (max-bytes); "
                          "split it into several files")
        return
    limit = file.target.max_file_bytes
    if size > limit:
        yield Problem(f"the file is {_size(size)}, over {file.target.title}'s upload limit of {_size(limit)}; "
                      "split it into several files or use the provider's large-upload API")


@file_rule("too-few-examples")
def too_few_examples(file, options):
    n = file.stats.records
    minimum = file.target.min_examples
    if 0 < n < minimum:
        yield Problem(f"the file has {n} example{'s' if n != 1 else ''}; {file.target.title} requires at least "
                      f"{minimum}: add {minimum - n} more")
