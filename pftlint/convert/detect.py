"""Which source format a record is in, for ``pftlint convert``: the linter's detection, refined.

``pftlint.model.formats.detect`` knows the formats the linter reports on (OpenAI, TRL, HH,
ShareGPT...). Convert reads more: Vertex AI and Amazon Nova preference records, the two
UltraFeedback layouts, LLaMA-Factory's alpaca ranking and axolotl's key aliases. This
module tells those apart first, from top-level keys and the types of a few values (cheap:
it runs on every record), and hands every other record to the linter's detection.
"""

from __future__ import annotations

from ..model import formats
from .axolotl import CHOSEN_KEYS, PROMPT_KEYS, REJECTED_KEYS

VERTEX = "vertex"
NOVA = "nova"
ULTRAFEEDBACK_ARGILLA = "ultrafeedback-argilla"
ULTRAFEEDBACK_H4 = "ultrafeedback-h4"
ALPACA_RANKING = "alpaca-ranking"
AXOLOTL = "axolotl"

FORMATS = (VERTEX, NOVA, ULTRAFEEDBACK_ARGILLA, ULTRAFEEDBACK_H4, ALPACA_RANKING, AXOLOTL)
DESCRIPTIONS = {
    VERTEX: "Vertex AI Gemini preference (contents / completions)",
    NOVA: "Amazon Nova DPO (messages ending with candidates)",
    ULTRAFEEDBACK_ARGILLA: "UltraFeedback, argilla (instruction / chosen_response / rejected_response)",
    ULTRAFEEDBACK_H4: "UltraFeedback, HuggingFaceH4 (prompt text, chosen / rejected conversations)",
    ALPACA_RANKING: "LLaMA-Factory alpaca ranking (instruction / input / chosen / rejected)",
    AXOLOTL: "axolotl chatml (prompt, input, question or instruction / chosen / rejected)",
}

_OPENAI_OUTPUTS = ("preferred_output", "non_preferred_output", *formats.OLD_DPO_KEYS)


def _is_nova(record: dict) -> bool:
    messages = record.get("messages")
    return type(messages) is list and bool(messages) and type(messages[-1]) is dict and "candidates" in messages[-1]


def _flat(record: dict) -> str | None:
    """argilla, alpaca or axolotl: a prompt key and two reply keys, none of OpenAI's output keys."""
    chosen = next((k for k in CHOSEN_KEYS if k in record), None)
    rejected = next((k for k in REJECTED_KEYS if k in record), None)
    prompt = next((k for k in PROMPT_KEYS if k in record), None)
    if chosen is None or rejected is None or prompt is None or any(k in record for k in _OPENAI_OUTPUTS):
        return None
    if (prompt, chosen, rejected) == ("prompt", "chosen", "rejected"):
        return None  # TRL's own keys (or H4's)
    if chosen == "chosen_response" and rejected == "rejected_response" and "instruction" in record \
            and prompt == "instruction":
        return ULTRAFEEDBACK_ARGILLA
    if prompt == "input" and not isinstance(record["input"], str):
        return None  # an OpenAI input object or message list, whatever sits beside it
    if "instruction" in record and chosen == "chosen" and rejected == "rejected" and "prompt" not in record \
            and "question" not in record:
        return ALPACA_RANKING
    return AXOLOTL


def detect(record: dict) -> str:
    """The source format of one record: one of FORMATS, or a ``pftlint.model.formats`` name."""
    if "contents" in record and "completions" in record:
        return VERTEX
    if _is_nova(record):
        return NOVA
    flat = _flat(record)
    if flat is not None:
        return flat
    fmt = formats.detect(record)
    if fmt == formats.TRL and isinstance(record.get("prompt"), str) and _repeats_user(record.get("chosen")) \
            and isinstance(record.get("rejected"), list):
        return ULTRAFEEDBACK_H4
    return fmt


def _repeats_user(chosen) -> bool:
    """A reply list that starts with the user's turn (H4's), not with the reply (TRL's mixed record)."""
    return type(chosen) is list and bool(chosen) and type(chosen[0]) is dict and chosen[0].get("role") == "user"
