"""schemas/form.schema.json encodes docs/form-definitions.md, and reports a mistake precisely.

A form designer's typo should produce one error that names the place, not a wall of
"is not valid under any of the given schemas".
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from portal.engine.fields import with_registered_types

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "portal" / "schemas"
DOC = ROOT / "docs" / "form-definitions.md"

FORM_SCHEMA = json.loads((SCHEMAS / "form.schema.json").read_text(encoding="utf-8"))
CODELIST_SCHEMA = json.loads((SCHEMAS / "codelist.schema.json").read_text(encoding="utf-8"))
FORM = Draft202012Validator(FORM_SCHEMA)
CODELIST = Draft202012Validator(CODELIST_SCHEMA)

FIELD_TYPES = [
    "text",
    "textarea",
    "email",
    "tel",
    "number",
    "decimal",
    "money",
    "date",
    "time",
    "select",
    "radio",
    "checkboxes",
    "checkbox",
    "file",
    "person_name",
    "address",
    "postcode_de",
    "iban",
    "date_range",
    "info",
    "warning",
]


def L(de: str, en: str | None = None) -> dict[str, str]:  # noqa: N802 - reads like a literal
    return {"de": de, "en": en or de}


YES_NO = [{"value": "ja", "label": L("Ja", "Yes")}, {"value": "nein", "label": L("Nein", "No")}]

EXAMPLE: dict = {
    "$schema": "../schemas/form.schema.json",
    "id": "beispiel-antrag",
    "version": "1.2.0",
    "reference_prefix": "BA",
    "topic": L("Allgemeines", "General"),
    "languages": ["de", "en"],
    "default_language": "de",
    "title": L("Beispielantrag", "Example application"),
    "description": L("Ein Antrag.\nZweiter Absatz.", "An application.\nSecond paragraph."),
    "privacy_notice": L(
        "Ihre Daten werden nur für diesen Antrag verwendet.",
        "Your data is used only for this application.",
    ),
    "you_will_need": [L("Personalausweis", "Identity card")],
    "estimated_minutes": 10,
    "destination": "buergeramt",
    "retention_days": 90,
    "steps": [
        {
            "id": "person",
            "title": L("Über Sie", "About you"),
            "description": L("Angaben zur Person", "Personal details"),
            "fields": [
                {
                    "type": "info",
                    "text": L("Bitte vollständig ausfüllen.", "Please fill in everything."),
                },
                {
                    "name": "name",
                    "type": "person_name",
                    "label": L("Name"),
                    "required": True,
                    "with_title": True,
                },
                {
                    "name": "kennzeichen",
                    "type": "text",
                    "label": L("Kennzeichen", "Number plate"),
                    "hint": L("z. B. B-AB 123", "e.g. B-AB 123"),
                    "min_length": 2,
                    "max_length": 12,
                    "pattern": "^[A-Z]{1,3}-[A-Z]{1,2} [0-9]{1,4}$",
                    "pattern_message": L("Bitte wie B-AB 123 schreiben", "Write it like B-AB 123"),
                    "autocomplete": "off",
                },
                {
                    "name": "email",
                    "type": "email",
                    "label": L("E-Mail"),
                    "max_length": 254,
                    "autocomplete": "email",
                },
                {
                    "name": "telefon",
                    "type": "tel",
                    "label": L("Telefon", "Phone"),
                    "autocomplete": "tel",
                },
                {
                    "name": "geburtsdatum",
                    "type": "date",
                    "label": L("Geburtsdatum", "Date of birth"),
                    "required": True,
                    "not_in_future": True,
                    "not_before": "today-120y",
                    "not_after": "2020-12-31",
                },
                {
                    "name": "anschrift",
                    "type": "address",
                    "label": L("Anschrift", "Address"),
                    "countries": "any",
                },
                {"name": "plz_wohnort", "type": "postcode_de", "label": L("PLZ", "Postcode")},
            ],
        },
        {
            "id": "antrag",
            "title": L("Ihr Antrag", "Your application"),
            "fields": [
                {
                    "name": "anzahl",
                    "type": "number",
                    "label": L("Anzahl", "Number"),
                    "min": 1,
                    "max": 99,
                },
                {
                    "name": "flaeche",
                    "type": "decimal",
                    "label": L("Fläche", "Area"),
                    "min": 0,
                    "max": 10000.5,
                    "decimals": 1,
                },
                {
                    "name": "betrag",
                    "type": "money",
                    "label": L("Betrag", "Amount"),
                    "min": 0,
                    "max": 5000,
                    "currency": "EUR",
                },
                {"name": "uhrzeit", "type": "time", "label": L("Uhrzeit", "Time")},
                {
                    "name": "art",
                    "type": "select",
                    "label": L("Art", "Kind"),
                    "options": "codelists/antragsarten.json",
                },
                {
                    "name": "eilig",
                    "type": "radio",
                    "label": L("Eilig?", "Urgent?"),
                    "required": True,
                    "options": YES_NO,
                },
                {
                    "name": "begruendung",
                    "type": "textarea",
                    "label": L("Begründung", "Reason"),
                    "required_if": "eilig == 'ja'",
                    "visible_if": "eilig == 'ja'",
                    "min_length": 10,
                    "max_length": 2000,
                    "rows": 6,
                },
                {
                    "name": "kanaele",
                    "type": "checkboxes",
                    "label": L("Kontakt", "Contact"),
                    "options": [
                        {"value": "post", "label": L("Post")},
                        {"value": "e-mail", "label": L("E-Mail")},
                        {"value": "tel_2", "label": L("Telefon", "Phone")},
                    ],
                    "min_selected": 1,
                    "max_selected": 2,
                },
                {
                    "name": "zeitraum",
                    "type": "date_range",
                    "label": L("Zeitraum", "Period"),
                    "not_in_past": True,
                    "not_after": "today+1y",
                },
                {"name": "iban", "type": "iban", "label": L("IBAN")},
                {
                    "name": "nachweise",
                    "type": "file",
                    "label": L("Nachweise", "Evidence"),
                    "accept": ["application/pdf", "image/jpeg", "image/png"],
                    "max_size_mb": 12.5,
                    "max_files": 5,
                },
            ],
        },
        {
            "id": "zeugen",
            "title": L("Zeugen", "Witnesses"),
            "visible_if": "eilig == 'ja'",
            "repeat": {"min": 0, "max": 10, "item_label": L("Zeuge", "Witness")},
            "fields": [
                {"name": "zeuge_name", "type": "text", "label": L("Name")},
            ],
        },
        {
            "id": "abschluss",
            "title": L("Abschluss", "Finish"),
            "fields": [
                {
                    "type": "warning",
                    "visible_if": "eilig == 'ja'",
                    "text": L("Falsche Angaben sind strafbar.", "False statements are an offence."),
                },
                {
                    "name": "erklaerung",
                    "type": "checkbox",
                    "required": True,
                    "label": L("Ich versichere die Richtigkeit.", "I declare this is true."),
                },
            ],
        },
    ],
}


def _field(doc: dict, name: str) -> tuple[list, dict]:
    """The absolute path and the object of the field called (or of type) `name`."""
    for s, step in enumerate(doc["steps"]):
        for f, field in enumerate(step["fields"]):
            if field.get("name", field.get("type")) == name:
                return ["steps", s, "fields", f], field
    raise KeyError(name)


def _errors(doc: dict, validator: Draft202012Validator = FORM) -> list:
    return sorted(validator.iter_errors(doc), key=lambda e: e.json_path)


def test_schemas_are_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(FORM_SCHEMA)
    Draft202012Validator.check_schema(CODELIST_SCHEMA)
    assert FORM_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("schema", [FORM_SCHEMA, CODELIST_SCHEMA], ids=["form", "codelist"])
def test_every_definition_has_title_and_description(schema: dict) -> None:
    for name, definition in schema["$defs"].items():
        assert definition.get("title"), name
        assert definition.get("description"), name


def test_example_uses_every_field_type_and_validates() -> None:
    used = {f["type"] for step in EXAMPLE["steps"] for f in step["fields"]}
    assert used == set(FIELD_TYPES)
    assert _errors(EXAMPLE) == []


def test_field_types_match_the_schema_and_the_guide() -> None:
    assert FORM_SCHEMA["$defs"]["field"]["properties"]["type"]["enum"] == FIELD_TYPES
    for t in FIELD_TYPES:
        assert t in FORM_SCHEMA["$defs"], t
    assert _table_keys("### Field types")[: len(FIELD_TYPES)] == FIELD_TYPES


def test_every_registered_type_is_in_the_checkers_schema_and_the_guide() -> None:
    """A type module that brings its own definition schema needs no edit of the file."""
    from portal.engine import FIELD_TYPES as REGISTERED
    from portal.engine.fields import with_registered_types

    schema = with_registered_types(FORM_SCHEMA)
    Draft202012Validator.check_schema(schema)
    assert set(schema["$defs"]["field"]["properties"]["type"]["enum"]) == set(REGISTERED)
    assert set(_table_keys("### Field types")) == set(REGISTERED)
    for name, kind in REGISTERED.items():
        assert name in schema["$defs"], name
        assert kind.definition_schema is None or name not in FORM_SCHEMA["$defs"], name


def test_top_level_and_step_keys_match_the_guide() -> None:
    top = _table_keys("## The whole file")
    assert set(top) == set(FORM_SCHEMA["properties"])
    required = {k for k, req in _table_rows("## The whole file") if req == "yes"}
    assert required == set(FORM_SCHEMA["required"])
    step = FORM_SCHEMA["$defs"]["step"]
    assert set(_table_keys("## Steps")) == set(step["properties"])
    assert {k for k, req in _table_rows("## Steps") if req == "yes"} == set(step["required"])


def _table_rows(heading: str) -> list[tuple[str, str]]:
    """(first cell without backticks, second cell) of the first table after `heading`."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(heading + "\n") :]
    rows, in_table = [], False
    for line in section.splitlines()[1:]:
        if line.startswith("|"):
            in_table = True
            cells = [c.strip() for c in line.strip("|").split("|")]
            m = re.fullmatch(r"`([^`]+)`", cells[0])
            if m:
                rows.append((m.group(1), cells[1]))
        elif in_table:
            break
    return rows


def _table_keys(heading: str) -> list[str]:
    return [k for k, _ in _table_rows(heading)]


# ---- one mistake, one precise error -----------------------------------------------------------


def _set(path: list):
    def mutate(doc: dict, value) -> None:
        target = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _radio_unknown_key(doc):
    _field(doc, "eilig")[1]["colour"] = "red"


def _missing_label(doc):
    del _field(doc, "email")[1]["label"]


def _pattern_without_message(doc):
    del _field(doc, "kennzeichen")[1]["pattern_message"]


def _bad_option_value(doc):
    _field(doc, "eilig")[1]["options"][1]["value"] = "Nein"


def _bad_language_code(doc):
    _field(doc, "anzahl")[1]["label"]["fr"] = "Nombre"


def _bad_date_rule(doc):
    _field(doc, "geburtsdatum")[1]["not_before"] = "yesterday"


def _bad_codelist_path(doc):
    _field(doc, "art")[1]["options"] = "lists/antragsarten.json"


def _unknown_type(doc):
    _field(doc, "uhrzeit")[1]["type"] = "clock"


def _autocomplete_on_address(doc):
    _field(doc, "anschrift")[1]["autocomplete"] = "street-address"


def _label_on_info(doc):
    _field(doc, "info")[1]["label"] = L("Hinweis")


def _file_too_big(doc):
    _field(doc, "nachweise")[1]["max_size_mb"] = 0


def _bad_media_type(doc):
    _field(doc, "nachweise")[1]["accept"][2] = "PNG"


def _empty_langmap(doc):
    doc["privacy_notice"] = {}


def _empty_text(doc):
    doc["title"]["en"] = ""


def _required_as_string(doc):
    _field(doc, "eilig")[1]["required"] = "yes"


def _field_not_object(doc):
    doc["steps"][2]["fields"].append("...")


def _no_type(doc):
    del _field(doc, "iban")[1]["type"]


def _multiple_on_file(doc):
    _field(doc, "nachweise")[1]["multiple"] = True


def _countries_lower_case(doc):
    _field(doc, "anschrift")[1]["countries"] = "de"


def _options_missing(doc):
    del _field(doc, "kanaele")[1]["options"]


def _empty_options(doc):
    _field(doc, "eilig")[1]["options"] = []


def _missing_top_level(doc):
    del doc["privacy_notice"]


def _unknown_top_level(doc):
    doc["titel"] = L("Tippfehler")


def _default_language_not_offered(doc):
    doc["default_language"] = "tr"


def _empty_fields(doc):
    doc["steps"][1]["fields"] = []


def _unknown_step_key(doc):
    doc["steps"][0]["required_if"] = "eilig == 'ja'"


def _bad_field_name(doc):
    _field(doc, "telefon")[1]["name"] = "Telefon-Nummer"


def _bad_condition(doc):
    _field(doc, "begruendung")[1]["visible_if"] = ""


def _decimals_too_many(doc):
    _field(doc, "flaeche")[1]["decimals"] = 7


def _rows_too_few(doc):
    _field(doc, "begruendung")[1]["rows"] = 1


def _bad_currency(doc):
    _field(doc, "betrag")[1]["currency"] = "€"


F = ["steps", 1, "fields"]  # the fields of step "antrag"
P = ["steps", 0, "fields"]  # the fields of step "person"

CASES = [
    # (id, mutate, expected path, expected keyword, text the message must contain)
    ("unknown key on radio", _radio_unknown_key, F + [5], "unevaluatedProperties", "'colour'"),
    ("missing label", _missing_label, P + [3], "required", "'label'"),
    ("bad id", lambda d: _set(["id"])(d, "Beispiel_Antrag"), ["id"], "pattern", ""),
    ("id too short", lambda d: _set(["id"])(d, "b"), ["id"], "pattern", ""),
    ("bad version", lambda d: _set(["version"])(d, "1.0"), ["version"], "pattern", ""),
    ("version leading zero", lambda d: _set(["version"])(d, "1.02.0"), ["version"], "pattern", ""),
    (
        "pattern without pattern_message",
        _pattern_without_message,
        P + [2],
        "dependentRequired",
        "'pattern_message'",
    ),
    ("bad option value", _bad_option_value, F + [5, "options", 1, "value"], "pattern", "'Nein'"),
    ("bad language code", _bad_language_code, F + [0, "label"], "enum", "'fr'"),
    ("empty steps", lambda d: _set(["steps"])(d, []), ["steps"], "minItems", ""),
    (
        "repeat max 0",
        lambda d: _set(["steps", 2, "repeat", "max"])(d, 0),
        ["steps", 2, "repeat", "max"],
        "minimum",
        "",
    ),
    (
        "repeat max 51",
        lambda d: _set(["steps", 2, "repeat", "max"])(d, 51),
        ["steps", 2, "repeat", "max"],
        "maximum",
        "",
    ),
    (
        "repeat unknown key",
        lambda d: _set(["steps", 2, "repeat", "label"])(d, L("Zeuge")),
        ["steps", 2, "repeat"],
        "additionalProperties",
        "'label'",
    ),
    ("bad date rule", _bad_date_rule, P + [5, "not_before"], "pattern", "'yesterday'"),
    ("bad codelist path", _bad_codelist_path, F + [4, "options"], "pattern", ""),
    ("unknown type", _unknown_type, F + [3, "type"], "enum", "'clock'"),
    (
        "autocomplete on address",
        _autocomplete_on_address,
        P + [6],
        "unevaluatedProperties",
        "'autocomplete'",
    ),
    ("label on info", _label_on_info, P + [0], "unevaluatedProperties", "'label'"),
    ("max_size_mb 0", _file_too_big, F + [10, "max_size_mb"], "exclusiveMinimum", ""),
    ("bad media type", _bad_media_type, F + [10, "accept", 2], "pattern", "'PNG'"),
    ("empty language map", _empty_langmap, ["privacy_notice"], "minProperties", ""),
    ("empty text", _empty_text, ["title", "en"], "minLength", ""),
    ("required as string", _required_as_string, F + [5, "required"], "type", ""),
    ("field not an object", _field_not_object, ["steps", 2, "fields", 1], "type", ""),
    ("field without type", _no_type, F + [9], "required", "'type'"),
    ("multiple on file", _multiple_on_file, F + [10], "unevaluatedProperties", "'multiple'"),
    ("countries lower case", _countries_lower_case, P + [6, "countries"], "enum", ""),
    ("options missing", _options_missing, F + [7], "required", "'options'"),
    ("empty options", _empty_options, F + [5, "options"], "minItems", ""),
    ("missing top-level key", _missing_top_level, [], "required", "'privacy_notice'"),
    ("unknown top-level key", _unknown_top_level, [], "additionalProperties", "'titel'"),
    ("default language not offered", _default_language_not_offered, ["languages"], "contains", ""),
    ("empty fields", _empty_fields, ["steps", 1, "fields"], "minItems", ""),
    (
        "required_if on step",
        _unknown_step_key,
        ["steps", 0],
        "additionalProperties",
        "'required_if'",
    ),
    ("bad field name", _bad_field_name, P + [4, "name"], "pattern", ""),
    ("empty condition", _bad_condition, F + [6, "visible_if"], "minLength", ""),
    ("decimals 7", _decimals_too_many, F + [1, "decimals"], "maximum", ""),
    ("rows 1", _rows_too_few, F + [6, "rows"], "minimum", ""),
    ("bad currency", _bad_currency, F + [2, "currency"], "pattern", ""),
    ("retention 0", lambda d: _set(["retention_days"])(d, 0), ["retention_days"], "minimum", ""),
    (
        "retention over 10 years",
        lambda d: _set(["retention_days"])(d, 3651),
        ["retention_days"],
        "maximum",
        "",
    ),
    (
        "estimated_minutes 0",
        lambda d: _set(["estimated_minutes"])(d, 0),
        ["estimated_minutes"],
        "minimum",
        "",
    ),
    (
        "lower-case prefix",
        lambda d: _set(["reference_prefix"])(d, "ba"),
        ["reference_prefix"],
        "pattern",
        "",
    ),
    (
        "language twice",
        lambda d: _set(["languages"])(d, ["de", "de"]),
        ["languages"],
        "uniqueItems",
        "",
    ),
    (
        "unknown language",
        lambda d: _set(["languages"])(d, ["de", "fr"]),
        ["languages", 1],
        "enum",
        "'fr'",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "keyword", "mentions"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_one_mistake_gives_a_precise_error(mutate, path, keyword, mentions) -> None:
    doc = copy.deepcopy(EXAMPLE)
    mutate(doc)
    errors = _errors(doc)
    assert 1 <= len(errors) <= 2, [(e.json_path, e.message) for e in errors]
    best = best_match(errors)
    assert list(best.absolute_path) == path, (best.json_path, best.message)
    assert best.validator == keyword, (best.json_path, best.validator, best.message)
    assert mentions in best.message
    assert not best.context, "a designer should never see a oneOf/anyOf wall"


def test_error_paths_read_as_json_paths() -> None:
    doc = copy.deepcopy(EXAMPLE)
    _radio_unknown_key(doc)
    (error,) = _errors(doc)
    assert error.json_path == "$.steps[1].fields[5]"
    assert "'colour' was unexpected" in error.message


def test_wrong_key_on_radio_gives_exactly_one_error() -> None:
    doc = copy.deepcopy(EXAMPLE)
    _radio_unknown_key(doc)
    assert len(_errors(doc)) == 1


def test_missing_label_does_not_also_complain_about_other_keys() -> None:
    doc = copy.deepcopy(EXAMPLE)
    del _field(doc, "eilig")[1]["label"]
    (error,) = _errors(doc)
    assert error.validator == "required"


def test_two_mistakes_give_two_errors() -> None:
    doc = copy.deepcopy(EXAMPLE)
    _radio_unknown_key(doc)
    _bad_date_rule(doc)
    paths = [e.json_path for e in _errors(doc)]
    assert paths == ["$.steps[0].fields[5].not_before", "$.steps[1].fields[5]"]


@pytest.mark.parametrize("rule", ["today", "today-10y", "today+30d", "today-6m", "2026-01-31"])
def test_date_rules_accepted(rule: str) -> None:
    doc = copy.deepcopy(EXAMPLE)
    _field(doc, "zeitraum")[1]["not_before"] = rule
    assert _errors(doc) == []


@pytest.mark.parametrize(
    "rule", ["Today", "today-10", "today-y", "today*2d", "2026-1-31", "31.01.2026", " today"]
)
def test_date_rules_rejected(rule: str) -> None:
    doc = copy.deepcopy(EXAMPLE)
    _, field = _field(doc, "zeitraum")
    field["not_before"] = rule
    (error,) = _errors(doc)
    assert error.json_path == "$.steps[1].fields[8].not_before"


def test_keys_of_one_type_are_rejected_on_another() -> None:
    doc = copy.deepcopy(EXAMPLE)
    _field(doc, "email")[1]["rows"] = 4  # a textarea key
    (error,) = _errors(doc)
    assert error.validator == "unevaluatedProperties"
    assert "'rows'" in error.message


def test_pattern_must_be_a_regular_expression_when_formats_are_checked() -> None:
    checked = Draft202012Validator(FORM_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(checked.iter_errors(EXAMPLE)) == []
    doc = copy.deepcopy(EXAMPLE)
    _field(doc, "kennzeichen")[1]["pattern"] = "^[A-Z"
    (error,) = checked.iter_errors(doc)
    assert error.json_path == "$.steps[0].fields[2].pattern"
    assert error.validator == "format"


def test_codelist_options_need_no_inline_list() -> None:
    doc = copy.deepcopy(EXAMPLE)
    _field(doc, "kanaele")[1]["options"] = "codelists/kontakt_wege-2.json"
    assert _errors(doc) == []


# ---- codelists --------------------------------------------------------------------------------

CODELIST_EXAMPLE = {
    "id": "delikte",
    "version": "2026-01",
    "options": [{"value": "diebstahl", "label": {"de": "Diebstahl", "en": "Theft"}}],
}


def test_codelist_example_validates() -> None:
    assert _errors(CODELIST_EXAMPLE, CODELIST) == []
    assert (
        _errors({"$schema": "../../schemas/codelist.schema.json", **CODELIST_EXAMPLE}, CODELIST)
        == []
    )


@pytest.mark.parametrize(
    ("mutate", "path", "keyword"),
    [
        (lambda d: d.pop("version"), [], "required"),
        (lambda d: d.update(title={"de": "Delikte"}), [], "additionalProperties"),
        (lambda d: d.update(options=[]), ["options"], "minItems"),
        (lambda d: d["options"][0].update(value="Diebstahl"), ["options", 0, "value"], "pattern"),
        (
            lambda d: d["options"][0].update(hint={"de": "x"}),
            ["options", 0],
            "additionalProperties",
        ),
        (lambda d: d["options"][0]["label"].update(fr="Vol"), ["options", 0, "label"], "enum"),
        (lambda d: d.update(id="Delikte"), ["id"], "pattern"),
    ],
    ids=["no version", "unknown key", "no options", "bad value", "option key", "language", "id"],
)
def test_codelist_mistakes(mutate, path, keyword) -> None:
    doc = copy.deepcopy(CODELIST_EXAMPLE)
    mutate(doc)
    (error,) = _errors(doc, CODELIST)
    assert list(error.absolute_path) == path
    assert error.validator == keyword


def test_codelist_schema_shares_definitions_with_form_schema() -> None:
    for name, definition in CODELIST_SCHEMA["$defs"].items():
        assert definition == FORM_SCHEMA["$defs"][name], name


# ---- the shipped definitions ------------------------------------------------------------------

SHIPPED_FORMS = sorted((ROOT / "forms").glob("*.json"))
WITH_REGISTERED = Draft202012Validator(with_registered_types(FORM_SCHEMA))
SHIPPED_CODELISTS = sorted((ROOT / "forms" / "codelists").glob("*.json"))


@pytest.mark.parametrize("path", SHIPPED_FORMS, ids=[p.name for p in SHIPPED_FORMS])
def test_shipped_forms_validate(path: Path) -> None:
    # With the field types that describe their own keys (country, computed), as the checker.
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert [f"{e.json_path}: {e.message}" for e in _errors(doc, WITH_REGISTERED)] == []


@pytest.mark.parametrize("path", SHIPPED_CODELISTS, ids=[p.name for p in SHIPPED_CODELISTS])
def test_shipped_codelists_validate(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert [f"{e.json_path}: {e.message}" for e in _errors(doc, CODELIST)] == []
