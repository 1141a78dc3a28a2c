"""Codelists that are real: the shipped codelists, the WZ 2008, one list of countries for the
country type and the address, nationality without a state, and eu()/eu_eea() in a form."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from portal.engine import check_definition, compile_form, validate_step
from portal.engine.countries import EU, EU_EEA, country_names
from portal.engine.types.address import Address
from portal.engine.types.country import Country
from tests.fieldtypes.country_form import DEFINITION

ROOT = Path(__file__).resolve().parents[2]
CODELISTS = ROOT / "forms" / "codelists"
SCHEMA = json.loads((ROOT / "schemas" / "codelist.schema.json").read_text(encoding="utf-8"))
#: The divisions of WZ 2008 (NACE Rev. 2): 01 to 99 without the numbers the classification skips.
WZ_DIVISIONS = [f"{n:02d}" for n in range(1, 100)
                if n not in (4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89)]


@pytest.mark.parametrize("path", sorted(CODELISTS.glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_codelist_is_valid_and_named_like_its_file(path: Path) -> None:
    codelist = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(codelist, SCHEMA)
    assert codelist["id"] == path.stem
    values = [o["value"] for o in codelist["options"]]
    assert len(values) == len(set(values))
    assert all(o["label"].get("de") for o in codelist["options"])


def test_wz_2008_has_its_21_sections_and_88_divisions_in_german_and_english() -> None:
    sections = json.loads((CODELISTS / "wz2008_abschnitte.json").read_text(encoding="utf-8"))
    divisions = json.loads((CODELISTS / "wz2008_abteilungen.json").read_text(encoding="utf-8"))
    assert [o["value"] for o in sections["options"]] == list("abcdefghijklmnopqrstu")
    assert [o["value"] for o in divisions["options"]] == WZ_DIVISIONS
    assert len(WZ_DIVISIONS) == 88
    for option in sections["options"] + divisions["options"]:
        assert set(option["label"]) == {"de", "en"}
    by_value = {o["value"]: o["label"] for o in divisions["options"]}
    assert by_value["62"]["de"] == "Erbringung von Dienstleistungen der Informationstechnologie"
    assert by_value["56"] == {"de": "Gastronomie", "en": "Food and beverage service activities"}
    assert sections["options"][2]["label"]["de"] == "Verarbeitendes Gewerbe"


def _trade_form() -> dict:
    document = copy.deepcopy(DEFINITION)
    document["steps"][1]["fields"].append(
        {"name": "wirtschaftszweig", "type": "select", "required": True,
         "options": "codelists/wz2008_abteilungen.json",
         "label": {"de": "Wirtschaftszweig", "en": "Economic activity"}})
    return document


def test_a_trade_registration_asks_for_a_wz_division_and_gets_its_code() -> None:
    resolved, problems = check_definition(_trade_form(), forms_dir=ROOT / "forms")
    assert resolved is not None, [str(p) for p in problems if p.is_error]
    form = compile_form(resolved)
    ok = validate_step(form.step("ende"), {"wirtschaftszweig": "62"}, {}, "en")
    assert ok.errors == [] and ok.values["wirtschaftszweig"] == "62"
    wrong = validate_step(form.step("ende"), {"wirtschaftszweig": "04"}, {}, "de")
    assert [e.name for e in wrong.errors] == ["wirtschaftszweig"]


def test_the_country_type_and_the_address_offer_one_list_of_countries() -> None:
    country = Country({"name": "land", "type": "country", "label": {"de": "Land"}})
    address = Address({"name": "anschrift", "type": "address", "countries": "any",
                       "label": {"de": "Anschrift"}})
    for language in ("de", "en", "uk", "tr", "ar"):
        first, rest = country.country_options(language)
        assert first == [] and rest == address.country_options(language)
    codes = set(country_names("en"))
    assert {"DE", "XK", "CH"} <= codes and not {"IC", "EA", "TA", "AC", "EU", "ZZ"} & codes
    assert address.value_schema()["properties"]["country"]["enum"] == sorted(codes)


def test_eu_and_eea_membership_is_the_public_fact() -> None:
    assert len(EU) == 27 and "GB" not in EU and "HR" in EU
    assert {"IS", "LI", "NO"} == EU_EEA - EU and "CH" not in EU_EEA
    assert set(country_names("de")) >= EU_EEA


def _residence_form() -> dict:
    document = copy.deepcopy(DEFINITION)
    document["steps"][1]["fields"] = [
        {"name": "aufenthaltstitel", "type": "text", "required": True,
         "label": {"de": "Aufenthaltstitel", "en": "Residence title"},
         "visible_if": "staatsangehoerigkeit != 'DE' and not eu_eea(staatsangehoerigkeit) "
                       "and staatsangehoerigkeit != 'CH'"},
        {"name": "freizuegigkeit", "type": "text", "required": True,
         "label": {"de": "Grund des Aufenthalts", "en": "Reason for residence"},
         "visible_if": "staatsangehoerigkeit != 'DE' and (eu_eea(staatsangehoerigkeit) "
                       "or staatsangehoerigkeit == 'CH')"}]
    return document


@pytest.mark.parametrize(("nationality", "asked"), [
    ("DE", set()), ("PL", {"freizuegigkeit"}), ("NO", {"freizuegigkeit"}),
    ("CH", {"freizuegigkeit"}), ("TR", {"aufenthaltstitel"}), ("SY", {"aufenthaltstitel"}),
    ("XXA", {"aufenthaltstitel"})])
def test_a_condition_on_whether_the_nationality_is_eu_or_eea(nationality, asked) -> None:
    resolved, problems = check_definition(_residence_form())
    assert resolved is not None, [str(p) for p in problems if p.is_error]
    form = compile_form(resolved)
    person = validate_step(form.step("person"), {"vorname": "Ada",
                                                 "staatsangehoerigkeit": nationality}, {}, "de")
    assert person.errors == []
    result = validate_step(form.step("ende"), {}, person.values, "de")
    assert {e.name for e in result.errors} == asked  # the questions asked are required


def test_a_nationality_may_be_none_or_undetermined_and_is_named_in_every_language() -> None:
    field = Country({"name": "staatsangehoerigkeit", "type": "country", "usage": "nationality",
                     "label": {"de": "Staatsangehörigkeit"}})
    assert field.other_options("de") == [("XXA", "staatenlos"),
                                         ("XXX", "Staatsangehörigkeit ungeklärt")]
    assert field.display("XXA", "en", "de") == "Stateless"
    assert field.display("XXX", "uk", "de") == "Громадянство не з’ясоване"
    assert {"XXA", "XXX"} <= set(field.value_schema()["enum"])
    # A country of birth or an address's country has no such answer.
    other = Country({"name": "geburtsland", "type": "country", "usage": "other",
                     "label": {"de": "Geburtsland"}})
    assert other.other_options("de") == [] and "XXA" not in other.value_schema()["enum"]


@pytest.mark.parametrize(("nationality", "asked"), [
    ("DE", set()), ("NO", {"freizuegigkeit"}), ("CH", {"freizuegigkeit"}),
    ("SY", {"aufenthaltsstatus"}), ("XXX", {"aufenthaltsstatus"})])
def test_hilfe_zum_lebensunterhalt_asks_for_a_residence_title_only_outside_the_eea(
        app, nationality, asked) -> None:
    from portal.publishing import compiled, current_version
    form = compiled(current_version("hilfe-zum-lebensunterhalt"))
    raw = {"staatsangehoerigkeit": nationality, "familienstand": "ledig"}
    result = validate_step(form.step("antragsteller"), raw, {}, "de")
    # Name and date of birth are left out here; of the residence questions, only these are asked.
    assert {e.name for e in result.errors} - {"antragsteller_name", "geburtsdatum"} == asked
