"""Configuration: ``[tool.pftlint]`` in the nearest pyproject.toml, or pftlint.toml.

Validated with pydantic: an unknown key or a bad value is a :class:`ConfigError`
(exit status 2) that names the key. Command-line flags win over the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .catalog import tomllib

Method = Literal["auto", "dpo", "supervised"]
Level = Literal["error", "warning", "info"]


class ConfigError(Exception):
    """A configuration problem, reported as one line and exit status 2."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Config(BaseModel):
    # Keys are kebab-case only (fail-on, not fail_on), as in the file format.
    model_config = ConfigDict(extra="forbid", alias_generator=_kebab)

    select: list[str] | None = None
    extend_select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    target: str = "openai"
    method: Method = "auto"
    fail_on: Level = "error"
    output_format: str = "auto"
    # The model whose token limit applies (rules/models.toml); None: the target's default-model.
    model: str | None = None
    # The validation file, checked against the training files (train-validation-overlap).
    validation: str | None = None
    # Per-rule settings: {"rule-name": {"severity": "warning", "<option>": value}}
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("target")
    @classmethod
    def _known_target(cls, value: str) -> str:
        from .targets import load_target
        from .catalog import target_names

        if value not in target_names():
            raise ValueError(f"unknown target {value!r} (choose from {', '.join(target_names())})")
        load_target(value)
        return value

    @field_validator("output_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        from .reporters import format_names

        if value not in format_names():
            raise ValueError(f"unknown output format {value!r} (choose from {', '.join(format_names())})")
        return value

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str | None) -> str | None:
        if value is not None:
            from .models_table import UnknownModel, resolve

            try:
                resolve(value)
            except UnknownModel as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("rules")
    @classmethod
    def _severity_values(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for name, settings in value.items():
            if not isinstance(settings, dict):
                raise ValueError(f"rules.{name} must be a table of settings")
            level = settings.get("severity")
            if level is not None and level not in ("error", "warning", "info"):
                raise ValueError(f"rules.{name}.severity must be error, warning or info, not {level!r}")
        return value


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


def load_config(explicit: str | None = None, isolated: bool = False, start: Path | None = None) -> tuple[Config, Path | None]:
    if isolated:
        return Config(), None
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


KEYS = ("select", "extend-select", "ignore", "target", "method", "fail-on", "output-format", "model", "validation",
        "rules")


def validate(section: dict[str, Any], source: Path | str = "config", flags: frozenset[str] = frozenset()) -> Config:
    """A Config from a settings table. Errors name the key, or the flag for keys in ``flags``."""
    if not isinstance(section, dict):
        raise ConfigError(f"{source}: [tool.pftlint] must be a table")
    try:
        return Config.model_validate(section)
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


def with_overrides(config: Config, source: Path | str, overrides: dict[str, Any]) -> Config:
    """The file's settings with the command line's on top.

    ``select`` replaces the file's selection (its ``select`` and ``extend-select``);
    ``extend-select`` and ``ignore`` add to the file's; every other flag replaces its key.
    """
    if not overrides:
        return config
    merged = config.model_dump(by_alias=True)
    for key, value in overrides.items():
        if key in ("extend-select", "ignore"):
            merged[key] = [*merged[key], *value]
        else:
            merged[key] = value
    if "select" in overrides:
        merged["extend-select"] = list(overrides.get("extend-select", []))
    return validate(merged, source, frozenset(overrides))
