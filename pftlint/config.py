"""Configuration: ``[tool.pftlint]`` in the nearest pyproject.toml, or pftlint.toml.

A configuration file is validated with pydantic: an unknown key or a bad value is
a :class:`ConfigError` (exit status 2) that names the key. Command-line flags win
over the file; they are checked by plain code with the same messages, so a run
without a configuration file never imports pydantic (it costs a quarter second).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from .catalog import tomllib
from .errors import PftlintError

METHODS = ("auto", "dpo", "supervised")
LEVELS = ("error", "warning", "info")


class ConfigError(PftlintError):
    """A configuration problem, reported as one line and exit status 2."""


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
    # Per-rule settings: {"rule-name": {"severity": "warning", "<option>": value}}
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)


# -- checks shared by the pydantic model (files) and the flags: ValueError(message) -----------------

def _literal(value: str, choices: tuple[str, ...]) -> str:
    """pydantic's words for a value outside a Literal, so that a flag and a file key read alike."""
    if value not in choices:
        raise ValueError(f"Input should be {', '.join(map(repr, choices[:-1]))} or {choices[-1]!r}")
    return value


def _known_target(value: str) -> str:
    from .catalog import target_names
    from .targets import load_target

    if value not in target_names():
        raise ValueError(f"unknown target {value!r} (choose from {', '.join(target_names())})")
    load_target(value)
    return value


def _known_format(value: str) -> str:
    from .reporters import format_names

    if value not in format_names():
        raise ValueError(f"unknown output format {value!r} (choose from {', '.join(format_names())})")
    return value


def _known_model(value: str | None) -> str | None:
    if value is not None:
        from .model_limits import UnknownModel, resolve

        try:
            resolve(value)
        except UnknownModel as exc:
            raise ValueError(str(exc)) from None
    return value


def _severity_values(value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    for name, settings in value.items():
        if not isinstance(settings, dict):
            raise ValueError(f"rules.{name} must be a table of settings")
        level = settings.get("severity")
        if level is not None and level not in LEVELS:
            raise ValueError(f"rules.{name}.severity must be error, warning or info, not {level!r}")
    return value


def _kebab(name: str) -> str:
    return name.replace("_", "-")


@lru_cache(maxsize=1)
def file_model() -> type:
    """The pydantic model of a settings table, built the first time a configuration file is read."""
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class FileConfig(BaseModel):
        # Keys are kebab-case only (fail-on, not fail_on), as in the file format.
        model_config = ConfigDict(extra="forbid", alias_generator=_kebab)

        select: list[str] | None = None
        extend_select: list[str] = Field(default_factory=list)
        ignore: list[str] = Field(default_factory=list)
        target: str = "openai"
        method: Literal[METHODS] = "auto"
        fail_on: Literal[LEVELS] = "error"
        output_format: str = "auto"
        model: str | None = None
        validation: str | None = None
        rules: dict[str, dict[str, Any]] = Field(default_factory=dict)

        _target = field_validator("target")(_known_target)
        _format = field_validator("output_format")(_known_format)
        _model = field_validator("model")(_known_model)
        _rules = field_validator("rules")(_severity_values)

    return FileConfig


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest pftlint.toml, or pyproject.toml that has a [tool.pftlint] table."""
    for folder in [start, *start.parents]:
        own = folder / "pftlint.toml"
        if own.is_file():
            return own, _section(own, _read_toml(own))
        project = folder / "pyproject.toml"
        if project.is_file():
            section = _tool_table(_read_toml(project))
            if section is not None:
                return project, section
    return None


def _tool_table(data: dict[str, Any]) -> Any:
    tool = data.get("tool")
    return tool.get("pftlint") if isinstance(tool, dict) else None


def _section(path: Path, data: dict[str, Any]) -> Any:
    """pyproject.toml: its [tool.pftlint]; pftlint.toml: [tool.pftlint] if present, else the top level."""
    section = _tool_table(data)
    if section is not None:
        return section
    if path.name == "pyproject.toml":
        raise ConfigError(f"{path}: has no [tool.pftlint] table")
    return data


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML: the file is not UTF-8") from None
    except RecursionError:  # the parser recurses once per nested array or inline table
        raise ConfigError(f"{path}: invalid TOML: values are nested too deeply") from None


def load_config(explicit: str | None = None, isolated: bool = False,
                start: Path | None = None) -> tuple[Config, Path | None]:
    """The settings of the configuration file (validated with pydantic), or the defaults when there is none."""
    if isolated:
        return Config(), None
    if explicit == "":
        raise ConfigError("--config: the path is empty; name a pyproject.toml or pftlint.toml file")
    if explicit:
        path = Path(explicit)
        if path.is_dir():
            raise ConfigError(f"{explicit}: is a directory; --config takes a pyproject.toml or pftlint.toml file")
        if not path.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        return validate(_section(path, _read_toml(path)), path), path
    found = find_config(start or Path.cwd())
    if found is None:
        return Config(), None
    path, section = found
    return validate(section, path), path


KEYS = tuple(_kebab(f.name) for f in fields(Config))


def validate(section: dict[str, Any], source: Path | str = "config", flags: frozenset[str] = frozenset()) -> Config:
    """A Config from a settings table (with pydantic). Errors name the key, or the flag for keys in ``flags``."""
    from pydantic import ValidationError

    if not isinstance(section, dict):
        raise ConfigError(f"{source}: [tool.pftlint] must be a table")
    try:
        checked = file_model().model_validate(section)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        where = f"--{key}" if key in flags else f"{source}: {key}"
        if err["type"] == "extra_forbidden":
            raise ConfigError(f"{source}: unknown key {key!r} (known keys: {', '.join(KEYS)})") from None
        message = err["msg"].removeprefix("Value error, ")
        if message.startswith(f"{key}."):  # the validator named a nested key itself
            raise ConfigError(f"{source}: {message}") from None
        raise ConfigError(f"{where}: {message}") from None
    return Config(**{f.name: getattr(checked, f.name) for f in fields(Config)})


# The flags' checks, in the order of the fields (the first bad one is reported, as pydantic does).
_FLAG_CHECKS = {
    "select": None, "extend-select": None, "ignore": None,
    "target": _known_target,
    "method": lambda value: _literal(value, METHODS),
    "fail-on": lambda value: _literal(value, LEVELS),
    "output-format": _known_format,
    "model": _known_model,
    "validation": None,
}


def _plain(value: Any) -> bool:
    """A flag's value as argparse gives it: a string, or a list of strings for the selectors."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def with_overrides(config: Config, source: Path | str, overrides: dict[str, Any]) -> Config:
    """The file's settings with the command line's on top.

    ``select`` replaces the file's selection (its ``select`` and ``extend-select``);
    ``extend-select`` and ``ignore`` add to the file's; every other flag replaces its key.
    Flags are checked here without pydantic, with pydantic's messages; anything that is not
    a plain flag value goes through the pydantic model, like a file.
    """
    if not overrides:
        return config
    merged = {_kebab(f.name): getattr(config, f.name) for f in fields(Config)}
    for key, value in overrides.items():
        if key in ("extend-select", "ignore"):
            merged[key] = [*merged[key], *value]
        else:
            merged[key] = value
    if "select" in overrides:
        merged["extend-select"] = list(overrides.get("extend-select", []))
    if not all(key in _FLAG_CHECKS and _plain(value) for key, value in overrides.items()):
        return validate(merged, source, frozenset(overrides))
    for key, check in _FLAG_CHECKS.items():
        if check is not None and key in overrides:
            try:
                check(overrides[key])
            except ValueError as exc:
                raise ConfigError(f"--{key}: {exc}") from None
    return replace(config, **{key.replace("-", "_"): value for key, value in merged.items()})
