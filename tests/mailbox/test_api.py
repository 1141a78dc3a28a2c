"""The caseworker API of the mailbox: case status, messages both ways, files, read receipts."""

from __future__ import annotations

import hashlib
import io

import pytest

from portal.extensions import db
from tests.handover.helpers import bearer, destination, submit, token_for
from tests.walk import minimal_pdf


@pytest.fixture
def polizei(app):
    destination("polizei", label="Polizei Berlin")
    return bearer(token_for("polizei"))


@pytest.mark.both_databases
def test_status_starts_received_and_keeps_its_history(app, client, polizei):
    submission = submit(app)
    url = f"/api/v1/submissions/{submission.id}/status"
    assert client.get(url, headers=polizei).json["status"] == "received"
    first = client.post(url, json={"status": "in_progress"}, headers=polizei)
    assert first.status_code == 200 and first.json["status"] == "in_progress"
    again = client.post(url, json={"status": "in_progress"}, headers=polizei)
    assert len(again.json["history"]) == 2  # the same status again changes nothing
    decided = client.post(url, json={"status": "decided", "note": "Bescheid folgt per Post"},
                          headers=polizei).json
    assert [h["status"] for h in decided["history"]] == ["received", "in_progress", "decided"]
    assert decided["note"] == "Bescheid folgt per Post"
    events = client.get(f"/api/v1/submissions/{submission.id}/events", headers=polizei).json
    assert [e["detail"]["status"] for e in events["items"] if e["type"] == "status_changed"] == [
        "in_progress", "decided"]


def test_a_status_outside_the_list_is_refused(app, client, polizei):
    submission = submit(app)
    response = client.post(f"/api/v1/submissions/{submission.id}/status",
                           json={"status": "approved"}, headers=polizei)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_another_destinations_client_sees_nothing(app, client, polizei):
    submission = submit(app)
    destination("bauaufsicht")
    other = bearer(token_for("bauaufsicht"))
    base = f"/api/v1/submissions/{submission.id}"
    assert client.post(f"{base}/status", json={"status": "closed"},
                       headers=other).status_code == 404
    assert client.get(f"{base}/messages", headers=other).status_code == 404
    assert client.post(f"{base}/messages", json={"subject": "x", "body": "y"},
                       headers=other).status_code == 404
    assert client.get(f"{base}/status", headers=polizei).json["status"] == "received"


@pytest.mark.both_databases
def test_a_message_with_a_file_as_multipart_is_listed_with_its_file(app, client, polizei):
    submission = submit(app)
    pdf = minimal_pdf()
    response = client.post(
        f"/api/v1/submissions/{submission.id}/messages", headers=polizei,
        content_type="multipart/form-data",
        data={"subject": "Bescheid", "body": "Guten Tag,\nanbei der Bescheid.",
              "answer_due": "2031-01-15",
              "attachments": (io.BytesIO(pdf), "bescheid.pdf", "application/pdf")})
    assert response.status_code == 201, response.json
    message = response.json
    assert message["answer_requested"] and message["answer_due"] == "2031-01-15"
    assert message["read_at"] is None and message["author"] == "authority"
    [file] = message["files"]
    assert file["sha256"] == hashlib.sha256(pdf).hexdigest() and file["name"] == "bescheid.pdf"
    download = client.get(file["href"], headers=polizei)
    assert download.status_code == 200 and download.data == pdf
    listed = client.get(f"/api/v1/submissions/{submission.id}/messages", headers=polizei).json
    assert [m["subject"] for m in listed["items"]] == ["Bescheid"]


def test_a_message_as_json_without_a_body_is_refused(app, client, polizei):
    submission = submit(app)
    response = client.post(f"/api/v1/submissions/{submission.id}/messages",
                           json={"subject": "Nur Betreff"}, headers=polizei)
    assert response.status_code == 400 and response.json["errors"]


def test_no_message_or_status_after_retention(app, client, polizei):
    from portal.handover.lifecycle import now
    from portal.handover.retention import erase

    submission = submit(app)
    erase(submission, now())
    db.session.commit()
    base = f"/api/v1/submissions/{submission.id}"
    assert client.post(f"{base}/messages", json={"subject": "a", "body": "b"},
                       headers=polizei).status_code == 409
    assert client.post(f"{base}/status", json={"status": "closed"},
                       headers=polizei).status_code == 409


@pytest.mark.both_databases
def test_a_closed_case_is_deleted_when_its_retention_ends(app, client, polizei):
    from datetime import timedelta

    from portal.handover.lifecycle import now
    from portal.handover.retention import delete_expired_submissions
    from portal.models import Submission

    closed, still_open = submit(app), submit(app)
    client.post(f"/api/v1/submissions/{closed.id}/status", json={"status": "closed"},
                headers=polizei)
    client.post(f"/api/v1/submissions/{still_open.id}/status", json={"status": "decided"},
                headers=polizei)
    days = int(closed.form_version.definition["retention_days"])
    assert delete_expired_submissions(now() + timedelta(days=days - 1)) == 0
    assert delete_expired_submissions(now() + timedelta(days=days + 1)) == 1
    db.session.expire_all()
    assert db.session.get(Submission, closed.id).status == "deleted"
    assert db.session.get(Submission, still_open.id).deleted_at is None


def test_an_encrypted_destination_gets_message_texts_only_as_jwe(app, client):
    import json

    from joserfc import jwe
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048)
    destination("polizei", public_jwk=key.as_dict(private=False))
    headers = bearer(token_for("polizei"))
    submission = submit(app)
    sent = client.post(f"/api/v1/submissions/{submission.id}/messages", headers=headers,
                       content_type="multipart/form-data",
                       data={"subject": "Bescheid", "body": "Ihr Antrag ist bewilligt.",
                             "attachments": (io.BytesIO(minimal_pdf()), "bescheid.pdf")})
    assert sent.status_code == 201
    [listed] = client.get(f"/api/v1/submissions/{submission.id}/messages",
                          headers=headers).json["items"]
    assert "body" not in listed and "bewilligt" not in json.dumps(listed)
    content = json.loads(jwe.decrypt_compact(listed["encrypted_message"], key,
                                             algorithms=["RSA-OAEP-256", "A256GCM"]).plaintext)
    assert content["body"] == "Ihr Antrag ist bewilligt."
    file = client.get(content["files"][0]["href"], headers=headers)
    assert file.mimetype == "application/jose"
