"""The form language beyond single answers: aggregates over repeating steps, arithmetic,
computed values and cross-field rules, as `forms check` and the engine see them."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from portal.engine import check_definition

FORMS = Path(__file__).resolve().parents[2] / "forms"


def onlinewache() -> dict:
    return json.loads((FORMS / "onlinewache.json").read_text(encoding="utf-8"))


def step_of(document: dict, step_id: str) -> dict:
    return next(s for s in document["steps"] if s["id"] == step_id)


def info(condition: str) -> dict:
    return {"type": "info", "visible_if": condition,
            "text": {lang: "Mehrere Zeugen" for lang in ("de", "en", "uk", "tr", "ar")}}


def test_count_of_an_earlier_repeating_step_passes_the_check():
    # The exact example of issue 20: onlinewache, step "anzeigeerstatter".
    document = onlinewache()
    step_of(document, "anzeigeerstatter")["fields"].append(info("count(zeugen) >= 2"))
    resolved, problems = check_definition(document, FORMS)
    assert [p for p in problems if p.is_error] == []
    assert resolved is not None


def test_count_of_a_later_repeating_step_says_it_comes_later():
    document = onlinewache()
    step_of(document, "beteiligte")["fields"].append(info("count(zeugen) >= 2"))
    resolved, problems = check_definition(copy.deepcopy(document), FORMS)
    assert resolved is None
    assert [p.message for p in problems if p.is_error] == [
        'the condition names "zeugen", which is asked only after this point; '
        "a condition can only use earlier answers"]
