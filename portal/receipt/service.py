"""Issuing and finding receipts. The only code that writes or reads the receipt table.

A receipt is rendered once, after its submission was committed, and stored with
its SHA-256; the citizen and the caseworker get those bytes. Rendering may fail
(a font missing, a bug): the submission stands all the same, and the receipt is
made again by the next confirmation page or download, or by the worker's sweep
(`ensure_receipt`, `missing_receipts`).
The citizen's receipt code opens it without the draft cookie: it is derived
from the draft id (a secret that only ever lived in the citizen's cookie), so
the confirmation page can show it again, and only its hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from ..drafts import normalise_code
from ..engine import Form
from ..extensions import db
from ..models import Attachment, Submission
from ..payments.models import Payment
from ..publishing import compiled
from ..reference import ALPHABET
from ..reference import normalise as normalise_reference
from .content import SubmittedFile, receipt_content
from .models import Receipt
from .pdf import render_receipt

CODE_LENGTH = 12  # characters of ALPHABET: 29**12 ≈ 2**58 guesses

log = logging.getLogger("amtsweg.receipt")


def issue_receipt(submission: Submission, form: Form, files: Iterable[SubmittedFile]) -> Receipt:
    """Render the receipt of a stored submission and add it to the session; not committed.

    `files` are the submission's attachments, oldest first. Raises whatever
    rendering raises; `ensure_receipt` is what callers use.
    """
    # The receipt code also opens the status page (portal.mailbox): printed beside the reference.
    printed = receipt_code(submission)
    payment = db.session.execute(select(Payment).where(
        Payment.submission_id == submission.id)).scalar_one_or_none()
    pdf = render_receipt(receipt_content(form, submission, files, access_code=printed,
                                         payment=payment))
    code = printed or secrets.token_urlsafe(16)  # no draft: cookie-less only
    receipt = Receipt(
        submission=submission,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        access_hash=_code_hash(code),
    )
    db.session.add(receipt)
    return receipt


#: Built once: the confirmation page and the download ask on every application.
_BY_SUBMISSION = select(Receipt).where(Receipt.submission_id == bindparam("submission_id"))


def receipt_for(submission: Submission) -> Receipt | None:
    """The stored receipt of a submission (for the citizen's download and the API)."""
    return db.session.execute(
        _BY_SUBMISSION, {"submission_id": submission.id}).scalar_one_or_none()


def ensure_receipt(submission: Submission, form: Form | None = None,
                   files: Iterable[SubmittedFile] | None = None) -> Receipt | None:
    """The submission's receipt, rendered and committed now if it has none yet.

    Returns None when rendering fails: the failure is logged, the session rolled
    back, and the next call tries again. None too for a submission erased after
    its retention time: its receipt is not made again. A receipt made meanwhile by another
    process (the worker, a second browser tab) is returned instead of a second one.
    `form` and `files` spare the queries when the caller has them at hand.
    """
    if (stored := receipt_for(submission)) is not None or submission.deleted_at is not None:
        return stored
    submission_id, reference = submission.id, submission.reference
    try:
        if form is None:
            form = compiled(submission.form_version)
        if files is None:
            files = submitted_files(submission)
        receipt = issue_receipt(submission, form, files)
        db.session.commit()
        return receipt
    except IntegrityError:  # made meanwhile by someone else: theirs counts
        db.session.rollback()
        return receipt_for(submission)
    except Exception:
        db.session.rollback()
        log.exception("the receipt of submission %s (%s) could not be made; it is made "
                      "again later", submission_id, reference)
        return None


def submitted_files(submission: Submission) -> list[Attachment]:
    """A stored submission's attachments in the receipt's order (oldest first)."""
    return list(db.session.execute(
        select(Attachment).where(Attachment.submission_id == submission.id)
        .order_by(Attachment.created_at, Attachment.id)).scalars())


def missing_receipts(limit: int = 50) -> list[str]:
    """Ids of submissions that have their data but no receipt yet, oldest first."""
    return list(db.session.execute(
        select(Submission.id)
        .outerjoin(Receipt, Receipt.submission_id == Submission.id)
        .where(Receipt.id.is_(None), Submission.deleted_at.is_(None))
        .order_by(Submission.submitted_at, Submission.id)
        .limit(limit)
    ).scalars())


def receipt_code(submission: Submission) -> str | None:
    """The code that opens the receipt together with the reference: XXXX-XXXX-XXXX.

    Derived from the draft id with HMAC-SHA-256, so it is the same every time the
    confirmation page is shown and reveals nothing about the draft id.
    """
    if not submission.draft_id:
        return None
    digest = hmac.new(submission.draft_id.encode(), b"amtsweg receipt code", "sha256").digest()
    number = int.from_bytes(digest[:16], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    raw = "".join(chars)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def receipt_by_code(reference: str, code: str) -> Receipt | None:
    """The receipt for a reference and its receipt code, or None for any mismatch.

    A wrong reference and a wrong code look the same to the caller.
    """
    submission = db.session.execute(
        select(Submission).where(Submission.reference == normalise_reference(reference.strip()))
    ).scalar_one_or_none()
    receipt = receipt_for(submission) if submission is not None else None
    given = _code_hash(code)
    if receipt is None or not hmac.compare_digest(receipt.access_hash, given):
        return None
    return receipt


def delete_receipt(submission: Submission) -> None:
    """Delete a submission's receipt (retention: it holds the answers); not committed."""
    if (receipt := receipt_for(submission)) is not None:
        db.session.delete(receipt)


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()
