"""Which dataset format a record is in.

Used by the engine (to pick a file's method), by ``wrong-format`` and by
``pftlint convert``. Detection looks at top-level keys only: it must be cheap
enough to run on every record.
"""

from __future__ import annotations

DPO = "dpo"
SUPERVISED = "supervised"
TRL = "trl"
HH = "hh"
PROMPT_COMPLETION = "prompt-completion"
UNKNOWN = "unknown"

METHODS = (DPO, SUPERVISED)
FOREIGN = (TRL, HH, PROMPT_COMPLETION)

DESCRIPTIONS = {
    DPO: "OpenAI preference (input / preferred_output / non_preferred_output)",
    SUPERVISED: "supervised chat ({\"messages\": [...]})",
    TRL: "TRL preference (prompt / chosen / rejected)",
    HH: "Anthropic HH (chosen / rejected transcripts)",
    PROMPT_COMPLETION: "legacy prompt / completion",
    UNKNOWN: "unknown",
}

# Keys that mark a DPO record even when misspelled or renamed (the spec's
# Dec 2024 - Jun 2025 names included).
_DPO_KEYS = frozenset({
    "input", "preferred_output", "non_preferred_output",
    "preferred_completion", "non_preferred_completion",
    "prefered_output", "non-preferred_output", "non_prefered_output",
})


def detect(record: dict) -> str:
    """The format of one record (a dict)."""
    if "messages" in record and not _DPO_KEYS.intersection(record):
        return SUPERVISED
    if _DPO_KEYS.intersection(record):
        return DPO
    if "chosen" in record and "rejected" in record:
        if "prompt" in record:
            return TRL
        chosen = record["chosen"]
        if isinstance(chosen, str) and "Human:" in chosen and "Assistant:" in chosen:
            return HH
        return TRL  # implicit-prompt TRL: the prompt is the shared prefix of chosen/rejected
    if "prompt" in record and "completion" in record:
        return PROMPT_COMPLETION
    return UNKNOWN


def decide_method(formats: list[str], requested: str) -> tuple[str, str | None]:
    """(method, foreign format of the whole file or None) from a sample of record formats.

    ``requested`` is ``auto``, ``dpo`` or ``supervised``. A file whose sample is
    mostly a foreign format is reported once as that format.
    """
    counts = {f: formats.count(f) for f in set(formats)}
    known = counts.get(DPO, 0) + counts.get(SUPERVISED, 0)
    foreign = max(FOREIGN, key=lambda f: counts.get(f, 0))
    foreign_file = foreign if counts.get(foreign, 0) > known else None
    if requested != "auto":
        return requested, foreign_file
    if counts.get(SUPERVISED, 0) > counts.get(DPO, 0):
        return SUPERVISED, foreign_file
    return DPO, foreign_file
