"""What a run checks, grouped by the settings each file is checked with: one Linter per group.

Each file is checked with the settings of its closest configuration (pftlint.profiles.config.
Resolver); files with the same settings form a group, linted by one Linter as a run of their
own would be. The one rule that compares files, train-validation-overlap, compares a group's
validation file with that group's training files: a validation file is checked with the
settings that name it, in each group that names it, and never as a training file; the report
lists it once, with the overlaps every group found. Per-file-ignores drop the findings of the
rules they name for the files they match (and keep --fix away from those rules there).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Iterable

from ..errors import UsageError
from ..profiles.config_files import Resolver, Settings
from ..profiles.targets import Target, load_target
from ..reading.discovery import discover
from ..rules.dataset import OVERLAP, same_file
from . import runner
from .findings import FileResult, Report
from .linter import Linter
from .parallel import available_cores
from .selection import ActiveRule, matched, resolve


@dataclass
class Group:
    """Files checked with the same settings: one Linter, as one run of their own."""

    settings: Settings
    paths: list[str] = field(default_factory=list)
    validation: str | None = None
    target: Target | None = None
    active: dict[str, ActiveRule] = field(default_factory=dict)


def plan(paths: list[str], resolver: Resolver, stdin_name: str | None = None, force_exclude: bool = False,
         validation_flag: str | None = None) -> tuple[list[str], list[Group]]:
    """The files in the order found, and the groups that check them (each validation file first in its group).

    ``paths`` as named on the command line (none: ``.``, or ``-`` with ``stdin_name``);
    ``validation_flag``: --validation, which may not also be one of ``paths``.
    """
    named, by_settings = files_by_settings(paths, resolver, stdin_name, force_exclude)
    if validation_flag:
        check_not_training(validation_flag, paths)
    groups = {id(settings): Group(settings, files) for settings, files in by_settings}
    for settings in [resolver.default, *(g.settings for g in groups.values())]:
        if settings.config.validation == "":
            raise UsageError("the validation path is empty (--validation or the validation setting); "
                             "name the validation .jsonl file")
    for group in groups.values():
        config = group.settings.config
        overlap = config.rules.get(OVERLAP, {})
        validation = config.validation or overlap.get("validation")
        group.validation = validation if isinstance(validation, str) and validation else None
    held_out = [g.validation for g in groups.values() if g.validation]
    for group in groups.values():
        group.paths = [p for p in group.paths if p == "-" or not any(same_file(p, v) for v in held_out)]
        if group.validation:  # linted first, so that the training files are checked as they stream
            group.paths = with_validation(group.paths, group.validation)
        config = group.settings.config
        rules = config.rules
        if group.validation:
            rules = {**rules, OVERLAP: {**rules.get(OVERLAP, {}), "validation": group.paths[0]}}
        group.target = load_target(config.target).with_model(config.model)
        group.active = resolve(group.target, config.select, config.extend_select, config.ignore, rules)
    return named, [g for g in groups.values() if g.paths]


def files_by_settings(paths: list[str], resolver: Resolver, stdin_name: str | None = None,
                      force_exclude: bool = False) -> tuple[list[str], list[tuple[Settings, list[str]]]]:
    """The files a run reads, in the order found, and those files grouped by the settings of their closest
    configuration (in the order first met); ``check`` and ``stats`` find and group files this one way.

    ``paths`` as named on the command line (none: ``.``, or ``-`` with ``stdin_name``); folders are
    searched less what the settings that see each folder exclude.
    """
    def excluded(path: str) -> bool:  # a folder by the settings that see it from its parent
        return resolver.for_folder(os.path.dirname(os.path.abspath(path))).excluded(path)

    named = discover(paths or (["-"] if stdin_name else ["."]), excluded, force_exclude)
    if stdin_name and force_exclude and excluded(stdin_name):
        named = [path for path in named if path != "-"]
    groups: dict[int, tuple[Settings, list[str]]] = {}
    for path in named:
        settings = resolver.for_path(stdin_name if path == "-" and stdin_name else path)
        groups.setdefault(id(settings), (settings, []))[1].append(path)
    return named, list(groups.values())


def lint_group(group: Group, paths: Iterable[str], stdin_name: str | None) -> Report:
    """One Linter over the group's files; standard input named ``stdin_name`` when given; per-file-ignores applied."""
    linter = Linter(group.target, group.active, group.settings.config.method)
    if stdin_name is None:
        report = runner.run(linter, paths)
    else:
        jobs = available_cores()
        report = linter.run(paths, lambda path: linter.lint_stream(sys.stdin.buffer, stdin_name, None)
                            if path == "-" else runner.lint_file(linter, path, jobs))
    for result in report.files:
        dropped = ignored_rules(group, result.path)
        if dropped:
            result.findings = [f for f in result.findings if f.rule not in dropped]
    return report


def ignored_rules(group: Group, path: str) -> frozenset[str]:
    """The active rules per-file-ignores turn off for ``path``."""
    selectors = group.settings.ignored(path) if path != "-" else []
    return matched(selectors, group.active) if selectors else frozenset()


def merge_validation(files: list[FileResult]) -> list[FileResult]:
    """A validation file named by several groups: its first result, with the other groups' overlap findings."""
    first: dict[str, FileResult] = {}
    kept = []
    for result in files:
        key = result.path if result.path == "-" else os.path.realpath(result.path)
        earlier = first.get(key)
        if earlier is None:
            first[key] = result
            kept.append(result)
        else:
            known = [f.to_dict() for f in earlier.findings]
            earlier.findings = sorted([*earlier.findings, *(f for f in result.findings
                                                            if f.rule == OVERLAP and f.to_dict() not in known)])
    return kept


def check_not_training(validation: str, named: list[str]) -> None:
    """``--validation X`` with X also named as a PATH: a usage error, not a silent choice of role.

    Only files named on the command line count: a validation file found inside a directory
    argument is the usual layout, and a config file's ``validation`` named again as a PATH is
    what pre-commit does (it passes every changed file); both are linted once, as validation.
    """
    from ..util.atomic import STDIN, identity

    mine = identity(validation) if validation != STDIN else None
    if mine is None:
        return
    for path in named:
        if path != STDIN and os.path.isfile(path) and identity(path) == mine:
            raise UsageError(f"{validation} is given both as --validation and as a training PATH ({path}); "
                             "name it once: as --validation to hold it out, as a PATH to train on it")


def with_validation(paths: list[str], validation: str) -> list[str]:
    """The validation file first, then the other files (the validation file only once)."""
    found = discover([validation])
    if found != [validation] or validation == "-":
        raise UsageError(f"--validation {validation}: expected one .jsonl file, not a directory or stdin")
    return [validation, *(p for p in paths if p == "-" or not same_file(p, validation))]
