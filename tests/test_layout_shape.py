"""The shape rules on other layouts than OpenAI's (TRL, KTO rows), the provider they name, and
column-type-change's path, column and row, all through the console script."""

from __future__ import annotations

import json

import pytest
from builders import assistant, dpo, jsonl, message, trl, user


def findings(run_cli, tmp_path, records, *args, name="data.jsonl") -> list[dict]:
    path = tmp_path / name
    path.write_bytes(jsonl(records) if not isinstance(records, bytes) else records)
    proc = run_cli("check", "--output-format", "json", *args, str(path))
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)["findings"]


def of(found: list[dict], rule: str) -> list[dict]:
    return [f for f in found if f["rule"] == rule]


# -- C: the provider the shape rules name ---------------------------------------------------

@pytest.mark.parametrize("target, title", [("together", "Together AI"), ("fireworks", "Fireworks")])
def test_shape_messages_name_the_targets_provider(run_cli, tmp_path, target, title):
    tool = message("tool", 5, tool_call_id="call_1")
    record = dpo(messages=[user(), tool], weight=1)
    found = findings(run_cli, tmp_path, [record] * 3, "--target", target)
    weight = [f for f in of(found, "unknown-key") if f["json_path"] == "weight"]
    content = [f for f in of(found, "wrong-type") if f["json_path"] == "input.messages[1].content"]
    assert weight and content
    for finding in weight + content:
        assert f"({title} rejects" in finding["message"]
        assert "OpenAI" not in finding["message"]
