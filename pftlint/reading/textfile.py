"""A text file given as JSON Lines (a README, a log, ``/etc/services`` renamed ``.jsonl``): one
``invalid-json`` finding that says so, not one per line.

The reader shows :class:`TextWatch` each content line it had to parse slowly, from the file's
first one on. A line is *plain text* when it is not JSON and does not even start like JSON (``{``
or ``[``). The findings of the first plain lines are held; when the first ``TEXT_LINES`` content
lines are all plain, they become one finding (``kind: text``, at the first of them) and every
later plain line is dropped; a line that is JSON (a record, an object cut off, an array) before
that releases the held findings as they were, and the watch ends. Lines that start like JSON are
always reported, so the records of a file with a few lines of text at its top are still checked.
"""

from __future__ import annotations

from .issues import Issue

# How many plain-text lines at the top of a file make it a text file (all of the first ones).
TEXT_LINES = 5


class TextWatch:
    """The held findings of a file's first plain-text lines, and whether the file turned out to be text."""

    __slots__ = ("active", "held", "text_file")

    def __init__(self) -> None:
        self.active = True  # still deciding, or a text file (its plain lines dropped)
        self.held: list[Issue] = []
        self.text_file = False

    def see(self, units, text: str, content_line: int) -> tuple[list[Issue], object]:
        """(the held findings to yield first, what to yield for this line instead of ``units``);
        ``content_line``: which content line of the file this is (a record read on the fast path
        before it was not shown here, but counted)."""
        plain = (type(units) is list and len(units) == 1 and getattr(units[0], "rule", None) == "invalid-json"
                 and text.lstrip()[:1] not in ("{", "["))
        if self.text_file:
            return [], (() if plain else units)
        if not plain or content_line != len(self.held) + 1:
            self.active = False
            held, self.held = self.held, []
            return held, units
        self.held.append(units[0])
        if len(self.held) < TEXT_LINES:
            return [], ()
        first = self.held[0]
        self.held, self.text_file = [], True
        return [], [Issue("invalid-json", first.line, 1, {"kind": "text", "lines": TEXT_LINES})]

    def finish(self) -> list[Issue]:
        """At the end of the file: what is still held (a file of fewer plain lines keeps one finding each)."""
        held, self.held, self.active = self.held, [], False
        return held
