"""Retention: a form's retention_days after the procedure answered, data and files go;
a tombstone with reference, dates and hashes stays in the event log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.handover import lifecycle
from portal.handover.envelope import data_sha256
from portal.handover.lifecycle import events_of, now
from portal.handover.retention import delete_expired_submissions
from portal.models import Attachment, Draft, Submission
from portal.receipt.service import receipt_for
from portal.uploads.service import storage
from tests.handover.helpers import bearer, destination, submit, token_for

pytestmark = pytest.mark.both_databases


def _answered(app, days_ago: float, how: str = "acknowledge") -> Submission:
    submission = submit(app)  # onlinewache keeps data for 90 days
    if how == "acknowledge":
        lifecycle.acknowledge(submission, "AZ-17", "abcd1234")
        submission.acknowledged_at = now() - timedelta(days=days_ago)
    else:
        lifecycle.reject(submission, "Zuständig ist Potsdam", "abcd1234")
        submission.rejected_at = now() - timedelta(days=days_ago)
    db.session.commit()
    return submission


def test_data_and_files_go_after_retention_and_a_tombstone_stays(app, runner):
    submission = _answered(app, days_ago=91)
    data_hash = data_sha256(submission.data)
    files = db.session.execute(
        select(Attachment).where(Attachment.submission_id == submission.id)).scalars().all()
    keys = [f.storage_key for f in files]
    expected_files = sorted((f.id, f.sha256) for f in files)
    assert files

    receipt_sha256 = receipt_for(submission).sha256
    result = runner.invoke(args=["cleanup"])
    assert result.exit_code == 0, result.output
    assert "1 submissions past retention" in result.output

    db.session.expire_all()
    gone = db.session.get(Submission, submission.id)
    assert gone.status == "deleted" and gone.deleted_at and gone.data == {}
    assert db.session.execute(
        select(Attachment).where(Attachment.submission_id == submission.id)).first() is None
    assert gone.draft_id is None or db.session.get(Draft, gone.draft_id) is None
    for key in keys:
        assert key not in set(storage().keys())
    tombstone = events_of(gone)[-1]
    assert tombstone.type == "deleted"
    assert tombstone.detail["reference"] == submission.reference
    assert tombstone.detail["case_number"] == "AZ-17"
    assert tombstone.detail["data_sha256"] == data_hash
    assert sorted((a["id"], a["sha256"]) for a in tombstone.detail["attachments"]) == expected_files
    assert tombstone.detail["retention_days"] == 90
    assert tombstone.detail["receipt_sha256"] == receipt_sha256
    assert receipt_for(gone) is None


def test_nothing_goes_before_its_time_or_without_an_answer(app):
    recent = _answered(app, days_ago=89)
    unanswered = submit(app)
    assert delete_expired_submissions() == 0
    db.session.expire_all()
    assert db.session.get(Submission, recent.id).data
    assert db.session.get(Submission, unanswered.id).status == "new"


def test_a_rejected_submission_goes_too_and_with_it_the_reason(app):
    submission = _answered(app, days_ago=100, how="reject")
    assert delete_expired_submissions() == 1
    db.session.expire_all()
    gone = db.session.get(Submission, submission.id)
    assert gone.rejection_reason is None and gone.data == {}


def test_the_api_shows_a_deleted_submission_without_data(app, client):
    destination("polizei")
    headers = bearer(token_for("polizei"))
    submission = _answered(app, days_ago=91)
    delete_expired_submissions()
    document = client.get(f"/api/v1/submissions/{submission.id}", headers=headers).json
    assert document["status"] == "deleted" and "envelope" not in document
    receipt = client.get(f"/api/v1/submissions/{submission.id}/receipt", headers=headers)
    assert receipt.status_code == 410 and receipt.mimetype == "application/problem+json"
    events = client.get(f"/api/v1/submissions/{submission.id}/events", headers=headers).json
    assert events["items"][-1]["type"] == "deleted"
    attachment_id = events["items"][-1]["detail"]["attachments"][0]["id"]
    file = client.get(f"/api/v1/submissions/{submission.id}/attachments/{attachment_id}",
                      headers=headers)
    assert file.status_code == 410 and file.mimetype == "application/problem+json"
