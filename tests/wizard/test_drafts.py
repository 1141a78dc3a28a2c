"""Drafts: saved after every step, resumable by code, expiring, never in the URL."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, select

from portal import drafts
from portal.extensions import db
from portal.models import Draft
from tests.sql import statements


def _start(client) -> None:
    client.post("/forms/onlinewache/start")
    client.post("/forms/onlinewache/steps/anliegen", data={"art": "anzeige", "action": "continue"})


@pytest.mark.both_databases
def test_answers_are_in_the_database_after_each_step(app, client):
    _start(client)
    draft = db.session.execute(select(Draft)).scalar_one()
    assert draft.answers == {"art": "anzeige"}
    assert draft.completed_steps == ["anliegen"]
    # The draft id travels in the signed cookie only, never in a URL.
    page = client.get("/forms/onlinewache/steps/tat")
    assert draft.id not in page.text


@pytest.mark.both_databases
def test_a_step_reads_its_draft_in_one_statement_and_saves_it_in_one_more(app, client):
    """Every page reads the draft; a saved step writes it once. No lazy load, no definition,
    nothing else: what each wizard request costs the database stays what it is."""
    _start(client)
    # The authority the footer links is read once and kept per process (portal.authorities).
    client.get("/forms/onlinewache/steps/tat")
    with statements() as sent:
        page = client.get("/forms/onlinewache/steps/tat")
    assert page.status_code == 200 and 'name="delikt"' in page.text
    assert len(sent) == 1, sent
    assert "FROM draft JOIN form_version" in sent[0] and "definition" not in sent[0]

    with statements() as sent:  # one answer given, others missing: kept, and the page again
        again = client.post("/forms/onlinewache/steps/tat",
                            data={"delikt": "betrug", "action": "continue"})
    assert again.status_code == 422
    assert [s.split()[0] for s in sent] == ["SELECT", "UPDATE"], sent
    assert db.session.execute(select(Draft.answers)).scalar_one()["delikt"] == "betrug"


def test_save_and_resume_with_the_code_on_another_device(app, client):
    _start(client)
    saved = client.post(
        "/forms/onlinewache/steps/tat",
        data={"delikt": "betrug", "action": "save"},
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["Location"])
    code = re.search(r'id="resume-code">([^<]+)<', page.text).group(1)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    # The code is stored only as a hash.
    draft = db.session.execute(select(Draft)).scalar_one()
    assert code.replace("-", "") not in (draft.resume_code_hash or "")

    other_device = app.test_client()
    resumed = other_device.post("/forms/onlinewache/resume", data={"resume_code": code.lower()})
    assert resumed.status_code == 303
    assert resumed.headers["Location"].endswith("/steps/tat")
    step = other_device.get(resumed.headers["Location"])
    assert 'value="betrug" checked' in step.text


def test_a_wrong_resume_code_is_explained(app, client):
    response = client.post("/forms/onlinewache/resume", data={"resume_code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 422
    assert "keine gespeicherte Anzeige gefunden" in response.text
    assert 'value="AAAA-BBBB-CCCC"' in response.text  # what was typed stays to be corrected


@pytest.mark.both_databases
def test_expired_drafts_are_gone_with_a_clear_page_and_deleted_by_cleanup(app, client):
    _start(client)
    draft = db.session.execute(select(Draft)).scalar_one()
    draft.expires_at = drafts.now() - timedelta(minutes=1)
    db.session.commit()
    page = client.get("/forms/onlinewache/steps/tat")
    assert page.status_code == 410
    assert "nicht mehr verfügbar" in page.text
    assert drafts.delete_expired() == 1
    assert db.session.execute(select(func.count(Draft.id))).scalar() == 0


@pytest.mark.both_databases
def test_a_draft_finishes_on_the_version_it_started_with(app, client):
    from portal.engine import check_definition
    from portal.publishing import current_version, publish
    from tests.conftest import FORMS_DIR

    _start(client)
    started_on = db.session.execute(select(Draft)).scalar_one().form_version.version
    document, _ = check_definition(FORMS_DIR / "onlinewache.json")
    document["version"] = "1.1.0"
    document["steps"][1]["title"]["de"] = "Was ist geschehen? (neu)"
    publish(document)
    db.session.commit()
    assert current_version("onlinewache").version == "1.1.0"
    own = client.get("/forms/onlinewache/steps/tat")
    assert "(neu)" not in own.text and started_on == "1.0.0"
    newcomer = app.test_client()
    newcomer.post("/forms/onlinewache/start")
    newcomer.post("/forms/onlinewache/steps/anliegen",
                  data={"art": "anzeige", "action": "continue"})
    assert "(neu)" in newcomer.get("/forms/onlinewache/steps/tat").text


def test_repeating_step_add_change_remove_within_min_and_max(app, client):
    from portal.publishing import compiled, current_version
    from tests.walk import form_data

    form = compiled(current_version("onlinewache"))
    step = form.step("zeugen")
    _start(client)
    draft = db.session.execute(select(Draft)).scalar_one()
    # Pretend the earlier steps are answered so that the witnesses step applies.
    answers = dict(draft.answers, zeugen_vorhanden="ja", taeter_bekannt="nein")
    done = [s.id for s in form.steps[: form.steps.index(step)]]
    drafts.save(draft, answers, done, "zeugen", 30)

    first = client.get("/forms/onlinewache/steps/zeugen")
    assert first.status_code == 302 and first.headers["Location"].endswith("/entries/new")

    def witness(name: str) -> dict:
        data = {"action": "continue"}
        for f in step.questions:
            data.update(form_data(f))
        data["zeuge_name-given_name"] = name
        return data

    for name in ("Anna", "Bohdan"):
        added = client.post("/forms/onlinewache/steps/zeugen/entries/new", data=witness(name))
        assert added.status_code == 303
    listing = client.get("/forms/onlinewache/steps/zeugen").text
    assert "Anna" in listing and "Bohdan" in listing
    client.post("/forms/onlinewache/steps/zeugen/entries/1", data=witness("Anja"))
    client.post("/forms/onlinewache/steps/zeugen/entries/2/remove")
    listing = client.get("/forms/onlinewache/steps/zeugen").text
    assert "Anja" in listing and "Bohdan" not in listing and "Anna" not in listing
    # Removing the last one falls below the minimum: continuing is refused with a reason.
    client.post("/forms/onlinewache/steps/zeugen/entries/1/remove")
    refused = client.post("/forms/onlinewache/steps/zeugen", data={"action": "continue"})
    assert refused.status_code in (302, 422)


def test_csrf_token_is_required_on_every_form(database_url, tmp_path):
    from tests.conftest import make_app

    app = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        refused = client.post("/forms/onlinewache/start")
        assert refused.status_code == 400
        assert "Bitte versuchen Sie es noch einmal" in refused.text
        page = client.get("/forms/onlinewache/")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        started = client.post("/forms/onlinewache/start", data={"csrf_token": token})
        assert started.status_code == 303
        db.session.remove()


def _cookie_expiry(response) -> datetime | None:
    cookie = next((h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")),
                  None)
    if cookie is None:
        return None
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    return parsedate_to_datetime(expires)


@pytest.mark.both_databases
def test_the_cookie_lives_as_long_as_the_draft_renewed_at_most_once_a_minute(app, client):
    started = client.post("/forms/onlinewache/start")
    ttl = timedelta(days=app.config["DRAFT_TTL_DAYS"])
    assert abs(_cookie_expiry(started) - (datetime.now(UTC) + ttl)) < timedelta(minutes=1)
    client.get("/forms/onlinewache/steps/anliegen")  # the first page puts the CSRF secret in
    # Reading a page neither extends the draft nor re-sends the cookie.
    assert _cookie_expiry(client.get("/forms/onlinewache/steps/anliegen")) is None
    # A step saved within a minute of the cookie extends the draft; the cookie is not re-sent
    # (it already expires within a minute of the draft).
    saved = client.post("/forms/onlinewache/steps/anliegen",
                        data={"art": "anzeige", "action": "continue"})
    assert saved.status_code == 303 and _cookie_expiry(saved) is None
    # A minute later the next saved step renews the cookie with the draft.
    with client.session_transaction() as session:
        session["seen"] = {"onlinewache": int(time.time() - 61)}
    saved = client.post("/forms/onlinewache/steps/tat", data={"action": "continue"})
    assert saved.status_code == 422  # a failed step saves what was valid, and renews too
    renewed = _cookie_expiry(saved)
    assert renewed is not None
    expires_at = db.session.execute(select(Draft)).scalar_one().expires_at
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    assert abs(renewed - expires_at) < timedelta(seconds=5)
    # The cookie it sent keeps the draft open: the page after it is served, no timeout.
    with client.session_transaction() as session:
        assert time.time() - session["seen"]["onlinewache"] < 5
    assert client.get("/forms/onlinewache/steps/tat").status_code == 200


def _deleted_right_after_it_is_read(monkeypatch) -> None:
    """Cleanup deletes the draft between a request's read and its save."""
    read = drafts.find_draft

    def read_then_cleanup(draft_id):
        found = read(draft_id)
        if found is not None:
            with db.engine.begin() as other:
                other.execute(Draft.__table__.delete().where(Draft.__table__.c.id == draft_id))
        return found

    monkeypatch.setattr(drafts, "find_draft", read_then_cleanup)


def test_a_draft_deleted_while_a_step_is_posted_gets_its_own_page(app, client, monkeypatch):
    """410 with what happened, what was kept and how to start again, not a 500 that says
    nothing is lost."""
    _start(client)
    _deleted_right_after_it_is_read(monkeypatch)
    page = client.post("/forms/onlinewache/steps/tat", data={"action": "continue"})
    assert page.status_code == 410
    assert "<h1 class=\"heading-l\">Ihre Angaben wurden gelöscht</h1>" in page.text
    assert "nicht verloren" not in page.text
    assert "nach 30 Tagen ohne Änderung gelöscht" in page.text
    assert "Von dieser Anzeige ist nichts mehr gespeichert" in page.text
    assert 'class="button" href="/forms/onlinewache/"' in page.text  # start again
    assert '<html lang="de"' in page.text  # the wizard's own layout
    monkeypatch.undo()
    assert db.session.execute(select(func.count(Draft.id))).scalar() == 0
    assert client.post("/forms/onlinewache/start").status_code == 303  # starting again works


def test_the_draft_gone_page_speaks_the_citizens_language(app, client, monkeypatch):
    client.get("/language/uk?next=/")
    _start(client)
    _deleted_right_after_it_is_read(monkeypatch)
    page = client.post("/forms/onlinewache/steps/tat", data={"action": "continue"})
    assert page.status_code == 410
    assert '<html lang="uk"' in page.text and "Ваші дані видалено" in page.text


def test_a_first_visit_start_page_is_shared_but_each_visitor_gets_a_token_of_their_own(
        database_url, tmp_path):
    """The start page is rendered once (portal.journey.pages); the CSRF token stays per session."""
    from tests.conftest import make_app

    app = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=True)
    # No application context around the requests: each request has its own, as in a server
    # (one kept open would keep `g`, and with it the first request's token).
    first, second = app.test_client(), app.test_client()
    pages = [client.get("/forms/onlinewache/").text for client in (first, second, first)]
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
              for page in pages]
    assert all(page.count(token) == 2 for page, token in zip(pages, tokens, strict=True))
    # Apart from the token, the same page for everyone.
    assert len({page.replace(token, "") for page, token in zip(pages, tokens,
                                                               strict=True)}) == 1
    assert tokens[0] != tokens[1]
    # Each token works in its own session only.
    assert second.post("/forms/onlinewache/start",
                       data={"csrf_token": tokens[0]}).status_code == 400
    assert first.post("/forms/onlinewache/start",
                      data={"csrf_token": tokens[2]}).status_code == 303
    # With a draft, the page is the citizen's own: it offers to continue.
    assert "Weiter, wo Sie aufgehört haben" in first.get("/forms/onlinewache/").text
    assert "Weiter, wo Sie aufgehört haben" not in second.get("/forms/onlinewache/").text
