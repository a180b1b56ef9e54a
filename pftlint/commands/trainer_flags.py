"""The trainer flags ``check`` and ``stats`` share: ``--tokenizer``, ``--max-length``, ``--truncation-mode``
(TRL's DPOConfig names; configuration keys ``tokenizer``, ``max-length``, ``truncation-mode``)."""

from __future__ import annotations

import argparse


def add_trainer_flags(group) -> None:
    """--tokenizer, --max-length, --truncation-mode: shared by check and stats (config: the same keys)."""
    group.add_argument("--tokenizer", metavar="PATH|ORG/NAME",
                       help="the model's tokenizer: a tokenizer.json, the folder holding it, or a model id in the "
                       "local Hugging Face cache (never downloaded; needs pip install 'pftlint[hf]'). Without it "
                       "token counts are an o200k_base estimate")
    group.add_argument("--max-length", metavar="N", type=_tokens_count,
                       help="DPOConfig.max_length: the cap on prompt+chosen and prompt+rejected (default 1024; "
                       "0: no truncation, TRL's None)")
    group.add_argument("--truncation-mode", metavar="MODE",
                       help="DPOConfig.truncation_mode: keep_start (default: a long reply loses its end) or "
                       "keep_end (the prompt loses its start; deprecated since TRL 1.1)")


def _tokens_count(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of tokens, not {value!r}") from None


def trainer_settings(args: argparse.Namespace) -> dict:
    """The trainer flags given, in the configuration's names."""
    return {key: value for key, value in (("tokenizer", args.tokenizer), ("max-length", args.max_length),
                                          ("truncation-mode", args.truncation_mode)) if value is not None}
