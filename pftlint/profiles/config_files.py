"""Where a run's settings come from: the configuration file of each checked file.

The closest ``pftlint.toml``, or ``pyproject.toml`` with a ``[tool.pftlint]`` table, in a file's folder
or above, read as TOML once per file and checked by :func:`pftlint.profiles.config.validate` (the
one set of checks every source of settings passes); ``--config`` and ``--isolated`` override.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.catalog import tomllib
from .config import Config, ConfigError, validate, with_overrides


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest pftlint.toml, or pyproject.toml that has a [tool.pftlint] table."""
    for folder in [start, *start.parents]:
        found = _config_file(folder)
        if found is not None:
            return found
    return None


def _config_file(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """``folder``'s pftlint.toml, or its pyproject.toml if that has a [tool.pftlint] table."""
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
    """The settings of the configuration file (checked), or the defaults when there is none."""
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


@dataclass(frozen=True, eq=False)
class Settings:
    """The settings some files are checked with: the configuration with the flags on top, and its file."""

    config: Config
    source: Path | None  # the configuration file; None: the defaults
    how: str  # how it was chosen: "closest", "--config", "--isolated", "none found"

    def excluded(self, path: str) -> bool:
        """Whether ``exclude`` or ``extend-exclude`` covers ``path`` (or a folder of it)."""
        config = self.config
        return any(glob.matches(path) for glob in (*config.exclude, *config.extend_exclude))

    def ignored(self, path: str) -> list[str]:
        """The rule selectors ``per-file-ignores`` and ``extend-per-file-ignores`` give ``path``."""
        config = self.config
        return [selector for glob, selectors in (*config.per_file_ignores, *config.extend_per_file_ignores)
                if glob.matches(path) for selector in selectors]


class Resolver:
    """The settings of each checked file, as ruff finds them.

    The closest pftlint.toml, or pyproject.toml with a [tool.pftlint] table, in the file's
    folder or above applies, whatever the working directory; a file with none above it gets
    the one found from the working directory (or the defaults). ``--config FILE`` or
    ``--isolated`` gives every file the same settings. The flags go on top of each. Each
    configuration file is read and checked once.
    """

    def __init__(self, overrides: dict[str, Any] | None = None, explicit: str | None = None,
                 isolated: bool = False):
        self._overrides = overrides or {}
        self._by_source: dict[Path | None, Settings] = {}
        self._by_folder: dict[str, Settings] = {}
        self._fixed: Settings | None = None
        if isolated:
            self._fixed = self._settings(Config(), None, "--isolated")
        elif explicit is not None:
            config, path = load_config(explicit)
            self._fixed = self._settings(config, path, "--config")
        # The working directory's settings: for files with no configuration above them, and for
        # what a run has once (its output format)
        self.default = self._fixed or self.for_folder(os.getcwd(), fallback=True)

    def _settings(self, config: Config, source: Path | None, how: str) -> Settings:
        known = self._by_source.get(source)
        if known is None:
            known = self._by_source[source] = Settings(with_overrides(config, self._overrides), source, how)
        return known

    def for_path(self, path: str) -> Settings:
        """The settings of the file ``path`` (a name that need not exist: stdin's --stdin-filename)."""
        return self._fixed or self.for_folder(os.path.dirname(os.path.abspath(path)))

    def for_folder(self, folder: str, fallback: bool = False) -> Settings:
        """The settings of the files in ``folder`` (absolute)."""
        if self._fixed is not None:
            return self._fixed
        found = self._by_folder.get(folder)
        if found is None:
            config_file = _config_file(Path(folder))
            if config_file is not None:
                found = self._settings(validate(config_file[1], config_file[0]), config_file[0], "closest")
            else:
                parent = os.path.dirname(folder)
                if parent != folder:
                    found = self.for_folder(parent, fallback)
                elif fallback:  # nothing above the working directory either
                    found = self._settings(Config(), None, "none found")
                else:
                    found = self.default
            self._by_folder[folder] = found
        return found
