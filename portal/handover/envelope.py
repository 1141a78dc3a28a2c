"""The envelope a procedure receives (schemas/submission.schema.json), and a submission as shown.

Push and pull hand over the same `describe()` document, so a receiver needs one
parser. Links are paths relative to the portal's base URL: the worker builds
envelopes without a request and cannot know under which host it is reached.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import select

from ..config import PACKAGE_FILES
from ..extensions import db
from ..models import Attachment, Submission
from ..payments.models import Payment
from ..receipt.models import Receipt
from ..receipt.service import receipt_for
from . import encryption

API_ROOT = "/api/v1"
SCHEMA_PATH = PACKAGE_FILES / "schemas" / "submission.schema.json"
#: Statuses after which nothing more is handed over.
SETTLED = ("acknowledged", "rejected", "deleted")
STATUSES = ("new", "delivered", "acknowledged", "rejected", "deleted")


def rfc3339(moment: datetime | None, precise: bool = False) -> str | None:
    """UTC with a Z, to the second (or millisecond): what every receiver parses.

    SQLite hands datetimes back without their zone; every time here is UTC.
    """
    if moment is None:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds" if precise else "seconds")
    return text.replace("+00:00", "Z")


def submission_path(submission_id: str) -> str:
    return f"{API_ROOT}/submissions/{submission_id}"


def data_schema_path(form_id: str, version: str) -> str:
    return f"{API_ROOT}/forms/{form_id}/versions/{version}/data-schema"


@cache
def envelope_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _envelope_validator() -> Draft202012Validator:
    return Draft202012Validator(envelope_schema(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def attachments_of(submission: Submission) -> list[Attachment]:
    return list(
        db.session.execute(
            select(Attachment)
            .where(Attachment.submission_id == submission.id)
            .order_by(Attachment.created_at, Attachment.id)
        ).scalars()
    )


def payment_of(submission_id: str) -> Payment | None:
    return db.session.execute(select(Payment).where(Payment.submission_id == submission_id)
                              ).scalar_one_or_none()


def receipt_of(submission: Submission) -> Receipt | None:
    """The submission's PDF receipt (portal.receipt), or None if it has none."""
    return receipt_for(submission)


def hex_sha256(value: str) -> str:
    """A hex digest, whether stored plain or as "sha256:…"."""
    return value.split(":", 1)[1] if value.startswith("sha256:") else value


def build_envelope(submission: Submission) -> dict[str, Any]:
    """The envelope of a submission whose data still exists; it validates against the schema."""
    version = submission.form_version
    path = submission_path(submission.id)
    metadata: dict[str, Any] = {
        "submission_id": submission.id,
        "reference": submission.reference,
        "destination": submission.destination,
        **({"authority": submission.authority} if submission.authority else {}),
        "submitted_at": rfc3339(submission.submitted_at),
        "language": submission.language,
        "form": {
            "id": version.form_id,
            "version": version.version,
            "content_hash": version.content_hash,
            "data_schema": data_schema_path(version.form_id, version.version),
        },
        "attachments": [
            {
                "id": a.id,
                "field": a.field_name,
                "name": a.display_name,
                "media_type": a.media_type,
                "size": a.size,
                "sha256": a.sha256,
                "href": f"{path}/attachments/{a.id}",
            }
            for a in attachments_of(submission)
        ],
    }
    if (receipt := receipt_of(submission)) is not None:
        metadata["receipt"] = {"href": f"{path}/receipt", "sha256": hex_sha256(receipt.sha256)}
    if (payment := payment_record(submission.id)) is not None:
        metadata["payment"] = payment
    envelope = {"metadata": metadata, "data": submission.data}
    errors = sorted(_envelope_validator().iter_errors(envelope), key=str)
    if errors:
        # A broken envelope is our bug; never hand it over.
        raise ValueError(f"envelope breaks submission.schema.json: {errors[0].message}")
    return envelope


def payment_record(submission_id: str) -> dict[str, Any] | None:
    """The payment that paid for a submission, as the envelope hands it over (or None)."""
    payment = payment_of(submission_id)
    if payment is None:
        return None
    return {
        "status": "paid" if payment.status == "paid" else "failed"
        if payment.status in ("failed", "cancelled") else "open",
        "amount": payment.amount,
        "currency": payment.currency,
        "reference": payment.reference,
        "provider": payment.provider,
        "transaction_id": payment.provider_payment_id,
        "paid_at": rfc3339(payment.paid_at),
        "items": [{"code": item.get("code", ""), "amount": item.get("amount", 0),
                   "label": (item.get("label") or {}).get("de", "")}
                  for item in payment.items or []],
    }


def payments_of(submission_ids: list[str]) -> dict[str, Payment]:
    """The payments of several submissions in one statement (a list page)."""
    if not submission_ids:
        return {}
    rows = db.session.execute(select(Payment).where(Payment.submission_id.in_(submission_ids)))
    return {p.submission_id: p for p in rows.scalars()}


def payment_summary(payment: Payment | None) -> dict[str, Any] | None:
    if payment is None:
        return None
    return {"status": "paid" if payment.status == "paid" else "open", "amount": payment.amount,
            "currency": payment.currency, "reference": payment.reference}


_UNKNOWN: Any = object()


def summary(submission: Submission, payment: Any = _UNKNOWN) -> dict[str, Any]:
    """What a list shows: no personal data, only the state of the handover (and whether a fee
    was paid: `payment`, or None for a form without a fee). A list passes each submission's
    payment (payments_of) instead of one query per row."""
    if payment is _UNKNOWN:
        payment = payment_of(submission.id)
    return {
        "id": submission.id,
        "reference": submission.reference,
        "destination": submission.destination,
        "form": {"id": submission.form_version.form_id, "version": submission.form_version.version},
        "status": submission.status,
        "submitted_at": rfc3339(submission.submitted_at),
        "acknowledged_at": rfc3339(submission.acknowledged_at),
        "case_number": submission.case_number,
        "rejected_at": rfc3339(submission.rejected_at),
        "rejection_reason": submission.rejection_reason,
        "deleted_at": rfc3339(submission.deleted_at),
        "payment": payment_summary(payment),
    }


def describe(submission: Submission, public_jwk: dict | None) -> dict[str, Any]:
    """The submission with its envelope, encrypted for the destination if it has a key.

    A deleted submission keeps its summary and loses its envelope.
    """
    document = summary(submission)
    if submission.deleted_at is not None:
        return document
    envelope = build_envelope(submission)
    if public_jwk:
        plaintext = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        document["encrypted_envelope"] = encryption.encrypt(plaintext, public_jwk,
                                                            "application/json")
    else:
        document["envelope"] = envelope
    return document


def data_sha256(data: dict) -> str:
    """A hash of the data in canonical JSON: what the tombstone keeps instead of the data."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
