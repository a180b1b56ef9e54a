"""Provider profiles (``rules/targets/*.toml``): the limits each provider enforces.

Profiles are data, not code branches: a rule asks the profile, never the name.
They ship with pftlint and are checked strictly when loaded (pftlint.profiles.strict): an
unknown key or a value of the wrong type fails loudly, naming the file and key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from ..engine import catalog
from ..model import formats
from .strict import boolean, build, integer, list_of, one_of, string, table_of

SEVERITY_OR_OFF = ("error", "warning", "info", "off")
# The formats `pftlint convert --to` writes.
CONVERT_TO = ("openai", "trl", "vertex", "nova", "supervised")


@dataclass(frozen=True)
class Target:
    name: str
    title: str
    source: str  # where the limits come from (a SOURCES.md section of the catalog)
    min_examples: int
    max_file_bytes: int
    roles: frozenset[str]  # roles allowed in input / supervised messages
    dpo_output_roles: frozenset[str]
    dpo_output_messages: int
    weight_roles: frozenset[str]  # roles whose messages may carry a `weight` (invalid-weight)
    severity: dict[str, str] = field(default_factory=dict, hash=False)  # rule name -> error|warning|info|off
    # The model whose per-example limit example-too-long and `pftlint stats` use unless --model
    # names one (rules/models.toml); None where the provider trains other models (no shipped tokenizer).
    default_model: str | None = None
    # Content parts (non-text-content): the most image parts one example may hold (None: no
    # published limit), the prefixes an image URL must start with (empty: any URL), and whether
    # one example must write every message's content in one form (all strings or all part lists).
    max_images_per_example: int | None = None
    image_url_prefixes: tuple[str, ...] = ()
    uniform_content: bool = False
    # Whether a DPO example's every message writes its content as a string, never a list of parts.
    string_content: bool = False
    # Whether a DPO output must hold text, even when it makes tool calls (empty-content).
    dpo_output_requires_text: bool = False
    # How many system messages a conversation may start with; 0: any number (system-not-first).
    leading_system_messages: int = 0
    # The dataset formats the target reads (pftlint.model.formats names; wrong-format reports a file in
    # any other), and the `pftlint convert --to` name of the one to convert a file to.
    formats: tuple[str, ...] = ("dpo", "supervised")
    convert_to: str = "openai"
    # The most tokens one example may hold, input and output together, when no model is named
    # (example-too-long counts them with o200k_base: an estimate for other tokenizers); None: no limit.
    max_example_tokens: int | None = None
    # The most severe a tool-call-mismatch finding on ids may be (an answer to no call, a second answer,
    # a call never answered): "warning" where whether the service matches the ids is unconfirmed.
    tool_call_id_match: str = "error"

    def with_model(self, model: str | None) -> "Target":
        """This profile with --model's choice as its model (resolved to the base snapshot)."""
        if model is None:
            return self
        from .model_limits import resolve

        return replace(self, default_model=resolve(model))


def _known_model(value: Any, where: str) -> str:
    from .model_limits import UnknownModel, resolve

    try:
        resolve(string(value, where))
    except UnknownModel as exc:
        raise catalog.CatalogError(f"{where}: {exc}") from None
    return value


_ROLES = list_of(string, frozenset)
_CHECKS = {
    "name": string, "title": string, "source": string, "min_examples": integer, "max_file_bytes": integer,
    "roles": _ROLES, "dpo_output_roles": _ROLES, "dpo_output_messages": integer,
    "weight_roles": _ROLES, "severity": table_of(one_of(*SEVERITY_OR_OFF)), "default_model": _known_model,
    "max_images_per_example": integer, "image_url_prefixes": list_of(string), "uniform_content": boolean, "string_content": boolean,
    "dpo_output_requires_text": boolean, "leading_system_messages": integer,
    "formats": list_of(one_of(*formats.METHOD_OF)),
    "convert_to": one_of(*CONVERT_TO), "max_example_tokens": integer,
    "tool_call_id_match": one_of("error", "warning", "info"),
}


def parse_target(data: Any, where: str = "target") -> Target:
    """A :class:`Target` from a profile's TOML table; :class:`CatalogError` when it is malformed."""
    return build(Target, data, where, _CHECKS)


@lru_cache(maxsize=None)
def load_target(name: str) -> Target:
    if name not in catalog.target_names():
        raise KeyError(name)
    return parse_target(catalog.load_toml(f"targets/{name}.toml"), f"targets/{name}.toml")


def all_targets() -> list[Target]:
    return [load_target(n) for n in catalog.target_names()]
