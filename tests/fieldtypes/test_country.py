"""The country field type: one module, one template, the catalogues; checked end to end."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from portal.designer.structure import outline
from portal.engine import data_schema, submission_data, validate_step
from portal.extensions import db
from portal.publishing import publish
from portal.receipt.content import receipt_content

from .country_form import DEFINITION, checked, form


def _errors(language: str, **raw: str) -> dict[str, str]:
    f = form()
    result = validate_step(f.step("person"), {"vorname": "Ada", **raw}, {}, language)
    return {e.name: e.message(language) for e in result.errors}


def test_a_known_code_is_the_answer_and_an_unknown_one_is_refused_in_the_citizens_language():
    assert _errors("de", staatsangehoerigkeit="tr", geburtsland="SY") == {}
    assert _errors("de", staatsangehoerigkeit="EU") == {
        "staatsangehoerigkeit": "Bitte wählen Sie ein Land aus der Liste aus."}
    assert _errors("uk", staatsangehoerigkeit="ZZ") == {
        "staatsangehoerigkeit": "Будь ласка, виберіть країну зі списку."}
    # A missing answer names the question, in the citizen's language and quotation marks.
    assert _errors("ar", staatsangehoerigkeit="") == {
        "staatsangehoerigkeit": "اختر «Nationality»."}


def test_the_data_holds_the_code_and_the_schema_lists_only_countries():
    f = form()
    answers = validate_step(f.step("person"),
                            {"vorname": "Ada", "staatsangehoerigkeit": "TR"}, {}, "ar").values
    assert submission_data(f, answers)["staatsangehoerigkeit"] == "TR"
    enum = data_schema(f)["properties"]["staatsangehoerigkeit"]["enum"]
    assert {"DE", "TR", "UA", "SY", "XK"} <= set(enum)
    assert not {"EU", "UN", "ZZ", "001", "150", "IC"} & set(enum)


def test_the_receipt_names_the_country_in_the_receipts_language():
    f = form()
    data = {"vorname": "Ada", "staatsangehoerigkeit": "TR", "geburtsland": "UA"}
    for language, turkey, ukraine in (("de", "Türkei", "Ukraine"), ("ar", "تركيا", "أوكرانيا")):
        submission = SimpleNamespace(reference="LT-1", language=language, data=data,
                                     destination="testamt", submitted_at=datetime.now(UTC))
        content = receipt_content(f, submission, [])
        values = [e.value for s in content.sections for g in s.groups for e in g.entries]
        assert turkey in values and ukraine in values


def test_the_designers_outline_says_what_the_field_is():
    fields = outline(DEFINITION).steps[0].fields
    assert fields[1].notes == [
        ("Staatsangehörigkeit, als Ländercode (ISO 3166-1)", {}),
        ("Zuerst angeboten: %(codes)s", {"codes": "DE"}),
    ]


@pytest.fixture
def started(app, client):
    with app.app_context():
        publish(checked())
        db.session.commit()
    response = client.post(f"/forms/{DEFINITION['id']}/start")
    assert response.status_code == 303
    return response.headers["Location"]


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_select_names_countries_in_german_and_arabic(started, client):
    client.get(f"/language/de?next={started}")
    html = client.get(started).get_data(as_text=True)
    options = _options(html, "staatsangehoerigkeit")
    assert options[:2] == [("", "Bitte auswählen"), ("DE", "Deutschland")]  # Germany first
    names = [name for _, name in options[2:]]
    assert ("AT", "Österreich") in options and names.index("Österreich") < names.index("Polen")
    assert "EU" not in dict(options) and "001" not in dict(options)
    # A nationality is not the address's country: no autocomplete token; an address's would be.
    assert 'name="staatsangehoerigkeit" autocomplete' not in html

    client.get(f"/language/ar?next={started}")
    html = client.get(started).get_data(as_text=True)
    options = dict(_options(html, "geburtsland"))
    assert options["DE"] == "ألمانيا" and options["TR"] == "تركيا"


def test_a_chosen_country_is_kept_and_a_refused_one_explained(started, client):
    client.get(f"/language/de?next={started}")
    response = client.post(started, data={"vorname": "Ada", "staatsangehoerigkeit": "EU",
                                          "action": "continue"})
    assert response.status_code == 422 or response.status_code == 200
    assert "Bitte wählen Sie ein Land aus der Liste aus." in response.get_data(as_text=True)
    response = client.post(started, data={"vorname": "Ada", "staatsangehoerigkeit": "TR",
                                          "geburtsland": "SY", "action": "continue"})
    assert response.status_code == 303
    html = client.get(started).get_data(as_text=True)
    assert '<option value="TR" selected>Türkei</option>' in html
