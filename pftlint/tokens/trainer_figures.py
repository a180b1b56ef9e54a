"""What TRL's DPOTrainer does to each pair at ``max_length``, summed over a file: ``pftlint stats``'
trainer figures (tokens per side, pairs dropped and truncated, tokens lost). The per-pair arithmetic is
:mod:`pftlint.tokens.trainer`'s, shared with the budget rules."""

from __future__ import annotations

from dataclasses import dataclass

from . import trainer


@dataclass
class SideFigures:
    """One reply side's figures at max_length."""

    reply_tokens: int = 0  # sum of the reply's tokens (prompt+reply less the prompt)
    reply_max: int = 0
    truncated: int = 0  # pairs whose side is over max_length
    lost: int = 0  # tokens cut off, summed
    lost_max: int = 0

    def add(self, prompt: int, full: int, cut: trainer.Cut) -> None:
        reply = full - prompt
        self.reply_tokens += reply
        self.reply_max = max(self.reply_max, reply)
        if cut.lost:
            self.truncated += 1
            self.lost += cut.lost
            self.lost_max = max(self.lost_max, cut.lost)


class PairFigures:
    """What TRL's DPOTrainer does to each pair at max_length (pftlint.tokens.trainer), summed."""

    def __init__(self, tokenizer: str, max_length: int, truncation_mode: str):
        self.tokenizer, self.max_length, self.truncation_mode = tokenizer, max_length, truncation_mode
        self.model = trainer.model_tokenizer(tokenizer)
        self.prompt_tokens = self.prompt_max = 0
        self.chosen, self.rejected = SideFigures(), SideFigures()
        self.dropped = self.truncated = self.one_side = self.unequal = 0
        self.not_tokenized = 0  # pairs the chat template refuses, or no pair TRL can read
        self.first_not_tokenized: int | None = None

    def add(self, prompt: int, chosen: int, rejected: int) -> tuple[int, ...] | None:
        """One pair's lengths; the (prompt, reply, reply) tokens to count in the file's figures, or None
        for a pair TRL drops (still counted as an example)."""
        self.prompt_tokens += prompt
        self.prompt_max = max(self.prompt_max, prompt)
        drop = trainer.dropped(prompt, self.max_length, self.truncation_mode)
        self.dropped += drop
        # a dropped row is not truncated: TRL never sees it
        cuts = [trainer.Cut(0, 0) if drop else trainer.cut(prompt, full, self.max_length, self.truncation_mode)
                for full in (chosen, rejected)]
        self.chosen.add(prompt, chosen, cuts[0])
        self.rejected.add(prompt, rejected, cuts[1])
        if cuts[0].lost or cuts[1].lost:
            self.truncated += 1
            self.one_side += not (cuts[0].lost and cuts[1].lost)
            self.unequal += cuts[0].reply_lost != cuts[1].reply_lost
        return prompt, chosen - prompt, rejected - prompt

    def refused(self, line: int) -> None:
        self.not_tokenized += 1
        if self.first_not_tokenized is None:
            self.first_not_tokenized = line

    def summary(self, n: int) -> dict:
        def share(count: int) -> float:
            return round(count / n, 4) if n else 0.0

        def side(acc: SideFigures) -> dict:
            return {"mean": round(acc.reply_tokens / n, 1) if n else None, "max": acc.reply_max if n else None,
                    "truncated": acc.truncated, "tokens_lost": acc.lost, "max_lost": acc.lost_max}

        return {
            "tokenizer": self.tokenizer,
            "max_length": self.max_length,
            "truncation_mode": self.truncation_mode,
            "pairs": n,
            "not_tokenized": self.not_tokenized,
            "first_not_tokenized": self.first_not_tokenized,
            "prompt": {"mean": round(self.prompt_tokens / n, 1) if n else None, "max": self.prompt_max if n else None},
            "chosen": side(self.chosen),
            "rejected": side(self.rejected),
            "dropped": {"count": self.dropped, "share": share(self.dropped)},
            "truncated": {"count": self.truncated, "share": share(self.truncated), "one_side_only": self.one_side,
                          "unequal": self.unequal},
        }
