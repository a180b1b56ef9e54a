"""Token counting: counting (chat token counts with the shipped encodings) and hf (a model's own tokenizer
and chat template, offline). The shipped rank files are in pftlint/_tokenizers."""
