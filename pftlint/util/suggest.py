"""Did-you-mean for a name pftlint does not know: the closest known one (difflib), or a known synonym."""

from __future__ import annotations

from typing import Iterable, Mapping


def closest(word: str, known: Iterable[str], synonyms: Mapping[str, str] | None = None) -> str | None:
    """The known name ``word`` most likely meant, or None.

    Case, ``_`` for ``-`` and a synonym from another tool (``sft`` for ``supervised``) are
    tried before the spelling distance.
    """
    names = list(known)
    folded = {name.lower().replace("_", "-"): name for name in names}
    key = word.strip().lower().replace("_", "-")
    if key in folded:
        return folded[key]
    if synonyms and key in synonyms and synonyms[key] in names:
        return synonyms[key]
    import difflib  # only when a name is wrong: not on every run's import path

    found = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.75)
    return folded[found[0]] if found else None


def did_you_mean(word: str, known: Iterable[str], synonyms: Mapping[str, str] | None = None) -> str:
    """``"; did you mean 'name'?"`` to end an error message with, or ``""`` when nothing is close."""
    found = closest(word, known, synonyms)
    return f"; did you mean {found!r}?" if found is not None and found != word else ""
