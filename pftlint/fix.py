"""Safe auto-fix of the file-structure rules: ``pftlint check --fix`` and ``--diff``.

Fixable (``fixable = true`` in their documents): ``json-array``,
``multiline-record``, ``literal-newline-separator``, ``blank-line``,
``trailing-blank-lines``, ``utf8-bom``, ``crlf-line-endings`` and
``missing-final-newline``. A file is rewritten when one of those rules is
active and has a finding in it. The rewrite:

- puts one record per line and drops blank and trailing blank lines;
- keeps every record's text byte for byte where it already sat on one line
  (one line of a JSON array, one piece of a line glued by a literal ``\\n``,
  a line of its own); a record pretty-printed over several lines is written
  as ``json.dumps(record, ensure_ascii=False)`` with the default ``", "`` and
  ``": "`` separators (what the rule documents show under "Use instead"). A
  record ``json.dumps`` cannot reproduce (a lone surrogate, a number too big
  for a float) keeps its own tokens, with the whitespace between them removed;
- removes the BOM, turns CRLF into LF and adds the final newline only when
  ``utf8-bom``, ``crlf-line-endings`` and ``missing-final-newline`` are active:
  otherwise the rewrite keeps them as they were (a BOM under ``--target
  azure``, CRLF endings, which then follow the file's first line break, no
  newline after a last record that was already on its own line).

Nothing is guessed. A file with a finding of ``invalid-json``,
``invalid-utf8`` or ``not-an-object`` (whether those rules are active or
not), a ``{"data": [...]}`` document with other keys beside the records, or a
record to be rewritten (pretty-printed, or an element of an indented array)
with a key repeated in one of its objects, at any depth (``json.dumps`` of
the parsed record would keep only the last value), is left alone with one
line saying which line to repair by hand. Records kept byte for byte keep
their duplicate keys as they are (``duplicate-key`` reports them); they are
not parsed a second time. A gzip or Parquet file is never rewritten (``Not fixed``,
when its text has something to fix). The marks ``[*]`` come from the same
decision (:func:`scan`): a file ``--fix`` leaves alone has no fixable findings.

Safety: the fixed file is written to a temporary file in the same folder,
re-read, and compared record by record with the original
(:mod:`pftlint.fix_verify`: same count, same order, same values with the
same types and key order, every key/value pair of every object compared in
order, so that a lost duplicate key fails the comparison); only then is it renamed over the original, with the original's
owner and all its mode bits (setuid, setgid and sticky included: chown
first, as chown clears setuid, then chmod). A read-only file, a write error
(full disk), an interruption, or a failed comparison leaves the original
untouched and removes the temporary file. Standard input is never fixed:
``--fix``/``--diff`` with ``-`` is a usage error.

Hard links: a rename gives the fixed file a new inode, and the file's other
names (a DVC or git-annex cache, a ``cp -l`` backup) would keep the old
content. Writing the bytes over the original instead would keep the links
but is not atomic (a full disk or Ctrl-C halfway would leave a truncated
file under every name), so ``--fix`` refuses a file with more than one hard
link (exit status 2, the file unchanged) and says what to do: look at the
change with ``--diff`` (which writes nothing and works on any file), or give
the file a name of its own first (copy it, then fix the copy).

``--diff`` splits the texts on ``\n`` only: a line break of ``str.splitlines``
(U+2028, U+2029, U+0085, ``\x0b``, ``\x0c``, ``\x1c``-``\x1e``, a lone
``\r``) inside a line is content, as it is to ``patch``. A CRLF line keeps
its ``\r`` as its last character, so ``patch`` applied to the file gives
exactly the bytes ``--fix`` writes.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterable, Iterator, TextIO

from .errors import PftlintError
from .fix_verify import repeated_key, same_records
from .reading.reader import BOM, Reader, RecordUnit
from .reading.sources import GZIP, kind, open_lines
from .util.printable import printable, printable_path

FIXABLE = ("json-array", "multiline-record", "literal-newline-separator", "blank-line",
           "trailing-blank-lines", "utf8-bom", "crlf-line-endings", "missing-final-newline")
# Byte-level preferences: changed only when their rule is active, kept otherwise.
_PREFERENCES = frozenset({"utf8-bom", "crlf-line-endings", "missing-final-newline"})
# Reader findings that mean "no records, nothing to rewrite" rather than "cannot be repaired".
_NOTHING_TO_DO = frozenset({"empty-file"})
# Reader findings about a record's text that a rewrite keeps as it is (the record is not changed).
# A repeated key blocks only the records that would be rewritten (see repeated_key): one kept
# byte for byte keeps both values, and the pairwise verification would notice if it did not.
_KEPT = frozenset({"unpaired-surrogate", "duplicate-key"})
# A file with a finding of one of these is not rewritten at all: its other findings are not fixable.
BLOCKING = frozenset({"invalid-json", "invalid-utf8", "not-an-object"})
# Above this size --diff prints no line diff, only the "Would fix" line on stderr.
DIFF_MAX_BYTES = 4 * 1024 * 1024

_STRING = re.compile(r'("[^"\\]*(?:\\.[^"\\]*)*")|[ \t\r\n]+')


class FixError(PftlintError):
    """The file could not be fixed and was left untouched (one line; exit status 2)."""


@dataclass
class Outcome:
    """What a rewrite of one file did (or, for a scan, would do)."""

    fixes: dict[str, int] = field(default_factory=dict)  # active fixable rule -> how many things fixed
    blocked: tuple[int, str, str] | None = None  # (line, rule, why) of a finding that cannot be repaired
    first_line: int = 0  # the first line a fix touches
    records: int = 0
    rewritten: int = 0  # records not kept byte for byte (pretty-printed ones)
    wrapped: bool = False  # a {"key": [records]} document
    refused: str | None = None  # why the whole file is not rewritten (a packed file)
    too_large: bool = False  # --diff printed no diff: the file is over DIFF_MAX_BYTES

    @property
    def changed(self) -> bool:
        return bool(self.fixes) and self.blocked is None and self.refused is None and self.records > 0

    def what(self) -> str:
        """What the fix does, for ``Fixed <path>: <what>``."""
        n = self.fixes
        phrases = []
        for rule in FIXABLE:
            if rule not in n:
                continue
            count = n[rule]
            phrases.append({
                "json-array": f"JSON {'document' if self.wrapped else 'array'} -> {_plural(self.records, 'record')}, "
                              "one per line",
                "multiline-record": f"{_plural(count, 'pretty-printed record')} put on one line{' each' if count > 1 else ''}",
                "literal-newline-separator": f"literal \\n replaced by a line break ({_plural(count, 'record')} "
                                             f"now on {'its' if count == 1 else 'their'} own line"
                                             f"{'' if count == 1 else 's'})",
                "blank-line": f"{_plural(count, 'blank line')} deleted",
                "trailing-blank-lines": f"{_plural(count, 'trailing blank line')} deleted",
                "utf8-bom": "byte-order mark removed",
                "crlf-line-endings": "CRLF line endings -> LF",
                "missing-final-newline": "final newline added",
            }[rule] + f" ({rule})")
        return "; ".join(phrases)

    def why_not(self) -> str:
        if self.refused is not None:
            return self.refused
        line, rule, why = self.blocked
        return f"{why}: fix line {line} by hand ({rule}), then run --fix again"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


# -- the rewrite -------------------------------------------------------------

class _Null:
    """A sink for a scan: counts nothing, keeps nothing."""

    def write(self, data: bytes) -> int:
        return len(data)


class _Lines:
    """The stream's lines, noting whether the first one ends in CRLF (the file's line break)."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self.crlf = False
        self.first_content = b""  # the first non-blank byte of the file (after a BOM)
        self.last = b""  # the last line read

    def __iter__(self) -> Iterator[bytes]:
        lines = iter(self._stream)
        number = 0
        for raw in lines:
            number += 1
            if number == 1:
                self.crlf = raw.endswith(b"\r\n")
            self.last = raw
            yield raw
            stripped = raw.removeprefix(BOM).lstrip()
            if stripped:
                self.first_content = stripped[:1]
                break
        for raw in lines:
            self.last = raw
            yield raw

    def ended_by_literal_newline(self) -> bool:
        """Did the last line end with a literal backslash-n (a record written with + '\\\\n')?"""
        return self.last.rstrip().endswith(b"\\n")


def one_line(unit: RecordUnit) -> tuple[bytes, bool]:
    """The record as one line of UTF-8, and whether it was rewritten (not kept byte for byte)."""
    text = unit.text
    if "\n" not in text:
        return text.encode("utf-8"), False
    try:
        return json.dumps(unit.data, ensure_ascii=False, allow_nan=False).encode("utf-8"), True
    except (ValueError, UnicodeEncodeError, RecursionError):  # inf from 1e999, a lone surrogate, deep nesting
        return _STRING.sub(lambda m: m.group(1) or "", text).encode("utf-8"), True


def rewrite(stream: BinaryIO, active: Iterable[str], out) -> Outcome:
    """Write the fixed file to ``out`` (anything with ``write(bytes)``); stop early when it cannot be fixed."""
    active = frozenset(active)
    outcome = Outcome()
    fixes = outcome.fixes
    lines = _Lines(stream)
    reader = Reader(lines)
    keep_bom = False
    first = True
    blank_at = 0  # the first line of a run of blank lines, until the next unit shows where it ends
    glued_line = 0
    trailing = False
    eol = b"\n"

    def fixed(rule: str, line: int, count: int = 1) -> None:
        if rule in active:
            fixes[rule] = fixes.get(rule, 0) + count
            if not outcome.first_line or line < outcome.first_line:
                outcome.first_line = line

    for unit in reader:
        if blank_at:
            fixed("blank-line", blank_at, max(unit.line - blank_at, 1))
            blank_at = 0
        if type(unit) is RecordUnit:
            data, rewritten = one_line(unit)
            if rewritten and outcome.blocked is None:
                repeated = repeated_key(unit.text)
                if repeated is not None:  # json.dumps of the parsed record would drop the first value
                    offset, key, where = repeated
                    line = unit.line + unit.text.count("\n", 0, offset)
                    outcome.blocked = (line, "duplicate-key", f"line {line} repeats the key {key!r} (duplicate key "
                                       f"at {where}) of the record that starts on line {unit.line}; putting the "
                                       "record on one line would keep only the last value")
                    out = _Null()
            if first:
                eol = b"\n" if "crlf-line-endings" in active or not lines.crlf else b"\r\n"
                out.write(BOM + data if keep_bom else data)
                first = False
            else:
                out.write(eol)
                out.write(data)
            outcome.records += 1
            if rewritten:
                outcome.rewritten += 1
                if reader.stats.structure != "json-array":
                    fixed("multiline-record", unit.line)
            elif unit.line == glued_line:
                fixed("literal-newline-separator", unit.line)
            continue
        rule = getattr(unit, "rule", "unknown")  # a unit the fixer does not know blocks the rewrite
        if rule == "blank-line":
            blank_at = unit.line
        elif rule == "trailing-blank-lines":
            trailing = True
            fixed(rule, unit.line, reader.stats.lines - unit.line + 1)
        elif rule == "literal-newline-separator":
            glued_line = unit.line
        elif rule == "json-array":
            outcome.wrapped = lines.first_content == b"{"
            fixed(rule, unit.line)
        elif rule == "utf8-bom":
            if rule in active:
                fixed(rule, 1)
            else:
                keep_bom = True
        elif rule in ("crlf-line-endings", "missing-final-newline"):
            fixed(rule, unit.line)
        elif rule in _NOTHING_TO_DO or rule in _KEPT or rule == "multiline-record":  # counted record by record above
            pass
        elif outcome.blocked is None:  # invalid-json, invalid-utf8, not-an-object, or anything new
            outcome.blocked = (unit.line, rule, "cannot be repaired without guessing")
            out = _Null()  # nothing more is written; the scan goes on to tell what else needs fixing
    if not first and outcome.blocked is None:
        # The final newline: kept absent only where the rule is off and the last record was on its own last line.
        stats = reader.stats
        if (stats.ends_with_newline or trailing or stats.structure != "jsonl" or "missing-final-newline" in active
                or (glued_line == stats.lines and lines.ended_by_literal_newline())):  # a newline was meant
            out.write(eol)
    return outcome


# -- verification ------------------------------------------------------------

def verify(original: BinaryIO, fixed: BinaryIO, active: Iterable[str]) -> str | None:
    """Why ``fixed`` does not hold exactly the records of ``original``, in order; None when it does."""
    return same_records(original, fixed, (_PREFERENCES - frozenset(active)) | _KEPT)  # kept on purpose


# -- one file ----------------------------------------------------------------

def _wrapper_block(data: bytes | None, path: str) -> tuple[int, str, str] | None:
    """A {"data": [...]} document with other keys beside the records: those keys would be lost."""
    try:
        if data is None:
            with open(path, "rb") as f:
                data = f.read()
        value = json.loads(data.decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return None
    if isinstance(value, dict) and len(value) > 1:
        keys = ", ".join(repr(k) for k in list(value)[:4])
        return (1, "json-array", f"the document holds other keys beside the records ({keys}) that JSONL "
                                 "has no place for; extracting the records would drop them")
    return None


def repairable(rules_found: Iterable[str]) -> frozenset[str]:
    """Of the rules with findings in one file, those ``--fix`` may repair (before reading the file again)."""
    found = frozenset(rules_found)
    return frozenset() if found & BLOCKING else found & frozenset(FIXABLE)


def scan(path: str, active: Iterable[str], data: bytes | None = None) -> Outcome:
    """What ``--fix`` would do to ``path`` (its bytes ``data`` when already read), writing nothing:
    the one decision behind ``--fix``, ``--diff`` and the fixable marks."""
    active = frozenset(active)
    packed = kind(path)
    if packed is not None:  # the text inside is read to tell whether there was something to fix
        outcome = Outcome(refused=f"a {'gzip' if packed == GZIP else 'Parquet'} file is not rewritten: "
                                  "decompress it, fix the text, recompress it")
        if packed == GZIP:
            with contextlib.suppress(OSError), open_lines(path) as lines:  # a damaged file: nothing to fix
                outcome.fixes = rewrite(lines, active, _Null()).fixes
        return outcome
    if data is None:
        with open(path, "rb") as src:
            outcome = rewrite(src, active, _Null())
    else:
        outcome = rewrite(io.BytesIO(data), active, _Null())
    if outcome.changed and outcome.wrapped:
        outcome.blocked = _wrapper_block(data, path)
    return outcome


def fixable_rules_in(path: str, rules_found: Iterable[str]) -> frozenset[str]:
    """Of the rules with findings in the file ``path``, those whose findings ``--fix`` repairs: none when
    ``--fix`` would leave the file as it is. Only a file with findings of fixable rules is read again."""
    rules = repairable(rules_found)
    if not rules or path == "-":  # standard input cannot be read again: the rules alone decide
        return rules
    if kind(path) is not None:  # a packed file is never rewritten: no need to read it again
        return frozenset()
    try:
        changed = scan(path, rules).changed
    except OSError:  # gone since it was linted (or never a file: lint_bytes' name)
        return rules
    return rules if changed else frozenset()


def _open_temp(fd: int) -> BinaryIO:
    """The temporary file, for writing (a seam for tests that simulate a full disk)."""
    return os.fdopen(fd, "wb", buffering=1 << 20)


@contextlib.contextmanager
def _temporary_beside(path: str) -> Iterator[tuple[int, str]]:
    """A new temporary file in ``path``'s folder (so that os.replace is a rename), gone afterwards
    unless it was renamed: on an error, a full disk or Ctrl-C alike."""
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".pftlint-fix",
                               dir=os.path.dirname(path))
    try:
        yield fd, tmp
    finally:
        with contextlib.suppress(OSError):  # FileNotFoundError once it was renamed over the original
            os.unlink(tmp)


def fix_file(path: str, active: Iterable[str]) -> Outcome:
    """Fix ``path`` in place. Raises FixError (the file untouched) when it cannot be written safely."""
    active = frozenset(active)
    real = os.path.realpath(path)  # a symlink stays a symlink: its target is fixed
    outcome = scan(real, active)
    if not outcome.changed:
        return outcome
    st = os.stat(real)
    if not st.st_mode & 0o222 or not os.access(real, os.W_OK):
        raise FixError(f"cannot fix {path}: the file is read-only; it is unchanged")
    if st.st_nlink > 1:
        raise FixError(f"cannot fix {path}: the file has {st.st_nlink} hard links (a DVC or git-annex cache?) and "
                       "the fixed file would be a new one, leaving the old content under the other names; it is "
                       "unchanged: see the change with --diff, or copy the file to a name of its own and fix that")
    try:
        with _temporary_beside(real) as (fd, tmp):
            with _open_temp(fd) as out, open(real, "rb") as src:
                again = rewrite(src, active, out)
                out.flush()
                os.fsync(out.fileno())
            if again.fixes != outcome.fixes or again.blocked is not None:
                raise FixError(f"cannot fix {path}: it changed while being fixed; it is unchanged")
            with open(real, "rb") as original, open(tmp, "rb") as result:
                problem = verify(original, result, active)
            if problem is not None:
                raise FixError(f"cannot fix {path}: the check of the fixed copy failed ({problem}); "
                               "the file is unchanged (please report this)")
            with contextlib.suppress(OSError, AttributeError):  # only root may give the file back to its owner
                os.chown(tmp, st.st_uid, st.st_gid)
            os.chmod(tmp, stat.S_IMODE(st.st_mode))  # after chown, which clears setuid and setgid
            os.replace(tmp, real)
    except OSError as exc:
        raise FixError(f"cannot fix {path}: {exc.strerror or exc}; the file is unchanged") from None
    return outcome


def _lines_of(data: bytes) -> list[str]:
    """The lines as ``patch`` sees them: cut after each ``\\n`` only (a CRLF line ends in ``\\r\\n``)."""
    return io.StringIO(data.decode("utf-8", "replace"), newline="\n").readlines()


def diff_file(path: str, active: Iterable[str], out: TextIO) -> Outcome:
    """Print what fix_file would change as a unified diff; change nothing. A file over DIFF_MAX_BYTES gets
    no diff (``too_large``: run_fixes says so on stderr), nor does a packed one (fix_file refuses it)."""
    active = frozenset(active)
    if kind(path) is not None or os.path.getsize(path) > DIFF_MAX_BYTES:
        outcome = scan(path, active)
        outcome.too_large = outcome.changed
        return outcome
    with open(path, "rb") as src:
        before = src.read()
    outcome = scan(path, active, before)
    if not outcome.changed:
        return outcome
    buffer = io.BytesIO()
    rewrite(io.BytesIO(before), active, buffer)
    after = buffer.getvalue()
    problem = verify(io.BytesIO(before), io.BytesIO(after), active)
    if problem is not None:
        raise FixError(f"cannot fix {path}: the check of the fixed copy failed ({problem}) (please report this)")
    old, new = _lines_of(before), _lines_of(after)
    for line in difflib.unified_diff(old, new, f"{path}", f"{path} (fixed)"):
        out.write(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return outcome


# -- the check command's flow ------------------------------------------------

def run_fixes(paths: list[str], active: Iterable[str], diff: bool, out: TextIO, err: TextIO | None,
              ) -> bool:
    """Fix (or, with ``diff``, show the fixes for) every path; True when a file was (or would be) changed.

    ``err`` gets one ``Fixed <path>: <what>`` (or ``Would fix``) line per file, and a
    ``Not fixed`` line for a file with fixable findings that cannot be repaired
    safely; None prints nothing.
    """
    if "-" in paths:
        raise FixError("--diff needs a file: standard input is read once, by the check; save it to a file and "
                       "run --diff on that" if diff else
                       "--fix cannot rewrite standard input; save it to a file and fix that")
    if not diff:
        for path in paths:  # a pipe (`<(zcat ...)`, a FIFO) is read once and cannot be replaced
            with contextlib.suppress(OSError):
                if not stat.S_ISREG(os.stat(path).st_mode):
                    raise FixError(f"--fix cannot rewrite {path}: it is not a regular file (a pipe?); "
                                   "save it to a file and fix that")
    active = frozenset(active) & frozenset(FIXABLE)
    changed = False
    action: Callable[[str], Outcome] = (lambda p: diff_file(p, active, out)) if diff else \
        (lambda p: fix_file(p, active))
    for path in paths:
        if not active:
            break
        outcome = action(path)
        if outcome.changed:
            changed = True
            if err is not None:
                shown = ("; the diff is too large to show (over 4 MiB): run --fix to apply it"
                         if outcome.too_large else "")
                err.write(printable(f"{'Would fix' if diff else 'Fixed'} {printable_path(path)}: {outcome.what()}"
                                    f"{shown}") + "\n")
        elif (outcome.blocked is not None or outcome.refused is not None) and outcome.fixes and err is not None:
            err.write(printable(f"Not fixed {printable_path(path)}: {outcome.why_not()}") + "\n")
    return changed
