"""Provider profiles and settings.

targets (provider profiles, rules/targets/*.toml), model_limits (the models table,
rules/models.toml), strict (strict checks of the shipped data), config (a user's settings from the
config file, flags and API keywords: one set of checks).
"""
