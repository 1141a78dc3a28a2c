"""The designer's tables: staff accounts, form drafts, preview answers and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import FormVersion, utcnow

#: designer: edit, preview, copy, import, export. publisher: all of that, plus publish and retire.
#: An administrator edits the authority's contacts and legal texts (designer/authority.py).
ROLES = ("designer", "publisher", "administrator")


class StaffUser(db.Model):
    """A person at an authority who designs or publishes forms."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    #: The authority the person works for (a record: portal.authorities.models.Authority).
    authority: Mapped[str] = mapped_column(ForeignKey("authority.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: Part of every session of this person; a new value ends them all (logging out does).
    session_nonce: Mapped[str] = mapped_column(String(43))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def can_publish(self) -> bool:
        return self.role == "publisher"

    @property
    def can_administer(self) -> bool:
        return self.role == "administrator"


class FormDraft(db.Model):
    """A designer's working copy of a form: the JSON text exactly as typed, valid or not."""

    __tablename__ = "form_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The "id" of the definition when it was last readable; names the draft in lists.
    form_id: Mapped[str] = mapped_column(String(63), index=True)
    authority: Mapped[str] = mapped_column(String(63), index=True)
    text: Mapped[str] = mapped_column(Text)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("form_version.id"), nullable=True)
    #: Counts saves, so that two people editing the same draft never overwrite each other unseen.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    based_on: Mapped[FormVersion | None] = relationship(lazy="joined")


class PreviewAnswers(db.Model):
    """What one designer entered in the preview of one draft; never a submission."""

    __tablename__ = "preview_answers"
    __table_args__ = (UniqueConstraint("form_draft_id", "staff_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_draft_id: Mapped[int] = mapped_column(
        ForeignKey("form_draft.id", ondelete="CASCADE"), index=True
    )
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    completed_steps: Mapped[list] = mapped_column(JSON, default=list)
    #: Files "uploaded" in the preview: only their names and sizes, never their content.
    files: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(db.Model):
    """One thing someone did in the designer: who, what, when, which form and version."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    authority: Mapped[str | None] = mapped_column(String(63), index=True, nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    form_id: Mapped[str | None] = mapped_column(String(63), nullable=True)
    version: Mapped[str | None] = mapped_column(String(32), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    #: The draft the entry concerns (kept after the draft is published or deleted).
    draft_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
