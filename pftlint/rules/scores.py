"""Scores and labels of the replies: what tells chosen from rejected in the formats that mark it.

``invalid-score`` checks the marks themselves (Vertex AI's two scored completions, Nova's two
labelled candidates: SOURCES.md §7 V1, N1); ``score-contradicts-preference`` compares the ratings
a record carries for both replies with the side they are on (SOURCES.md §7 T12).
"""

from __future__ import annotations

from typing import Iterator

from ..engine.findings import Problem, Severity
from ..model import formats
from ..model.view import Record
from . import record_rule


def _number(value: object) -> bool:
    return type(value) is int or type(value) is float


# -- PFT206 -------------------------------------------------------------------
@record_rule("invalid-score", methods=("dpo",))
def invalid_score(record: Record, options: dict):
    fmt = record.format
    if fmt == formats.VERTEX:
        return _vertex_scores(record.mapping())
    if fmt == formats.NOVA:
        return _nova_labels(record.mapping())
    return ()


def _vertex_scores(data: dict) -> Iterator[Problem]:
    completions = data.get("completions")
    if not isinstance(completions, list):
        yield Problem("'completions' must be a list of two scored completions: "
                      "[{\"score\": 1, \"completion\": ...}, {\"score\": 0, \"completion\": ...}]",
                      json_path=("completions",))
        return
    if len(completions) != 2:
        yield Problem(f"Vertex AI takes exactly two completions per example, this one has {len(completions)}; "
                      "keep the preferred one (score 1) and one worse one (score 0)", json_path=("completions",))
        return
    scores = [item.get("score") if type(item) is dict else None for item in completions]
    for j, score in enumerate(scores):
        if not (_number(score) and score in (0, 1)):
            shown = "no score" if score is None else f"score {score!r}"
            yield Problem(f"completion {j} has {shown}; each completion's score is 1 (the preferred reply) or 0 "
                          "(the other)", json_path=("completions", j, "score") if type(completions[j]) is dict
                          and "score" in completions[j] else ("completions", j))
            return
    if scores[0] == scores[1]:
        yield Problem(f"both completions have score {scores[0]!r}; one must have score 1 (preferred) and the other "
                      "0, or the pair says nothing about which reply is better", json_path=("completions", 1, "score"))


_LABELS = ("preferred", "non-preferred")


def _nova_labels(data: dict) -> Iterator[Problem]:
    messages = data.get("messages")
    last = len(messages) - 1 if isinstance(messages, list) else -1
    final = messages[last] if last >= 0 else None
    candidates = final.get("candidates") if type(final) is dict else None
    where = ("messages", last, "candidates")
    if not isinstance(candidates, list):
        yield Problem("the last turn's 'candidates' must be a list of two candidates, one with preferenceLabel "
                      "'preferred' and one 'non-preferred'", json_path=where if last >= 0 else ("messages",))
        return
    if len(candidates) != 2:
        yield Problem(f"Nova takes exactly two candidates, this turn has {len(candidates)}; keep one 'preferred' "
                      "and one 'non-preferred'", json_path=where)
        return
    labels = [item.get("preferenceLabel") if type(item) is dict else None for item in candidates]
    for j, label in enumerate(labels):
        if label not in _LABELS:
            shown = "no preferenceLabel" if label is None else f"preferenceLabel {label!r}"
            yield Problem(f"candidate {j} has {shown}; use 'preferred' or 'non-preferred' (lower case, with the "
                          "hyphen)", json_path=(*where, j, "preferenceLabel") if type(candidates[j]) is dict
                          and "preferenceLabel" in candidates[j] else (*where, j))
            return
    if labels[0] == labels[1]:
        yield Problem(f"both candidates are labelled {labels[0]!r}; one must be 'preferred' and the other "
                      "'non-preferred'", json_path=(*where, 1, "preferenceLabel"))


# -- PFT407 -------------------------------------------------------------------
# The formats' own rating fields (H4's UltraFeedback, argilla's UltraFeedback), as (chosen, rejected).
_RATING_FIELDS = (("score_chosen", "score_rejected"), ("chosen_avg_rating", "rejected_avg_rating"))


@record_rule("score-contradicts-preference", methods=("dpo",))
def score_contradicts_preference(record: Record, options: dict):
    chosen_field, rejected_field = options["chosen-field"], options["rejected-field"]
    # a typed record holds no other field than its shape's (and OpenAI's layout has no ratings of its own)
    if record.typed or (record.openai_layout and not (chosen_field and rejected_field)):
        return ()
    data = record.mapping()
    if chosen_field and rejected_field and chosen_field in data and rejected_field in data:
        return _compare(data, chosen_field, rejected_field)
    for chosen_key, rejected_key in _RATING_FIELDS:
        if chosen_key in data and rejected_key in data:
            return _compare(data, chosen_key, rejected_key)
    return ()


def _compare(data: dict, chosen_key: str, rejected_key: str) -> Iterator[Problem]:
    chosen, rejected = data[chosen_key], data[rejected_key]
    if not (_number(chosen) and _number(rejected)) or chosen != chosen or rejected != rejected:  # NaN: no order
        return
    if chosen < rejected:
        yield Problem(f"the chosen reply is rated lower than the rejected one ({chosen_key} {chosen!r} < "
                      f"{rejected_key} {rejected!r}); swap the replies, or check how the pair was built",
                      json_path=(chosen_key,))
    elif chosen == rejected:
        yield Problem(f"the chosen and rejected replies are rated the same ({chosen_key} and {rejected_key} are "
                      f"{chosen!r}); the pair teaches a preference the ratings do not hold: drop ties",
                      json_path=(chosen_key,), severity=Severity.INFO)

