"""Shared computers: a draft left open closes after a while without activity; its code opens it."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Draft


def _started(client, form_id="onlinewache", step="anliegen", data=None):
    client.post(f"/forms/{form_id}/start")
    if data is not None:
        client.post(f"/forms/{form_id}/steps/{step}", data={**data, "action": "continue"})


def _idle_for(client, form_id, minutes):
    with client.session_transaction() as session:
        session["seen"] = {**session.get("seen", {}), form_id: int(time.time() - minutes * 60)}


def test_a_page_left_open_too_long_is_closed_and_the_next_page_says_what_was_kept(app, client):
    _started(client, data={"art": "anzeige"})
    saved = client.post("/forms/onlinewache/steps/tat", data={"delikt": "betrug", "action": "save"})
    code = re.search(r'id="resume-code">([^<]+)<', client.get(saved.headers["Location"]).text)[1]
    _idle_for(client, "onlinewache", 31)

    # The next person at this computer asks for the page: closed, sent to the start page.
    step = client.get("/forms/onlinewache/steps/tat")
    assert step.status_code == 303 and step.headers["Location"].endswith("/forms/onlinewache/")
    start = client.get(step.headers["Location"]).text
    assert 'id="closed"' in start and "Nichts wurde gesendet und nichts gelöscht" in start
    assert "nur mit Ihrem Code zum Fortsetzen" in start
    assert "Weiter, wo Sie aufgehört haben" not in start
    # Said once; the draft is no longer this browser's.
    assert 'id="closed"' not in client.get("/forms/onlinewache/").text
    assert client.get("/forms/onlinewache/steps/tat").status_code in (404, 410)
    # Kept in the database, and the resume code opens it again, answers and all.
    assert db.session.execute(select(func.count(Draft.id))).scalar() == 1
    resumed = client.post("/forms/onlinewache/resume", data={"resume_code": code})
    assert resumed.status_code == 303
    assert 'value="betrug" checked' in client.get(resumed.headers["Location"]).text


def test_activity_keeps_the_page_open_and_a_sensitive_form_closes_sooner(app, client):
    _started(client)
    _idle_for(client, "onlinewache", 29)
    assert client.get("/forms/onlinewache/steps/anliegen").status_code == 200
    _idle_for(client, "onlinewache", 25)  # the page above renewed it; now again 25 minutes
    assert client.get("/forms/onlinewache/steps/anliegen").status_code == 200

    other = app.test_client()
    _started(other, "hilfe-zum-lebensunterhalt")  # idle_minutes: 20 in its definition
    _idle_for(other, "hilfe-zum-lebensunterhalt", 21)
    assert other.get("/forms/hilfe-zum-lebensunterhalt/steps/antragsteller").status_code == 303


def test_the_limit_is_configurable(app, client):
    app.config["IDLE_MINUTES"] = 5
    _started(client)
    _idle_for(client, "onlinewache", 6)
    assert client.get("/forms/onlinewache/steps/anliegen").status_code == 303


def test_the_warnings_continue_keeps_the_page_open(app, client):
    _started(client)
    page = client.get("/forms/onlinewache/steps/anliegen").text
    assert 'id="timeout-dialog"' in page and 'data-idle-seconds="1800"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    _idle_for(client, "onlinewache", 28)
    kept = client.post("/forms/onlinewache/keep-open", data={"csrf_token": token})
    assert kept.status_code == 204
    with client.session_transaction() as session:
        assert time.time() - session["seen"]["onlinewache"] < 5


def test_finish_on_this_device_forgets_the_draft_here_and_shows_the_code(app, client):
    _started(client, data={"art": "anzeige"})
    page = client.get("/forms/onlinewache/steps/tat").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    left = client.post("/forms/onlinewache/leave", data={"csrf_token": token})
    assert left.status_code == 200 and "Auf diesem Gerät beendet" in left.text
    code = re.search(r'id="resume-code">([^<]+)<', left.text)[1]
    assert left.headers["Cache-Control"] == "no-store"
    assert client.get("/forms/onlinewache/steps/tat").status_code in (404, 410)
    start = client.get("/forms/onlinewache/").text
    assert "Weiter, wo Sie aufgehört haben" not in start
    resumed = client.post("/forms/onlinewache/resume", data={"resume_code": code})
    assert resumed.status_code == 303
    assert 'value="anzeige" checked' in client.get("/forms/onlinewache/steps/anliegen").text
