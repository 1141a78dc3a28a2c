"""The audit log: every action in the designer, with who, when, which form and version."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from ..extensions import db
from .models import AuditEntry, utcnow

#: The actions the log knows, in the words the log page shows (see templates/designer/audit.html).
ACTIONS = (
    "account_created", "login", "login_failed", "login_refused", "logout", "denied",
    "draft_created", "draft_copied", "draft_imported", "draft_saved", "draft_deleted",
    "published", "retired", "exported", "authority_changed",
    "texts_confirmed", "texts_imported", "published_outdated",
)


def record(action: str, *, actor: str | None = None, authority: str | None = None,
           form_id: str | None = None, version: str | None = None, detail: str = "",
           draft_id: int | None = None) -> None:
    """Add an entry to the session; it is written with the change it describes."""
    staff = g.get("staff")
    db.session.add(AuditEntry(
        at=utcnow(),
        actor=(actor or (staff.email if staff else "-"))[:254],
        authority=authority or (staff.authority if staff else None),
        action=action,
        form_id=(form_id or None) and form_id[:63],
        version=(version or None) and version[:32],
        detail=detail[:2000],
        draft_id=draft_id,
    ))


def entries(authority: str, limit: int = 100, before: int | None = None) -> list[AuditEntry]:
    """The newest entries of one authority, `limit` at a time, older than entry id `before`."""
    query = select(AuditEntry).where(AuditEntry.authority == authority)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    return list(db.session.execute(query.order_by(AuditEntry.id.desc()).limit(limit)).scalars())


#: What counts as changing a draft: its authors are the people behind these entries.
DRAFT_CHANGES = ("draft_created", "draft_copied", "draft_imported", "draft_saved")


def draft_changes(draft_id: int) -> list[AuditEntry]:
    """Who changed a draft and when, oldest first (the publication page's list)."""
    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.draft_id == draft_id,
                                 AuditEntry.action.in_(DRAFT_CHANGES))
        .order_by(AuditEntry.id)).scalars())
