"""Token counting: counting (chat token counts). The shipped rank files are in pftlint/_tokenizers."""
