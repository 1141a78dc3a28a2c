"""The mailbox end to end in a real browser: submit with an e-mail address, the SMTP server
receives the confirmation, the caseworker asks for a document, the notification's link
opens the status page, the citizen replies with a PDF, the procedure pulls it; and the
status page is accessible in every language."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page

from portal.extensions import db
from portal.mailbox.mail import send_due
from tests.browser.axe import assert_accessible
from tests.browser.citizen import walk
from tests.conftest import make_app
from tests.handover.helpers import destination, token_for
from tests.handover.processes import serve_portal
from tests.mailbox.test_mail import ADDRESS, SmtpServerForTest
from tests.walk import minimal_pdf

LANGUAGES = ("de", "en", "uk", "tr", "ar")


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[tuple[Flask, str, str, SmtpServerForTest]]:
    """A portal of its own over HTTP, sending mail to an aiosmtpd server of its own."""
    smtp = SmtpServerForTest()
    smtp.start()
    app = make_app(f"sqlite:///{tmp_path / 'amtsweg.sqlite3'}", tmp_path / "instance",
                   RATELIMIT_ENABLED=False, SMTP_URL=smtp.url)
    with app.app_context():
        destination("polizei", label="Polizei Berlin, Onlinewache")
        token = token_for("polizei")
        db.session.commit()
        with serve_portal(app) as url:
            yield app, url, token, smtp
        db.session.remove()
        db.engine.dispose()
    smtp.stop()


def api(url: str, token: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(  # noqa: S310 - the test's own http server
        url, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        data = response.read()
        return json.loads(data) if response.headers.get_content_type().endswith("json") else data


def _submission_id(base: str, token: str, reference: str) -> str:
    items = api(f"{base}/api/v1/submissions", token)["items"]
    return next(item["id"] for item in items if item["reference"] == reference)


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_citizen_and_a_caseworker_talk_through_the_mailbox(portal, page: Page) -> None:
    app, base, token, smtp = portal
    reference = walk(page, base, "onlinewache")
    assert not smtp.inbox.messages  # nothing is sent inside the citizen's request
    send_due()  # what `amtsweg worker` does in its sweep
    [confirmation] = smtp.inbox.messages
    assert confirmation["To"] == ADDRESS and reference in confirmation["Subject"]
    body = _text(confirmation) + confirmation.get_body(preferencelist=("html",)).get_content()
    assert reference in body
    for answer in ("Kovalenko", "Unter den Linden", "030 1234567", "Bahnhof"):
        assert answer not in body, answer

    submission_id = _submission_id(base, token, reference)
    messages = f"{base}/api/v1/submissions/{submission_id}/messages"
    asked = api(messages, token, "POST", {
        "subject": "Kaufbeleg fehlt", "body": "Bitte laden Sie den Kaufbeleg des Fahrrads hoch.",
        "answer_due": "2031-01-15"})
    send_due()
    news = smtp.inbox.messages[-1]
    assert "Kaufbeleg" not in _text(news)
    [link] = re.findall(r"http://127\.0\.0\.1:\d+/status/link/[A-Za-z0-9_-]+", _text(news))

    page.goto(link)
    assert page.url.endswith(f"/status/{reference}")
    assert page.locator("article h3").first.inner_text() == "Kaufbeleg fehlt"
    assert "Bitte laden Sie den Kaufbeleg" in page.locator("article").first.inner_text()
    assert "15. Januar 2031" in page.locator("article").first.inner_text()
    assert_accessible(page, "status page with a message")
    pdf = minimal_pdf()
    page.fill("#body", "Anbei der Kaufbeleg.")
    page.set_input_files("#files", files=[{"name": "kaufbeleg.pdf", "mimeType": "application/pdf",
                                           "buffer": pdf}])
    with page.expect_navigation():
        page.locator("main form[action$='/reply'] button").click()
    assert page.locator("#reply-sent").is_visible()
    assert page.locator("article").count() == 2

    thread = api(messages, token)["items"]
    assert thread[0]["id"] == asked["id"] and thread[0]["read_at"] is not None
    reply = thread[1]
    assert reply["author"] == "citizen" and reply["in_reply_to"] == asked["id"]
    [file] = reply["files"]
    downloaded = api(f"{base}{file['href']}", token)
    assert hashlib.sha256(downloaded).hexdigest() == file["sha256"]
    assert hashlib.sha256(pdf).hexdigest() == file["sha256"]
    events = api(f"{base}/api/v1/submissions/{submission_id}/events", token)["items"]
    assert "message_received" in [e["type"] for e in events]


def test_the_status_pages_are_accessible_in_every_language(portal, page: Page) -> None:
    app, base, token, smtp = portal
    reference = walk(page, base, "onlinewache")
    code = page.locator("#receipt-code").inner_text()
    submission_id = _submission_id(base, token, reference)
    one = f"{base}/api/v1/submissions/{submission_id}"
    api(f"{one}/status", token, "POST", {"status": "info_requested",
                                         "note": "Bitte Kaufbeleg nachreichen."})
    api(f"{one}/messages", token, "POST", {"subject": "Kaufbeleg", "body": "Bitte hochladen.",
                                           "answer_due": "2031-01-15"})
    for language in LANGUAGES:
        page.goto(f"{base}/status/")
        if language != "de":
            page.locator(f".language-switch a[lang='{language}']").click()
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page, f"sign-in form ({language})")
        page.fill("#reference", reference)
        page.fill("#access_code", "2222-2222-2222")
        with page.expect_navigation():
            page.locator("main form button").click()
        assert page.locator(".error-summary").is_visible()
        assert_accessible(page, f"sign-in form with an error ({language})")
        page.fill("#access_code", code)
        with page.expect_navigation():
            page.locator("main form button").click()
        assert page.url.endswith(f"/status/{reference}")
        assert_accessible(page, f"status page ({language})")
        with page.expect_navigation():
            page.locator("main form[action$='/reply'] button").click()  # empty: an error
        assert page.locator(".error-summary").is_visible()
        assert_accessible(page, f"status page with an error ({language})")
        with page.expect_navigation():
            page.locator("main form[action$='/sign-out'] button").click()
