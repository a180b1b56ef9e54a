"""The BPE rank files of o200k_base and cl100k_base, shipped so that counting needs no network.

They are the files tiktoken downloads at run time (gzip-compressed here); pftlint.tokens
checks their SHA-256 against the hashes tiktoken itself expects before using them.
"""
