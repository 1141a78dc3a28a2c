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


# -- aggregates, arithmetic and computed values -------------------------------------------

def household_form(*later_fields: dict, **top) -> dict:
    """A small benefit form: a household of members with incomes, then a result page."""
    def label(text: str) -> dict:
        return {"de": text}
    return {
        "id": "haushalt-test", "version": "1.0.0", "languages": ["de"],
        "default_language": "de", "title": label("Test"), "privacy_notice": label("Test"),
        "destination": "test", "retention_days": 30, **top,
        "steps": [
            {"id": "wohnung", "title": label("Wohnung"), "fields": [
                {"name": "miete", "type": "money", "label": label("Miete"), "required": True},
                {"name": "wohnflaeche", "type": "decimal", "label": label("Fläche")}]},
            {"id": "haushalt", "title": label("Haushalt"),
             "repeat": {"min": 1, "max": 12}, "fields": [
                {"name": "vorname", "type": "text", "label": label("Vorname"), "required": True},
                {"name": "verwandtschaft", "type": "radio", "label": label("Verwandtschaft"),
                 "options": [{"value": v, "label": label(v)}
                             for v in ("antragsteller", "partner", "kind")]},
                {"name": "einkommen", "type": "money", "label": label("Einkommen")}]},
            {"id": "ergebnis", "title": label("Ergebnis"), "fields": list(later_fields)},
        ],
    }


def computed(name: str, value: str, **spec) -> dict:
    return {"name": name, "type": "computed", "label": {"de": name}, "value": value, **spec}


def check_errors(document: dict) -> list[str]:
    _, problems = check_definition(document)
    return [f"{p.pointer}: {p.message}" for p in problems if p.is_error]


def test_aggregates_over_an_earlier_repeating_step_pass_the_check():
    document = household_form(
        computed("gesamteinkommen", "sum(haushalt.einkommen)"),
        computed("personen", "count(haushalt)", format="number"),
        computed("miete_je_qm", "round(miete / wohnflaeche, 2)", format="decimal"),
        info("any(haushalt, verwandtschaft == 'partner') and miete > 0"),
        info("all(haushalt, einkommen >= 0 or empty(einkommen))"))
    assert check_errors(document) == []


def test_an_entrys_field_outside_an_aggregate_says_how_to_name_it():
    assert check_errors(household_form(info("einkommen > 0"))) == [
        '/steps/2/fields/0/visible_if: the condition names "einkommen", which belongs to the '
        'repeating step "haushalt"; outside that step, name it inside '
        "sum(haushalt.einkommen), any(haushalt, …) or all(haushalt, …)"]


def test_sum_of_a_field_the_step_does_not_have_is_reported():
    assert check_errors(household_form(computed("x", "sum(haushalt.gehalt)"))) == [
        '/steps/2/fields/0/value: the condition names "gehalt", which is not a field of the '
        'repeating step "haushalt"']


def test_a_computed_value_cannot_be_required_and_needs_a_readable_expression():
    assert check_errors(household_form(computed("x", "miete +", required=True))) == [
        "/steps/2/fields/0/value: the condition cannot be read: expected a value after '+' "
        "at position 7",
        '/steps/2/fields/0/required: a computed value is worked out from the answers, never '
        'asked: remove "required"']


def test_a_computed_total_is_derived_stored_sent_and_described_by_the_data_schema():
    from jsonschema import Draft202012Validator

    from portal.engine import check_answers, data_schema, load_form, submission_data, validate_step

    form = load_form(household_form(
        computed("gesamteinkommen", "sum(haushalt.einkommen)"),
        computed("personen", "count(haushalt)", format="number"),
        computed("miete_je_qm", "miete / wohnflaeche", format="decimal", decimals=2)))
    answers = {"miete": "700.00", "wohnflaeche": "55",
               "haushalt": [{"vorname": "Ada", "einkommen": "2000.00"},
                            {"vorname": "Bo", "einkommen": "500.50"}, {"vorname": "Cy"}]}
    # What a browser posts for a computed field is ignored: the engine works it out.
    result = validate_step(form.step("ergebnis"), {"gesamteinkommen": "1.00"}, answers, "de")
    assert result.values == {"gesamteinkommen": "2500.50", "personen": 3, "miete_je_qm": "12.73"}
    # A stale stored value is never sent: the data carries what the answers give now.
    data = submission_data(form, {**answers, "gesamteinkommen": "1.00"})
    assert (data["gesamteinkommen"], data["personen"], data["miete_je_qm"]) == \
        ("2500.50", 3, "12.73")
    assert check_answers(form, answers) == {}
    schema = data_schema(form)
    assert schema["properties"]["gesamteinkommen"]["pattern"] == r"^-?[0-9]+\.[0-9]{2}$"
    assert schema["properties"]["personen"]["type"] == "integer"
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
    # Without the numbers it needs, there is no value (and no key in the data).
    assert "miete_je_qm" not in submission_data(form, {**answers, "wohnflaeche": None})


def test_a_computed_value_is_shown_in_the_citizens_language():
    from portal.engine import load_form

    form = load_form(household_form(computed("gesamt", "sum(haushalt.einkommen)"),
                                    computed("flaeche", "wohnflaeche", format="decimal",
                                             decimals=1, unit={"de": "m²"})))
    total, area = form.field("gesamt"), form.field("flaeche")
    assert total.display("2500.50", "de", "de") == "2.500,50\xa0€"
    assert total.display("2500.50", "en", "de") == "€2,500.50"
    assert area.display("55.5", "de", "de") == "55,5 m²"


# -- rules --------------------------------------------------------------------------------

def rule(condition: str, *fields: str) -> dict:
    return {"condition": condition, "fields": list(fields),
            "message": {"de": "Bitte prüfen: " + condition}}


def test_rules_are_checked_like_conditions_and_name_their_fields():
    document = household_form(computed("gesamt", "sum(haushalt.einkommen)"),
                              rules=[rule("count(haushalt, verwandtschaft == 'partner') <= 1",
                                          "verwandtschaft"),
                                     rule("gesamt >= 0 and miete > nix", "gesamt", "nirgends")])
    document["steps"][0]["rules"] = [rule("wohnflaeche > 0 or empty(wohnflaeche)", "wohnflaeche"),
                                     rule("einkommen > 0", "miete")]
    document["steps"][1]["rules"] = [rule("einkommen >= 0 or vorname == 'x'", "einkommen"),
                                     rule("miete > 0", "miete")]
    assert check_errors(document) == [
        '/steps/0/rules/1/condition: the condition names "einkommen", which is asked only '
        "after this point; a condition can only use earlier answers",
        '/steps/1/rules/1/fields/0: the rule names "miete", which is not a field of this step',
        '/rules/1/condition: the condition names "nix", which is not a field of this form',
        '/rules/1/fields/1: the rule names "nirgends", which is not a field of this form']


def rules_form():
    from portal.engine import load_form

    document = household_form(computed("gesamt", "sum(haushalt.einkommen)"), rules=[
        rule("count(haushalt, verwandtschaft == 'partner') <= 1", "verwandtschaft")])
    document["steps"][0]["rules"] = [rule("empty(wohnflaeche) or miete / wohnflaeche < 100",
                                          "wohnflaeche", "miete")]
    document["steps"][1]["rules"] = [rule("verwandtschaft != 'kind' or empty(einkommen) "
                                          "or einkommen < 5000", "einkommen")]
    return load_form(document)


def test_a_step_rule_flags_its_first_field_when_the_page_is_sent():
    from portal.engine import validate_step

    form = rules_form()
    result = validate_step(form.step("wohnung"), {"miete": "9000", "wohnflaeche": "50"}, {}, "de")
    assert [(e.name, e.message("de")) for e in result.errors] == [
        ("wohnflaeche", "Bitte prüfen: empty(wohnflaeche) or miete / wohnflaeche < 100")]
    assert validate_step(form.step("wohnung"), {"miete": "900", "wohnflaeche": "50"}, {},
                         "de").ok
    # A field's own error comes first; the rule waits.
    result = validate_step(form.step("wohnung"), {"miete": "9000", "wohnflaeche": "x"}, {}, "de")
    assert [e.name for e in result.errors] == ["wohnflaeche"]
    assert "Bitte prüfen" not in result.errors[0].message("de")


def test_rules_over_entries_and_over_the_whole_form_before_sending():
    from portal.engine import check_answers, validate_step

    form = rules_form()
    entry = {"vorname": "Kim", "verwandtschaft": "kind", "einkommen": "6000"}
    assert [e.name for e in validate_step(form.step("haushalt"), entry, {}, "de").errors] == [
        "einkommen"]
    answers = {"miete": "700.00", "haushalt": [
        {"vorname": "Ada", "verwandtschaft": "partner"},
        {"vorname": "Bo", "verwandtschaft": "partner"}, entry]}
    problems = check_answers(form, answers)
    assert [(e.name, e.entry) for e in problems["haushalt"]] == [
        ("einkommen", 2), ("verwandtschaft", None)]
    answers["haushalt"] = answers["haushalt"][:1]
    assert check_answers(form, answers) == {}


# -- units, ranges and the data schema ------------------------------------------------------

def test_units_are_shown_with_the_answer_and_money_ranges_reach_the_data_schema():
    from jsonschema import Draft202012Validator

    from portal.engine import data_schema, load_form

    document = household_form(
        {"name": "stunden", "type": "number", "label": {"de": "Arbeitszeit", "en": "Hours"},
         "unit": {"de": "Stunden", "en": "hours"}, "min": 0},
        {"name": "flaeche", "type": "decimal", "label": {"de": "Fläche"}, "min": 1,
         "unit": {"de": "m²"}},
        {"name": "zuschuss", "type": "money", "label": {"de": "Zuschuss"}, "min": 0,
         "max": 5000})
    form = load_form(document)
    assert form.field("stunden").display(38, "en", "de") == "38 hours"
    assert form.field("flaeche").display("55.5", "de", "de") == "55,5 m²"
    assert form.field("flaeche").display("55.5", "en", "de") == "55.5 m²"  # the default's unit
    schema = data_schema(form)
    money = schema["properties"]["zuschuss"]
    assert money["pattern"] == r"^[0-9]+\.[0-9]{2}$"  # no sign: min is 0
    assert "at least 0, at most 5000" in money["description"]
    assert schema["properties"]["miete"]["pattern"] == r"^-?[0-9]+\.[0-9]{2}$"  # no min
    assert schema["properties"]["flaeche"]["pattern"] == r"^[0-9]+(\.[0-9]+)?$"
    assert schema["properties"]["stunden"]["minimum"] == 0
    validator = Draft202012Validator(schema)
    base = {"miete": "1.00", "haushalt": [{"vorname": "A"}]}
    assert list(validator.iter_errors({**base, "zuschuss": "12.00"})) == []
    assert list(validator.iter_errors({**base, "zuschuss": "-12.00"})) != []
    # Titles in the form's default language, as the designer wrote them.
    assert schema["properties"]["stunden"]["title"] == "Arbeitszeit"
    assert schema["properties"]["haushalt"]["title"] == "Haushalt"


def test_calculating_with_what_is_never_a_number_is_explained():
    document = household_form(
        computed("a", "miete + 'x'"),
        computed("b", "sum(haushalt.vorname)"),
        computed("c", "round(miete / wohnflaeche, 2) + count(haushalt)"))  # fine
    document["steps"][1]["fields"].append(
        {"name": "alter", "type": "computed", "format": "number", "label": {"de": "Alter"},
         "value": "today() - vorname"})
    _, problems = check_definition(document)
    assert [(p.pointer, p.severity, p.message) for p in problems] == [
        ("/steps/1/fields/3/value", "error", "today() is a date, not a number, so a calculation "
         "with it has no result; there is no date arithmetic (use a date field's not_before and "
         "not_after, such as today-18y)"),
        ("/steps/1/fields/3/value", "warning", '"vorname" is a text field, not a number, so a '
         "calculation with it has no result; there is no date or text arithmetic (for an age, "
         "use a date field's not_before and not_after)"),
        ("/steps/2/fields/0/value", "error", "'x' is not a number, so a calculation with it has "
         "no result; + - * / round() min() max() and sum() calculate with numbers only"),
        ("/steps/2/fields/1/value", "warning", '"haushalt.vorname" is a text field, not a '
         "number, so a calculation with it has no result; there is no date or text arithmetic "
         "(for an age, use a date field's not_before and not_after)")]
