"""The Destatis keys (Staats- und Gebietssystematik) beside the ISO codes, and a country field
that answers with them: the table, the field, the data schema, eu() and `forms check`."""

from __future__ import annotations

import copy

import pytest
from jsonschema import Draft202012Validator

from portal.engine import check_definition, compile_form, data_schema, validate_step
from portal.engine.conditions import parse
from portal.engine.countries import CODES, EU, EU_EEA
from portal.engine.destatis import ISO, KEYS, NAMES, NATIONALITIES, STATES
from portal.engine.errors import Invalid
from portal.engine.types.country import Country
from tests.fieldtypes.country_form import DEFINITION


def test_every_current_state_of_the_codelists_has_its_iso_code() -> None:
    # The nationality codelist: 199 of its keys name a country with an ISO code; the rest are
    # states that no longer exist, groups (185), 910 and 997 to 999.
    assert len(NATIONALITIES) == 199 and len(STATES) == 197 and len(KEYS) == 201
    assert set(KEYS) <= set(CODES)
    unmatched = sorted(key for key in NAMES if key not in ISO)
    assert unmatched == ["120", "132", "133", "138", "159", "162", "185", "276", "910", "997",
                         "998", "999"]
    assert EU_EEA | {"CH", "GB", "TR", "UA", "SY", "AF", "US", "XK"} <= NATIONALITIES & STATES
    spot = {"DE": "000", "TR": "163", "UA": "166", "US": "368", "XK": "150", "SY": "475",
            "AF": "423", "IT": "137", "PL": "152", "RU": "160", "BY": "169", "MD": "146",
            "KR": "467", "KP": "434", "CD": "246", "CG": "245", "PS": "459", "VA": "167",
            "SZ": "281", "CI": "231", "CV": "242", "TL": "483", "MK": "144", "RS": "170",
            "SS": "278", "SD": "277", "GB": "168", "HK": "411", "TW": "465"}
    assert {iso: KEYS[iso] for iso in spot} == spot
    assert NAMES["163"] == "Türkei" and ISO["000"] == "DE"
    # Taiwan, Hong Kong and the Palestinian territories are nationalities, not states; the
    # Cook Islands and Niue the other way round.
    assert {"TW", "HK", "MO", "PS"} <= NATIONALITIES - STATES
    assert {"CK", "NU"} <= STATES - NATIONALITIES


def _field(**spec) -> Country:
    return Country({"name": "staatsangehoerigkeit", "type": "country", "usage": "nationality",
                    "codes": "destatis", "label": {"de": "Staatsangehörigkeit"}, **spec})


def test_a_destatis_field_answers_with_the_key_and_names_the_country() -> None:
    field = _field(first=["DE", "TR"])
    first, rest = field.country_options("de")
    assert first == [("000", "Deutschland"), ("163", "Türkei")]
    assert ("151", "Österreich") in rest and ("DE", "Deutschland") not in rest
    assert ("HK", "Sonderverwaltungsregion Hongkong") not in rest
    assert not {"GI", "PR"} & {code for code, _ in rest}  # territories without a key
    assert field.other_options("de") == [("997", "staatenlos"),
                                         ("998", "Staatsangehörigkeit ungeklärt")]
    assert field.clean(" 163 ") == "163"
    assert field.display("163", "de", "de") == "Türkei"
    assert field.display("000", "en", "de") == "Germany"
    assert field.display("997", "en", "de") == "Stateless"
    for refused in ("DE", "XXA", "999", "910", "120"):
        with pytest.raises(Invalid, match="Land aus der Liste"):
            field.clean(refused)
    # A country of birth uses the state codelist: the Cook Islands yes, Hong Kong no.
    other = Country({"name": "geburtsland", "type": "country", "usage": "other",
                     "codes": "destatis", "label": {"de": "Geburtsland"}})
    assert other.clean("527") == "527"
    assert "411" not in other.codes and "997" not in other.codes


def _destatis_form() -> dict:
    document = copy.deepcopy(DEFINITION)
    document["steps"][0]["fields"][1]["codes"] = "destatis"
    return document


def test_the_data_schema_lists_the_keys_and_names_the_codelist() -> None:
    resolved, problems = check_definition(_destatis_form())
    assert resolved is not None, [str(p) for p in problems if p.is_error]
    form = compile_form(resolved)
    schema = data_schema(form)
    prop = schema["properties"]["staatsangehoerigkeit"]
    assert "schluessel:staatsangehoerigkeit" in prop["description"]
    assert "2021-02-19" in prop["description"]
    validator = Draft202012Validator(schema)
    answers = validate_step(form.step("person"), {"vorname": "Ada", "staatsangehoerigkeit":
                                                  "000", "geburtsland": "TR"}, {}, "de")
    assert answers.errors == [] and answers.values["staatsangehoerigkeit"] == "000"
    assert validator.is_valid({"vorname": "Ada", "staatsangehoerigkeit": "000"})
    assert not validator.is_valid({"vorname": "Ada", "staatsangehoerigkeit": "DE"})
    # The other country field of the form stays ISO.
    assert validator.is_valid({"vorname": "Ada", "staatsangehoerigkeit": "163",
                               "geburtsland": "TR"})
    wrong = validate_step(form.step("person"), {"vorname": "Ada",
                                                "staatsangehoerigkeit": "DE"}, {}, "en")
    assert [e.message("en") for e in wrong.errors] == ["Select a country from the list."]


@pytest.mark.parametrize(("answer", "eu", "eu_eea"), [
    ("IT", True, True), ("137", True, True), ("NO", False, True), ("149", False, True),
    ("158", False, False), ("163", False, False), ("000", True, True), ("997", False, False)])
def test_eu_and_eu_eea_know_a_state_by_its_key_as_by_its_code(answer, eu, eu_eea) -> None:
    assert parse("eu(land)").evaluate({"land": answer}) is eu
    assert parse("eu_eea(land)").evaluate({"land": answer}) is eu_eea


def test_every_member_state_has_a_key() -> None:
    assert all(iso in KEYS for iso in EU_EEA) and len(EU) == 27


def test_forms_check_refuses_a_country_without_a_key() -> None:
    document = _destatis_form()
    document["steps"][0]["fields"][1].update(first=["DE"], only=["DE", "TR", "GI"])
    _, problems = check_definition(document)
    assert [(p.pointer, p.is_error) for p in problems] == [
        ("/steps/0/fields/1/only/2", True)]
    assert str(problems[0].message).startswith(
        "GI has no key in the Federal Statistical Office's codelist Staatsangehörigkeit")
    # The same list is fine for ISO codes.
    document["steps"][0]["fields"][1].pop("codes")
    assert check_definition(document)[1] == []


def test_the_designers_outline_says_the_answer_is_a_destatis_key() -> None:
    spec = {"name": "staatsangehoerigkeit", "type": "country", "usage": "nationality",
            "codes": "destatis", "first": ["DE"]}
    notes = Country.describe(spec)
    assert notes[0] == ("Staatsangehörigkeit, als Schlüssel des Statistischen Bundesamts "
                        "(Staats- und Gebietssystematik)", {})
    assert notes[1] == ("Zuerst angeboten: %(codes)s", {"codes": "DE"})
