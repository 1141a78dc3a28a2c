"""The one place that writes submissions."""

from __future__ import annotations

import uuid

from jsonschema import Draft202012Validator
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from . import drafts
from .authorities import routing, snapshot
from .drafts import StoredDraft, now
from .engine import FieldError, Form, Invalid, check_answers, data_schema, submission_data
from .engine.messages import N_
from .engine.patterns import data_validator
from .extensions import db, unit_of_work
from .handover.outbox import enqueue as enqueue_delivery
from .mailbox.notify import confirm as confirm_by_mail
from .models import Attachment, Submission
from .payments.service import link_in_unit as link_payment
from .publishing import compiled
from .receipt.service import ensure_receipt
from .reference import make_reference

UNDECIDED = N_("Es steht noch nicht fest, welche Stelle für Ihren Antrag zuständig ist. Bitte "
                "prüfen Sie die Postleitzahl.")


class NotComplete(Exception):
    """The draft still has missing or invalid answers, per step id."""

    def __init__(self, problems: dict[str, list[FieldError]]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


_validators: dict[str, Draft202012Validator] = {}


def _data_validator(form: Form) -> Draft202012Validator:
    if form.content_hash not in _validators:
        _validators[form.content_hash] = data_validator(data_schema(form))
    return _validators[form.content_hash]


def attachment_ids(form: Form, data: dict) -> set[str]:
    """Every attachment id the submission data refers to, repeating steps included."""
    ids: set[str] = set()
    for step, field in form.fields():
        if not field.uploads:
            continue
        rows = data.get(step.id, []) if step.repeat else [data]
        for row in rows:
            ids.update(row.get(field.name) or [])
    return ids


def _submitted_files(form: Form, data: dict, draft: StoredDraft) -> list[Attachment]:
    """The draft's attachments that the data refers to, in the receipt's order (oldest first).

    No query when the data names no file: most applications carry none.
    """
    wanted = attachment_ids(form, data)
    if not wanted:
        return []
    return list(db.session.execute(
        select(Attachment)
        .where(Attachment.draft_id == draft.id, Attachment.id.in_(wanted))
        .order_by(Attachment.created_at, Attachment.id)
    ).scalars())


#: A draft's submission. Its form version is joined in (models.Submission) without the
#: ~160 kB definition (deferred in models.FormVersion), which neither the confirmation page
#: nor the receipt download reads. Built once, as drafts.find_draft's statement is.
_BY_DRAFT = select(Submission).where(Submission.draft_id == bindparam("draft_id"))


def submission_for(draft: StoredDraft) -> Submission | None:
    return db.session.execute(_BY_DRAFT, {"draft_id": draft.id}).scalar_one_or_none()


def _responsible(form: Form, answers: dict) -> routing.Responsible | None:
    """Who receives the application; NotComplete when its jurisdiction is not decided yet
    (the postcode's step, or the citizen's choice, is then where to go back to)."""
    responsible = routing.responsible(form, answers)
    if responsible is not None or not form.jurisdiction:
        return responsible
    names = form.jurisdiction.get("fields") or ()
    step, field = next(((s, f) for s, f in form.fields() if f.name in names),
                       (form.steps[0], form.steps[0].questions[0]))
    raise NotComplete({step.id: [FieldError(field, Invalid(UNDECIDED))]})


def _recorded(responsible: routing.Responsible | None) -> dict | None:
    """What the submission keeps of its authority: as it was at the moment of sending."""
    if responsible is None or responsible.authority is None:
        return None
    recorded = snapshot(responsible.authority, responsible.destination)
    for key in ("municipality", "postcode"):
        if (responsible.record or {}).get(key):
            recorded[key] = responsible.record[key]
    return recorded


def check_ready(draft: StoredDraft) -> None:
    """NotComplete unless the draft could be sent now (before a fee is taken for it)."""
    form = compiled(draft.form_version)
    problems = check_answers(form, draft.answers)
    if problems:
        raise NotComplete(problems)
    _responsible(form, draft.answers)


def submit(draft: StoredDraft, payment_id: str | None = None) -> Submission:
    """Turn a complete draft into a submission, exactly once, from the newest answers.

    When another window changed the draft after this request read it, the
    submission is not written from the old answers: the draft is read again and
    checked again (NotComplete if the newer answers are not complete). `payment_id`: the
    paid attempt (portal.payments) that is linked to the submission in its unit of work.
    """
    for _ in range(drafts.TRIES):
        try:
            return _submit_once(draft, payment_id)
        except drafts.Changed:
            db.session.rollback()
            newest = drafts.find_draft(draft.id)
            if newest is None:
                raise drafts.DraftGone from None
            drafts.hold(draft, vars(newest))
    raise drafts.Busy


def _submit_once(draft: StoredDraft, payment_id: str | None = None) -> Submission:
    """Turn a complete draft into a submission, exactly once, then make its receipt.

    A second call for the same draft (double click, refresh, back button)
    returns the first submission instead of writing another. The receipt is
    rendered after the submission was committed: a receipt that cannot be made
    (ensure_receipt logs why) never costs the citizen the application; it is
    made again later (confirmation page, download, worker).
    """
    # A draft is marked submitted in the transaction that writes its submission, so an
    # unmarked one has none to look up; a concurrent submit of it is caught by the unique
    # draft id below.
    if draft.submitted_at is not None and (existing := submission_for(draft)) is not None:
        return existing
    form = compiled(draft.form_version)
    problems = check_answers(form, draft.answers)
    if problems:
        raise NotComplete(problems)
    responsible = _responsible(form, draft.answers)
    data = submission_data(form, draft.answers)
    # The derived schema is the contract with the caseworkers' systems: never hand over
    # data that breaks it, even if a bug let it through the step validation.
    errors = sorted(_data_validator(form).iter_errors(data), key=str)
    if errors:
        raise ValueError(f"submission data breaks the data schema: {errors[0].message}")
    for _ in range(5):
        files = _submitted_files(form, data, draft)
        submission = Submission(
            id=str(uuid.uuid4()),
            reference=make_reference(form.reference_prefix),
            form_version_id=draft.form_version_id,
            draft_id=draft.id,
            destination=responsible.destination if responsible else form.destination,
            authority_id=responsible.authority.id if responsible and responsible.authority
            else None,
            authority=_recorded(responsible),
            language=draft.language,
            data=data,
            submitted_at=now(),
        )
        try:
            with unit_of_work() as session:
                session.add(submission)
                enqueue_delivery(submission)  # outbox row + 'created' event, in this same unit
                confirm_by_mail(submission, form)  # queued here, sent by the worker
                if files:
                    # Nothing orders an attachment's UPDATE after its submission's INSERT (no
                    # relationship between the two): the submission is written first.
                    session.flush()
                    for attachment in files:
                        attachment.submission_id = submission.id
                # One flush (two with files): the transaction (on SQLite: the database's write
                # lock) is held for the writes only. A taken reference or a concurrent submit
                # of this draft fails it as a whole; the loop then tries again or returns the
                # winner. Answers changed in another window meanwhile fail it too (Changed).
                drafts.mark_submitted(draft, submission.submitted_at)  # flushes the rest
                if payment_id is not None:  # the envelope never goes out without it
                    link_payment(payment_id, submission.id)
            drafts.hold(draft, {"submitted_at": submission.submitted_at})
        except IntegrityError:
            # Either a concurrent request submitted this draft, or the reference collided.
            if (existing := submission_for(draft)) is not None:
                return existing
            continue
        # Committed: from here on nothing can lose the application.
        # (The committed attachments are read again in one statement, not one by one.)
        ensure_receipt(submission, form, None if files else [])
        return submission
    raise RuntimeError("could not allocate a unique reference number")
