"""The form designer in Chromium: copy, edit, preview, publish; a citizen on each side of it.

Zero axe violations on every designer page. The designer gets a live server of
its own, because publishing a new version of onlinewache would change the
shared server under the citizen tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .axe import assert_accessible, screenshot
from .citizen import fill_step, press_continue, shipped_form, step_of
from .conftest import AMTSWEG, ROOT, STARTUP_TIMEOUT, LiveServer, _answers, _free_port

PASSWORD = "correct horse battery staple"
DESIGNER = "dora.designer@mitte.example"
PUBLISHER = "paul.publisher@mitte.example"
#: A second publisher of Mitte: under four eyes, who publishes what the first one changed.
REVIEWER = "rita.reviewer@mitte.example"
ADMIN = "ada.admin@polizei-rostock.example"
JSON_VIEW = "JSON-Ansicht (für Fortgeschrittene)"
NEW_FIELD = {
    "name": "hinweis_quelle", "type": "text", "visible_if": "art == 'hinweis'",
    "label": {"de": "Woher wissen Sie davon?", "en": "How do you know about it?"},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Its own application, database and accounts: a designer and two publishers of one
    authority (Mitte), and an administrator of another."""
    tmp = tmp_path_factory.mktemp("designer_server")
    database_url = f"sqlite:///{tmp / 'amtsweg.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": database_url,
           "AMTSWEG_INSTANCE_PATH": str(tmp / "instance"), "AMTSWEG_SECRET_KEY": "test",
           "AMTSWEG_INSECURE_COOKIES": "1", "PYTHONUNBUFFERED": "1",
           "AMTSWEG_RATELIMIT_ENABLED": "0", "AMTSWEG_AUTHORITIES_DIR": str(tmp / "authorities")}
    # The shipped authorities, and Mitte, which maintains onlinewache on this installation
    # (so its publisher may publish a new version of it; docs/authorities.md).
    shutil.copytree(ROOT / "authorities", tmp / "authorities")
    rostock = tmp / "authorities" / "polizei-mv-rostock.json"
    rostock.write_text(json.dumps({**json.loads(rostock.read_text()), "owns": []}))
    (tmp / "authorities" / "bezirksamt-mitte.json").write_text(json.dumps({
        "id": "bezirksamt-mitte", "name": {"de": "Bezirksamt Mitte"}, "owns": ["onlinewache"],
        "address": {"street": "Amtsweg 1", "postcode": "10115", "city": "Berlin"}}))
    commands = [(["db", "upgrade"], None), (["authorities", "load"], None),
                (["jurisdictions", "import", "authorities/jurisdictions.csv"], None),
                (["forms", "load"], None)]
    for email, role, authority in ((DESIGNER, "designer", "bezirksamt-mitte"),
                                   (PUBLISHER, "publisher", "bezirksamt-mitte"),
                                   (REVIEWER, "publisher", "bezirksamt-mitte"),
                                   (ADMIN, "administrator", "polizei-mv-rostock")):
        commands.append((["users", "create", "--email", email, "--name", email.split("@")[0],
                          "--role", role, "--authority", authority, "--password-stdin"],
                         PASSWORD + "\n"))
    for command, stdin in commands:
        done = subprocess.run([str(AMTSWEG), *command], cwd=ROOT, env=env, input=stdin,  # noqa: S603
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(f"amtsweg {' '.join(command)} failed:\n{done.stderr}", pytrace=False)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(  # noqa: S603
            [str(AMTSWEG), "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _answers(f"{url}/"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"designer server did not start:\n{log.read_text()}", pytrace=False)
            time.sleep(0.1)
        yield LiveServer(url=url, database_url=database_url, log=log)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _context_page(browser: Browser, request: pytest.FixtureRequest, **options: object):
    context = browser.new_context(locale="de-DE", bypass_csp=True,
                                  viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    request.addfinalizer(lambda: _close(context, page, request))
    return page


def _close(context, page: Page, request: pytest.FixtureRequest) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        screenshot(page, f"{request.node.name}-{id(page)}-failed")
    context.close()


def _sign_in(page: Page, base: str, email: str, target: str = "/designer/") -> None:
    page.goto(base + target)
    assert "/designer/login" in page.url
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    assert "/designer/login" not in page.url, page.locator("main").inner_text()


def _save(page: Page, text: str) -> None:
    """Put `text` in the editor as a paste would, then save.

    Playwright's fill() types the whole definition (80 kB) as one insertText, which
    Chromium 156 lays out line by line: 14 s on a quiet machine, past any sensible
    timeout on a busy one. A paste sets the value and fires `input`, as here; what the
    server receives is the same text.
    """
    page.locator("#definition").evaluate(
        "(editor, text) => { editor.focus(); editor.value = text;"
        " editor.dispatchEvent(new InputEvent('input', {bubbles: true})); }", text)
    page.get_by_role("button", name="Speichern und prüfen").click()


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _citizen_to_summary(page: Page, form_id: str = "onlinewache") -> None:
    form = shipped_form(form_id)
    for _ in range(40):
        if page.url.endswith("/summary"):
            return
        step = step_of(form, page.url)
        assert step is not None, page.url
        if step.repeat is None or "/entries/" in page.url:
            fill_step(page, step)
        press_continue(page)
    raise AssertionError("the citizen did not reach the summary")


def _version_of_submission(server: LiveServer, reference: str) -> str:
    with sqlite3.connect(server.database_url.removeprefix("sqlite:///")) as db:
        return db.execute(
            "SELECT form_version.version FROM submission JOIN form_version "
            "ON form_version.id = submission.form_version_id WHERE reference = ?", (reference,)
        ).fetchone()[0]


def test_copy_add_a_conditional_field_preview_in_english_diff_and_publish(
    server: LiveServer, browser: Browser, request: pytest.FixtureRequest
) -> None:
    base = server.url
    # A citizen starts the police report before anything changes.
    early = _context_page(browser, request)
    early.goto(f"{base}/forms/onlinewache/")
    early.locator("main form[action$='/start'] button").click()

    designer = _context_page(browser, request)
    designer.goto(f"{base}/designer/")
    assert_accessible(designer, "sign-in page")
    _sign_in(designer, base, DESIGNER)
    assert_accessible(designer, "overview")
    designer.get_by_role("link", name="Kopieren onlinewache 1.0.0").click()
    assert_accessible(designer, "copy page")
    designer.get_by_role("button", name="Entwurf anlegen").click()
    # A copy opens in the structured editor; the JSON view is one link away.
    expect(designer.locator("h1")).to_contain_text("Fragen und Schritte: onlinewache")
    designer.get_by_role("link", name=JSON_VIEW).click()
    expect(designer.locator("h1")).to_contain_text("onlinewache")
    assert_accessible(designer, "editor")
    original = designer.input_value("#definition")
    assert '"version": "1.1.0"' in original

    # A syntax error: shown with its line and column, the typed text still in the editor.
    broken = original.replace('"version": "1.1.0",', '"version": "1.1.0"', 1)
    _save(designer, broken)
    # Where the comma is missing: just after the value, not at the next line's key.
    line = _line_of(broken, '"version": "1.1.0"')
    expect(designer.locator(".error-summary")).to_contain_text(f"Zeile {line}")
    column = len('  "version": "1.1.0"') + 1
    expect(designer.locator(".findings")).to_contain_text(f"Zeile {line}, Spalte {column}")
    assert designer.input_value("#definition") == broken
    assert_accessible(designer, "editor with a syntax error")
    designer.locator(".findings a[data-line]").first.click()  # JavaScript selects that line
    selected = designer.evaluate(
        "() => { const e = document.getElementById('definition');"
        " return e.value.slice(0, e.selectionStart).split('\\n').length; }")
    assert selected == line

    # The new question, shown only for a tip.
    document = json.loads(original)
    document["steps"][0]["fields"].append(NEW_FIELD)
    _save(designer, json.dumps(document, indent=2, ensure_ascii=False))
    expect(designer.locator("main")).to_contain_text("Keine Fehler")
    outline = designer.locator(".editor-layout__outline")
    expect(outline).to_contain_text("hinweis_quelle")
    expect(outline).to_contain_text("sichtbar wenn art == 'hinweis'")

    # The preview, in English, with the condition tried out.
    designer.get_by_role("link", name="Vorschau", exact=True).click()
    assert_accessible(designer, "preview overview")
    designer.locator("main .action-list a[lang='en']").click()
    assert designer.locator("html").get_attribute("lang") == "en"
    designer.locator(".preview-steps a").first.click()
    assert "/preview/steps/anliegen" in designer.url
    question = designer.get_by_text("How do you know about it?")
    expect(question).to_be_hidden()  # revealed in place once "tip" is chosen
    assert_accessible(designer, "preview step in English")
    designer.locator("input[name='art'][value='hinweis']").check()
    expect(question).to_be_visible()
    designer.fill("#hinweis_quelle", "A neighbour told me")
    press_continue(designer)
    assert "/preview/steps/tat" in designer.url
    assert_accessible(designer, "preview, next step")
    designer.get_by_role("link", name="Preview overview").click()
    designer.get_by_role("link", name=re.compile("Check answers")).click()
    expect(designer.locator("main")).to_contain_text("A neighbour told me")
    assert_accessible(designer, "preview summary")
    designer.locator(".language-switch a[lang='de']").click()

    # The diff; a designer cannot publish.
    designer.get_by_role("link", name="Zum Editor").click()
    designer.get_by_role("link", name="Änderungen ansehen und veröffentlichen").click()
    expect(designer.locator("main")).to_contain_text("Felder: 1 neu, 0 entfernt, 0 geändert")
    expect(designer.locator(".diff-field--added")).to_contain_text("hinweis_quelle")
    expect(designer.get_by_role("button", name=re.compile("veröffentlichen"))).to_have_count(0)
    assert_accessible(designer, "changes (designer)")
    draft_url = designer.url
    designer.get_by_role("button", name="Abmelden").click()
    assert "/designer/login" in designer.url

    # The publisher publishes.
    publisher = _context_page(browser, request)
    _sign_in(publisher, base, PUBLISHER, draft_url.removeprefix(base))
    assert_accessible(publisher, "changes (publisher)")
    publisher.get_by_role("button", name="Version 1.1.0 veröffentlichen").click()
    expect(publisher.locator(".notice")).to_contain_text("Version 1.1.0 ist veröffentlicht")
    assert_accessible(publisher, "form page")
    publisher.get_by_role("link", name="Protokoll").click()
    expect(publisher.locator("main")).to_contain_text("Veröffentlicht")
    assert_accessible(publisher, "audit log")

    # A citizen who starts now gets the new question ...
    late = _context_page(browser, request)
    late.goto(f"{base}/forms/onlinewache/")
    late.locator("main form[action$='/start'] button").click()
    late.locator("input[name='art'][value='hinweis']").check()
    expect(late.get_by_text("Woher wissen Sie davon?")).to_be_visible()

    # ... and the one who started before finishes on the version they began with.
    early.reload()
    expect(early.get_by_text("Woher wissen Sie davon?")).to_have_count(0)
    _citizen_to_summary(early)
    expect(early.locator("main")).not_to_contain_text("Woher wissen Sie davon?")
    early.locator("main form[action$='/submit'] button").click()
    reference = early.locator("#reference").inner_text()
    assert _version_of_submission(server, reference) == "1.0.0"


def test_malformed_definitions_are_shown_with_their_position_and_cannot_be_published(
    server: LiveServer, browser: Browser, request: pytest.FixtureRequest
) -> None:
    """Without JavaScript: the textarea is the whole editor."""
    page = _context_page(browser, request, java_script_enabled=False)
    _sign_in(page, server.url, PUBLISHER)
    page.get_by_role("link", name="Kopieren bauantrag 1.1.0").click()
    # bauantrag is maintained by Rostock's building authority: Mitte copies it under an id of
    # its own (bauantrag-bezirksamt-mitte, version 1.0.0).
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.get_by_role("link", name=JSON_VIEW).click()
    original = page.input_value("#definition")
    cases = {
        # The line that lacks its comma is the one the message names.
        "JSON syntax": (re.sub(r'("version": "[0-9.]+"),', r"\1", original, count=1),
                        '"version": "', None),
        "schema": (original.replace('"retention_days": ', '"retention_days": "x", "_": ', 1),
                   '"retention_days"', "/retention_days"),
        "condition": (re.sub(r'"visible_if": "([a-z_]+)', r'"visible_if": "\1_gibt_es_nicht',
                             original, count=1), "_gibt_es_nicht", "/visible_if"),
    }
    for label, (text, needle, pointer) in cases.items():
        _save(page, text)
        summary = page.locator(".error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_contain_text(f"Zeile {_line_of(text, needle)}")
        if pointer:
            expect(page.locator(".findings code").first).to_contain_text(pointer)
        assert page.input_value("#definition") == text, label  # nothing typed is lost
        assert_accessible(page, f"editor, {label} error, no JavaScript")
        page.get_by_role("link", name="Änderungen ansehen und veröffentlichen").click()
        expect(page.locator(".error-summary")).to_be_visible()
        expect(page.get_by_role("button", name=re.compile("veröffentlichen"))).to_have_count(0)
        assert_accessible(page, f"changes, {label} error, no JavaScript")
        page.get_by_role("link", name="Zurück zum Editor").click()
        assert page.input_value("#definition") == text


def test_every_other_designer_page_is_accessible(
    server: LiveServer, browser: Browser, request: pytest.FixtureRequest
) -> None:
    base = server.url
    page = _context_page(browser, request)
    page.goto(f"{base}/designer/login")
    page.fill("#email", PUBLISHER)
    page.fill("#password", "wrong")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "sign-in error")
    _sign_in(page, base, PUBLISHER)

    page.get_by_role("link", name="Neues Formular").click()
    page.get_by_role("button", name="Entwurf anlegen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "new form with errors")
    page.fill("#form_id", "hund-anmelden")
    page.fill("#title", "Hund anmelden")
    page.get_by_role("button", name="Entwurf anlegen").click()
    expect(page.locator("h1")).to_contain_text("Fragen und Schritte: hund-anmelden")
    page.get_by_role("link", name=JSON_VIEW).click()
    assert_accessible(page, "editor of a new form")
    editor_url = page.url

    page.get_by_role("link", name="Vorschau", exact=True).click()
    page.locator(".preview-steps a").first.click()
    page.fill("#anliegen", "Ein Dackel namens Willi")
    press_continue(page)
    assert page.url.endswith("/preview/summary")
    page.locator("main form[action$='/send'] button").click()
    expect(page.locator("main")).to_contain_text("Ein Dackel namens Willi")
    assert_accessible(page, "preview: what would be sent")

    page.goto(editor_url)
    page.get_by_role("link", name="Entwurf verwerfen").click()
    assert_accessible(page, "discard draft")
    page.goto(f"{base}/designer/import")
    assert_accessible(page, "import")
    page.get_by_role("button", name="Importieren").click()
    assert_accessible(page, "import with an error")
    page.set_input_files("#definition_file", files=[{
        "name": "kaputt.json", "mimeType": "application/json", "buffer": b'{"id": "kaputt",'}])
    page.get_by_role("button", name="Importieren").click()
    assert_accessible(page, "editor of a broken import")
    page.get_by_role("link", name="Vorschau", exact=True).click()
    assert_accessible(page, "preview not possible")

    page.goto(f"{base}/designer/forms/hilfe-zum-lebensunterhalt")
    assert_accessible(page, "page of a shipped form")
    page.goto(f"{base}/designer/drafts/99999")
    assert_accessible(page, "not found")

    designer = _context_page(browser, request)
    _sign_in(designer, base, DESIGNER, "/designer/forms/onlinewache/retire")
    expect(designer.locator("h1")).to_contain_text("Berechtigung")
    assert_accessible(designer, "forbidden")

    page.goto(f"{base}/designer/forms/onlinewache")
    page.get_by_role("link", name="Formular zurückziehen").click()
    assert_accessible(page, "retire: confirm")

    # A repeating step in the preview.
    page.goto(f"{base}/designer/")
    page.get_by_role("link", name="Kopieren onlinewache 1.0.0").click()
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.get_by_role("link", name=JSON_VIEW).click()
    editor_url = page.url
    page.goto(f"{editor_url}/preview/steps/zeugen")
    assert "/entries/new" in page.url  # as in the wizard: an empty list opens its first entry
    assert_accessible(page, "preview: an entry")
    page.get_by_label("Vorname(n)").fill("Ada")
    page.get_by_label("Familienname").fill("Lovelace")
    page.get_by_label("Telefonnummer").fill("030 123456")
    page.get_by_role("button", name="Eintrag speichern").click()
    assert page.url.endswith("/preview/steps/zeugen")
    assert_accessible(page, "preview: list of entries")
    page.locator("#add-entry").click()
    assert "/entries/new" in page.url

    # Two tabs save the same draft: the second is told, and keeps its text.
    page.goto(editor_url)
    second = page.context.new_page()
    second.goto(editor_url)
    _save(page, page.input_value("#definition").replace("Onlinewache:", "Erste Fassung:", 1))
    mine = second.input_value("#definition").replace("Onlinewache:", "Zweite Fassung:", 1)
    second.on("dialog", lambda dialog: dialog.accept())
    _save(second, mine)
    warning = second.locator(".notice--warning").first
    expect(warning).to_contain_text("hat diesen Entwurf gespeichert")
    assert second.input_value("#definition") == mine
    assert_accessible(second, "editor after a conflict")


def test_the_editor_is_no_keyboard_trap(
    server: LiveServer, browser: Browser, request: pytest.FixtureRequest
) -> None:
    page = _context_page(browser, request)
    _sign_in(page, server.url, DESIGNER)
    page.get_by_role("link", name="Kopieren hilfe-zum-lebensunterhalt 1.0.1").click()
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.get_by_role("link", name=JSON_VIEW).click()
    page.focus("#definition")
    page.keyboard.press("Tab")  # indenting is off: Tab leaves the editor
    assert page.evaluate("document.activeElement.id") == "tab-indents"
    page.keyboard.press("Space")  # switch indenting on
    page.focus("#definition")
    page.evaluate("document.getElementById('definition').setSelectionRange(0, 0)")
    page.keyboard.press("Tab")
    assert page.input_value("#definition").startswith("  {")
    page.keyboard.press("Escape")  # and off again: the keyboard can always get out
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "tab-indents"


def test_four_eyes_and_the_authoritys_own_texts_are_accessible(
    server: LiveServer, browser: Browser, request: pytest.FixtureRequest
) -> None:
    base = server.url
    # A publisher's own change to a shared form: the publication page says why not them.
    page = _context_page(browser, request)
    _sign_in(page, base, PUBLISHER)
    page.get_by_role("link", name="Kopieren onlinewache 1.0.0").click()
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.get_by_role("link", name="Änderungen ansehen und veröffentlichen").click()
    expect(page.locator("main")).to_contain_text("Vier-Augen-Prinzip: Sie haben diesen Entwurf")
    expect(page.locator("#who-changed")).to_be_visible()
    assert_accessible(page, "publication under four eyes")

    # The administrator's page: contacts and emergency text for the shared onlinewache.
    admin = _context_page(browser, request)
    _sign_in(admin, base, ADMIN, "/designer/authority")
    assert_accessible(admin, "authority with its services")
    admin.fill("#service-99125001000000-contacts-web", "http://polizei.example")
    admin.get_by_role("button", name="Speichern").click()
    expect(admin.locator(".error-summary")).to_be_visible()
    assert_accessible(admin, "authority with an error")
    admin.fill("#service-99125001000000-contacts-web", "https://polizei.example")
    admin.get_by_role("radio", name="Für alle Formulare Ihrer Behörde").check()
    admin.get_by_role("button", name="Speichern").click()
    expect(admin.locator(".notice")).to_contain_text("gespeichert")
