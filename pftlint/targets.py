"""Provider profiles (``rules/targets/*.toml``): the limits each provider enforces.

Profiles are data, not code branches: a rule asks the profile, never the name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from . import catalog

SeverityOrOff = Literal["error", "warning", "info", "off"]


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str
    title: str
    source: str = Field(description="Where the limits come from (provider-rules.md section).")
    min_examples: int = Field(alias="min-examples")
    max_file_bytes: int = Field(alias="max-file-bytes")
    roles: frozenset[str] = Field(description="Roles allowed in input / supervised messages.")
    dpo_output_roles: frozenset[str] = Field(alias="dpo-output-roles")
    dpo_output_messages: int = Field(alias="dpo-output-messages")
    severity: dict[str, SeverityOrOff] = Field(default_factory=dict)
    # The model whose per-example limit example-too-long and `pftlint stats` use unless --model
    # names one (rules/models.toml); None where the provider trains other models (no shipped tokenizer).
    default_model: str | None = Field(default=None, alias="default-model")

    @field_validator("default_model")
    @classmethod
    def _known_model(cls, value: str | None) -> str | None:
        if value is not None:
            from .models_table import resolve

            resolve(value)
        return value

    def with_model(self, model: str | None) -> "Target":
        """This profile with --model's choice as its model (resolved to the base snapshot)."""
        if model is None:
            return self
        from .models_table import resolve

        return self.model_copy(update={"default_model": resolve(model)})


@lru_cache(maxsize=None)
def load_target(name: str) -> Target:
    if name not in catalog.target_names():
        raise KeyError(name)
    return Target.model_validate(catalog.load_toml(f"targets/{name}.toml"))


def all_targets() -> list[Target]:
    return [load_target(n) for n in catalog.target_names()]
