"""Issuing and finding receipts. The only code that writes or reads the receipt table.

A receipt is rendered once, in the transaction that writes its submission,
and stored with its SHA-256; the citizen and the caseworker get those bytes.
The citizen's receipt code opens it without the draft cookie: it is derived
from the draft id (a secret that only ever lived in the citizen's cookie), so
the confirmation page can show it again, and only its hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from sqlalchemy import bindparam, select

from ..drafts import normalise_code
from ..engine import Form
from ..extensions import db
from ..models import Submission
from ..reference import ALPHABET
from ..reference import normalise as normalise_reference
from .content import SubmittedFile, receipt_content
from .models import Receipt
from .pdf import render_receipt

CODE_LENGTH = 12  # characters of ALPHABET: 29**12 ≈ 2**58 guesses


def issue_receipt(submission: Submission, form: Form, files: Iterable[SubmittedFile]) -> Receipt:
    """Render and store the receipt of a submission that is being written; not committed.

    `files` are the submission's attachments, oldest first. Called by
    portal.submissions.submit() before its commit, so a submission never exists
    without its receipt.
    """
    pdf = render_receipt(receipt_content(form, submission, files))
    code = receipt_code(submission) or secrets.token_urlsafe(16)  # no draft: cookie-less only
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
