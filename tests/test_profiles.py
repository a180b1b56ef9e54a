"""The shipped data: target profiles (rules/targets/*.toml) and the model table (rules/models.toml).

They are frozen dataclasses checked by pftlint.profiles.strict, not pydantic models: every shipped file
must pass, and a broken one (unknown key, wrong type, missing key) must fail loudly.
"""

from __future__ import annotations

import dataclasses

import pytest

from pftlint.engine import catalog
from pftlint.engine.catalog import CatalogError
from pftlint.profiles.model_limits import ENCODINGS, METHODS, models, parse_model
from pftlint.profiles.targets import SEVERITY_OR_OFF, Target, all_targets, load_target, parse_target


def test_every_shipped_profile_validates():
    targets = all_targets()
    assert [t.name for t in targets] == catalog.target_names()
    for t in targets:
        assert isinstance(t, Target) and t.name and t.title and t.source
        assert type(t.min_examples) is int and type(t.max_file_bytes) is int and type(t.dpo_output_messages) is int
        assert isinstance(t.roles, frozenset) and {"user", "assistant"} <= t.roles
        assert isinstance(t.dpo_output_roles, frozenset) and t.dpo_output_roles <= t.roles
        assert set(t.severity.values()) <= set(SEVERITY_OR_OFF)
        assert t.default_model is None or t.default_model in models()


def test_every_shipped_model_validates():
    table = models()
    assert table
    for name, info in table.items():
        assert info.name == name and info.encoding in ENCODINGS
        assert isinstance(info.methods, tuple) and set(info.methods) <= set(METHODS)
        assert info.limit is None or type(info.limit) is int
        assert info.training_price is None or type(info.training_price) is float
        assert set(info.overrides) <= set(catalog.target_names())


def test_profiles_are_frozen_and_with_model_copies():
    openai = load_target("openai")
    with pytest.raises(dataclasses.FrozenInstanceError):
        openai.min_examples = 1  # type: ignore[misc]
    mini = openai.with_model("gpt-4.1-mini")
    assert mini.default_model == "gpt-4.1-mini-2025-04-14" and mini.name == "openai"
    assert openai.default_model == "gpt-4.1-2025-04-14"  # the cached profile is untouched
    assert openai.with_model(None) is openai
    assert hash(openai) == hash(load_target("openai"))


def _profile(**changes) -> dict:
    data = catalog.load_toml("targets/openai.toml")
    return {**data, **changes}


def test_a_shipped_profile_round_trips():
    assert parse_target(_profile(), "openai.toml") == load_target("openai")


@pytest.mark.parametrize(("changes", "words"), [
    ({"max-tokens": 5}, ["unknown key 'max-tokens'", "min-examples"]),
    ({"min_examples": 10}, ["unknown key 'min_examples'"]),  # kebab-case only, as in the files
    ({"min-examples": "10"}, ["min-examples", "an integer", "a string"]),
    ({"min-examples": True}, ["min-examples", "an integer", "a boolean"]),
    ({"min-examples": 10.0}, ["min-examples", "an integer"]),
    ({"roles": "user"}, ["roles", "a list"]),
    ({"roles": ["user", 3]}, ["roles[1]", "a string"]),
    ({"severity": {"utf8-bom": "fatal"}}, ["severity.utf8-bom", "'off'"]),
    ({"severity": ["utf8-bom"]}, ["severity", "a table"]),
    ({"default-model": "gpt-5"}, ["default-model", "gpt-5", "not a fine-tunable model"]),
    ({"default-model": 4}, ["default-model", "a string"]),
])
def test_a_broken_profile_is_refused(changes, words):
    assert_refused(lambda: parse_target(_profile(**changes), "targets/broken.toml"), "targets/broken.toml: ", words)


def assert_refused(parse, prefix: str, words: list[str]) -> None:
    """parse() raises a CatalogError that starts with the file's name and holds every word."""
    with pytest.raises(CatalogError) as info:
        parse()
    message = str(info.value)
    assert message.startswith(prefix), message
    for word in words:
        assert word in message, (word, message)


def test_a_profile_missing_a_key_is_refused():
    data = _profile()
    del data["dpo-output-messages"]
    with pytest.raises(CatalogError, match="missing key 'dpo-output-messages'"):
        parse_target(data, "targets/broken.toml")
    with pytest.raises(CatalogError, match="expected a table"):
        parse_target(["not", "a", "table"], "targets/broken.toml")


def _model(**changes) -> dict:
    return {**catalog.load_toml("models.toml")["models"]["gpt-4.1-nano-2025-04-14"], **changes}


def test_a_shipped_model_round_trips():
    assert parse_model("gpt-4.1-nano-2025-04-14", _model()) == models()["gpt-4.1-nano-2025-04-14"]
    assert parse_model("x", _model()).override("azure").limit == 32_768
    assert parse_model("x", _model()).override("openai").limit is None


@pytest.mark.parametrize(("changes", "words"), [
    ({"context": 5}, ["unknown key 'context'"]),
    ({"encoding": "p50k_base"}, ["encoding", "'o200k_base'"]),
    ({"methods": ["dpo", "rlhf"]}, ["methods[1]", "'supervised'"]),
    ({"limit": "64k"}, ["limit", "an integer"]),
    ({"training-price": "25"}, ["training-price", "a number"]),
    ({"aliases": "gpt"}, ["aliases", "a list"]),
    ({"mars": {"limit": 1}}, ["'mars' is no target"]),
    ({"azure": {"limit": 1, "price": 2}}, ["x.azure", "unknown key 'price'"]),
    ({"azure": {"methods": "dpo"}}, ["x.azure: methods", "a list"]),
])
def test_a_broken_model_is_refused(changes, words):
    assert_refused(lambda: parse_model("x", _model(**changes)), "models.toml: x", words)


def test_a_model_missing_its_encoding_is_refused():
    data = _model()
    del data["encoding"]
    with pytest.raises(CatalogError, match="missing key 'encoding'"):
        parse_model("x", data)


@pytest.mark.parametrize(("changes", "words"), [
    ({"weight-roles": "assistant"}, ["weight-roles", "a list"]),
    ({"max-images-per-example": "10"}, ["max-images-per-example", "an integer"]),
    ({"max-images-per-example": True}, ["max-images-per-example", "an integer", "a boolean"]),
    ({"image-url-prefixes": "data:"}, ["image-url-prefixes", "a list"]),
    ({"image-url-prefixes": [1]}, ["image-url-prefixes[0]", "a string"]),
    ({"uniform-content": "yes"}, ["uniform-content", "a boolean", "a string"]),
    ({"dpo-output-requires-text": 1}, ["dpo-output-requires-text", "a boolean", "an integer"]),
])
def test_the_content_keys_are_validated(changes, words):
    assert_refused(lambda: parse_target(_profile(**changes), "targets/broken.toml"), "targets/broken.toml: ", words)


def test_weight_roles_is_required_and_the_content_keys_are_optional():
    data = _profile()
    del data["weight-roles"]
    with pytest.raises(CatalogError, match="missing key 'weight-roles'"):
        parse_target(data, "targets/broken.toml")
    plain = _profile()
    del plain["max-images-per-example"]
    target = parse_target(plain, "targets/plain.toml")
    assert target.max_images_per_example is None and target.image_url_prefixes == ()
    assert target.uniform_content is False and target.dpo_output_requires_text is False


def test_shipped_content_limits():
    together, openai, azure = load_target("together"), load_target("openai"), load_target("azure")
    assert together.weight_roles == {"system", "user", "assistant"} and openai.weight_roles == {"assistant"}
    assert together.max_images_per_example == openai.max_images_per_example == 10
    assert azure.max_images_per_example == 64
    assert all(p.startswith("data:image/") and p.endswith(";base64,") for p in together.image_url_prefixes)
    assert together.uniform_content and together.dpo_output_requires_text
    assert not openai.image_url_prefixes and not openai.uniform_content and not openai.dpo_output_requires_text
    for t in all_targets():
        assert t.weight_roles <= t.roles


# -- every shipped file, through the one strict path ------------------------------------------------
SHIPPED_DATA_PROBE = """
from pftlint.engine import catalog
from pftlint.profiles import model_limits, targets
from pftlint.tokens import counting as tokens
docs = [catalog.parse_rule_doc(doc.path) for doc in catalog.rule_docs()]
profiles = targets.all_targets()
table = model_limits.models()
for profile in profiles:
    assert profile.default_model is None or model_limits.resolve(profile.default_model) == profile.default_model
for encoding in tokens.ENCODINGS:
    tokens.rank_file_bytes(encoding)
print(len(docs), len(profiles), len(table))
"""


def test_every_shipped_file_loads_strictly():
    """What tests/test_packaging.py also runs against the wheel: rule documents, profiles, models, rank files."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", SHIPPED_DATA_PROBE], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    docs, profiles, table = map(int, proc.stdout.split())
    assert (docs, profiles, table) == (len(catalog.rule_docs()), len(catalog.target_names()), len(models()))
    assert docs > 30 and profiles >= 4


def _doc(tmp_path, front: str):
    path = tmp_path / "shape" / "some-rule.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"+++\n{front}\n+++\n# some-rule (PFT299)\n", encoding="utf-8")
    return path


GOOD_FRONT = 'code = "PFT299"\nname = "some-rule"\nseverity = "error"\nscope = "record"\nsummary = "One sentence."'


@pytest.mark.parametrize(("front", "words"), [
    (GOOD_FRONT + '\ncolour = "red"', ["unknown key 'colour'", "severity"]),
    (GOOD_FRONT.replace('severity = "error"', 'severity = "fatal"'), ["severity", "'error', 'warning'"]),
    (GOOD_FRONT.replace('scope = "record"', 'scope = "line-ish"'), ["scope", "'record'"]),
    (GOOD_FRONT.replace('"PFT299"', '"PFT29"'), ["code", "PFT100 to PFT699"]),
    (GOOD_FRONT.replace('summary = "One sentence."', ''), ["missing key 'summary'"]),
    (GOOD_FRONT + '\nenabled = "no"', ["enabled", "a boolean"]),
    (GOOD_FRONT + '\n[options.max-bytes]\ndefault = 0', ["options.max-bytes", "'default' and 'help'"]),
    (GOOD_FRONT + '\n[options.max-bytes]\ndefault = [0]\nhelp = "h"', ["options.max-bytes.default", "a list"]),
    (GOOD_FRONT + '\n[options.max-bytes]\ndefault = 0\nhelp = 3', ["options.max-bytes.help", "a string"]),
    ('code = "PFT299', ["not TOML"]),
])
def test_a_broken_front_matter_is_refused(tmp_path, front, words):
    path = _doc(tmp_path, front)
    assert_refused(lambda: catalog.parse_rule_doc(path), f"{path}", words)


def test_a_good_front_matter_is_read(tmp_path):
    doc = catalog.parse_rule_doc(_doc(tmp_path, GOOD_FRONT + '\nfixable = true\n[options.n]\ndefault = 2\nhelp = "h"'))
    assert (doc.code, doc.name, doc.severity, doc.scope, doc.area) == ("PFT299", "some-rule", "error", "record", "shape")
    assert doc.enabled is True and doc.fixable is True and doc.options == {"n": {"default": 2, "help": "h"}}
