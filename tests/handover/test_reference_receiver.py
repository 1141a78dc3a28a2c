"""The reference receiver's own promises: a push that arrives twice makes one case, and a
file whose SHA-256 does not match the envelope is refused (the portal is told why)."""

from __future__ import annotations

import json
from contextlib import contextmanager

from sqlalchemy import select

from examples.receiver.app import create_app as create_receiver
from examples.receiver.portal_api import Portal
from examples.receiver.processing import Receiver
from examples.receiver.store import Store
from portal.extensions import db
from portal.handover import signing
from portal.handover.models import Destination
from portal.handover.worker import message_body
from portal.models import Attachment, Submission
from portal.uploads.service import storage
from tests.handover.helpers import destination, submit, token_for
from tests.handover.processes import serve_portal, wait_for


@contextmanager
def _receiver(tmp_path, portal_url):
    secret = signing.generate_secret()
    destination("polizei")
    receiver = Receiver(Portal(portal_url, token_for("polizei")), Store(tmp_path / "receiver"))
    app = create_receiver(receiver, secret)
    try:
        yield secret, receiver, app.test_client()
    finally:
        inbox = app.extensions["inbox"]
        inbox.stop.set()
        inbox.wake.set()
        inbox.thread.join(10)


def _push(http, secret: str, body: bytes, webhook_id: str = "msg_test1"):
    return http.post("/webhooks/amtsweg", data=body, content_type="application/json",
                     headers=signing.sign(secret, webhook_id, body))


def test_a_push_that_arrives_twice_makes_one_case(app, tmp_path):
    with serve_portal(app) as url, _receiver(tmp_path, url) as (secret, receiver, http):
        submission = submit(app)
        body = message_body(submission, db.session.execute(select(Destination)).scalar_one())
        assert _push(http, secret, body).status_code == 204
        assert _push(http, secret, body).status_code == 204  # the sender never saw our 204
        wait_for(lambda: receiver.store.case_for(submission.id) is not None
                 and receiver.store.report()["cases"][0]["answered_at"], 20, "the case")
    report = receiver.store.report()
    assert len(report["cases"]) == 1
    assert report["messages"][0]["received_count"] == 2
    db.session.expire_all()
    acknowledged = db.session.get(Submission, submission.id)
    assert acknowledged.case_number == report["cases"][0]["case_number"]


def test_a_file_that_does_not_match_its_checksum_is_rejected(app, tmp_path):
    with serve_portal(app) as url, _receiver(tmp_path, url) as (secret, receiver, http):
        submission = submit(app)
        attachment = db.session.execute(
            select(Attachment).where(Attachment.submission_id == submission.id)).scalars().first()
        path = storage()._path(attachment.storage_key)
        path.write_bytes(path.read_bytes() + b"tampered")
        document = receiver.portal.submission(submission.id)
        assert receiver.take_over(document, "pull") == "rejected"
    db.session.expire_all()
    rejected = db.session.get(Submission, submission.id)
    assert rejected.status == "rejected" and "SHA-256" in rejected.rejection_reason
    assert receiver.store.report()["cases"] == []


def test_an_unsigned_push_is_refused(app, tmp_path):
    with serve_portal(app) as url, _receiver(tmp_path, url) as (secret, receiver, http):
        body = json.dumps({"type": "submission.created", "data": {"id": "x"}}).encode()
        response = http.post("/webhooks/amtsweg", data=body, content_type="application/json",
                             headers=signing.sign(signing.generate_secret(), "msg_x", body))
        assert response.status_code == 401
    assert receiver.store.report()["messages"] == []
