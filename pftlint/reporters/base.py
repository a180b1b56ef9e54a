"""What every reporter shares."""

from __future__ import annotations

from typing import TextIO

from ..models import Report


class Reporter:
    """Writes a :class:`Report` to a text stream. Subclasses implement ``report``."""

    #: True when a person reads it (the terminal summary stays on with --output-file).
    human = False

    def __init__(self, stream: TextIO, *, color: bool = False):
        self.stream = stream
        self.color = color

    def report(self, report: Report) -> None:
        raise NotImplementedError
