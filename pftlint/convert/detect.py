"""Which source format a record is in, for ``pftlint convert``: the linter's detection, refined.

``pftlint.model.formats.detect`` knows the formats the linter reports on (OpenAI, TRL, HH,
ShareGPT, Vertex, Nova, UltraFeedback, LLaMA-Factory, axolotl...); convert names two of them its
own way (axolotl's chatml keys, and H4's UltraFeedback, which it reads apart from TRL).
"""

from __future__ import annotations

from ..model import formats

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

# The linter's names of formats convert reads under another name.
_READ_AS = {formats.AXOLOTL_CHATML: AXOLOTL}


def detect(record: dict) -> str:
    """The source format of one record: the linter's detection (pftlint.model.formats, the one place
    that tells formats apart), with H4's UltraFeedback told apart from TRL (convert reads it its own way)."""
    fmt = formats.detect(record)
    fmt = _READ_AS.get(fmt, fmt)
    if fmt == formats.TRL and isinstance(record.get("prompt"), str) and _repeats_user(record.get("chosen")) \
            and isinstance(record.get("rejected"), list):
        return ULTRAFEEDBACK_H4
    return fmt


def _repeats_user(chosen) -> bool:
    """A reply list that starts with the user's turn (H4's), not with the reply (TRL's mixed record)."""
    return type(chosen) is list and bool(chosen) and type(chosen[0]) is dict and chosen[0].get("role") == "user"
