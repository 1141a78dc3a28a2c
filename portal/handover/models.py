"""The handover's tables: destinations, API clients, the delivery outbox and the event log.

Nothing here holds a submission's personal data: envelopes are built when they
are sent, so deleting a submission's data leaves no copy behind in the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Submission, utcnow


class Destination(db.Model):
    """A receiving authority or specialist procedure; a form's `destination` names one.

    `push_url` and `signing_secret` together switch on push delivery; without
    them the destination pulls. The signing secret is a shared secret that
    must be readable to sign with, so unlike tokens it cannot be a hash.
    """

    __tablename__ = "destination"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    push_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    signing_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: A public RSA key (JWK); when set, envelopes and files travel only as JWE.
    public_jwk: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    #: The authority (portal.authorities) the destination belongs to; its clients see only it.
    authority_id: Mapped[str | None] = mapped_column(String(63), nullable=True, index=True)
    #: The sender of the citizens' e-mails about its cases (portal.mailbox); else MAIL_FROM.
    mail_from: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def pushes(self) -> bool:
        return bool(self.push_url and self.signing_secret)


class ApiClient(db.Model):
    """One bearer token of a destination's system. Only the token's SHA-256 is stored.

    Rotation issues a new row and lets the old one run out at `revoked_at`, so a
    procedure can switch tokens without a gap; `prefix` names a token in lists
    and logs without revealing it.
    """

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination_id: Mapped[int] = mapped_column(ForeignKey("destination.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: From this moment on the token is refused; in the future during a rotation's grace time.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    rotated_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_client.id"), nullable=True
    )

    destination: Mapped[Destination] = relationship(lazy="joined")


class Delivery(db.Model):
    """An outbox row: one submission to push to its destination.

    Written in the submission's own transaction, so a submission never exists
    without its delivery. `webhook_id` stays the same on every attempt; the
    receiver drops duplicates by it. A worker owns a row while `claimed_until`
    lies in the future and its `claim_token` is on it.
    """

    __tablename__ = "delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[str] = mapped_column(String(64), unique=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    destination: Mapped[str] = mapped_column(String(200), index=True)
    #: pending -> delivered | dead (gave up) | pull (no push configured) | skipped (settled)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The give-up clock starts here; `handover retry` restarts it.
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: What it pushes: "submission.created", or "message.received" (a citizen's reply, message_id).
    event: Mapped[str] = mapped_column(String(40), default="submission.created",
                                       server_default="submission.created")
    message_id: Mapped[str | None] = mapped_column(String(36), nullable=True)

    submission: Mapped[Submission] = relationship()


class SubmissionEvent(db.Model):
    """One thing that happened to a submission; the log outlives the submission's data."""

    __tablename__ = "submission_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Technical facts only (attempt, status code, client prefix, hashes), never personal data.
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    submission: Mapped[Submission] = relationship()


#: Every event type, in the order a submission's life usually runs.
EVENT_TYPES = (
    "created",
    "delivery_failed",
    "dead_lettered",
    "requeued",
    "delivered",
    "acknowledged",
    "rejected",
    "status_changed",
    "message_sent",
    "message_received",
    "deleted",
)
