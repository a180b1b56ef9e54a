"""Which files a run checks: files as given, directories searched for ``*.jsonl`` (and the packed
``*.jsonl.gz``, ``*.json.gz``, ``*.parquet``: pftlint.reading.sources).

Directories are searched recursively, in sorted order, skipping hidden folders
(``.git``, ``.venv``...) and the usual tool folders (``node_modules``,
``__pycache__``, ``site-packages``), which hold other people's files. A folder
named explicitly on the command line is always searched.
"""

from __future__ import annotations

import os
import stat

from ..errors import PftlintError
from .sources import PACKED_SUFFIXES

CHECKED_SUFFIXES = (".jsonl", *PACKED_SUFFIXES)
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "__pypackages__"})


class DiscoveryError(PftlintError, OSError):
    """A path that cannot be checked (exit status 2 on the command line)."""


def _walk_error(error: OSError) -> None:
    raise DiscoveryError(f"{error.filename}: {error.strerror or error}")


def _jsonl_files(root: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root, onerror=_walk_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith(CHECKED_SUFFIXES):
                path = os.path.join(folder, name)
                if os.path.isfile(path):
                    found.append(path)
    return found


def discover(paths: list[str]) -> list[str]:
    """The files to check, each once, in the order given. Raises DiscoveryError for a path that cannot be."""
    found: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = path if path == "-" else os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for raw in paths:
        raw = os.fspath(raw)
        if raw == "-":
            add(raw)
            continue
        if not raw:
            raise DiscoveryError("an empty path was given; name a file or directory")
        try:
            mode = os.stat(raw).st_mode
        except FileNotFoundError:
            raise DiscoveryError(f"{raw}: no such file or directory") from None
        except NotADirectoryError:
            raise DiscoveryError(f"{raw}: not a directory (a file was named as a folder)") from None
        except OSError as exc:
            raise DiscoveryError(f"{raw}: {exc.strerror or exc}") from None
        if stat.S_ISDIR(mode):
            inside = _jsonl_files(raw)
            if not inside:
                raise DiscoveryError(f"{raw}: directory holds no .jsonl, .jsonl.gz, .json.gz or .parquet files")
            for path in inside:
                add(path)
        elif stat.S_ISREG(mode) or stat.S_ISFIFO(mode):  # a FIFO: `pftlint check <(zcat data.jsonl.gz)`
            if not os.access(raw, os.R_OK):
                raise DiscoveryError(f"{raw}: permission denied")
            add(raw)
        else:
            raise DiscoveryError(f"{raw}: not a regular file")
    return found
