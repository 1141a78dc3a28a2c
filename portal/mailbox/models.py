"""The mailbox's tables: status history, messages and their files, sign-in links, mail queue.

A case status is set by the destination's client; until it sets one, the case
is `received`. Messages hold personal data (free text, files): retention
deletes them with the submission (portal.handover.retention). The mail queue
holds only the address, the reference and a link (a resume link carries the resume code, so
its bodies are sealed while queued and its row is deleted once sent), never an answer or
message text.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow

#: The statuses a destination's client sets, in the order a case usually runs.
CASE_STATUSES = ("received", "in_progress", "info_requested", "decided", "closed")
#: Who wrote a message.
AUTHORITY, CITIZEN = "authority", "citizen"


class StatusChange(db.Model):
    """One status a client set, with its optional note for the citizen."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    client: Mapped[str | None] = mapped_column(String(16), nullable=True)


class Message(db.Model):
    """A message of the thread: from the authority (`client` set) or the citizen's reply."""

    __tablename__ = "message"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    author: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    answer_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    answer_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(36), nullable=True)
    client: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: When the recipient first opened it (the citizen's status page shows the message).
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MessageFile(db.Model):
    """A file of a message, in the uploads' storage under a random key."""

    __tablename__ = "message_file"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("message.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SignInLink(db.Model):
    """A single-use, time-limited link to the status page; only its hash is stored."""

    __tablename__ = "sign_in_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


#: Mails that carry a secret (a resume code) and belong to no submission: deleted once sent or
#: given up (portal.mailbox.mail), since no retention period would ever reach them.
FORGOTTEN_ONCE_SENT = frozenset({"resume_link"})


class OutgoingMail(db.Model):
    """An e-mail waiting for the worker (or sent). Rendered when queued, sent as it is."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str | None] = mapped_column(
        ForeignKey("submission.id"), index=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    #: The destination's sender when it has one, else the portal's MAIL_FROM at sending time.
    sender: Mapped[str | None] = mapped_column(String(254), nullable=True)
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    #: pending -> sent | dead (gave up)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                      index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
