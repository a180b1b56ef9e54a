"""Writing a file so that no reader ever sees half of it: a temporary file beside it, renamed over it.

Used by ``check --output-file`` and ``convert -o``. ``--fix`` has its own variant
(pftlint.fix): it verifies the copy before the rename and keeps the original's mode and owner.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from typing import IO, Iterator


def file_mode(path: str) -> int:
    """The mode a plain ``open(path, "w")`` would leave: the existing file's, else 0666 minus the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


class Pending:
    """The file being written. Set ``keep = False`` before the block ends to leave ``path`` as it was."""

    def __init__(self, stream: IO):
        self.stream = stream
        self.write = stream.write
        self.keep = True


@contextlib.contextmanager
def replaced_when_done(path: str, mode: str = "wb", **open_args) -> Iterator[Pending]:
    """A temporary file beside ``path``, renamed over it when the block ends without error.

    Leaving the block by an exception (a full disk, Ctrl-C) removes the temporary file and
    leaves ``path`` untouched. Raises OSError when the folder cannot be written.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                               dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, mode, **open_args) as out:
            pending = Pending(out)
            yield pending
            if pending.keep:
                out.flush()
                os.fsync(out.fileno())
        if pending.keep:
            os.chmod(tmp, file_mode(path))
            os.replace(tmp, path)
            tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
