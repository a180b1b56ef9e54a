"""Lines for people at a given width, broken at spaces only.

A path, a rule name, a JSON path or a suggested command is one *unit*: it is never cut. A unit
that does not fit on the current line starts the next one; one wider than the whole width gets
a line of its own and is left for the terminal to fold (copying it still gives it whole).
Widths are terminal cells (a CJK character takes two).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text

# A command a message suggests runs to the end of the message or of its clause.
COMMAND = re.compile(r"pftlint [a-z]+ [^;]*")


class Unit(NamedTuple):
    text: str
    style: str = ""
    glued: bool = False  # kept on the line of the unit after it (a mark before a path)


def words(text: str, style: str = "") -> list[Unit]:
    """``text`` as units: its words, and any suggested ``pftlint ...`` command whole."""
    units: list[Unit] = []
    position = 0
    for match in COMMAND.finditer(text):
        units += [Unit(w, style) for w in text[position:match.start()].split()]
        units.append(Unit(match.group().strip(), style))
        position = match.end()
    units += [Unit(w, style) for w in text[position:].split()]
    return units


def lines(units: list[Unit], width: int, indent: int = 0) -> list[list[Unit]]:
    """The units in lines of at most ``width`` cells (``indent`` of them blank), one space between units."""
    out: list[list[Unit]] = []
    line: list[Unit] = []
    used = indent
    group: list[Unit] = []
    for unit in units:
        group.append(unit)
        if unit.glued:
            continue
        size = sum(cell_len(u.text) for u in group) + len(group) - 1
        if line and used + 1 + size > width:
            out.append(line)
            line, used = [], indent
        used += size + (1 if line else 0)
        line += group
        group = []
    line += group
    if line:
        out.append(line)
    return out


def wrapped(units: list[Unit], width: int, indent: int = 0) -> Text:
    """The units as one Rich ``Text`` of lines at most ``width`` wide, each starting with ``indent`` spaces."""
    text = Text()
    for number, line in enumerate(lines(units, width, indent)):
        text.append(("\n" if number else "") + " " * indent)
        for i, unit in enumerate(line):
            text.append(" " + unit.text if i else unit.text, style=unit.style)
    return text
