"""A citizen's way through every shipped form, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import delete, func, select

from portal import drafts
from portal.engine import data_schema, load_form
from portal.extensions import db
from portal.journey import Journey
from portal.models import Attachment, Draft, Submission
from portal.publishing import compiled, current_version
from portal.reference import is_valid
from tests.conftest import FORMS_DIR
from tests.walk import Walker, send

FORMS = ["onlinewache", "bauantrag", "hilfe-zum-lebensunterhalt", "wohngeld"]


def reference_on(html: str) -> str:
    return re.search(r'id="reference">([^<]+)<', html).group(1)


@pytest.mark.both_databases
@pytest.mark.parametrize("form_id", FORMS)
def test_every_shipped_form_can_be_completed_and_submitted(app, client, form_id):
    form = compiled(current_version(form_id))
    walker = Walker(client, form)
    summary = walker.walk()
    assert "Prüfen Sie Ihre Angaben" in summary
    # Every step the answers lead through is on the summary, with a change link.
    for location in walker.visited:
        step = form.step(location.split("/steps/")[1].split("/")[0])
        assert f'id="summary-{step.id}"' in summary

    response = send(client, form_id)  # bauantrag's fee is paid with the test provider
    assert response.status_code == 303
    confirmation = client.get(response.headers["Location"])
    reference = reference_on(confirmation.text)
    assert is_valid(reference) and reference.startswith(form.reference_prefix + "-")

    submission = db.session.execute(select(Submission)).scalar_one()
    assert submission.reference == reference
    assert submission.form_version.content_hash == form.content_hash
    Draft202012Validator(data_schema(form)).validate(submission.data)
    # Every uploaded file on the way belongs to the submission now.
    attached = db.session.execute(select(Attachment)).scalars().all()
    assert attached and all(a.submission_id == submission.id for a in attached)


@pytest.mark.both_databases
def test_double_submit_refresh_and_back_create_one_submission(app, client):
    form = compiled(current_version("onlinewache"))
    Walker(client, form).walk()
    first = client.post("/forms/onlinewache/submit")
    second = client.post("/forms/onlinewache/submit")  # a double click or a refresh
    assert first.status_code == second.status_code == 303
    assert db.session.execute(select(func.count(Submission.id))).scalar() == 1
    # Back to a step after sending: the citizen is told it was sent, nothing is re-opened.
    back = client.get("/forms/onlinewache/steps/tat")
    assert back.status_code == 303 and back.headers["Location"].endswith("/confirmation")
    assert reference_on(client.get("/forms/onlinewache/confirmation").text)


def test_invalid_answer_comes_back_with_every_other_answer_kept(app, client):
    client.post("/forms/onlinewache/start")
    client.post("/forms/onlinewache/steps/anliegen", data={"art": "anzeige", "action": "continue"})
    response = client.post(
        "/forms/onlinewache/steps/tat",
        data={
            "delikt": "fahrraddiebstahl",
            "tatzeit_art": "zeitpunkt",
            "tatzeit_datum-day": "31",
            "tatzeit_datum-month": "2",
            "tatzeit_datum-year": "2026",
            "tatzeit_uhrzeit": "14:30",
            "action": "continue",
        },
    )
    assert response.status_code == 422
    html = response.text
    # The error summary links to the failing input, the message stands at the field.
    assert 'href="#tatzeit_datum-day"' in html
    assert 'id="tatzeit_datum-error"' in html
    assert "<title>Fehler:" in html
    # What the citizen typed is still there, the wrong date included, to correct it.
    assert 'value="fahrraddiebstahl" checked' in html
    assert 'value="14:30"' in html
    assert 'value="31"' in html


def test_a_step_the_conditions_skip_is_explained_not_crashed(app, client):
    client.post("/forms/onlinewache/start")
    client.post("/forms/onlinewache/steps/anliegen", data={"art": "anzeige", "action": "continue"})
    # "zeugen" applies only when witnesses were named; nothing says so yet.
    response = client.post("/forms/onlinewache/steps/zeugen", data={"action": "continue"})
    assert response.status_code in (303, 409)
    unknown = client.get("/forms/onlinewache/steps/gibt-es-nicht")
    assert unknown.status_code == 404 and "Diese Seite gibt es nicht" in unknown.text
    assert "Traceback" not in unknown.text


def test_without_a_draft_the_citizen_is_sent_to_the_start(app, client):
    response = client.get("/forms/onlinewache/steps/tat")
    assert response.status_code == 404
    assert "keine begonnene Anzeige" in response.text


def test_a_forged_session_cookie_is_ignored(app, client):
    client.post("/forms/onlinewache/start")
    client.set_cookie("session", "eyJkcmFmdHMiOnsib25saW5ld2FjaGUiOiJ4In19.forged.signature")
    response = client.get("/forms/onlinewache/steps/anliegen")
    assert response.status_code == 404
    assert "Zur Startseite der Leistung" in response.text


def test_a_half_finished_draft_cannot_be_submitted(app, client):
    client.post("/forms/onlinewache/start")
    client.post("/forms/onlinewache/steps/anliegen", data={"art": "anzeige", "action": "continue"})
    response = client.post("/forms/onlinewache/submit")
    assert response.status_code == 422
    assert "Einige Angaben fehlen" in response.text
    assert db.session.execute(select(func.count(Submission.id))).scalar() == 0


def test_change_link_returns_to_the_summary(app, client):
    form = compiled(current_version("onlinewache"))
    Walker(client, form).walk()
    page = client.get("/forms/onlinewache/steps/anzeigeerstatter?return_to=summary")
    assert 'name="return_to" value="summary"' in page.text
    data = {k: v for k, v in _reporter(form).items()}
    data.update({"return_to": "summary", "action": "continue",
                 "erstatter_email": "neue.adresse@example.org"})
    response = client.post("/forms/onlinewache/steps/anzeigeerstatter", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/summary")
    assert "neue.adresse@example.org" in client.get("/forms/onlinewache/summary").text


def _reporter(form):
    from tests.walk import form_data

    data = {}
    for f in form.step("anzeigeerstatter").questions:
        data.update(form_data(f))
    return data


def test_pages_send_a_strict_content_security_policy(app, client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_secure_by_default():
    from portal import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


@pytest.mark.both_databases
def test_a_taken_reference_number_is_replaced_not_an_error(app, client, monkeypatch):
    import portal.submissions as submissions

    form = compiled(current_version("onlinewache"))
    Walker(client, form).walk()
    client.post("/forms/onlinewache/submit")
    taken = db.session.execute(select(Submission)).scalar_one().reference
    issued = iter([taken, taken, "OW-2345-6789"])
    monkeypatch.setattr(submissions, "make_reference", lambda prefix: next(issued))
    other = app.test_client()
    Walker(other, form).walk()
    response = other.post("/forms/onlinewache/submit")
    assert response.status_code == 303
    references = set(db.session.execute(select(Submission.reference)).scalars())
    assert references == {taken, "OW-2345-6789"}


def test_the_journey_follows_new_answers_and_works_out_the_steps_once_per_answers():
    """Steps are worked out once per answers object; a save (new answers) is seen at once."""
    form = load_form(FORMS_DIR / "onlinewache.json")
    draft = SimpleNamespace(answers={"taeter_bekannt": "nein"}, completed_steps=[])
    journey = Journey(form, draft)
    beteiligte, verdaechtige = form.step("beteiligte"), form.step("tatverdaechtige")
    calls = []
    original = form.visible_steps

    def counted(answers, today=None):
        calls.append(answers)
        return original(answers, today)

    form.visible_steps = counted
    assert not journey.applies(verdaechtige)
    assert journey.after(beteiligte).id == "anzeigeerstatter"
    journey.position(beteiligte), journey.before(beteiligte), journey.can_open(beteiligte)
    assert len(calls) == 1
    journey.steps.clear()  # a caller's copy: the journey's own list is untouched
    assert journey.applies(beteiligte)

    draft.answers = {**draft.answers, "taeter_bekannt": "ja"}  # what drafts.save does
    assert journey.applies(verdaechtige)
    assert journey.after(beteiligte).id == "tatverdaechtige"
    assert journey.before(verdaechtige).id == "beteiligte"
    assert len(calls) == 2
    number, total = journey.position(verdaechtige)
    assert number == [s.id for s in journey.steps].index("tatverdaechtige") + 1
    assert total == len(journey.steps)
    assert not journey.can_open(verdaechtige)  # nothing before it is done yet
    draft.completed_steps = [s.id for s in form.steps[:form.steps.index(beteiligte) + 1]]
    assert journey.can_open(verdaechtige) and journey.first_open().id == "tatverdaechtige"


@pytest.mark.both_databases
def test_saving_a_step_writes_the_draft_and_keeps_it_current_without_a_reload(app):
    draft = drafts.start_draft(current_version("onlinewache"), "de", 1)
    drafts.save(draft, {"art": "anzeige"}, ["anliegen"], "tat", 30)
    # The object holds what was written, with nothing left for a flush and no reload needed.
    assert draft.answers == {"art": "anzeige"} and draft.current_step == "tat"
    assert not db.session.dirty and "answers" in draft.__dict__
    assert draft.expires_at > drafts.now() + timedelta(days=29)  # each step extends its life
    db.session.expire_all()  # what the database holds
    stored = db.session.get(Draft, draft.id)
    assert (stored.answers, stored.completed_steps, stored.current_step) == (
        {"art": "anzeige"}, ["anliegen"], "tat")
    # What the next request reads: the same, with its version.
    found = drafts.find_draft(draft.id)
    assert (found.answers, found.completed_steps, found.current_step) == (
        {"art": "anzeige"}, ["anliegen"], "tat")
    assert found.form_version.form_id == "onlinewache"
    assert found.form_version.content_hash == stored.form_version.content_hash

    # Saving what was read needs no session either, and the object shows what was written.
    db.session.commit()
    drafts.save(found, {"art": "hinweis"}, ["anliegen", "tat"], "ort", 30)
    assert found.answers == {"art": "hinweis"} and found.current_step == "ort"
    assert drafts.find_draft(draft.id).completed_steps == ["anliegen", "tat"]


@pytest.mark.both_databases
def test_saving_a_draft_deleted_meanwhile_says_it_is_gone(app):
    draft = drafts.start_draft(current_version("onlinewache"), "de", 30)
    db.session.execute(delete(Draft).where(Draft.id == draft.id))
    db.session.commit()
    with pytest.raises(drafts.DraftGone):
        drafts.save(draft, {"art": "anzeige"}, ["anliegen"], "tat", 30)
    assert db.session.execute(select(func.count(Draft.id))).scalar() == 0


def test_a_rule_over_the_household_is_shown_on_the_summary_and_links_to_its_field(app, client):
    """wohngeld's form rule: at most one spouse or partner; checked before sending."""
    form = compiled(current_version("wohngeld"))
    Walker(client, form).walk()
    partner = {"action": "continue", "person_name-given_name": "Taras",
               "person_name-family_name": "Kovalenko", "person_geburtsdatum-day": "1",
               "person_geburtsdatum-month": "2", "person_geburtsdatum-year": "1990",
               "verwandtschaft": "partner", "einkommen_brutto": "0"}
    for _ in range(2):
        response = client.post("/forms/wohngeld/steps/haushalt/entries/new", data=partner)
        assert response.status_code == 303, response.status_code
    summary = client.get("/forms/wohngeld/summary").text
    message = "höchstens eine Ehe- oder Lebenspartnerin"
    assert message in summary
    link = re.search(r'<li><a href="([^"]+)">[^<]*' + message, summary).group(1)
    assert link == "/forms/wohngeld/steps/haushalt?return_to=summary#verwandtschaft-0"
    response = client.post("/forms/wohngeld/submit")
    assert response.status_code == 422 and message in response.text
    # The computed household size on the summary counts the three people.
    assert re.search(r"Menschen im Haushalt</dt>\s*<dd[^>]*>3 Personen<", summary)
