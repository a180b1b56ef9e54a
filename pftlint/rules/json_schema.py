"""Is a tool's ``parameters`` a valid JSON Schema? Checked cheaply for invalid-tool-definition.

:func:`schema_problems` answers for one schema: a schema of the common keywords only, with values
the metaschema allows, is valid without jsonschema (microseconds instead of 0.05-0.3 ms per value);
any other gets jsonschema's metaschema check (Draft 2020-12 unless ``$schema`` names another), at
most once per distinct schema (a cache keyed by a digest), within a budget of values per record
(:class:`SchemaBudget`), and never beyond MAX_SCHEMA_DEPTH levels or MAX_SCHEMA_VALUES values.
Helpers of pftlint.rules.tools: this module registers no rule.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from typing import Iterator

from ..engine.findings import Severity

# A schema's problems, keyed by its digest (schema_problems), emptied when full.
_SCHEMAS: dict[bytes, tuple[tuple[str, str, Severity | None], ...]] = {}
_SCHEMAS_SIZE = 4096
# A parameters schema deeper or larger than this is not checked (no provider documents a limit).
MAX_SCHEMA_DEPTH = 64  # JSON nesting levels
MAX_SCHEMA_VALUES = 10_000
# The full metaschema check costs 0.05-0.3 ms per value of the schema: the schemas of one record that
# need it (keywords beyond the common ones, see _plainly_valid) may hold this many values together.
RECORD_CHECK_VALUES = 2_000


class SchemaBudget:
    """How many schema values the full metaschema check may still take for this record."""

    __slots__ = ("left", "ran_out")

    def __init__(self):
        self.left = RECORD_CHECK_VALUES
        self.ran_out = False  # a result depends on this record's budget: do not remember it


def _size(value) -> tuple[int, int] | None:
    """(values, depth) of a JSON value, or None past MAX_SCHEMA_VALUES or MAX_SCHEMA_DEPTH (stops there)."""
    values, deepest = 0, 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        values += 1
        if values > MAX_SCHEMA_VALUES or depth > MAX_SCHEMA_DEPTH:
            return None
        deepest = max(deepest, depth)
        if type(item) is dict:
            stack.extend((v, depth + 1) for v in item.values())
        elif type(item) is list:
            stack.extend((v, depth + 1) for v in item)
    return values, deepest


def _schema_digest(schema: dict) -> bytes:
    """Equal schemas, whatever their key order, get the same digest; true, 1 and 1.0 differ."""
    canonical = json.dumps(schema, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def schema_problems(schema: dict, budget: SchemaBudget) -> tuple[tuple[str, str, Severity | None], ...]:
    """(JSON path inside the schema, message, severity cap) for each problem of a parameters schema:
    a ``$schema`` that is not a string, a schema too large to check or left unchecked by the record's
    budget (warnings), what the metaschema check found, or a schema that does not describe an object."""
    declared = schema.get("$schema")
    if "$schema" in schema and not isinstance(declared, str):
        return ((("$schema",), "$schema must be a URI string naming a JSON Schema draft; remove it or use a string",
                 None),)
    size = _size(schema)
    if size is None:
        return (((), f"parameters is too large to check as a JSON Schema (more than {MAX_SCHEMA_DEPTH} levels "
                     f"deep or {MAX_SCHEMA_VALUES:,} values; no provider documents a limit, pftlint stops "
                     "there); simplify the schema or check it with a JSON Schema validator", Severity.WARNING),)
    key = _schema_digest(schema)
    found = _SCHEMAS.get(key)
    if found is None:
        if "$schema" not in schema and _plainly_valid(schema):
            found = ()
        elif size[0] > budget.left:
            budget.ran_out = True
            return (((), f"parameters was not checked as a JSON Schema: with it this record's tool schemas "
                         f"need the full metaschema check for more than {RECORD_CHECK_VALUES:,} values, "
                         "pftlint's limit per record; check it with a JSON Schema validator", Severity.WARNING),)
        else:
            budget.left -= size[0]
            found = tuple((where, text, None) for where, text in _metaschema_problems(schema))
        if len(_SCHEMAS) >= _SCHEMAS_SIZE:
            _SCHEMAS.clear()
        _SCHEMAS[key] = found
    kind = schema.get("type")
    if "type" in schema and kind != "object" and not found:
        return ((("type",), f"parameters describes a {kind if isinstance(kind, str) else 'value'}, but function "
                          'arguments are an object; use {"type": "object", "properties": {...}}', None),)
    return found


def _metaschema_problems(schema: dict) -> Iterator[tuple[str, str]]:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an unknown $schema falls back to the latest draft
            validator = validator_for(schema, default=Draft202012Validator)
            validator.check_schema(schema)
    except SchemaError as exc:
        where = tuple(exc.absolute_path)
        yield where, (f"parameters is not a valid JSON Schema: {_short(exc.message)}; fix the schema so it "
                      "validates against the JSON Schema metaschema")
    except RecursionError:
        yield (), "parameters is nested too deeply to check; simplify the schema"
    except Exception as exc:  # noqa: BLE001 - a rule must never raise on any input
        yield (), f"parameters could not be checked as a JSON Schema ({type(exc).__name__}); fix the schema"


# -- schemas that need no metaschema check --------------------------------------
# The common keywords of tool schemas, with the values Draft 2020-12's metaschema allows them. A schema
# using only these, with such values, is valid: checking it costs microseconds instead of jsonschema's
# 0.05-0.3 ms per value. Anything else (other keywords or $ref targets, integral floats as counts) gets
# the full check.
_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})


def _is_number(value) -> bool:
    return type(value) is int or type(value) is float


def _is_count(value) -> bool:
    return type(value) is int and value >= 0


def _is_type(value) -> bool:
    if type(value) is str:
        return value in _TYPES
    return (type(value) is list and bool(value) and all(type(v) is str and v in _TYPES for v in value)
            and len(set(value)) == len(value))


def _is_pattern(value) -> bool:
    """A string that compiles as a regular expression: the metaschema's "regex" format, as jsonschema checks it."""
    if type(value) is not str:
        return False
    try:
        re.compile(value)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False
    return True


# A reference inside the document ("#/$defs/name"): always a valid URI reference, whatever format checks
# jsonschema has installed.
_LOCAL_REF = re.compile(r"#(?:/[A-Za-z0-9_.~$-]*)*")


def _push_schema(value, stack: list) -> bool:
    stack.append(value)
    return True


def _push_map(value, stack: list) -> bool:
    if type(value) is not dict:
        return False
    stack.extend(value.values())
    return True


def _push_list(value, stack: list) -> bool:
    if type(value) is not list or not value:
        return False
    stack.extend(value)
    return True


_KEYWORDS = {
    "type": lambda v, _: _is_type(v),
    "properties": _push_map, "$defs": _push_map, "definitions": _push_map,
    "items": _push_schema, "additionalProperties": _push_schema, "not": _push_schema,
    "allOf": _push_list, "anyOf": _push_list, "oneOf": _push_list,
    "required": lambda v, _: (type(v) is list and all(type(x) is str for x in v) and len(set(v)) == len(v)),
    "enum": lambda v, _: type(v) is list, "examples": lambda v, _: type(v) is list,
    "default": lambda v, _: True, "const": lambda v, _: True,
    "description": lambda v, _: type(v) is str, "title": lambda v, _: type(v) is str,
    "format": lambda v, _: type(v) is str, "pattern": lambda v, _: _is_pattern(v),
    "$comment": lambda v, _: type(v) is str,
    "$ref": lambda v, _: type(v) is str and _LOCAL_REF.fullmatch(v) is not None,
    "uniqueItems": lambda v, _: type(v) is bool, "deprecated": lambda v, _: type(v) is bool,
    "readOnly": lambda v, _: type(v) is bool, "writeOnly": lambda v, _: type(v) is bool,
    "minimum": lambda v, _: _is_number(v), "maximum": lambda v, _: _is_number(v),
    "exclusiveMinimum": lambda v, _: _is_number(v), "exclusiveMaximum": lambda v, _: _is_number(v),
    "multipleOf": lambda v, _: _is_number(v) and v > 0,
    "minLength": lambda v, _: _is_count(v), "maxLength": lambda v, _: _is_count(v),
    "minItems": lambda v, _: _is_count(v), "maxItems": lambda v, _: _is_count(v),
    "minProperties": lambda v, _: _is_count(v), "maxProperties": lambda v, _: _is_count(v),
}


def _plainly_valid(schema) -> bool:
    """True: the schema is valid under Draft 2020-12 (common keywords only). False: look closer."""
    stack = [schema]
    while stack:
        item = stack.pop()
        if type(item) is bool:
            continue
        if type(item) is not dict:
            return False
        for key, value in item.items():
            check = _KEYWORDS.get(key)
            if check is None or not check(value, stack):
                return False
    return True


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
