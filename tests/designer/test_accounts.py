"""Staff accounts: Argon2id hashes, lock-out after failed attempts, sessions that expire, CLI."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from portal.designer.auth import SESSION_KEY, create_user, find_user
from portal.designer.models import AuditEntry
from portal.extensions import db
from tests.conftest import make_app

from .conftest import PASSWORD, sign_in


def _actions() -> list[str]:
    entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
    return [e.action for e in entries]


def test_passwords_are_stored_as_argon2id_hashes_only(app, accounts):
    user = find_user(accounts["designer"])
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_signing_in_and_out(app, client, accounts):
    assert client.get("/designer/").headers["Location"].startswith("/designer/login")
    response = sign_in(client, accounts["designer"].upper())  # addresses are not case-sensitive
    assert response.status_code == 303 and response.headers["Location"] == "/designer/"
    page = client.get("/designer/")
    assert page.status_code == 200 and "Dora Designer" in page.text
    assert client.post("/designer/logout").status_code == 303
    assert client.get("/designer/").status_code == 303
    assert _actions()[-2:] == ["login", "logout"]


def test_a_wrong_password_says_nothing_about_which_part_was_wrong(app, client, accounts):
    wrong = sign_in(client, accounts["designer"], "not the password")
    unknown = sign_in(client, "nobody@example.org", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    message = "E-Mail-Adresse oder Passwort sind nicht richtig"
    assert message in wrong.text and message in unknown.text
    assert f'value="{accounts["designer"]}"' in wrong.text  # what was typed stays
    assert _actions()[-2:] == ["login_failed", "login_failed"]


@pytest.mark.both_databases
def test_after_five_wrong_passwords_the_account_is_locked_even_for_the_right_one(
        app, client, accounts):
    for _ in range(5):
        assert sign_in(client, accounts["designer"], "guess").status_code == 401
    user = find_user(accounts["designer"])
    assert user.locked_until is not None
    assert sign_in(client, accounts["designer"]).status_code == 401
    assert "login_refused" in _actions()
    # Once the lock-out has passed, the right password works again.
    user.locked_until = user.locked_until.replace(year=2000)
    db.session.commit()
    assert sign_in(client, accounts["designer"]).status_code == 303
    assert find_user(accounts["designer"]).failed_logins == 0


@pytest.mark.both_databases
def test_a_session_ends_after_the_idle_timeout(app, designer):
    with designer.session_transaction() as session:
        session[SESSION_KEY] = {**session[SESSION_KEY], "seen": int(time.time()) - 31 * 60}
    response = designer.get("/designer/")
    assert response.status_code == 303 and "expired=1" in response.headers["Location"]
    login = designer.get(response.headers["Location"])
    assert "Ihre Sitzung ist abgelaufen" in login.text


def test_a_session_ends_after_the_absolute_timeout_however_active(app, designer):
    with designer.session_transaction() as session:
        session[SESSION_KEY] = {**session[SESSION_KEY], "since": int(time.time()) - 11 * 3600}
    assert designer.get("/designer/").status_code == 303


def test_activity_keeps_a_session_alive(app, designer):
    with designer.session_transaction() as session:
        session[SESSION_KEY] = {**session[SESSION_KEY], "seen": int(time.time()) - 29 * 60}
    assert designer.get("/designer/").status_code == 200
    with designer.session_transaction() as session:
        assert time.time() - session[SESSION_KEY]["seen"] < 5


def test_signing_out_ends_a_copied_session_cookie_too(app, accounts):
    browser = app.test_client()
    sign_in(browser, accounts["designer"])
    with browser.session_transaction() as session:
        stolen = dict(session)
    browser.post("/designer/logout")
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(stolen)
    assert thief.get("/designer/").status_code == 303


def test_forms_in_the_designer_need_the_csrf_token(database_url, tmp_path):
    app = make_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True,
                   DESIGNER_ARGON2_PROFILE="CHEAPEST")
    with app.app_context():
        create_user("c@amt.example", "C", "designer", "polizei-berlin", PASSWORD)
        db.session.commit()
        client = app.test_client()
        response = client.post("/designer/login", data={"email": "c@amt.example",
                                                        "password": PASSWORD})
        assert response.status_code == 400
        page = client.get("/designer/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = client.post("/designer/login", data={"email": "c@amt.example",
                                                        "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 303
        response = client.post("/designer/forms/new", data={"form_id": "x-y", "title": "X"})
        assert response.status_code == 400
        db.session.remove()


def test_the_first_account_comes_from_the_command_line(app, runner):
    unknown = runner.invoke(args=["users", "create", "--email", "Anna@Amt.example", "--name",
                                  "Anna", "--role", "publisher", "--authority", "landratsamt",
                                  "--password-stdin"], input="a long enough password\n")
    assert unknown.exit_code == 1
    assert "there is no authority 'landratsamt': write authorities/landratsamt.json and run " \
           "`amtsweg authorities load` first" in unknown.output
    assert find_user("anna@amt.example") is None
    result = runner.invoke(args=["users", "create", "--email", "Anna@Amt.example", "--name", "Anna",
                                 "--role", "publisher", "--authority", "bauaufsicht-rostock",
                                 "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "created anna@amt.example (publisher) for bauaufsicht-rostock" in result.output
    assert find_user("anna@amt.example").password_hash.startswith("$argon2id$")
    listing = runner.invoke(args=["users", "list"])
    assert "anna@amt.example\tAnna\tpublisher\tbauaufsicht-rostock\tactive" in listing.output
    again = runner.invoke(args=["users", "create", "--email", "anna@amt.example", "--name", "A",
                                "--role", "designer", "--authority", "polizei-berlin",
                                "--password-stdin"],
                          input="a long enough password\n")
    assert again.exit_code == 1 and "already an account" in again.output
    short = runner.invoke(args=["users", "create", "--email", "b@amt.example", "--name", "B",
                                "--role", "designer", "--authority", "polizei-berlin",
                                "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output


def test_the_command_line_asks_for_the_password_twice(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "c@amt.example", "--name", "C",
                                 "--role", "designer", "--authority", "polizei-berlin"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert "a long enough password" not in result.output
