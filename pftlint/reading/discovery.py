"""Which files a run checks: files as given, directories searched for ``*.jsonl`` (and the packed
``*.jsonl.gz``, ``*.json.gz``, ``*.parquet``: pftlint.reading.sources).

Directories are searched recursively, in sorted order, skipping hidden folders
(``.git``, ``.venv``...) and the usual tool folders (``node_modules``,
``__pycache__``, ``site-packages``), which hold other people's files. A folder
named explicitly on the command line is always searched.

``excluded(path)`` (the settings' ``exclude``) skips files and folders found in a search; a
path named explicitly is checked anyway unless ``force_exclude`` (what pre-commit wants: it
names every staged file).
"""

from __future__ import annotations

import os
import stat
from typing import Callable

from ..errors import PftlintError
from .sources import PACKED_SUFFIXES

CHECKED_SUFFIXES = (".jsonl", *PACKED_SUFFIXES)
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "__pypackages__"})


class DiscoveryError(PftlintError, OSError):
    """A path that cannot be checked (exit status 2 on the command line)."""


def _walk_error(error: OSError) -> None:
    raise DiscoveryError(f"{error.filename}: {error.strerror or error}")


def _never(path: str) -> bool:
    return False


def _jsonl_files(root: str, excluded: Callable[[str], bool]) -> tuple[list[str], bool]:
    """The files found below ``root``, and whether ``excluded`` skipped any file or folder."""
    found = []
    skipped = False
    for folder, dirs, files in os.walk(root, onerror=_walk_error):
        kept = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        dirs[:] = [d for d in kept if not excluded(os.path.join(folder, d))]
        skipped = skipped or len(dirs) < len(kept)
        for name in sorted(files):
            if name.endswith(CHECKED_SUFFIXES):
                path = os.path.join(folder, name)
                if os.path.isfile(path):
                    if excluded(path):
                        skipped = True
                    else:
                        found.append(path)
    return found, skipped


def discover(paths: list[str], excluded: Callable[[str], bool] = _never, force_exclude: bool = False) -> list[str]:
    """The files to check, each once, in the order given. Raises DiscoveryError for a path that cannot be.

    ``excluded`` skips what a folder search finds, and with ``force_exclude`` the paths named too;
    a folder whose files are all excluded gives none (not an error: the settings asked for it).
    """
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
        if force_exclude and excluded(raw):
            continue
        if stat.S_ISDIR(mode):
            inside, skipped = _jsonl_files(raw, excluded)
            if not inside and not skipped:
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
