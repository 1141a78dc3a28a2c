"""The citizen's words: the form names what is sent, saved never looks sent, codes stay whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.engine.definition import check_definition
from portal.engine.messages import translate
from portal.engine.nouns import NOUNS, SENTENCES
from portal.extensions import db
from portal.models import Submission
from portal.publishing import compiled, current_version
from portal.receipt.content import receipt_content
from tests.walk import Walker, send

FORMS = Path(__file__).resolve().parents[2] / "forms"
CSS = Path(__file__).resolve().parents[2] / "portal" / "static" / "amtsweg.css"


def _send(app, form_id, language="de"):
    client = app.test_client()
    if language != "de":
        client.get(f"/language/{language}?next=/")
    form = compiled(current_version(form_id))
    summary = Walker(client, form, language=language).walk()
    response = send(client, form_id)  # a fee (bauantrag) is paid with the test provider
    return summary, client.get(response.headers["Location"]).text


def test_a_police_report_is_an_anzeige_on_every_page(app):
    summary, confirmation = _send(app, "onlinewache")
    assert "Anzeige verbindlich absenden" in summary and "Antrag" not in summary
    assert "Ihre Anzeige wurde gesendet" in confirmation
    assert "<title>Anzeige gesendet" in confirmation
    assert "Antrag" not in confirmation
    submission = db.session.execute(select(Submission)).scalar_one()
    content = receipt_content(compiled(current_version("onlinewache")), submission, [])
    assert content.intro.startswith("Ihre Anzeige ist bei uns eingegangen.")
    start = app.test_client().get("/forms/onlinewache/").text
    assert "Gespeicherte Anzeige fortsetzen" in start and "Antrag" not in start


def test_the_noun_is_used_in_the_citizens_language(app):
    summary, confirmation = _send(app, "onlinewache", language="en")
    assert "Accept and send your report" in summary
    assert "Your report has been sent" in confirmation
    main = confirmation.split("<main")[1].split("</main>")[0]
    assert "application" not in main.lower()


def test_an_application_stays_an_antrag(app):
    summary, confirmation = _send(app, "bauantrag")
    assert "Antrag verbindlich absenden" in summary
    assert "Ihr Antrag wurde gesendet" in confirmation


def test_the_checker_knows_the_four_nouns_only():
    import json
    definition = json.loads((FORMS / "onlinewache.json").read_text())
    definition["submission_noun"] = "beschwerde"
    _, problems = check_definition(definition, FORMS)
    assert any(p.pointer == "/submission_noun" for p in problems if p.is_error)


@pytest.mark.parametrize("language", ["en", "uk", "tr", "ar"])
def test_every_sentence_of_every_noun_is_translated(language):
    for noun in NOUNS:
        for purpose, message in SENTENCES[noun].items():
            assert translate(message, language) != message, (noun, purpose, language)


def test_one_term_for_the_reference_number():
    for path in FORMS.glob("*.json"):
        assert "Referenznummer" not in path.read_text(), path.name


# -- saved is not sent -------------------------------------------------------------------

def test_the_saved_page_says_nothing_was_sent_and_is_not_the_confirmation(app):
    client = app.test_client()
    client.post("/forms/onlinewache/start")
    saved = client.post("/forms/onlinewache/steps/anliegen",
                        data={"art": "anzeige", "action": "save"})
    page = client.get(saved.headers["Location"]).text
    assert "Ihre Anzeige ist noch nicht gesendet" in page
    assert "Die zuständige Stelle hat noch nichts erhalten." in page
    assert "<title>Gespeichert, noch nicht gesendet" in page
    # Not the green panel of the confirmation page.
    assert "panel" not in page and "wurde gesendet" not in page
    assert re.search(r'class="code" id="resume-code">[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}<', page)


# -- codes stay whole ----------------------------------------------------------------------

def test_codes_do_not_break_at_the_hyphen_and_are_selected_whole():
    css = CSS.read_text()
    rule = re.search(r"\.reference, \.code \{([^}]*)\}", css).group(1)
    assert "white-space: nowrap" in rule and "user-select: all" in rule


def test_every_code_on_the_confirmation_uses_the_code_styles(app):
    _, confirmation = _send(app, "onlinewache")
    assert re.search(r'class="reference" id="reference">[A-Z]+-', confirmation)
    assert 'class="code" dir="ltr" id="receipt-code"' in confirmation


def _pages_without_a_draft(app, form_id, monkeypatch):
    """The no-draft page, the draft-gone page and the wrong-resume-code message of a form."""
    from tests.wizard.test_drafts import _deleted_right_after_it_is_read
    client = app.test_client()
    first = compiled(current_version(form_id)).steps[0].id
    no_draft = client.get(f"/forms/{form_id}/steps/{first}")
    assert no_draft.status_code == 404
    wrong_code = client.post(f"/forms/{form_id}/resume", data={"resume_code": "AAAA-BBBB-CCCC"})
    assert wrong_code.status_code == 422
    client.post(f"/forms/{form_id}/start")
    with monkeypatch.context() as patch:
        _deleted_right_after_it_is_read(patch)
        gone = client.post(f"/forms/{form_id}/steps/{first}", data={"action": "continue"})
    assert gone.status_code == 410
    return [page.text.split("<main")[1].split("</main>")[0] + page.text.split("<title>")[1]
            .split("</title>")[0] for page in (no_draft, gone, wrong_code)]


def test_pages_without_a_draft_name_a_police_report_an_anzeige(app, monkeypatch):
    no_draft, gone, wrong_code = _pages_without_a_draft(app, "onlinewache", monkeypatch)
    assert "Keine Anzeige gefunden" in no_draft and "eine neue Anzeige beginnen" in no_draft
    assert "Von dieser Anzeige ist nichts mehr gespeichert" in gone
    assert "Anzeige neu beginnen" in gone
    assert "keine gespeicherte Anzeige gefunden" in wrong_code
    assert "nach 30 Tagen ohne Änderung gelöscht" in wrong_code
    for page in (no_draft, gone, wrong_code):
        assert "Antrag" not in page and "Anträge" not in page


def test_pages_without_a_draft_keep_the_antrag_of_an_application(app, monkeypatch):
    no_draft, gone, wrong_code = _pages_without_a_draft(
        app, "hilfe-zum-lebensunterhalt", monkeypatch)
    assert "Kein Antrag gefunden" in no_draft and "Anzeige" not in no_draft
    assert "Antrag neu beginnen" in gone and "Anzeige" not in gone
    assert "keinen gespeicherten Antrag gefunden" in wrong_code and "Anzeige" not in wrong_code


def test_the_mailbox_of_a_police_report_says_anzeige(app):
    from tests.handover.helpers import submit
    from tests.mailbox.test_status_page import signed_in
    submission = submit(app, "onlinewache")
    page = signed_in(app, submission).get(f"/status/{submission.reference}").text
    assert "<title>Stand Ihrer Anzeige" in page
    assert '<h1 class="heading-l">Stand Ihrer Anzeige</h1>' in page
    assert "Antrag" not in page.split("<main")[1].split("</main>")[0]
    english = signed_in(app, submission, "en").get(f"/status/{submission.reference}").text
    assert "Status of your report" in english


# -- pages of no one form: words that fit every noun ----------------------------------------

GENERIC_NOUN = {"de": re.compile(r"\bAntr[aä]g"), "en": re.compile(r"\bappl(y|ication)", re.I)}


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_catalogue_lead_and_the_receipt_page_fit_every_noun(app, language):
    """A police report is no application: the catalogue's heading and lead, the footer and the
    page that fetches a receipt by reference and code (no form known) use words that fit
    Anzeige and Antrag alike."""
    client = app.test_client()
    client.get(f"/language/{language}?next=/")
    catalogue = client.get("/").text
    lead = catalogue.split('<p class="lead">')[1].split("</p>")[0]
    lead += catalogue.split("<title>")[1].split("</title>")[0]  # the heading and title too
    lead += catalogue.split("<h1")[1].split("</h1>")[0]
    lead += catalogue.split("<footer")[1].split("</footer>")[0]  # on every page
    receipt = client.get("/receipt").text.split("<main")[1].split("</main>")[0]
    expected = {"de": ("Erledigen Sie Ihr Anliegen online", "Beim Absenden haben Sie"),
                "en": ("Get it done online", "When you sent it")}[language]
    assert expected[0] in lead and expected[1] in receipt
    assert not GENERIC_NOUN[language].search(lead)
    assert not GENERIC_NOUN[language].search(receipt)
