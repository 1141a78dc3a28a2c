"""A nationality asked with `"codes": "destatis"` in the browser: the options' values are the
keys of the Statistisches Bundesamt, the draft stores the key, the summary names the country."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.engine import check_definition, compile_form
from portal.extensions import db
from portal.models import Draft
from portal.publishing import publish
from portal.receipt.content import receipt_content

from .country_form import DEFINITION


def _definition() -> dict:
    document = copy.deepcopy(DEFINITION)
    document["id"] = "laender-destatis"
    document["steps"][0]["fields"][1].update(codes="destatis", first=["DE", "TR"])
    resolved, problems = check_definition(document)
    assert resolved is not None, [str(p) for p in problems]
    return resolved


@pytest.fixture
def started(app, client):
    with app.app_context():
        publish(_definition())
        db.session.commit()
    response = client.post("/forms/laender-destatis/start")
    assert response.status_code == 303
    return response.headers["Location"]


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select_ = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select_)


def test_the_nationality_is_offered_and_stored_as_its_destatis_key(app, started, client):
    client.get(f"/language/de?next={started}")
    options = _options(client.get(started).get_data(as_text=True), "staatsangehoerigkeit")
    assert options[:3] == [("", "Bitte auswählen"), ("000", "Deutschland"), ("163", "Türkei")]
    assert ("166", "Ukraine") in options and ("368", "Vereinigte Staaten") in options
    assert options[-2:] == [("997", "staatenlos"), ("998", "Staatsangehörigkeit ungeklärt")]
    assert not any(value.isalpha() for value, _ in options)  # no ISO code among them
    # The country of birth beside it is still asked with ISO codes.
    assert ("TR", "Türkei") in _options(client.get(started).get_data(as_text=True),
                                        "geburtsland")

    response = client.post(started, data={"vorname": "Ada", "staatsangehoerigkeit": "TR",
                                          "action": "continue"})
    assert "Bitte wählen Sie ein Land aus der Liste aus." in response.get_data(as_text=True)
    response = client.post(started, data={"vorname": "Ada", "staatsangehoerigkeit": "163",
                                          "action": "continue"})
    assert response.status_code == 303
    with app.app_context():
        draft = db.session.scalars(select(Draft)).one()
        assert draft.answers["staatsangehoerigkeit"] == "163"
    html = client.get(started).get_data(as_text=True)
    assert '<option value="163" selected>Türkei</option>' in html

    # On the summary page the key is named, in the citizen's language.
    finish = client.post(response.headers["Location"], data={"action": "continue"})
    assert finish.status_code == 303
    client.get(f"/language/en?next={finish.headers['Location']}")
    summary = client.get(finish.headers["Location"]).get_data(as_text=True)
    assert "Türkiye" in summary and "163" not in re.sub(r"<[^>]*>", "", summary)


def test_the_receipt_names_the_country_of_a_key_in_the_receipts_language():
    form = compile_form(_definition())
    data = {"vorname": "Ada", "staatsangehoerigkeit": "166", "geburtsland": "UA"}
    for language, expected in (("de", "Ukraine"), ("en", "Ukraine"), ("uk", "Україна")):
        submission = SimpleNamespace(reference="LT-1", language=language, data=data,
                                     destination="testamt", submitted_at=datetime.now(UTC))
        entries = [e for s in receipt_content(form, submission, []).sections
                   for g in s.groups for e in g.entries]
        assert [e.value for e in entries if e.value == expected] == [expected, expected]
        assert "166" not in [e.value for e in entries]
