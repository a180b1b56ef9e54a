"""Path globs anchored at a folder, as ruff's ``exclude`` and ``per-file-ignores`` read them.

A glob is relative to its anchor (the configuration file's folder, or the working directory
for a flag). ``*`` and ``?`` stay within one folder name, ``**`` spans any number of folders,
``[abc]`` is a class. A glob without ``/`` is a name: it matches a file or folder of that name
anywhere below the anchor. A glob matches a path when it matches the path or one of its
folders, so ``data/raw`` covers every file under it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field


def _translate(glob: str) -> str:
    """The regular expression of ``glob`` (``/``-separated, no leading ``/``)."""
    out = []
    parts = glob.split("/")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:[^/]*/)*")
            continue
        i = 0
        while i < len(part):
            char = part[i]
            if char == "*":
                out.append("[^/]*")
            elif char == "?":
                out.append("[^/]")
            elif char == "[" and _class_end(part, i) > 0:
                end = _class_end(part, i)
                body = part[i + 1:end]
                negate = body.startswith("!")
                body = re.escape(body[1:] if negate else body).replace(r"\-", "-")
                out.append(f"[{'^' if negate else ''}{body}]")
                i = end
            else:
                out.append(re.escape(char))
            i += 1
        if not last:
            out.append("/")
    return "".join(out)


def _class_end(part: str, start: int) -> int:
    """The index of the ``]`` closing the class that opens at ``start``, or -1 (then ``[`` is literal)."""
    first = start + 2 if part[start + 1:start + 2] == "!" else start + 1
    return part.find("]", first + 1)


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


@dataclass(frozen=True)
class Glob:
    """One glob as written (``pattern``) and the folder it is relative to (``anchor``, absolute)."""

    pattern: str
    anchor: str
    _regex: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = _posix(self.pattern)
        while pattern.startswith("./"):
            pattern = pattern[2:]
        pattern = pattern.rstrip("/") or "."
        if pattern == ".":  # the anchor folder itself
            regex = re.escape(self._root().rstrip("/"))
        elif os.path.isabs(self.pattern):
            body = _translate(pattern.lstrip("/"))
            regex = "/" + body
        elif "/" not in pattern:  # a name: any file or folder of that name below the anchor
            regex = re.escape(self._root()) + "(?:[^/]*/)*" + _translate(pattern)
        else:
            regex = re.escape(self._root()) + _translate(pattern)
        object.__setattr__(self, "_regex", re.compile(regex + "(?:/.*)?", re.S))

    def _root(self) -> str:
        root = _posix(self.anchor)
        return root if root.endswith("/") else root + "/"

    def matches(self, path: str) -> bool:
        """Whether ``path`` (made absolute from the working directory) or a folder of it matches."""
        return self._regex.fullmatch(_posix(os.path.abspath(path))) is not None

    def __str__(self) -> str:
        return self.pattern if os.path.isabs(self.pattern) else _posix(os.path.join(self.anchor, self.pattern))
