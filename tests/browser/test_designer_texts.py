"""Texts and translations, and the help, in Chromium: zero axe violations, keyboard and no JS.

Uses the designer's own live server (tests/browser/test_designer.py), started afresh
for this module.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, expect

from .axe import assert_accessible
from .conftest import LiveServer
from .test_designer import (  # noqa: F401 - `server` is a fixture
    DESIGNER,
    PUBLISHER,
    _context_page,
    _save,
    _sign_in,
    server,
)


def test_texts_outdated_translation_fixed_and_help_accessible(
    server: LiveServer, browser: Browser, request: pytest.FixtureRequest  # noqa: F811
) -> None:
    base = server.url
    page = _context_page(browser, request)
    _sign_in(page, base, DESIGNER)

    # The help, from the navigation of every designer page.
    page.get_by_role("link", name="Hilfe", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hilfe zum Formular-Designer")
    # The pictures of the structured editor are on it, loaded, at the width they were taken.
    for name in ("aufbau", "frage"):
        picture = page.locator(f"main img[src$='/{name}.png']")
        picture.scroll_into_view_if_needed()
        expect(picture).to_be_visible()
        assert picture.evaluate("img => img.complete && img.naturalWidth") == 1280, name
        assert picture.get_attribute("alt"), name
    assert_accessible(page, "help")
    page.get_by_role("link", name="Formulardefinition (Englisch)").click()
    assert_accessible(page, "help: form definitions")

    # A copy of the Onlinewache whose German label changes: four languages outdated.
    page.goto(f"{base}/designer/")
    page.get_by_role("link", name="Kopieren onlinewache 1.0.0").click()
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.get_by_role("link", name="JSON-Ansicht (für Fortgeschrittene)").click()
    text = page.locator("#definition").input_value()
    document = json.loads(text)
    document["steps"][0]["fields"][1]["label"]["de"] = "Was ist Ihr Anliegen?"
    _save(page, json.dumps(document, ensure_ascii=False, indent=2))
    panel = page.locator(".editor-layout__outline")
    expect(panel.get_by_text("1 Text veraltet")).to_have_count(4)

    page.get_by_role("link", name="Texte und Übersetzungen bearbeiten").click()
    assert_accessible(page, "texts: general part")
    page.get_by_role("link", name=re.compile("Worum geht es")).click()
    # Each box is named by its place in the form and its language.
    english = page.get_by_role("textbox", name="Schritt „Worum geht es?“, Frage „Was ist Ihr "
                               "Anliegen?“, Beschriftung, English", exact=True)
    english.fill("What is your concern?")
    assert_accessible(page, "texts: a step with outdated translations")
    page.get_by_role("button", name="Texte speichern").click()
    expect(page.get_by_text("Die Texte sind gespeichert.")).to_be_visible()
    row = page.locator("tr", has=page.get_by_text("steps[anliegen]/fields[art]/label"))
    expect(row.get_by_text("veraltet", exact=True)).to_have_count(3)

    # A bad file: refused, with a report that is itself accessible.
    page.set_input_files("#texts_file", files=[{"name": "kaputt.xlf", "mimeType": "text/xml",
                                                "buffer": b"<xliff version='1.2'><file>"}])
    page.get_by_role("button", name="Übersetzungen importieren").click()
    expect(page.get_by_text("Die Datei wurde nicht importiert")).to_be_visible()
    assert_accessible(page, "texts: import refused")

    # The publisher sees the confirmation the outdated texts need.
    draft_url = page.url.split("/texts")[0]
    publisher = _context_page(browser, request)
    _sign_in(publisher, base, PUBLISHER, target=draft_url.removeprefix(base) + "/publish")
    publisher.get_by_role("button", name=re.compile("veröffentlichen")).click()
    expect(publisher.get_by_text("Bestätigen Sie, dass Sie mit veralteten")).to_be_visible()
    assert_accessible(publisher, "publish: outdated translations not confirmed")
    publisher.get_by_label(re.compile("Ich veröffentliche trotzdem")).check()
    publisher.get_by_role("button", name=re.compile("veröffentlichen")).click()
    expect(publisher.get_by_text(re.compile("ist veröffentlicht"))).to_be_visible()
