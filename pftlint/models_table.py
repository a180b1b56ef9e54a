"""The fine-tunable models (``rules/models.toml``): encoding, per-example limit, methods, price.

``resolve(name)`` maps what a user types to a base snapshot, explicitly: a
snapshot, an alias (``gpt-4.1-mini``) or a fine-tuned model
(``ft:gpt-4.1-mini-2025-04-14:org::abc``, Azure's ``gpt-4o-2024-08-06.ft-abc``).
``budget(name, target)`` is what the token rule and ``pftlint stats`` use: the
model's numbers under one provider profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from . import catalog
from .tokens import ENCODINGS

Encoding = Literal["o200k_base", "cl100k_base"]
MethodName = Literal["supervised", "dpo"]


class Override(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: int | None = None
    methods: tuple[MethodName, ...] | None = None


class ModelInfo(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    name: str = ""
    aliases: tuple[str, ...] = ()
    encoding: Encoding
    limit: int | None = None
    methods: tuple[MethodName, ...]
    training_price: float | None = Field(default=None, alias="training-price")

    def override(self, target: str) -> Override:
        extra = (self.model_extra or {}).get(target)
        return Override.model_validate(extra) if extra is not None else Override()


class UnknownModel(ValueError):
    """A --model that is not in the table (exit status 2, with the known names)."""


@lru_cache(maxsize=1)
def models() -> dict[str, ModelInfo]:
    data = catalog.load_toml("models.toml")["models"]
    table = {}
    for name, spec in data.items():
        info = ModelInfo.model_validate({**spec, "name": name})
        for target, extra in (info.model_extra or {}).items():
            if target not in catalog.target_names():
                raise catalog.CatalogError(f"models.toml: {name}: {target!r} is no target")
            Override.model_validate(extra)
        assert info.encoding in ENCODINGS
        table[name] = info
    return table


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
