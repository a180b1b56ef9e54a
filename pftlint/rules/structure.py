"""File and line structure: how the bytes of a JSONL file are laid out."""

from __future__ import annotations

from ..engine.findings import Problem
from . import file_rule, reader_rule

# -- detected while streaming by pftlint.reading.reader, worded here ------------------------------
# Each function below turns what the reader found (``found``: plain data) into the finding's message.

_NOT_THIS_FILE = "; check that this is the file you meant (a file renamed .jsonl?)"
# What a file that is not UTF-8 text is (pftlint.reading.sniff.binary_code names it).
BINARY_FILES = {
    "utf-16-le-bom": "UTF-16 text (byte-order mark FF FE); re-encode it as UTF-8 (iconv -f utf-16 -t utf-8)",
    "utf-16-be-bom": "UTF-16 text (byte-order mark FE FF); re-encode it as UTF-8 (iconv -f utf-16 -t utf-8)",
    "gzip": "gzip-compressed, not text; decompress it (gunzip) and check the .jsonl inside",
    "zip": "a zip archive, not text; extract the .jsonl inside and check that",
    "parquet": "a Parquet file, not JSON Lines; export it with pandas to_json(orient='records', lines=True)",
    "elf": "an ELF executable (a program), not text" + _NOT_THIS_FILE,
    "png": "a PNG image, not text" + _NOT_THIS_FILE,
    "jpeg": "a JPEG image, not text" + _NOT_THIS_FILE,
    "gif": "a GIF image, not text" + _NOT_THIS_FILE,
    "pdf": "a PDF document, not JSON Lines; export the records as JSONL",
    "xz": "xz-compressed, not text; decompress it (unxz) and check the .jsonl inside",
    "zstd": "zstd-compressed, not text; decompress it (unzstd) and check the .jsonl inside",
    "7z": "a 7-Zip archive, not text; extract the .jsonl inside and check that",
    "sqlite": "an SQLite database, not JSON Lines; export the records as JSONL",
    "utf-16-le": "UTF-16 text (every other byte is 00); re-encode it as UTF-8 (iconv -f utf-16le -t utf-8)",
    "binary": "binary data, not text (NUL or control bytes in its first 8 KiB: an executable, an image "
              "or an archive?)" + _NOT_THIS_FILE,
}




def _damaged_gzip(found: dict) -> str:
    where = f"after line {found['after']:,}" if found["after"] else "at its start"
    return (f"the gzip data is damaged {where} ({found['reason']}): the file is truncated or corrupt, and "
            "nothing after that was checked; download or compress it again")


def _damaged_parquet(found: dict) -> str:
    if found["after"] is None:
        return f"the file is not a readable Parquet file ({found['reason']}); write it again (pandas to_parquet)"
    return (f"the Parquet data is damaged after row {found['after']:,} ({found['reason']}); nothing after that "
            "was checked: write the file again")


def _unwritable_row(found: dict) -> str:
    return (f"{found['reason']}; nothing after that row was checked: store the value as text or a "
            "struct with text keys")


# A packed file whose lines broke off: what pftlint.reading.sources found, worded.
PACKED_DAMAGE = {"gzip-damaged": _damaged_gzip, "parquet-damaged": _damaged_parquet, "parquet-row": _unwritable_row}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@reader_rule("utf8-bom")
def utf8_bom(found: dict) -> str:
    return "the file starts with a UTF-8 byte-order mark (EF BB BF); save it as UTF-8 without BOM"


@reader_rule("invalid-utf8")
def invalid_utf8(found: dict) -> str:
    if found.get("file") in PACKED_DAMAGE:  # a packed file that broke off (pftlint.reading.sources)
        return PACKED_DAMAGE[found["file"]](found)
    if "file" in found:  # the whole file is not text
        return f"the file is {BINARY_FILES[found['file']]}"
    bad = found["bytes"]
    shown = " ".join(f"{b:02X}" for b in bad)
    try:
        guess = bad.decode("cp1252")
    except UnicodeDecodeError:
        guess = ""
    hint = f" ({guess} in Windows-1252)" if guess.isprintable() and guess else ""
    many = len(bad) > 1
    return (f"byte{'s' if many else ''} {shown}{hint} {'are' if many else 'is'} not valid UTF-8; "
            "re-encode the file as UTF-8 (e.g. iconv -f windows-1252 -t utf-8)")


@reader_rule("not-an-object")
def not_an_object(found: dict) -> str:
    kind = found["kind"]
    if kind == "too-deep":
        return ("the JSON is nested too deeply to parse (thousands of brackets)"
                + ("; each line must be one record object" if found["line"] else ""))
    if kind == "element":
        return f"this array element is a JSON {found['json']}, not a record object"
    if kind == "document":
        return (f"this JSON {found['json']} spans lines {found['first']}-{found['last']}; "
                "each line must be one record object")
    holds = found.get("holds")
    if holds == "record-string":
        hint = ("it holds a record encoded as a string (double-encoded JSON, json.dumps applied twice); "
                "write the record itself")
    elif holds == "messages":
        hint = (f"it is a list of {_plural(found['count'], 'message')}; write a record instead, "
                'e.g. {"messages": [...]} or {"input": {"messages": [...]}, ...}')
    elif holds == "objects":
        hint = f"it holds {_plural(found['count'], 'object')}; write each record on its own line"
    else:
        hint = "each line must be one record object"
    return f"this line is a JSON {found['json']}, not an object; {hint}"


@reader_rule("json-array")
def json_array(found: dict) -> str:
    records = _plural(found["records"], "record")
    if "key" in found:
        return (f"the file is one JSON document holding {records} under '{found['key']}' instead of JSONL; "
                "write one record object per line")
    if "elements" in found:
        return (f"the file is one JSON array holding {_plural(found['elements'], 'element')} ({records}) "
                "instead of JSONL; write one record object per line")
    return (f"the file is one JSON array (lines {found['first']}-{found['last']}) holding {records} instead "
            "of JSONL; write one record object per line")


def _cause(found: dict) -> str:
    """The parser's reason, with the likely cause the reader saw."""
    cause, msg, char = found["cause"], found["msg"], found.get("char", "")
    if cause == "nul-in-string":
        return "a raw NUL byte inside a string (escape it as \\u0000 or remove it)"
    if cause == "nul-bytes":
        return "NUL bytes where JSON was expected (the file may be truncated or padded with zeros)"
    if cause == "control-character":
        return f"the raw control character {char!r} inside a string (escape it, e.g. as \\n or \\t)"
    if cause == "single-quote":
        return f"{msg}: JSON strings use double quotes (str() of a Python dict is not JSON; use json.dumps)"
    if cause == "python-literal":
        return f"{msg}: Python's True/False/None are written true/false/null in JSON"
    if cause == "unterminated-string":
        return (f"the string that starts at column {found['column']} is never closed (a closing '\"' is missing, "
                "or the text was cut off)")
    if cause == "extra-data":
        return "extra data after the first JSON value (several records on one line?)"
    if cause == "trailing-comma-object":
        return "a trailing comma before '}'"
    if cause == "trailing-comma-array":
        return "a trailing comma before ']' (or a missing value)"
    return msg


@reader_rule("invalid-json")
def invalid_json(found: dict) -> str:
    kind = found["kind"]
    if kind == "syntax":
        start = found.get("document_line")
        if start is None:
            return f"invalid JSON: {_cause(found)}; fix the syntax of this line"
        where = "" if start is True else f" (in the JSON that starts on line {start})"
        return f"invalid JSON{where}: {_cause(found)}; fix the syntax"
    if kind == "text":
        return (f"the file is text, not JSON Lines: its first {found['lines']} lines are not JSON (none starts "
                "with '{'), and the lines after them that are not JSON are not reported one by one; check that "
                "this is the file you meant, or write one JSON record object per line")
    if kind == "value":
        reason = found["reason"]
        if "integer string conversion" in reason:
            reason = "a number with more than 4300 digits; write it as a string"
        return f"invalid JSON: {reason}"
    if kind == "unclosed":
        where = f"before line {found['last'] + 1}" if found["cut"] else "before the end of the file"
        first, last = found["first"], found["last"]
        span = f"lines {first}-{last}" if last > first else f"line {first}"
        return (f"the JSON that starts here ({span}) is never closed {where}: a '}}' or ']' "
                "is missing, or the record was cut off; complete it or delete it")
    return (f"a JSON document starts here and runs over more than {found['mib']} MiB of lines; "
            "write one record object per line")


@reader_rule("literal-newline-separator")
def literal_newline_separator(found: dict) -> str:
    how = "(written as text, e.g. by json.dumps(x) + '\\\\n')"
    if found["records"] == 1:
        return (f"the record is followed by the characters '{found['separator']}' {how} instead "
                "of a line break; write a real newline after each record")
    after = " and end it" if found["trailing"] else ""
    return (f"{found['records']} records are glued into this one line{after} by the two characters '\\n' "
            f"{how}; write a real newline between records")


@reader_rule("blank-line")
def blank_line(found: dict) -> str:
    n = found["count"]
    # No line numbers in the text: the finding's line is the first, and the count says how many
    # follow (a chunk linted in a worker knows only its own line numbers).
    where = "before the first record" if found["before_records"] else "between records"
    return (f"{_plural(n, 'empty or whitespace-only line')} {where}; delete {'them' if n > 1 else 'it'}: "
            "every line of JSONL must be a record")


@reader_rule("multiline-record")
def multiline_record(found: dict) -> str:
    return (f"{_plural(found['count'], 'record')} pretty-printed over several lines (the first spans lines "
            f"{found['first']}-{found['last']}); write each record on one line (json.dumps without indent)")


@reader_rule("empty-file")
def empty_file(found: dict) -> str:
    return ("the file holds no records" + (" (only whitespace)" if found["whitespace"] else "")
            + "; check the script that wrote it")


@reader_rule("trailing-blank-lines")
def trailing_blank_lines(found: dict) -> str:
    n = found["count"]
    return (f"{_plural(n, 'empty line')} after the last record; delete {'them' if n > 1 else 'it'} "
            "(one newline ending the last record is enough)")


@reader_rule("crlf-line-endings")
def crlf_line_endings(found: dict) -> str:
    return "lines end with CRLF (\\r\\n); use LF (\\n) line endings"


@reader_rule("missing-final-newline")
def missing_final_newline(found: dict) -> str:
    return "the last record is not followed by a newline; end the file with \\n"


@reader_rule("unpaired-surrogate")
def unpaired_surrogate(found: dict) -> str:
    half = "first (high)" if found["high"] else "second (low)"
    where = "the key" if found["in_key"] else "this string"
    return (f"{where} holds the escape {found['escape']}, the {half} half of a UTF-16 surrogate pair without "
            "its other half: the text cannot be encoded as UTF-8 for training; fix it in the source (a string "
            "cut in the middle of an emoji's pair?)")


# -- file rules ---------------------------------------------------------------------------------------


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
