"""E-mails to the citizen: queued in the request, sent by the worker through a real SMTP
server (aiosmtpd, started here), never with answers or message text; sign-in links."""

from __future__ import annotations

import email
import logging
import re
import socket
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from portal.engine.definition import semantic_problems
from portal.extensions import db, unit_of_work
from portal.handover.lifecycle import now
from portal.mailbox import notify
from portal.mailbox.mail import SmtpServer, send_due
from portal.mailbox.models import OutgoingMail, SignInLink
from portal.models import Submission
from portal.publishing import compiled, current_version
from tests.handover.helpers import bearer, destination, submit, token_for

ADDRESS = "olena.kovalenko@example.org"  # what tests/walk.py answers an e-mail field with


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServerForTest:
    """aiosmtpd on a fixed port that can be stopped (an outage) and started again."""

    def __init__(self) -> None:
        self.port, self.inbox, self.controller = free_port(), Inbox(), None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp(app):
    server = SmtpServerForTest()
    server.start()
    app.config["SMTP_URL"] = server.url
    yield server
    server.stop()


@pytest.fixture
def polizei(app):
    destination("polizei", label="Polizei Berlin, Onlinewache")
    return bearer(token_for("polizei"))


def _text(message) -> str:
    """The plain-text part, decoded."""
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_the_confirmation_carries_the_reference_and_no_answer(app, smtp, polizei):
    submission = submit(app)
    assert not smtp.inbox.messages  # nothing is sent inside the citizen's request
    assert send_due()["mail_sent"] == 1
    [message] = smtp.inbox.messages
    assert message["To"] == ADDRESS and submission.reference in message["Subject"]
    text, html = _text(message), _html(message)
    assert submission.reference in text and submission.reference in html
    raw = f"{message['Subject']}\n{text}\n{html}"  # decoded: the parts may be base64
    for answer in ("Kovalenko", "Unter den Linden", "Bahnhof gestohlen", "030 1234567"):
        assert answer not in raw, answer
    assert "/status/" in text
    assert send_due() == {}  # sent once


def test_news_has_a_single_use_link_and_never_the_message(app, client, smtp, polizei):
    submission = submit(app)
    send_due()
    response = client.post(f"/api/v1/submissions/{submission.id}/messages", headers=polizei,
                           json={"subject": "Kaufbeleg fehlt",
                                 "body": "Bitte senden Sie uns den Kaufbeleg des Fahrrads."})
    assert response.status_code == 201
    send_due()
    news = smtp.inbox.messages[-1]
    raw = f"{news['Subject']}\n{_text(news)}\n{_html(news)}"
    assert submission.reference in raw
    assert "Kaufbeleg" not in raw and "Fahrrads" not in raw
    [link] = re.findall(r"http://localhost(/status/link/[A-Za-z0-9_-]+)", _text(news))
    assert link in _html(news)
    citizen = app.test_client()
    opened = citizen.get(link)
    assert opened.status_code == 303 and opened.headers["Location"].endswith(
        f"/status/{submission.reference}")
    page = citizen.get(opened.headers["Location"]).get_data(as_text=True)
    assert "Bitte senden Sie uns den Kaufbeleg des Fahrrads." in page
    # The citizen opened it: the read receipt.
    thread = client.get(f"/api/v1/submissions/{submission.id}/messages", headers=polizei).json
    assert thread["items"][0]["read_at"] is not None
    # Single use: a second click (or someone who found the mail) gets the sign-in form.
    again = app.test_client().get(link)
    assert again.headers["Location"].endswith("/status/?link=expired")


def test_a_status_change_is_announced_and_an_expired_link_no_longer_opens(app, client, smtp,
                                                                          polizei):
    submission = submit(app)
    client.post(f"/api/v1/submissions/{submission.id}/status", headers=polizei,
                json={"status": "decided", "note": "Das Verfahren wurde eingestellt."})
    send_due()
    news = smtp.inbox.messages[-1]
    assert "eingestellt" not in _text(news) + _html(news) and "/status/link/" in _text(news)
    [link] = re.findall(r"http://localhost(/status/link/[A-Za-z0-9_-]+)", _text(news))
    db.session.execute(update(SignInLink).values(expires_at=now() - timedelta(minutes=1)))
    db.session.commit()
    assert app.test_client().get(link).headers["Location"].endswith("/status/?link=expired")


def test_news_is_written_in_the_citizens_language(app, client, smtp, polizei):
    submission = submit(app)
    db.session.execute(update(Submission).values(language="uk"))
    db.session.commit()
    client.post(f"/api/v1/submissions/{submission.id}/status", headers=polizei,
                json={"status": "in_progress"})
    send_due()
    news = smtp.inbox.messages[-1]
    assert news["Subject"] == f"Новини щодо вашої заяви до поліції {submission.reference}"
    assert "Добрий день!" in _text(news)


def test_an_smtp_outage_keeps_mails_until_the_server_is_back_and_sends_each_once(app, smtp,
                                                                                  polizei):
    smtp.stop()
    submit(app)
    submit(app)
    assert send_due()["mail_failed"] == 2
    waiting = db.session.execute(select(OutgoingMail)).scalars().all()
    assert [m.status for m in waiting] == ["pending", "pending"]
    assert all(m.attempts == 1 and m.last_error for m in waiting)
    assert send_due() == {}  # not due again before the back-off
    smtp.start()
    later = now() + timedelta(hours=2)
    assert send_due(later)["mail_sent"] == 2
    assert send_due(later + timedelta(hours=2)) == {}
    assert sorted(m["To"] for m in smtp.inbox.messages) == [ADDRESS, ADDRESS]
    assert len({m["Message-ID"] for m in smtp.inbox.messages}) == 2


def test_without_smtp_mails_are_written_to_files_the_log_names(app, caplog, polizei):
    app.config["SMTP_URL"] = None
    submission = submit(app)
    with caplog.at_level(logging.INFO, logger="amtsweg.mail"):
        assert send_due()["mail_sent"] == 1
    [path] = [r.args[1] for r in caplog.records if "written to" in r.getMessage()]
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert submission.reference in message["Subject"] and path.suffix == ".eml"
    assert str(path).startswith(app.config["MAIL_DIR"])


def test_no_mail_without_consent(app, polizei):
    submission = submit(app)
    db.session.execute(update(OutgoingMail).values(status="sent"))
    data = dict(submission.data, benachrichtigung=False)
    db.session.execute(update(Submission).values(data=data))
    db.session.commit()
    from portal.mailbox.notify import announce

    assert announce(db.session.get(Submission, submission.id), "status") is None


def test_smtp_urls():
    assert SmtpServer.from_url("smtps://amt%40x.de:geheim@mail.example:465") == SmtpServer(
        "mail.example", 465, True, False, "amt@x.de", "geheim")
    assert SmtpServer.from_url("smtp://mail.example:587?starttls=1").starttls
    with pytest.raises(ValueError):
        SmtpServer.from_url("http://mail.example")


def test_notifications_must_name_an_email_field_and_a_checkbox_on_its_page():
    definition = {
        "notifications": {"email_field": "name", "consent_field": "ok"},
        "steps": [{"id": "a", "fields": [{"name": "name", "type": "text"},
                                         {"name": "mail", "type": "email"}]},
                  {"id": "b", "fields": [{"name": "ok", "type": "checkbox"}]}],
    }
    problems = {p.pointer: p.message for p in semantic_problems(definition, "f.json")}
    assert "e-mail field" in problems["/notifications/email_field"]
    definition["notifications"]["email_field"] = "mail"
    problems = {p.pointer: p.message for p in semantic_problems(definition, "f.json")}
    assert "/notifications/email_field" not in problems
    assert "same" in problems["/notifications/consent_field"] or "page" in problems[
        "/notifications/consent_field"]


def test_a_destination_can_send_under_its_own_address(app, client, smtp, polizei):
    from portal.handover.clients import configure_destination

    configure_destination("polizei", create=False,
                          mail_from="Polizei Berlin <no-reply@polizei.berlin.example>")
    submit(app)
    send_due()
    assert smtp.inbox.messages[-1]["From"] == "Polizei Berlin <no-reply@polizei.berlin.example>"
    with pytest.raises(ValueError):
        configure_destination("polizei", create=False, mail_from="keine Adresse")


def test_without_a_destination_sender_the_portal_sends(app, smtp, polizei):
    app.config["MAIL_FROM"] = "Amtsweg <no-reply@amtsweg.example>"
    submit(app)
    send_due()
    assert smtp.inbox.messages[-1]["From"] == "Amtsweg <no-reply@amtsweg.example>"


def test_the_sender_is_set_on_the_command_line(app):
    from portal.handover.models import Destination

    runner = app.test_cli_runner()
    assert runner.invoke(args=["destinations", "add", "bauamt", "--mail-from",
                               "Bauamt <bauamt@stadt.example>"]).exit_code == 0
    assert db.session.execute(select(Destination.mail_from)).scalar_one() == (
        "Bauamt <bauamt@stadt.example>")
    refused = runner.invoke(args=["destinations", "update", "bauamt", "--mail-from", "x"])
    assert refused.exit_code != 0 and "e-mail sender" in refused.output


def _resume_link_mail(app) -> None:
    with unit_of_work():
        notify.resume_link(compiled(current_version("onlinewache")), "de", "a@example.org",
                           "2345-6789-ABCD", now() + timedelta(days=30))


def test_a_resume_link_goes_out_and_its_row_with_address_and_code_is_deleted(app, smtp):
    _resume_link_mail(app)
    assert send_due()["mail_sent"] == 1
    [message] = smtp.inbox.messages
    assert message["To"] == "a@example.org"
    assert "/forms/onlinewache/resume?code=2345-6789-ABCD" in _text(message)
    assert db.session.execute(select(OutgoingMail)).first() is None


def test_a_resume_link_given_up_is_deleted_too(app, smtp):
    smtp.stop()
    _resume_link_mail(app)
    assert send_due()["mail_failed"] == 1
    assert db.session.execute(select(OutgoingMail.status)).scalar_one() == "pending"
    # Queued longer ago than AMTSWEG_GIVE_UP_HOURS: the next failure gives it up.
    db.session.execute(update(OutgoingMail).values(created_at=now() - timedelta(days=4)))
    db.session.commit()
    assert send_due(now() + timedelta(hours=2))["mail_dead"] == 1
    assert db.session.execute(select(OutgoingMail)).first() is None
