"""Retention: a form's `retention_days` after the procedure answered, the personal data goes.

What stays is a tombstone in the event log: reference, dates, the case number
and the SHA-256 of the data and of every file, so the portal can still prove
what it handed over without holding any of it. Submissions the procedure
never answered are kept: deleting them could lose a case.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select

from ..extensions import db
from ..mailbox import thread
from ..mailbox.thread import closed_before
from ..models import Draft, FormVersion, Submission
from ..receipt.service import delete_receipt
from ..uploads.service import storage
from .envelope import attachments_of, data_sha256, hex_sha256, receipt_of, rfc3339
from .lifecycle import now, record_event


def due_for_deletion(moment: datetime) -> list[Submission]:
    """Answered (or closed) submissions whose form's retention time has run out, one query
    per form version."""
    due: list[Submission] = []
    for version in db.session.execute(select(FormVersion)).scalars():
        cutoff = moment - timedelta(days=int(version.definition["retention_days"]))
        due += db.session.execute(
            select(Submission).where(
                Submission.form_version_id == version.id,
                Submission.deleted_at.is_(None),
                or_(Submission.acknowledged_at <= cutoff, Submission.rejected_at <= cutoff,
                    Submission.id.in_(closed_before(cutoff))),
            )
        ).scalars()
    return due


def erase(submission: Submission, moment: datetime) -> list[str]:
    """Delete the submission's data, receipt and draft, log the tombstone; uncommitted.

    Returns the storage keys of its files, to delete once the commit succeeded
    (a failed commit then leaves the files in place with their rows).
    """
    files, keys = [], []
    for attachment in attachments_of(submission):
        files.append({"id": attachment.id, "sha256": attachment.sha256, "size": attachment.size})
        keys.append(attachment.storage_key)
        db.session.delete(attachment)
    tombstone = {
        "reference": submission.reference,
        "form": {"id": submission.form_version.form_id, "version": submission.form_version.version},
        "submitted_at": rfc3339(submission.submitted_at),
        "acknowledged_at": rfc3339(submission.acknowledged_at),
        "rejected_at": rfc3339(submission.rejected_at),
        "case_number": submission.case_number,
        "retention_days": int(submission.form_version.definition["retention_days"]),
        "data_sha256": data_sha256(submission.data),
        "attachments": files,
    }
    if (receipt := receipt_of(submission)) is not None:
        tombstone["receipt_sha256"] = hex_sha256(receipt.sha256)
        delete_receipt(submission)  # the receipt repeats the answers
    keys += thread.erase(submission)  # the messages, their files, the status notes
    if submission.draft_id and (draft := db.session.get(Draft, submission.draft_id)) is not None:
        db.session.delete(draft)  # a submitted draft still holds the answers
    submission.data = {}
    submission.rejection_reason = None
    submission.status = "deleted"
    submission.deleted_at = moment
    record_event(submission, "deleted", tombstone, moment)
    return keys


def delete_expired_submissions(moment: datetime | None = None) -> int:
    """Erase every submission past retention, each in its own transaction; returns how many."""
    moment = moment or now()
    store = storage()
    count = 0
    for submission in due_for_deletion(moment):
        keys = erase(submission, moment)
        db.session.commit()
        for key in keys:
            store.delete(key)
        count += 1
    return count
