"""The errors a user can cause: each is printed as one line and the command exits with status 2.

Every module that raises one defines a subclass of :class:`PftlintError` next to its code (a
config file's errors in pftlint.profiles.config, an unreadable path in pftlint.reading.discovery...); the command
line catches the base class only, so a new kind of error needs no change there.
"""

from __future__ import annotations


class PftlintError(Exception):
    """Bad input from the user (a flag, a setting, a path, a file): one line on stderr, exit status 2."""


class UsageError(PftlintError):
    """A command-line argument that cannot be used as given."""
