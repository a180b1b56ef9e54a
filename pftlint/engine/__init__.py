"""The engine: runs the active rules over records and collects their findings.

linter (Linter: rules over one stream, knows no processes), runner (a Linter over files, in one pass
or in chunks), parallel (the one driver that spreads a large file over the cores, for check and
stats), findings (the value objects), selection (which rules, severities, options), registry (rule
= catalog document + implementation), catalog (the rule documents and profiles from rules/).
"""
