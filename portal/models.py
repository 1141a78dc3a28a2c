"""Database models. Every model runs unchanged on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class FormVersion(db.Model):
    """One published, immutable version of a form definition."""

    __tablename__ = "form_version"
    __table_args__ = (UniqueConstraint("form_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(63), index=True)
    version: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(71))
    # The definition as published, codelists resolved, so it never changes under a draft.
    # Deferred (~160 kB of JSON): a request needs the id and hash, because the compiled form
    # is cached per process (publishing.compiled); reading .definition loads it on first use.
    definition: Mapped[dict] = mapped_column(JSON, deferred=True)
    status: Mapped[str] = mapped_column(String(16), default="published")
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: The authority that published it (portal.designer); None for the forms shipped in forms/.
    authority: Mapped[str | None] = mapped_column(String(63), nullable=True, index=True)
    published_by: Mapped[str | None] = mapped_column(String(254), nullable=True)

    def __repr__(self) -> str:
        return f"<FormVersion {self.form_id} {self.version}>"


class Draft(db.Model):
    """A citizen's application in progress, saved after every step.

    The id is random and travels only in the signed session cookie. A draft is
    bound to the form version it started on and finishes on it.
    """

    __tablename__ = "draft"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_version.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Steps the citizen has completed, in the order of the form.
    completed_steps: Mapped[list] = mapped_column(JSON, default=list)
    current_step: Mapped[str | None] = mapped_column(String(63), nullable=True)
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: Raised by one with every write of the answers; a write names the version it read
    #: (portal.drafts.write), so a stale write never reverts newer answers.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    form_version: Mapped[FormVersion] = relationship(lazy="joined")


class Submission(db.Model):
    """A finished application, immutable once written."""

    __tablename__ = "submission"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_version.id"), index=True)
    #: One draft becomes at most one submission: a double click cannot submit twice.
    draft_id: Mapped[str | None] = mapped_column(String(43), unique=True, nullable=True)
    destination: Mapped[str] = mapped_column(String(200), index=True)
    language: Mapped[str] = mapped_column(String(8))
    data: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The procedure's answer (portal.handover.lifecycle) and the end of retention.
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    case_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    rejected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    rejection_reason: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: The responsible authority (portal.authorities) and, as the citizen was told: its id,
    #: name, AGS, destination, postal address and contacts at the moment of submission.
    authority_id: Mapped[str | None] = mapped_column(String(63), nullable=True, index=True)
    authority: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    form_version: Mapped[FormVersion] = relationship(lazy="joined")


class Attachment(db.Model):
    """A file a citizen uploaded, stored under a random key, never under its own name."""

    __tablename__ = "attachment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    draft_id: Mapped[str | None] = mapped_column(String(43), index=True, nullable=True)
    submission_id: Mapped[str | None] = mapped_column(
        ForeignKey("submission.id"), index=True, nullable=True
    )
    field_name: Mapped[str] = mapped_column(String(63))
    display_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
