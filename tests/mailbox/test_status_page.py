"""The citizen's status page: access, timeline, messages, downloads, replies with files."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.handover import clients, signing, worker
from portal.handover.lifecycle import events_of, now
from portal.handover.models import Delivery
from portal.handover.retention import erase
from portal.mailbox.models import MessageFile
from portal.receipt.service import receipt_code
from tests.handover.helpers import bearer, destination, submit, token_for
from tests.handover.sink import sink
from tests.walk import minimal_pdf

LANGUAGES = ("de", "en", "uk", "tr", "ar")


@pytest.fixture
def polizei(app):
    destination("polizei", label="Polizei Berlin, Onlinewache")
    return bearer(token_for("polizei"))


def signed_in(app, submission, language: str = "de"):
    citizen = app.test_client()
    citizen.set_cookie("lang", language)
    response = citizen.post("/status/", data={"reference": submission.reference,
                                              "access_code": receipt_code(submission)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/status/{submission.reference}")
    return citizen


def test_the_page_opens_only_with_reference_and_the_right_code(app, polizei):
    submission = submit(app)
    stranger = app.test_client()
    assert stranger.get(f"/status/{submission.reference}").status_code == 303
    wrong = stranger.post("/status/", data={"reference": submission.reference,
                                            "access_code": "2222-2222-2222"})
    assert wrong.status_code == 404
    assert "keinen Vorgang gefunden" in wrong.get_data(as_text=True)
    page = signed_in(app, submission).get(f"/status/{submission.reference}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert submission.reference in text
    assert f'{submission.authority["name"]}</dd>' in text  # the authority it went to
    assert 'id="current-status">Eingegangen<' in text


def test_the_confirmation_page_and_the_receipt_name_the_access_code(app):
    from portal.publishing import compiled
    from portal.receipt.content import receipt_content

    submission = submit(app)
    content = receipt_content(compiled(submission.form_version), submission, [],
                              access_code=receipt_code(submission))
    facts = {entry.label: entry.value for entry in content.facts}
    assert facts["Zugangscode"] == receipt_code(submission)
    assert facts["Vorgangsnummer"] == submission.reference


@pytest.mark.parametrize("language,words", [
    ("de", ("Rückfrage der Behörde", "Bitte Ausweis nachreichen")),
    ("en", ("Information requested", "Bitte Ausweis nachreichen")),
    ("uk", ("Запит інформації", "Bitte Ausweis nachreichen")),
    ("tr", ("Ek bilgi istendi", "Bitte Ausweis nachreichen")),
    ("ar", ("طلب معلومات", "Bitte Ausweis nachreichen")),
])
def test_status_changes_appear_in_each_language(app, client, polizei, language, words):
    submission = submit(app)
    url = f"/api/v1/submissions/{submission.id}/status"
    client.post(url, json={"status": "in_progress"}, headers=polizei)
    client.post(url, json={"status": "info_requested", "note": "Bitte Ausweis nachreichen"},
                headers=polizei)
    page = signed_in(app, submission, language).get(f"/status/{submission.reference}")
    text = page.get_data(as_text=True)
    assert f'lang="{language}"' in text
    for word in words:
        assert word in text
    assert text.index('id="timeline"') < text.index(words[0], text.index('id="timeline"'))


@pytest.mark.both_databases
def test_a_reply_with_a_pdf_reaches_the_procedure_by_pull_and_push(app, client, polizei):
    with sink() as receiver:
        receiver.secret = signing.generate_secret()
        clients.configure_destination("polizei", create=False, push_url=receiver.url,
                                      signing_secret=receiver.secret)
        submission = submit(app)
        base = f"/api/v1/submissions/{submission.id}"
        asked = client.post(f"{base}/messages", headers=polizei, json={
            "subject": "Fehlender Nachweis", "body": "Bitte senden Sie den Kaufbeleg.",
            "answer_due": "2031-02-01"}).json
        citizen = signed_in(app, submission)
        page = citizen.get(f"/status/{submission.reference}").get_data(as_text=True)
        assert "Fehlender Nachweis" in page and "Bitte senden Sie den Kaufbeleg." in page
        pdf = minimal_pdf()
        sent = citizen.post(f"/status/{submission.reference}/reply", data={
            "body": "Anbei der Beleg.", "in_reply_to": asked["id"],
            "files": (io.BytesIO(pdf), "beleg.pdf")}, content_type="multipart/form-data")
        assert sent.status_code == 303
        assert "Ihre Antwort wurde gesendet" in citizen.get(sent.headers["Location"]).get_data(
            as_text=True)
        # Pull: the thread, the read receipt, the event log, the file with its SHA-256.
        thread = client.get(f"{base}/messages", headers=polizei).json["items"]
        assert [m["author"] for m in thread] == ["authority", "citizen"]
        assert thread[0]["read_at"] is not None
        reply = thread[1]
        assert reply["body"] == "Anbei der Beleg." and reply["in_reply_to"] == asked["id"]
        [file] = reply["files"]
        downloaded = client.get(file["href"], headers=polizei).data
        assert hashlib.sha256(downloaded).hexdigest() == file["sha256"]
        assert hashlib.sha256(pdf).hexdigest() == file["sha256"]
        assert "message_received" in [e.type for e in events_of(submission)]
        # Push: the submission, then the reply as "message.received", signed.
        settings = worker.Settings.from_config({"HANDOVER_TIMEOUT_SECONDS": 2})
        while worker.process_next(settings) is not None:
            pass
        kinds = [json.loads(p.body)["type"] for p in receiver.received]
        assert kinds == ["submission.created", "message.received"]
        push = receiver.received[1]
        signing.verify(receiver.secret, push.headers, push.body)
        assert json.loads(push.body)["data"]["message"]["files"][0]["sha256"] == file["sha256"]


def test_a_reply_file_is_checked_as_the_wizard_checks_uploads(app, polizei):
    submission = submit(app)
    citizen = signed_in(app, submission)
    refused = citizen.post(f"/status/{submission.reference}/reply", data={
        "body": "Hier die Datei", "files": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "beleg.pdf")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "beleg.pdf" in text and "error-summary" in text
    assert 'Hier die Datei</textarea>' in text  # what the citizen wrote is kept
    assert db.session.execute(select(Delivery).where(
        Delivery.event == "message.received")).first() is None
    empty = citizen.post(f"/status/{submission.reference}/reply", data={"body": "  "})
    assert empty.status_code == 422


def test_messages_and_their_files_follow_retention(app, client, polizei):
    submission = submit(app)
    base = f"/api/v1/submissions/{submission.id}"
    client.post(f"{base}/messages", headers=polizei, content_type="multipart/form-data", data={
        "subject": "Bescheid", "body": "Anbei.",
        "attachments": (io.BytesIO(minimal_pdf()), "bescheid.pdf")})
    file = client.get(f"{base}/messages", headers=polizei).json["items"][0]["files"][0]
    stored = db.session.execute(select(MessageFile.storage_key)).scalar_one()
    keys = erase(submission, now())
    db.session.commit()
    assert stored in keys  # deleted from storage with the submission's own files
    assert client.get(f"{base}/messages", headers=polizei).json["items"] == []
    assert client.get(file["href"], headers=polizei).status_code == 410
    page = signed_in(app, submission).get(f"/status/{submission.reference}")
    text = page.get_data(as_text=True)
    assert 'id="deleted"' in text and "Bescheid" not in text


def test_a_reply_takes_at_most_five_files(app, polizei):
    submission = submit(app)
    files = [(io.BytesIO(minimal_pdf()), f"beleg-{n}.pdf") for n in range(6)]
    refused = signed_in(app, submission).post(
        f"/status/{submission.reference}/reply", data={"body": "Belege", "files": files},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "höchstens 5 Dateien" in refused.get_data(as_text=True)
    assert db.session.execute(select(MessageFile)).first() is None


def test_the_status_forms_carry_their_csrf_tokens(app, database_url, tmp_path):
    import re

    from tests.conftest import make_app

    protected = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=True)
    submission = submit(app)  # the same database, through an app without CSRF checks
    citizen = protected.test_client()
    access = {"reference": submission.reference, "access_code": receipt_code(submission)}
    assert citizen.post("/status/", data=access).status_code == 400
    form = citizen.get("/status/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert citizen.post("/status/", data=access | {"csrf_token": token}).status_code == 303
    page = citizen.get(f"/status/{submission.reference}").get_data(as_text=True)
    reply = f"/status/{submission.reference}/reply"
    assert citizen.post(reply, data={"body": "Hallo"}).status_code == 400
    token = re.search(r'action="[^"]*/reply".*?name="csrf_token" value="([^"]+)"', page,
                      re.S).group(1)
    assert citizen.post(reply, data={"body": "Hallo", "csrf_token": token}).status_code == 303
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_citizen_downloads_the_documents(app, client, polizei):
    import re

    submission = submit(app)
    pdf = minimal_pdf()
    client.post(f"/api/v1/submissions/{submission.id}/messages", headers=polizei,
                content_type="multipart/form-data", data={
                    "subject": "Bescheid", "body": "Anbei.",
                    "attachments": (io.BytesIO(pdf), "bescheid.pdf")})
    citizen = signed_in(app, submission)
    page = citizen.get(f"/status/{submission.reference}").get_data(as_text=True)
    documents = page[page.index('id="documents"'):]
    links = re.findall(r'href="([^"]+)"', documents[:documents.index("</ul>")])
    receipt, decision = (citizen.get(link) for link in links)
    assert receipt.data.startswith(b"%PDF") and receipt.headers["Cache-Control"] == "no-store"
    assert decision.data == pdf and "bescheid.pdf" in decision.headers["Content-Disposition"]
    assert app.test_client().get(links[1]).status_code == 303  # not without signing in


def test_the_status_page_names_the_responsible_authority_with_its_contacts(app, polizei):
    submission = submit(app)
    submission.authority = {
        "id": "polizei-berlin", "name": "Polizei Berlin", "ags": "11000000", "ars": None,
        "destination": "polizei",
        "address": {"street": "Platz der Luftbrücke 6", "postcode": "12101", "city": "Berlin"},
        "contacts": {"phone": "030 4664 0", "web": "https://www.berlin.de/polizei/"}}
    db.session.commit()
    text = signed_in(app, submission).get(f"/status/{submission.reference}").get_data(
        as_text=True)
    contact = text.split('id="authority-contact">')[1].split('id="current-status"')[0]
    assert "Platz der Luftbrücke 6" in contact and "12101 Berlin" in contact
    assert 'href="tel:03046640"' in contact and "https://www.berlin.de/polizei/" in contact
    assert "Von Polizei Berlin" in text or "Polizei Berlin</dd>" in text
