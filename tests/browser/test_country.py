"""A citizen picks a nationality with the keyboard only, in a form with a country field."""

from __future__ import annotations

from playwright.sync_api import Page

from portal import create_app
from portal.extensions import db
from portal.publishing import publish

from ..fieldtypes.country_form import DEFINITION, checked
from .citizen import press_continue
from .conftest import LiveServer


def _publish(live_server: LiveServer) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url})
    with app.app_context():
        publish(checked())
        db.session.commit()


def test_a_nationality_is_chosen_by_keyboard_and_kept(live_server: LiveServer, page: Page):
    _publish(live_server)
    page.goto(f"{live_server.url}/forms/{DEFINITION['id']}/")
    page.locator("main form[action$='/start'] button").click()
    page.fill("#vorname", "Ada")
    page.keyboard.press("Tab")  # from the name to the nationality, as a keyboard user goes
    assert page.evaluate("document.activeElement.id") == "staatsangehoerigkeit"
    page.keyboard.type("Ukr", delay=50)  # a closed select jumps to the name typed
    assert page.locator("#staatsangehoerigkeit").input_value() == "UA"
    press_continue(page)
    page.go_back()
    page.reload()
    assert page.locator("#staatsangehoerigkeit").input_value() == "UA"
    assert page.locator("#staatsangehoerigkeit option:checked").inner_text() == "Ukraine"
