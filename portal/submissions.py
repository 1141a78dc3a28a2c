"""The one place that writes submissions."""

from __future__ import annotations

import uuid

from jsonschema import Draft202012Validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .drafts import now
from .engine import FieldError, Form, check_answers, data_schema, submission_data
from .extensions import db
from .handover.outbox import enqueue as enqueue_delivery
from .models import Attachment, Draft, Submission
from .publishing import compiled
from .receipt.service import issue_receipt
from .reference import make_reference


class NotComplete(Exception):
    """The draft still has missing or invalid answers, per step id."""

    def __init__(self, problems: dict[str, list[FieldError]]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


_validators: dict[str, Draft202012Validator] = {}


def _data_validator(form: Form) -> Draft202012Validator:
    if form.content_hash not in _validators:
        _validators[form.content_hash] = Draft202012Validator(data_schema(form))
    return _validators[form.content_hash]


def attachment_ids(form: Form, data: dict) -> set[str]:
    """Every attachment id the submission data refers to, repeating steps included."""
    ids: set[str] = set()
    for step, field in form.fields():
        if field.type != "file":
            continue
        rows = data.get(step.id, []) if step.repeat else [data]
        for row in rows:
            ids.update(row.get(field.name) or [])
    return ids


def _bind_attachments(form: Form, data: dict, draft: Draft, submission: Submission) -> None:
    wanted = attachment_ids(form, data)
    for attachment in db.session.execute(
        select(Attachment).where(Attachment.draft_id == draft.id)
    ).scalars():
        if attachment.id in wanted:
            attachment.submission_id = submission.id


def submission_for(draft: Draft) -> Submission | None:
    return db.session.execute(
        select(Submission).where(Submission.draft_id == draft.id)
    ).scalar_one_or_none()


def submit(draft: Draft) -> Submission:
    """Turn a complete draft into a submission, exactly once.

    A second call for the same draft (double click, refresh, back button)
    returns the first submission instead of writing another.
    """
    if (existing := submission_for(draft)) is not None:
        return existing
    form = compiled(draft.form_version)
    problems = check_answers(form, draft.answers)
    if problems:
        raise NotComplete(problems)
    data = submission_data(form, draft.answers)
    # The derived schema is the contract with the caseworkers' systems: never hand over
    # data that breaks it, even if a bug let it through the step validation.
    errors = sorted(_data_validator(form).iter_errors(data), key=str)
    if errors:
        raise ValueError(f"submission data breaks the data schema: {errors[0].message}")
    for _ in range(5):
        submission = Submission(
            id=str(uuid.uuid4()),
            reference=make_reference(form.reference_prefix),
            form_version_id=draft.form_version_id,
            draft_id=draft.id,
            destination=form.destination,
            language=draft.language,
            data=data,
            submitted_at=now(),
        )
        draft.submitted_at = submission.submitted_at
        try:
            db.session.add(submission)
            # A taken reference or a concurrent submit of this draft shows up here, before
            # anything else is written; the loop then tries again or returns the winner.
            db.session.flush()
            _bind_attachments(form, data, draft, submission)
            enqueue_delivery(submission)  # outbox row + 'created' event, in this same transaction
            issue_receipt(submission, form)  # the PDF receipt, made once, in this same transaction
            db.session.commit()
            return submission
        except IntegrityError:
            db.session.rollback()
            # Either a concurrent request submitted this draft, or the reference collided.
            if (existing := submission_for(draft)) is not None:
                return existing
    raise RuntimeError("could not allocate a unique reference number")
