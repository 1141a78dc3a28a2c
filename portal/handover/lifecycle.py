"""A submission's life after submit: delivered, acknowledged or rejected, each step logged.

new -> delivered -> acknowledged | rejected -> deleted (retention). Acknowledging
or rejecting again with the same answer is harmless (a procedure that retries
after a timeout must not fail); changing the answer is a conflict.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Submission
from .models import EVENT_TYPES, SubmissionEvent


class Conflict(Exception):
    """The submission was already answered differently, or its data is gone."""


def now() -> datetime:
    return datetime.now(UTC)


def record_event(submission: Submission, type_: str, detail: dict[str, Any] | None = None,
                 at: datetime | None = None) -> SubmissionEvent:
    """Add an event to the session; it commits with the change it describes."""
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}")
    event = SubmissionEvent(submission=submission, type=type_, detail=detail or {},
                            occurred_at=at or now())
    db.session.add(event)
    return event


def events_of(submission: Submission) -> list[SubmissionEvent]:
    return list(
        db.session.execute(
            select(SubmissionEvent)
            .where(SubmissionEvent.submission_id == submission.id)
            .order_by(SubmissionEvent.occurred_at, SubmissionEvent.id)
        ).scalars()
    )


def mark_delivered(submission: Submission, detail: dict[str, Any], at: datetime) -> None:
    """The procedure has the submission (a 2xx to a push, or its first fetch)."""
    if submission.status == "new":
        submission.status = "delivered"
    record_event(submission, "delivered", detail, at)


def acknowledge(submission: Submission, case_number: str, client_prefix: str) -> bool:
    """Accepted into the procedure under its case number; returns False if it already was."""
    if submission.status == "acknowledged":
        if submission.case_number != case_number:
            raise Conflict("already acknowledged with another case number")
        return False
    if submission.status in ("rejected", "deleted"):
        raise Conflict(f"the submission is {submission.status}")
    submission.status = "acknowledged"
    submission.case_number = case_number
    submission.acknowledged_at = now()
    record_event(submission, "acknowledged", {"case_number": case_number, "client": client_prefix},
                 submission.acknowledged_at)
    return True


def reject(submission: Submission, reason: str, client_prefix: str) -> bool:
    """Refused by the procedure; the reason stays on the submission, not in the log.

    The reason is a caseworker's free text and may name people, so retention
    deletes it with the data; the event log only keeps that it happened.
    """
    if submission.status == "rejected":
        if submission.rejection_reason != reason:
            raise Conflict("already rejected with another reason")
        return False
    if submission.status in ("acknowledged", "deleted"):
        raise Conflict(f"the submission is {submission.status}")
    submission.status = "rejected"
    submission.rejection_reason = reason
    submission.rejected_at = now()
    record_event(submission, "rejected", {"client": client_prefix}, submission.rejected_at)
    return True
