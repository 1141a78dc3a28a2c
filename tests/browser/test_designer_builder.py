"""The structured editor in Chromium, as a member of staff would use it: no line of JSON.

Mitte maintains the shared onlinewache on this installation (tests/browser/test_designer.py's
server), so its staff copy it under its own id to make version 1.1.0 of the shared form. A
publisher of Mitte copies it, adds a step with two questions (one shown only for an answer
to the other), reorders them, changes a German label, sees the English marked outdated and
fixes it on the texts page, previews, and is refused publishing their own change (four
eyes); a second publisher publishes it, and a citizen completes the new version. The JSON
view is never opened (every address the browser asks for is checked). Zero axe violations
on every page of the structured editor; the reorder is done with the keyboard.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from playwright.sync_api import Browser, Page, expect

from portal.designer.outline_edit import settings_for
from portal.engine import compile_form

from .axe import assert_accessible
from .citizen import fill_step, press_continue, step_of
from .conftest import ROOT, LiveServer
from .test_designer import (  # noqa: F401
    DESIGNER,
    PUBLISHER,
    REVIEWER,
    _context_page,
    _sign_in,
    server,
)

NEW_LABEL = "Was möchten Sie der Polizei mitteilen?"
OLD_ENGLISH, NEW_ENGLISH = "What would you like to do?", "What would you like to tell the police?"
#: The shipped onlinewache's steps: the new step comes after them, then moves before the last
#: (the declaration).
STEPS = len(json.loads((ROOT / "forms" / "onlinewache.json").read_text())["steps"])
NEW_STEP, MOVED_STEP = STEPS, STEPS - 1
#: The JSON view of a draft: /designer/drafts/<id>, nothing after it.
JSON_VIEW = re.compile(r"/designer/drafts/\d+/?(\?.*)?$")


def _named(action: str, what: str) -> re.Pattern[str]:
    """The name of an outline's link or button: the action, and (for a screen reader) what
    it acts on, "Nach oben: Rahmennummer"; browsers may put a space before the colon."""
    return re.compile(rf"^{re.escape(action)}\s*:\s*{re.escape(what)}$")


def _copy_onlinewache(page: Page, base: str) -> str:
    """A new draft from the shipped onlinewache; returns the structured editor's address."""
    _sign_in(page, base, PUBLISHER)
    page.get_by_role("link", name="Kopieren onlinewache 1.0.0").click()
    # Mitte maintains the shared onlinewache: the copy keeps its id and is its next version.
    expect(page.locator("#form_id")).to_have_value("onlinewache")
    page.get_by_role("button", name="Entwurf anlegen").click()
    # A copy opens in the structured editor, not in the JSON view.
    expect(page.locator("h1")).to_contain_text("Fragen und Schritte: onlinewache")
    expect(page.locator(".notice--success")).to_contain_text("Kopie von onlinewache 1.0.0")
    assert_accessible(page, "structured editor: outline")
    return page.url


def _add_step_with_two_questions(page: Page) -> None:
    page.get_by_role("link", name="Schritt hinzufügen").click()
    assert_accessible(page, "new step")
    page.get_by_role("button", name="Weiter zur ersten Frage").click()
    expect(page.locator(".error-summary")).to_contain_text("Überschrift der Seite")
    assert_accessible(page, "new step with an error")
    page.fill("#step_title", "Ihr Fahrrad")
    page.get_by_role("button", name="Weiter zur ersten Frage").click()

    expect(page.locator("h1")).to_contain_text("Welche Art von Frage?")
    page.get_by_role("button", name="Weiter").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "question type with an error")
    page.get_by_label("Text, eine Zeile").check()
    page.get_by_role("button", name="Weiter").click()
    assert_accessible(page, "new text question")
    page.fill("#s-label", "Nummer am Rahmen")
    page.fill("#s-hint", "Sie steht meist unten am Rahmen.")
    page.fill("#s-max_length", "vierzig")
    page.get_by_role("button", name="Speichern", exact=True).click()
    # Not saved; the message is beside the setting, and everything typed is still there.
    expect(page.locator("#s-max_length-error")).to_contain_text("ganze Zahl")
    assert page.input_value("#s-label") == "Nummer am Rahmen"
    assert page.input_value("#s-max_length") == "vierzig"
    assert_accessible(page, "question with an error")
    page.fill("#s-max_length", "40")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.locator(".notice--success")).to_contain_text("Die Frage ist hinzugefügt")

    add_question = re.compile(rf"^Frage hinzufügen\s+zu Schritt {NEW_STEP + 1}$")
    page.get_by_role("link", name=add_question).click()
    page.get_by_label("Eine Antwort aus einer Liste (Optionsfelder)").check()
    page.get_by_role("button", name="Weiter").click()
    assert_accessible(page, "new radio question")
    page.fill("#s-label", "Ist das Fahrrad codiert?")
    page.fill("#s-name", "codiert")
    page.get_by_label("Eine Antwort ist Pflicht").check()
    page.fill("#options-0-label", "Ja")
    page.fill("#options-1-label", "Nein")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.locator(".notice--success")).to_contain_text("Die Frage ist hinzugefügt")


def _reorder_and_make_conditional(page: Page) -> None:
    # With the keyboard only: the yes/no question first, then the step before the declaration.
    page.get_by_role("button", name=_named("Nach oben", "Ist das Fahrrad codiert?")).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".notice--success")).to_contain_text("Die Frage ist verschoben")
    step = page.locator(f"#step-{NEW_STEP}")
    expect(step.locator(".builder__field").first).to_contain_text("Ist das Fahrrad codiert?")
    page.get_by_role("button", name=_named("Schritt nach oben", "Ihr Fahrrad")).focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#step-{MOVED_STEP} h2")).to_contain_text("Ihr Fahrrad")
    assert_accessible(page, "outline after moving")

    page.get_by_role("link", name=_named("Bearbeiten", "Nummer am Rahmen")).click()
    page.locator("#s-visible_if-mode-choice").check()
    page.select_option("#s-visible_if-question", "codiert")
    page.select_option("#s-visible_if-op", "==")
    page.fill("#s-visible_if-value", "ja")
    assert_accessible(page, "question with a condition")
    page.locator("#s-visible_if-value").press("Enter")  # the keyboard sends the page
    expect(page.locator(f"#step-{MOVED_STEP}")).to_contain_text("sichtbar wenn codiert == 'ja'")


def _change_a_german_label(page: Page) -> None:
    page.get_by_role("link", name=_named("Bearbeiten", "Was möchten Sie tun?")).click()
    page.fill("#s-label", NEW_LABEL)
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.locator("#step-0")).to_contain_text(NEW_LABEL)
    # The other pages of the structured editor: a step, and removing (cancelled).
    page.get_by_role("link", name=_named("Schritt bearbeiten", "Ihr Fahrrad")).click()
    assert_accessible(page, "step page")
    page.get_by_role("link", name="Abbrechen").click()
    page.get_by_role("link", name=_named("Entfernen", "Nummer am Rahmen")).click()
    assert_accessible(page, "remove a question")
    page.get_by_role("link", name="Abbrechen").click()
    expect(page.locator("main")).to_contain_text("Nummer am Rahmen")


def _english_outdated_and_fixed(page: Page) -> None:
    """The German label changed: the language panel counts the English as outdated; the
    texts page marks it, and an edit of the English there brings it up to date."""
    english = page.locator(".builder__languages li").filter(has=page.locator("span[lang='en']"))
    expect(english).to_contain_text("1 Text veraltet")
    page.get_by_role("link", name="Texte und Übersetzungen bearbeiten").click()
    expect(page.locator("h1")).to_contain_text("Texte und Übersetzungen")
    part = page.locator(".parts-list li").filter(has_text="Worum geht es?")
    expect(part).to_contain_text("4 Übersetzungen offen")  # en, uk, tr, ar
    part.get_by_role("link").click()
    box = page.get_by_role("textbox", name=re.compile(
        rf"Frage „{re.escape(NEW_LABEL)}“, Beschriftung, English$"))
    expect(box).to_have_value(OLD_ENGLISH)
    expect(page.locator(f"#{box.get_attribute('id')}-state")).to_have_text("veraltet")
    assert_accessible(page, "texts of the changed step, English outdated")
    box.fill(NEW_ENGLISH)
    page.get_by_role("button", name="Texte speichern").click()
    expect(page.locator(".notice--success")).to_contain_text("Die Texte sind gespeichert")
    expect(box).to_have_value(NEW_ENGLISH)
    expect(page.locator(f"#{box.get_attribute('id')}-state")).to_have_count(0)
    page.get_by_role("link", name="Zurück zum Entwurf").click()
    expect(page.locator("h1")).to_contain_text("Fragen und Schritte")
    expect(english).not_to_contain_text("veraltet")


def _four_eyes_refuse_the_author(page: Page) -> None:
    """The publisher who built the change may not publish it: no button, and why."""
    page.get_by_role("link", name="Zum Editor").click()  # from the preview to the outline
    expect(page.locator("h1")).to_contain_text("Fragen und Schritte")
    page.get_by_role("link", name="Änderungen ansehen und veröffentlichen").click()
    expect(page.locator("main")).to_contain_text("Vier-Augen-Prinzip: Sie haben diesen Entwurf")
    expect(page.get_by_role("button", name=re.compile("veröffentlichen"))).to_have_count(0)
    assert_accessible(page, "publication refused under four eyes")


def _preview(page: Page) -> None:
    page.get_by_role("link", name="Vorschau", exact=True).click()
    page.goto(page.url + "/steps/anliegen")
    expect(page.locator("main")).to_contain_text(NEW_LABEL)
    page.goto(page.url.replace("/steps/anliegen", "/steps/ihr_fahrrad"))
    frame = page.get_by_label("Nummer am Rahmen")
    expect(frame).to_be_hidden()  # shown once "Ja" is chosen
    page.get_by_label("Ja", exact=True).check()
    expect(frame).to_be_visible()
    assert_accessible(page, "preview of the new step")


def _publish(browser: Browser, request: pytest.FixtureRequest, base: str, builder: str) -> None:
    """The second publisher: sees who changed what, and publishes; Ukrainian, Turkish and
    Arabic still have the old label, which they confirm knowingly (it goes in the log)."""
    publisher = _context_page(browser, request)
    _sign_in(publisher, base, REVIEWER, builder.removeprefix(base))
    publisher.get_by_role("link", name="Änderungen ansehen und veröffentlichen").click()
    expect(publisher.locator(".diff-field--added")).to_have_count(2)
    expect(publisher.locator("#who-changed + table")).to_contain_text(PUBLISHER)
    expect(publisher.locator("#outdated-texts")).to_contain_text("3 Übersetzungen sind veraltet")
    publisher.get_by_role("button", name="Version 1.1.0 veröffentlichen").click()
    expect(publisher.locator("#confirm_outdated-error")).to_be_visible()  # not yet confirmed
    publisher.get_by_label(re.compile("Ich veröffentliche trotzdem")).check()
    publisher.get_by_role("button", name="Version 1.1.0 veröffentlichen").click()
    expect(publisher.locator(".notice")).to_contain_text("Version 1.1.0 ist veröffentlicht")


def _published(live: LiveServer, version: str) -> dict:
    with sqlite3.connect(live.database_url.removeprefix("sqlite:///")) as db:
        text = db.execute("SELECT definition FROM form_version WHERE form_id = 'onlinewache' "
                          "AND version = ?", (version,)).fetchone()[0]
    return json.loads(text)


def _complete_as_citizen(page: Page, base: str, definition: dict) -> None:
    form = compile_form(definition)
    page.goto(f"{base}/forms/onlinewache/")
    page.locator("main form[action$='/start'] button").click()
    expect(page.locator("main")).to_contain_text(NEW_LABEL)
    for _ in range(40):
        if page.url.endswith("/summary"):
            break
        if "/steps/ihr_fahrrad" in page.url:
            frame = page.get_by_label("Nummer am Rahmen")
            expect(frame).to_be_hidden()
            page.get_by_label("Ja", exact=True).check()
            frame.fill("WAW 123 456")
        else:
            step = step_of(form, page.url)
            assert step is not None, page.url
            if step.repeat is None or "/entries/" in page.url:
                fill_step(page, step)
        press_continue(page)
    else:
        raise AssertionError("the citizen did not reach the summary")
    expect(page.locator("main")).to_contain_text("WAW 123 456")
    page.locator("main form[action$='/submit'] button").click()
    expect(page.locator("#reference")).to_be_visible()


def test_a_step_with_two_questions_built_without_json_and_published(
    server: LiveServer, browser: Browser, request: pytest.FixtureRequest  # noqa: F811
) -> None:
    base = server.url
    staff = _context_page(browser, request)
    asked: list[str] = []
    staff.on("request", lambda r: asked.append(r.url) if r.resource_type == "document" else None)
    builder = _copy_onlinewache(staff, base)
    _add_step_with_two_questions(staff)
    _reorder_and_make_conditional(staff)
    _change_a_german_label(staff)
    _english_outdated_and_fixed(staff)
    _preview(staff)
    _four_eyes_refuse_the_author(staff)
    assert not [url for url in asked if JSON_VIEW.search(url)], "the JSON view was opened"
    _publish(browser, request, base, builder)
    definition = _published(server, "1.1.0")
    assert definition["steps"][MOVED_STEP]["fields"][1]["visible_if"] == "codiert == 'ja'"
    label = definition["steps"][0]["fields"][1]["label"]
    assert (label["de"], label["en"], label["uk"]) == (NEW_LABEL, NEW_ENGLISH,
                                                       "Що ви хочете зробити?")
    _complete_as_citizen(_context_page(browser, request), base, definition)


def test_every_kind_of_question_has_an_accessible_page_without_javascript(
    server: LiveServer, browser: Browser, request: pytest.FixtureRequest  # noqa: F811
) -> None:
    """Without JavaScript the structured editor is all forms and links: every kind of
    question's page, the condition on it, and a move, in German and in Arabic (right to left)."""
    page = _context_page(browser, request, java_script_enabled=False)
    _sign_in(page, server.url, DESIGNER)
    page.get_by_role("link", name="Kopieren hilfe-zum-lebensunterhalt 1.0.1").click()
    page.get_by_role("button", name="Entwurf anlegen").click()
    builder = page.url
    assert_accessible(page, "outline of a long form, no JavaScript")
    page.goto(f"{builder}/steps/0/questions/new")
    kinds = page.locator("input[name='type']").evaluate_all("all => all.map(i => i.value)")
    assert {"text", "radio", "checkboxes", "file", "date", "computed", "country"} <= set(kinds)
    # One of each different page: the kinds whose settings are drawn alike share one.
    drawn: dict[frozenset[str], str] = {}
    for kind in kinds:
        drawn.setdefault(frozenset(s.kind for s in settings_for(kind)), kind)
    for kind in drawn.values():
        page.goto(f"{builder}/steps/0/questions/new")
        page.locator(f"#type-{kind}").check()
        page.get_by_role("button", name="Weiter").click()
        expect(page.locator("h1")).to_have_text("Frage hinzufügen")
        assert_accessible(page, f"new question of type {kind}, no JavaScript")
    # An empty page sent: the messages are on the page, nothing is saved.
    page.goto(f"{builder}/steps/0/questions/new")
    page.locator("#type-radio").check()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("Antwortmöglichkeit")
    assert_accessible(page, "question with errors, no JavaScript")
    page.get_by_role("button", name="Weitere Antwortmöglichkeiten").click()
    expect(page.locator("#options-7-label")).to_be_visible()
    # A move, by button, in Arabic.
    page.goto(builder)
    page.locator(".language-switch a[lang='ar']").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    first = page.locator("#step-0 .builder__field").first.locator(".builder__label").inner_text()
    page.locator("#step-0 button[value='down:0:0']").click()
    expect(page.locator("#step-0 .builder__field").nth(1)).to_contain_text(first)
    assert_accessible(page, "outline in Arabic, no JavaScript")
    page.goto(f"{builder}/steps/0")
    assert_accessible(page, "step page in Arabic, no JavaScript")
    page.goto(f"{builder}/form")
    assert_accessible(page, "the form's settings in Arabic, no JavaScript")
