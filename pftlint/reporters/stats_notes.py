"""What ``pftlint stats`` says on stderr of a file it could not count whole: one line per kind of trouble
(a file not counted, lines that are not records, lines that are not valid UTF-8, pairs the chat template
refuses), each naming the file and the ``pftlint check`` run that shows every case."""

from __future__ import annotations

from typing import Iterator

from ..stats import lines_text


def problems(doc: dict) -> Iterator[tuple[str, bool]]:
    """(a line for stderr, whether the file could not be counted at all) per file the reader balked at."""
    for f in doc["files"]:
        if f["error"] is not None:
            yield f"{f['path']}: {f['error']}", True
        elif f["unreadable_lines"]:
            yield (f"{f['path']}: {unreadable_text(f)}; the other records are counted "
                   f"(pftlint check {f['path']} shows each)"), False
        if f["error"] is None and f["invalid_utf8_lines"]:
            n = f["invalid_utf8_lines"]
            yield (f"{f['path']}: {lines_text(n)} {'is' if n == 1 else 'are'} not valid UTF-8 (the first: line "
                   f"{f['first_invalid_utf8']:,}): counted with the bad bytes replaced (U+FFFD), so their counts "
                   f"may be off; pftlint check {f['path']} shows each (invalid-utf8)"), False
        t = f.get("trainer")
        if f["error"] is None and t and t["not_tokenized"]:
            # with no pair left there are no figures at all: the file is not counted (exit status 1)
            n = t["not_tokenized"]
            yield (f"{f['path']}: {n:,} record{'' if n == 1 else 's'} not tokenized: the chat template refuses "
                   f"{'it' if n == 1 else 'them'} or {'it is' if n == 1 else 'they are'} no pair (the first: line "
                   f"{t['first_not_tokenized']:,}); pftlint check --target trl --tokenizer ... shows each "
                   "(template-error)"), not f["examples"]


def unreadable_text(f: dict) -> str:
    """What the stderr line and the table say of a file's lines that are not records."""
    n = f["unreadable_lines"]
    return (f"{lines_text(n)} {'is' if n == 1 else 'are'} not a JSON record and not counted "
            f"(the first: line {f['first_unreadable']:,})")
