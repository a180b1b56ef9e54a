"""Which files a run checks: files as given, directories searched for ``*.jsonl``."""

from __future__ import annotations

import os
from pathlib import Path


class DiscoveryError(Exception):
    """A path that cannot be checked (exit status 2)."""


def discover(paths: list[str]) -> list[str]:
    found: list[str] = []
    for raw in paths:
        if raw == "-":
            found.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            inside = sorted(str(p) for p in path.rglob("*.jsonl") if p.is_file())
            if not inside:
                raise DiscoveryError(f"{raw}: directory holds no .jsonl files")
            found.extend(inside)
        elif path.exists():
            if not os.access(path, os.R_OK):
                raise DiscoveryError(f"{raw}: permission denied")
            if not path.is_file():
                raise DiscoveryError(f"{raw}: not a regular file")
            found.append(raw)
        else:
            raise DiscoveryError(f"{raw}: no such file or directory")
    return found
