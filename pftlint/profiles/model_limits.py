"""The fine-tunable models (``rules/models.toml``): encoding, per-example limit, methods, price.

``resolve(name)`` maps what a user types to a base snapshot, explicitly: a
snapshot, an alias (``gpt-4.1-mini``) or a fine-tuned model
(``ft:gpt-4.1-mini-2025-04-14:org::abc``, Azure's ``gpt-4o-2024-08-06.ft-abc``).
``budget(name, target)`` is what the token rule and ``pftlint stats`` use: the
model's numbers under one provider profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from ..engine import catalog
from ..tokens.counting import ENCODINGS
from .strict import build, integer, list_of, number, one_of, string

METHODS = ("supervised", "dpo")


@dataclass(frozen=True)
class Override:
    """A ``[models."<snapshot>".<target>]`` table: the model's limit or methods under that target."""

    limit: int | None = None
    methods: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ModelInfo:
    name: str
    encoding: str  # one of tokens.ENCODINGS
    methods: tuple[str, ...]  # supervised, dpo
    aliases: tuple[str, ...] = ()
    limit: int | None = None
    training_price: float | None = None  # USD per 1M training tokens
    overrides: dict[str, Override] = field(default_factory=dict, hash=False)  # target name -> Override

    def override(self, target: str) -> Override:
        return self.overrides.get(target, _NO_OVERRIDE)


_NO_OVERRIDE = Override()
_METHODS = list_of(one_of(*METHODS))
_OVERRIDE_CHECKS = {"limit": integer, "methods": _METHODS}
_MODEL_CHECKS = {"encoding": one_of(*ENCODINGS), "methods": _METHODS, "aliases": list_of(string), "limit": integer,
                 "training_price": number}


class UnknownModel(ValueError):
    """A --model that is not in the table (exit status 2, with the known names)."""


def parse_model(name: str, spec: Any, where: str = "models.toml") -> ModelInfo:
    """One ``[models."<snapshot>"]`` table; :class:`CatalogError` when it is malformed.

    Its sub-tables named after a target are that target's :class:`Override`.
    """
    where = f"{where}: {name}"
    if not isinstance(spec, dict):
        raise catalog.CatalogError(f"{where}: expected a table")
    targets = catalog.target_names()
    overrides = {key: build(Override, value, f"{where}.{key}", _OVERRIDE_CHECKS)
                 for key, value in spec.items() if key in targets}
    own = {key: value for key, value in spec.items() if key not in targets}
    for key, value in own.items():
        if isinstance(value, dict) and key.replace("-", "_") not in _MODEL_CHECKS:
            raise catalog.CatalogError(f"{where}: {key!r} is no target")
    info = build(ModelInfo, {**own, "name": name}, where, {**_MODEL_CHECKS, "name": string})
    return replace(info, overrides=overrides) if overrides else info


@lru_cache(maxsize=1)
def models() -> dict[str, ModelInfo]:
    data = catalog.load_toml("models.toml")["models"]
    return {name: parse_model(name, spec) for name, spec in data.items()}


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names = {}
    for name, info in models().items():
        names[name] = name
        for alias in info.aliases:
            names[alias] = name
    return names


def known_models() -> list[str]:
    return sorted(models())


def _known() -> str:
    return ", ".join(f"{n} ({', '.join(models()[n].aliases)})" if models()[n].aliases else n
                     for n in known_models())


def resolve(name: str) -> str:
    """The base snapshot of a model name; :class:`UnknownModel` if there is none."""
    key = name.strip()
    base = key
    if key.startswith("ft:"):  # ft:<base>:<org>:<suffix>:<id>
        base = key.split(":")[1] if key.count(":") >= 1 else ""
    elif ".ft-" in key:  # Azure: <base>.ft-<id>
        base = key.split(".ft-", 1)[0]
    found = _names().get(base)
    if found is None:
        what = f"fine-tuned model {name!r} has base {base!r}, which" if base != key else f"model {name!r}"
        raise UnknownModel(f"{what} is not a fine-tunable model pftlint knows; known models: {_known()}")
    return found


@dataclass(frozen=True)
class Budget:
    """One model's numbers under one target."""

    model: str
    target: str
    encoding: str
    limit: int | None
    methods: tuple[str, ...]
    training_price: float | None  # USD per 1M training tokens, None where not published


@lru_cache(maxsize=64)
def budget(name: str, target: str) -> Budget:
    base = resolve(name)
    info = models()[base]
    over = info.override(target)
    price = info.training_price if target == "openai" else None
    return Budget(base, target, info.encoding, over.limit if over.limit is not None else info.limit,
                  over.methods if over.methods is not None else info.methods, price)


def models_for(method: str, target: str) -> list[str]:
    """The models that train ``method`` under ``target``, by their shortest name (an alias when there is one)."""
    found = []
    for name, info in models().items():
        if method in budget(name, target).methods:
            found.append(min((name, *info.aliases), key=len))
    return sorted(found)
