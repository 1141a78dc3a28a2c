"""Conditions on the same page: each shape of condition reveals and hides its question
while the citizen answers (JavaScript), and without JavaScript the question is shown."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from portal import create_app
from portal.engine import check_definition
from portal.extensions import db
from portal.publishing import publish

from .citizen import press_continue
from .conftest import LiveServer


def L(de: str) -> dict[str, str]:  # noqa: N802 - reads like a literal
    return {"de": de}


def text(name: str, visible_if: str) -> dict[str, Any]:
    return {"name": name, "type": "text", "label": L(name), "visible_if": visible_if}


def options(*values: str) -> list[dict[str, Any]]:
    return [{"value": v, "label": L(v)} for v in values]


DEFINITION: dict[str, Any] = {
    "id": "bedingungen-test", "version": "1.0.0", "languages": ["de"], "default_language": "de",
    "title": L("Bedingungen"), "privacy_notice": L("Nur für Tests."), "destination": "testamt",
    "retention_days": 30,
    "steps": [
        {"id": "vorher", "title": L("Vorher"), "fields": [
            {"name": "art", "type": "radio", "label": L("Art"), "options": options("a", "b"),
             "required": True}]},
        {"id": "seite", "title": L("Seite"), "fields": [
            {"name": "erlaubnispflichtig", "type": "checkbox", "label": L("Erlaubnispflichtig")},
            text("erlaubnis_nr", "erlaubnispflichtig"),  # the documented checkbox idiom
            text("kette", "not empty(erlaubnis_nr)"),  # hides with the question it depends on
            {"name": "delikt", "type": "radio", "label": L("Delikt"),
             "options": options("diebstahl", "raub")},
            text("diebesgut", "delikt == 'diebstahl'"),
            text("kein_raub", "delikt != 'raub' and not empty(delikt)"),
            {"name": "dinge", "type": "checkboxes", "label": L("Dinge"),
             "options": options("fahrrad", "handy")},
            text("rahmennummer", "'fahrrad' in dinge"),
            text("zwei_dinge", "count(dinge) >= 2"),
            {"name": "schaden", "type": "number", "label": L("Schaden")},
            text("hoher_schaden", "schaden > 1000"),
            {"name": "doppelt", "type": "computed", "format": "number", "value": "schaden * 2",
             "label": L("Doppelt"), "unit": L("Stück")},
            text("doppelt_viel", "doppelt >= 3000"),  # a computed value of this page
            {"name": "betrag", "type": "money", "label": L("Betrag")},
            text("betrag_genau", "betrag == 99.5"),
            {"name": "geburt", "type": "date", "label": L("Geburtsdatum")},
            text("jung", "geburt > '2008-01-01' and geburt <= today()"),
            {"name": "telefon", "type": "text", "label": L("Telefon")},
            text("mit_art_a", "art == 'a' and not empty(telefon)"),  # an earlier answer too
            text("kein_telefon", "empty(telefon) or telefon in ['0', '00']"),
            {"name": "land", "type": "country", "usage": "nationality",
             "label": L("Staatsangehörigkeit")},
            text("freizuegig", "eu_eea(land) or land == 'CH'"),  # a fact about the answer
            text("drittstaat", "not empty(land) and not eu_eea(land) and land != 'CH'"),
        ]},
    ],
}
DEPENDANTS = [f["name"] for f in DEFINITION["steps"][1]["fields"] if "visible_if" in f]


def _open_page(live_server: LiveServer, page: Page) -> None:
    document, problems = check_definition(DEFINITION)
    assert document is not None, [str(p) for p in problems]
    app = create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url})
    with app.app_context():
        publish(document)
        db.session.commit()
    page.goto(f"{live_server.url}/forms/{DEFINITION['id']}/")
    page.locator("main form[action$='/start'] button").click()
    page.check("#art-0")  # art == 'a'
    press_continue(page)


def shown(page: Page) -> set[str]:
    return {name for name in DEPENDANTS if page.locator(f"#{name}").is_visible()}


def test_each_shape_of_condition_reveals_and_hides_as_the_citizen_answers(
        live_server: LiveServer, page: Page):
    _open_page(live_server, page)
    assert shown(page) == {"kein_telefon"}  # nothing answered yet: only empty(telefon) holds

    page.check("#erlaubnispflichtig")
    assert "erlaubnis_nr" in shown(page) and "kette" not in shown(page)
    page.fill("#erlaubnis_nr", "E-1")
    assert {"erlaubnis_nr", "kette"} <= shown(page)
    page.uncheck("#erlaubnispflichtig")  # hides the number, and what depends on it
    assert not {"erlaubnis_nr", "kette"} & shown(page)

    page.check("#delikt-0")
    assert {"diebesgut", "kein_raub"} <= shown(page)
    page.check("#delikt-1")
    assert not {"diebesgut", "kein_raub"} & shown(page)

    page.check("#dinge-0")
    assert "rahmennummer" in shown(page) and "zwei_dinge" not in shown(page)
    page.check("#dinge-1")
    assert "zwei_dinge" in shown(page)
    page.uncheck("#dinge-0")
    assert not {"rahmennummer", "zwei_dinge"} & shown(page)

    page.fill("#schaden", "1.000")  # German: one thousand, not above
    assert "hoher_schaden" not in shown(page)
    assert "doppelt_viel" not in shown(page)
    page.fill("#schaden", "1.500")
    assert "hoher_schaden" in shown(page)
    assert page.locator("#doppelt").inner_text() == "3.000 Stück"  # worked out as typed
    assert "doppelt_viel" in shown(page)

    page.fill("#betrag", "99,50")
    assert "betrag_genau" in shown(page)
    page.fill("#betrag", "99,51")
    assert "betrag_genau" not in shown(page)

    page.fill("#geburt-day", "3")
    page.fill("#geburt-month", "4")
    page.fill("#geburt-year", "2010")
    assert "jung" in shown(page)
    page.fill("#geburt-year", "1990")
    assert "jung" not in shown(page)

    page.fill("#telefon", "030 123")
    assert "mit_art_a" in shown(page) and "kein_telefon" not in shown(page)
    page.fill("#telefon", "0")
    assert "kein_telefon" in shown(page)

    for nationality, reveals in (("NO", "freizuegig"), ("CH", "freizuegig"),
                                 ("PL", "freizuegig"), ("SY", "drittstaat"),
                                 ("GB", "drittstaat"), ("XXA", "drittstaat")):
        page.select_option("#land", nationality)
        assert {"freizuegig", "drittstaat"} & shown(page) == {reveals}, nationality


@pytest.mark.parametrize("which", ["page_no_js"])
def test_without_javascript_every_question_of_the_page_is_shown(
        live_server: LiveServer, which: str, request: pytest.FixtureRequest):
    page = request.getfixturevalue(which)
    _open_page(live_server, page)
    assert shown(page) == set(DEPENDANTS)
