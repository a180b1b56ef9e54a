"""TRL's implicit prompt (implicit-prompt-split): rows without a prompt, which TRL cuts out of the replies.

The cut is pftlint.model.layouts.split_index, the one copy of TRL's ``extract_prompt`` (SOURCES.md §7 T4).
"""

from __future__ import annotations

from typing import Iterator

from ..engine.findings import Problem, Severity
from ..model.layouts import split_index
from ..model.view import CHOSEN, PROMPT, REJECTED, Record, safe_equal
from . import record_rule


# -- PFT310 -------------------------------------------------------------------
def _shown(value, limit: int = 40) -> str:
    """A piece of a reply for a message: a text quoted (cut to ``limit`` characters), messages by their roles."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[:limit] + "...")
    roles = [item.get("role") if type(item) is dict else None for item in value]
    return "[" + ", ".join(f"{r} message" if isinstance(r, str) else "an item" for r in roles) + "]"


def _differing_keys(a: object, b: object) -> str:
    """Why two first messages differ when their role and content agree: the other keys, named."""
    if not (type(a) is dict and type(b) is dict and a.get("role") == b.get("role")
            and safe_equal(a.get("content"), b.get("content"))):
        return ""
    keys = sorted({k for k in a.keys() | b.keys() if k not in a or k not in b or not safe_equal(a[k], b[k])}, key=str)
    return f" (their first messages differ only in {', '.join(repr(k) for k in keys)}; TRL compares whole messages)"


def _elements(value: str | list) -> str:
    return "character" if isinstance(value, str) else "message"


@record_rule("implicit-prompt-split", methods=("dpo",))
def implicit_prompt_split(record: Record, options: dict):
    # only TRL rows without a prompt: TRL cuts their prompt out of chosen and rejected (SOURCES.md §7 T4);
    # an Anthropic HH row is one, when TRL reads the file as it is (--target trl)
    if record.typed:
        return ()
    if record.format == "hh":
        if record.target.name != "trl":
            return ()
    elif record.format != "trl" or record.kinds is None or record.kinds.get(PROMPT) != "absent":
        return ()
    data = record.mapping()
    chosen, rejected = data.get("chosen"), data.get("rejected")
    if not (type(chosen) is type(rejected) and isinstance(chosen, (str, list))):
        return ()  # mixed or other types: mixed-prompt-types, wrong-type
    return _split_problems(chosen, rejected)


def _split_problems(chosen: str | list, rejected: str | list) -> Iterator[Problem]:
    unit = _elements(chosen)
    for name, side in ((CHOSEN, chosen), (REJECTED, rejected)):
        if not side:
            yield Problem(f"{name} is empty and there is no prompt: TRL's prompt extraction fails on this row "
                          "(UnboundLocalError); give both replies their text, or add a prompt column",
                          json_path=(name,))
            return
    idx = split_index(chosen, rejected)
    prompt, kept, lost = chosen[:idx], chosen[idx:], rejected[idx:]
    trains = f"TRL trains on {_shown(kept)} as chosen and {_shown(lost)} as rejected"
    n = min(len(chosen), len(rejected))
    if safe_equal(chosen[:n], rejected[:n]):  # identical, or one starts with the other: no difference found
        if len(chosen) == len(rejected):
            return  # identical replies: identical-outputs' (the view splits them as TRL does)
        if len(chosen) < len(rejected):
            what = "rejected starts with the whole of chosen"
        else:
            what = "chosen starts with the whole of rejected"
        yield Problem(f"{what}, and there is no prompt: TRL's extraction then takes all but the last shared "
                      f"{unit} as the prompt, so {trains}; add the prompt column, and make the replies differ",
                      json_path=(REJECTED,))
        return
    if idx <= 0 or not prompt:
        if idx < 0:  # TRL reads chosen[-1]: a trailing space moves the cut to the end of chosen
            yield Problem(f"chosen and rejected differ from their first character and chosen ends with a space: "
                          f"TRL's extraction then takes chosen minus its last character as the prompt, so {trains}; "
                          "add the prompt column (TRL found no shared prompt)", json_path=(CHOSEN,))
        else:
            yield Problem(f"chosen and rejected differ from their first {unit}, so the prompt TRL extracts is "
                          f"empty and it trains on both whole replies with no prompt"
                          f"{_differing_keys(chosen[0], rejected[0]) if unit == 'message' else ''}; add the prompt "
                          "column, or write the shared prompt at the start of both", json_path=(REJECTED,))
        return
    if isinstance(chosen, str) and chosen[idx - 1].isalnum() and (chosen[idx].isalnum() or rejected[idx].isalnum()):
        yield Problem(f"the prompt TRL extracts ends inside a word ({_shown(prompt[-20:])}): {trains}, split "
                      "mid-word, so their tokens do not match the prompt's; add the prompt column",
                      json_path=(REJECTED,), severity=Severity.WARNING)
