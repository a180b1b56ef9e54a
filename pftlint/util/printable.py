"""Text from the data or the file system made safe to print on a terminal or in a CI log.

A record key, a value quoted in a message or a file name can hold control characters: ESC
sequences that clear the screen or retitle the terminal, a newline followed by
``::error::...`` that GitHub Actions would run as a workflow command (it parses stdout and
stderr), or ``##[error]`` (the runner's legacy command form, matched anywhere in a line).
Every human output and the ``github`` format pass such text through :func:`printable` (or
:func:`printable_path` for a file name) where they write it; JSON and SARIF escape it already.

Escapes are visible and Python-like: ``\\n``, ``\\r``, ``\\t``, ``\\x1b`` (C0 and DEL),
``\\u009b`` (C1), ``\\u2028`` (line and paragraph separators, bidirectional overrides). A
backslash already in the text is left as it is, so a message that quotes ``\\n`` reads the same.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0, DEL, C1, the Unicode line/paragraph separators and the bidirectional embedding,
# override and isolate controls (they reorder what the terminal shows).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|##\\[")


def _escape(match: re.Match) -> str:
    char = match.group()
    if char == "##[":
        return "##\\x5b"  # GitHub's legacy `##[command]` form, which the runner finds anywhere in a line
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character shown as a visible escape (one line, nothing for a terminal to run)."""
    if not _UNSAFE.search(text):  # the common case: nothing to escape, no copy
        return text
    return _UNSAFE.sub(_escape, text)


def printable_path(path: str) -> str:
    """A file name for a human output: escaped, and never starting a line with ``::`` (a workflow command)."""
    text = printable(path)
    if text.lstrip().startswith("::"):  # the runner strips leading blanks before looking for `::`
        return "./" + text
    return text

