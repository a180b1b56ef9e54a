"""The settings of a run, and the one set of checks they pass whatever their source.

Settings come from ``[tool.pftlint]`` in the pyproject.toml (or the pftlint.toml) closest to
each checked file (:class:`pftlint.profiles.config_files.Resolver`), from the command line's flags, and from the Python API's
keywords. All three go through
:func:`checked`: one check per key (:data:`CHECKS`), one wording, and a :class:`ConfigError`
(exit status 2; a ``ValueError`` for the API) whose one line names the source: the file and
key, the flag, or the keyword; an unknown name gets a did-you-mean. Paths and globs in a file
are relative to its folder, in a flag to the working directory: they are anchored once read
(:class:`~pftlint.util.globs.Glob`), so settings from several sources mix. Rule selectors and per-rule options are checked against the
catalog here too, so a bad one is reported before any file is read. The data pftlint ships
(target profiles, models table, rule documents) is checked along another path: pftlint.profiles.strict.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from ..errors import PftlintError
from ..util.globs import Glob
from ..util.suggest import did_you_mean

METHODS = ("auto", "dpo", "supervised")
TRUNCATION_MODES = ("keep_start", "keep_end")  # DPOConfig.truncation_mode (keep_end: deprecated since TRL 1.1)
# Settings that fill in the rule options of the same name (the trainer's budget rules declare them).
TRAINER_KEYS = ("tokenizer", "max-length", "truncation-mode")
LEVELS = ("error", "warning", "info")
# What other tools call a value pftlint knows by another name: offered as the did-you-mean.
SYNONYMS = {"sft": "supervised", "chat": "supervised", "preference": "dpo", "text": "concise",
            "full": "table", "warn": "warning", "err": "error", "note": "info", "azure-openai": "azure"}


class ConfigError(PftlintError, ValueError):
    """A bad setting, reported as one line and exit status 2 (the API raises it as a ValueError)."""


@dataclass
class Config:
    """The settings of a run: the defaults, a configuration file's values, then the flags."""

    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    target: str = "openai"
    method: str = "auto"  # METHODS
    fail_on: str = "error"  # LEVELS
    output_format: str = "auto"
    # The model whose token limit applies (rules/models.toml); None: the target's default-model.
    model: str | None = None
    # The validation file, checked against the training files (train-validation-overlap).
    validation: str | None = None
    # The baseline file: findings recorded in it are not reported (pftlint.baseline).
    baseline: str | None = None
    # Files and folders a folder search skips (and, with --force-exclude, named files too).
    # --exclude replaces ``exclude``; --extend-exclude adds to ``extend-exclude``.
    exclude: list[Glob] = field(default_factory=list)
    extend_exclude: list[Glob] = field(default_factory=list)
    # Rules not reported in the files a glob matches: (glob, rule selectors).
    per_file_ignores: list[tuple[Glob, list[str]]] = field(default_factory=list)
    extend_per_file_ignores: list[tuple[Glob, list[str]]] = field(default_factory=list)
    # Per-rule settings: {"rule-name": {"severity": "warning", "<option>": value}}
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The trainer's budget (TRL's DPOConfig): the model's tokenizer (a tokenizer.json, its folder or a cached
    # model id; None: an o200k_base estimate), max_length (0: no truncation) and truncation_mode. They fill in
    # the options of that name of every rule that declares one (TRAINER_KEYS).
    tokenizer: str | None = None
    max_length: int = 1024
    truncation_mode: str = "keep_start"


# -- the checks: one per key, ``check(value, where) -> value``; ``where`` names the source and key ----------

def _choice(what: str, choices: Callable[[], Iterable[str]]) -> Callable[[Any, str], str]:
    def check(value: Any, where: str) -> str:
        known = tuple(choices())
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a {what} ({', '.join(known)}), not {_kind(value)} {value!r:.60}")
        if value not in known:
            raise ConfigError(f"{where}: unknown {what} {value!r} (choose from {', '.join(known)})"
                              + did_you_mean(value, known, SYNONYMS))
        return value
    return check


def _target_names() -> list[str]:
    from ..engine.catalog import target_names

    return target_names()


def _format_names() -> tuple[str, ...]:
    from ..reporters import format_names

    return format_names()


_known_target = _choice("target", _target_names)
_method = _choice("method", lambda: METHODS)
_level = _choice("severity", lambda: LEVELS)
_output_format = _choice("output format", _format_names)


def _target(value: Any, where: str) -> str:
    from .targets import load_target

    load_target(_known_target(value, where))  # the profile itself is shipped data, checked strictly
    return value


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "the string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _text(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, not {_kind(value)} {value!r:.60}")
    return value


def _model(value: Any, where: str) -> str | None:
    if _text(value, where) is not None:
        from .model_limits import UnknownModel, resolve

        try:
            resolve(value)
        except UnknownModel as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return value


def _tokenizer(value: Any, where: str) -> str | None:
    """A tokenizer.json, its folder or a model id: found and loaded (offline) once it is anchored."""
    if _text(value, where) == "":
        raise ConfigError(f"{where}: the tokenizer is empty; name a tokenizer.json, its folder or a model id (ORG/NAME)")
    return value


def _max_length(value: Any, where: str) -> int:
    if type(value) is not int or value < 0:
        raise ConfigError(f"{where}: expected a whole number of tokens, 0 or more (0: no truncation), not "
                          f"{_kind(value)} {value!r:.60}")
    return value


_truncation_mode = _choice("truncation mode", lambda: TRUNCATION_MODES)


def _load_tokenizer(spec: str, where: str) -> str:
    """Fail before any file is read when the tokenizer cannot be found or loaded (it is then cached for the run)."""
    from ..tokens.trainer import model_tokenizer

    try:
        model_tokenizer(spec)
    except PftlintError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return spec


def _selectors(value: Any, where: str, may_be_empty: bool = False) -> list[str] | None:
    """A list of rule selectors (any iterable of strings from the API), each matching some rule.

    An empty selector is a mistake, never "no rule": ``""`` (a prefix of every code) anywhere, and
    an empty list unless ``may_be_empty`` (``select = []`` would quietly turn every rule off)."""
    from ..engine.selection import SelectionError, check_selectors

    if value is None:
        return None
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise ConfigError(f"{where}: expected a list of rule selectors, not {_kind(value)} {value!r:.60}")
    selectors = list(value)
    for selector in selectors:
        if not isinstance(selector, str):
            raise ConfigError(f"{where}: expected rule selectors (strings), not {_kind(selector)} {selector!r:.60}")
    if (not selectors and not may_be_empty) or any(not selector.strip() for selector in selectors):
        raise ConfigError(f"{where}: empty; name rules or codes (ALL for every rule)")
    try:
        check_selectors(selectors, where)
    except SelectionError as exc:
        raise ConfigError(str(exc)) from None
    return selectors


def _more_selectors(value: Any, where: str) -> list[str]:
    # in a file or from the API an empty list adds or skips nothing; a flag given empty (--ignore "") is a slip
    return _selectors(value, where, may_be_empty=not where.startswith("--")) or []


def _globs(value: Any, where: str) -> list[str]:
    """A list of paths or globs (relative to the config file's folder, or to the working directory)."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise ConfigError(f"{where}: expected a list of paths or globs, not {_kind(value)} {value!r:.60}")
    globs = list(value)
    for glob in globs:
        if not isinstance(glob, str) or not glob:
            raise ConfigError(f"{where}: expected paths or globs (non-empty strings), not {_kind(glob)} {glob!r:.60}")
    return globs


def _per_file(value: Any, where: str) -> dict[str, list[str]]:
    """``{glob: [rule selectors]}``, as ruff's per-file-ignores."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of globs and rule selectors, not {_kind(value)} {value!r:.60}")
    for glob, selectors in value.items():
        if not glob:
            raise ConfigError(f"{where}: a glob is empty; write the files it means (\"data/*.jsonl\")")
        _selectors(selectors, f"{where}.{glob!r}", may_be_empty=True)
    return value


def _per_rule(value: Any, where: str) -> dict[str, dict[str, Any]]:
    """``{rule name: {"severity": level, option: value}}``: known rules, levels and options of the right type."""
    from ..engine.registry import all_rules
    from ..engine.selection import SelectionError, rule_options

    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of rule names, not {_kind(value)} {value!r:.60}")
    by_name = {rule.name: rule for rule in all_rules()}
    for name, settings in value.items():
        here = f"{where}.{name}"
        if name not in by_name:
            raise ConfigError(f"{here}: no such rule (see `pftlint rules`){did_you_mean(name, by_name)}")
        if not isinstance(settings, dict):
            raise ConfigError(f"{here}: expected a table of settings, not {_kind(settings)} {settings!r:.60}")
        if "severity" in settings:
            _level(settings["severity"], f"{here}.severity")
        try:
            rule_options(by_name[name], settings, here)
        except SelectionError as exc:
            raise ConfigError(str(exc)) from None
    return value


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _config(values: dict[str, Any], anchor: str, source: "Source") -> Config:
    config = Config(**{key.replace("-", "_"): value for key, value in _anchored(values, anchor, source).items()})
    return _with_trainer(config, values, keep_rule_options=True)


def _with_trainer(config: Config, given: dict[str, Any], keep_rule_options: bool) -> Config:
    """``config`` with the trainer settings ``given`` written into the options of every rule declaring them.

    In a file, a rule's own option (``[rules.reply-truncated] max-length = 2048``) wins over the key;
    a flag or keyword wins over both.
    """
    keys = [key for key in TRAINER_KEYS if key in given]
    if not keys:
        return config
    from ..engine.registry import all_rules

    rules = {name: dict(settings) for name, settings in config.rules.items()}
    for rule in all_rules():
        for key in keys:
            if key in rule.doc.options and not (keep_rule_options and key in rules.get(rule.name, {})):
                value = getattr(config, key.replace("-", "_"))
                rules.setdefault(rule.name, {})[key] = "" if value is None else value
    return replace(config, rules=rules)


def _anchored(values: dict[str, Any], anchor: str, source: "Source") -> dict[str, Any]:
    """Checked values with their paths and globs made independent of the working directory.

    A file's globs, ``validation`` and ``baseline`` are relative to its folder; a flag's to the working directory.
    """
    values = dict(values)
    for key in ("exclude", "extend-exclude"):
        if key in values:
            values[key] = [Glob(pattern, anchor) for pattern in values[key]]
    for key in ("per-file-ignores", "extend-per-file-ignores"):
        if key in values:
            values[key] = [(Glob(pattern, anchor), list(sels)) for pattern, sels in values[key].items()]
    for key in ("validation", "baseline"):
        path = values.get(key)
        if source.kind == "file" and path and not os.path.isabs(path):
            values[key] = os.path.relpath(os.path.join(anchor, path))
    spec = values.get("tokenizer")
    if spec:  # a path in a file is relative to its folder; anything else is a model id
        local = os.path.join(anchor, os.path.expanduser(spec))
        if source.kind == "file" and not os.path.isabs(spec) and os.path.exists(local):
            values["tokenizer"] = os.path.relpath(local)
        values["tokenizer"] = _load_tokenizer(values["tokenizer"], source.where("tokenizer"))
    return values


# In the order of the fields: the first bad key is the one reported.
CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "select": _selectors, "extend-select": _more_selectors, "ignore": _more_selectors, "target": _target,
    "method": _method, "fail-on": _level, "output-format": _output_format, "model": _model,
    "validation": _text, "baseline": _text, "exclude": _globs, "extend-exclude": _globs,
    "per-file-ignores": _per_file, "extend-per-file-ignores": _per_file, "rules": _per_rule,
    "tokenizer": _tokenizer, "max-length": _max_length, "truncation-mode": _truncation_mode,
}
KEYS = tuple(_kebab(f.name) for f in fields(Config))


@dataclass(frozen=True)
class Source:
    """Where settings come from, so that an error names it: a file and its key, a flag, or a keyword."""

    kind: str  # "file" | "flags" | "keywords"
    path: str = ""

    def where(self, key: str) -> str:
        if self.kind == "flags":
            return f"--{key}"
        if self.kind == "keywords":
            head, dot, rest = key.partition(".")
            return f"keyword {head.replace('-', '_')}{dot}{rest}"
        return f"{self.path}: {key}"


FLAGS = Source("flags")
KEYWORDS = Source("keywords")


def checked(values: dict[str, Any], source: Source) -> dict[str, Any]:
    """``values`` (kebab-case keys) with every key known and every value checked: the one path for settings."""
    for key in values:
        if key not in CHECKS:
            raise ConfigError(f"{source.path or source.kind}: unknown key {key!r} (known keys: {', '.join(KEYS)})"
                              + did_you_mean(key, KEYS))
    return {key: check(values[key], source.where(key)) for key, check in CHECKS.items() if key in values}


def from_keywords(**keywords: Any) -> Config:
    """The settings of the Python API (snake_case keywords), checked as the file and the flags are."""
    return _config(checked({_kebab(key): value for key, value in keywords.items()}, KEYWORDS), os.getcwd(),
                   KEYWORDS)


def validate(section: Any, path: Path | str = "config") -> Config:
    """A Config from a configuration file's settings table; a bad key or value is a ConfigError naming both."""
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.pftlint] must be a table")
    source = Source("file", str(path))
    return _config(checked(section, source), os.path.dirname(os.path.abspath(path)), source)


ADDED_BY_FLAGS = ("extend-select", "ignore", "extend-exclude")


def with_overrides(config: Config, overrides: dict[str, Any]) -> Config:
    """The file's settings with the command line's on top, each flag checked as a file key is.

    ``select`` replaces the file's selection (its ``select`` and ``extend-select``);
    ``extend-select`` and ``ignore`` add to the file's; every other flag replaces its key.
    """
    flags = _anchored(checked(overrides, FLAGS), os.getcwd(), FLAGS)
    merged = {}
    for key, value in flags.items():
        name = key.replace("-", "_")
        merged[name] = [*getattr(config, name), *value] if key in ADDED_BY_FLAGS else value
    if "select" in flags:
        merged["extend_select"] = list(flags.get("extend-select", []))
    return _with_trainer(replace(config, **merged), flags, keep_rule_options=False)
