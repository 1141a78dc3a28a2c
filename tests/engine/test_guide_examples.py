"""Every example condition, expression and rule in the guides is run: docs/conditions.md and
docs/form-definitions.md. An example added to a guide without an answer set here fails."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from portal.engine import check_definition, load_form, submission_data
from portal.engine.conditions import parse

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONDITIONS = (DOCS / "conditions.md").read_text(encoding="utf-8")
DEFINITIONS = (DOCS / "form-definitions.md").read_text(encoding="utf-8")
DAY = date(2026, 3, 15)

# The answers the Examples table describes in words.
IN_WORDS: dict[str, dict[str, Any]] = {
    "two witness entries": {"zeugen": [{"zeuge_name": {}}, {"zeuge_name": {}}]},
    '`{"street": "…", "postcode": "10115", …}`': {"anschrift": {
        "street": "Unter den Linden", "house_number": "77", "postcode": "10115",
        "city": "Berlin", "country": "DE"}},
    "`heizkosten` no answer": {"miete": "850.00"},
    'entries with `"2000.00"`, `"500.50"` and none': {"haushalt": [
        {"einkommen": "2000.00"}, {"einkommen": "500.50"}, {}]},
    "three household entries": {"haushalt": [{}, {}, {}]},
    'one entry with `"partner"`': {"haushalt": [{"verwandtschaft": "antragsteller"},
                                                {"verwandtschaft": "partner"}]},
    'two entries with `"partner"`': {"haushalt": [{"verwandtschaft": "partner"},
                                                  {"verwandtschaft": "partner"}]},
    "no entries": {},
}


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


def answers_for(condition: str, described: str) -> dict[str, Any]:
    described = re.sub(r", evaluated on 15 March 2026$", "", described)
    if described in IN_WORDS:
        return IN_WORDS[described]
    if described == "no answer":
        return {}
    pairs = re.findall(r"`([a-z_]+)` = `([^`]+)`", described)
    if pairs:
        return {name: json.loads(value) for name, value in pairs}
    (name,) = parse(condition).names  # a value alone belongs to the only answer named
    return {name: json.loads(described.strip("`"))}


EXAMPLES = re.findall(r"^\| `(.+?)` \| (.+?) \| (true|false) \|$",
                      section(CONDITIONS, "## Examples", "## Grammar"), re.MULTILINE)


def test_the_examples_table_is_read_whole():
    assert len(EXAMPLES) >= 30


@pytest.mark.parametrize(("condition", "described", "result"), EXAMPLES)
def test_each_example_gives_the_documented_result(condition: str, described: str,
                                                  result: str) -> None:
    answers = answers_for(condition, re.sub(r" \((money|number)\)$", "", described))
    assert parse(condition).evaluate(answers, today=DAY) is (result == "true")


def code_lines(text: str) -> list[str]:
    """The first column of every line of the plain ``` blocks (not json, ebnf or python)."""
    lines, language = [], None
    for line in text.splitlines():
        if line.startswith("```"):
            language = line[3:] if language is None else None
        elif language == "" and line.strip():
            lines.append(re.split(r"\s{2,}", line.strip())[0])
    return lines


CODE_EXAMPLES = [line for line in code_lines(CONDITIONS) + code_lines(DEFINITIONS)
                 if not line.startswith("amtsweg ")]


def test_the_code_examples_are_found():
    assert "sum(haushalt.einkommen) > 2000" in CODE_EXAMPLES
    assert "'fahrrad' in gestohlene_gegenstaende" in CODE_EXAMPLES
    assert len(CODE_EXAMPLES) >= 25


@pytest.mark.parametrize("source", CODE_EXAMPLES)
def test_each_code_example_parses_and_evaluates(source: str) -> None:
    condition = parse(source)
    assert condition.evaluate({}, today=DAY) in (True, False)
    assert condition.evaluate({name: "x" for name in condition.names}, today=DAY) in (True, False)


JSON_CONDITIONS = re.findall(r'"(visible_if|required_if|value|condition)": "((?:[^"\\]|\\.)*)"',
                             DEFINITIONS + CONDITIONS)


@pytest.mark.parametrize(("key", "source"), JSON_CONDITIONS)
def test_each_condition_in_a_json_example_parses(key: str, source: str) -> None:
    parse(json.loads(f'"{source}"'))


def test_the_guides_rule_and_computed_examples_do_what_the_guide_says():
    keys = {key for key, _ in JSON_CONDITIONS}
    assert {"visible_if", "value", "condition"} <= keys
    label = {"de": "x"}
    document = {
        "id": "guide-examples", "version": "1.0.0", "languages": ["de"],
        "default_language": "de", "title": label, "privacy_notice": label,
        "destination": "test", "retention_days": 30,
        "steps": [
            {"id": "gewerbe", "title": label, "fields": [
                {"name": "beginn", "type": "date", "label": label, "required": True},
                {"name": "erlaubnis_datum", "type": "date", "label": label}],
             "rules": [json.loads(re.search(r'"rules": \[\n  (\{.*?\})\n\]', DEFINITIONS,
                                            re.DOTALL).group(1))]},
            {"id": "haushalt", "title": label, "repeat": {"min": 1, "max": 9}, "fields": [
                {"name": "verwandtschaft", "type": "text", "label": label},
                {"name": "einkommen", "type": "money", "label": label},
                {"name": "sonstige_einnahmen", "type": "money", "label": label}]},
            {"id": "ende", "title": label, "fields": [json.loads(re.search(
                r'```json\n(\{"name": "gesamteinkommen".*?\})\n```', DEFINITIONS,
                re.DOTALL).group(1))]},
        ],
        "rules": [json.loads(re.search(r'```json\n(\{"condition": "count\(haushalt.*?\})\n```',
                                       DEFINITIONS, re.DOTALL).group(1))],
    }
    resolved, problems = check_definition(document)
    assert resolved is not None, [str(p) for p in problems if p.is_error]
    form = load_form(document)
    permit = form.step("gewerbe").rules[0]
    assert permit.broken({"beginn": "2026-01-01", "erlaubnis_datum": "2026-02-01"})
    assert not permit.broken({"beginn": "2026-01-01", "erlaubnis_datum": "2025-12-01"})
    assert not permit.broken({"beginn": "2026-01-01"})
    partners = form.rules[0]
    assert partners.broken({"haushalt": [{"verwandtschaft": "partner"}] * 2})
    assert not partners.broken({"haushalt": [{"verwandtschaft": "partner"}]})
    data = submission_data(form, {"beginn": "2026-01-01", "haushalt": [
        {"einkommen": "1000.00", "sonstige_einnahmen": "50.25"}, {"einkommen": "10.00"}]})
    assert data["gesamteinkommen"] == "1060.25"
