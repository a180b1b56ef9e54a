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
    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True)

    select: list[str] | None = None
    extend_select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    target: str = "openai"
    method: Method = "auto"
    fail_on: Level = "error"
    output_format: str = "auto"
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
            data = _read_toml(own)
            return own, data.get("tool", {}).get("pftlint", data)
        project = folder / "pyproject.toml"
        if project.is_file():
            data = _read_toml(project)
            section = data.get("tool", {}).get("pftlint")
            if section is not None:
                return project, section
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def load_config(explicit: str | None = None, isolated: bool = False, start: Path | None = None) -> tuple[Config, Path | None]:
    if isolated:
        return Config(), None
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        data = _read_toml(path)
        section = data.get("tool", {}).get("pftlint", data) if path.name == "pyproject.toml" or "tool" in data else data
        return validate(section, path), path
    found = find_config(start or Path.cwd())
    if found is None:
        return Config(), None
    path, section = found
    return validate(section, path), path


def validate(section: dict[str, Any], source: Path | str = "config") -> Config:
    try:
        return Config.model_validate(section)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            raise ConfigError(f"{source}: unknown key {key!r}") from None
        message = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{source}: {key}: {message}") from None
