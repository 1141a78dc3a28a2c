"""Drafts: a citizen's answers, kept in the database after every step.

The draft id is random and lives only in the signed session cookie; the
resume code is shown once and stored as a hash.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .extensions import db
from .models import Draft, FormVersion
from .reference import ALPHABET


class DraftGone(Exception):
    """The draft expired or never existed."""


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time here is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


def start_draft(version: FormVersion, language: str, ttl_days: int) -> Draft:
    draft = Draft(
        id=secrets.token_urlsafe(32),
        form_version=version,
        language=language,
        answers={},
        completed_steps=[],
        expires_at=now() + timedelta(days=ttl_days),
    )
    db.session.add(draft)
    db.session.commit()
    return draft


#: The draft by id, with its version's id, number and hash joined in (models.Draft) but not
#: its definition (deferred in the model): the compiled form is cached per process
#: (publishing.compiled). Built once: constructing a statement and its cache key on every
#: request cost more than running it.
_BY_ID = select(Draft).where(Draft.id == bindparam("draft_id"))


def _live(draft: Draft | None) -> Draft | None:
    return draft if draft is not None and _aware(draft.expires_at) > now() else None


def find_draft(draft_id: str | None) -> Draft | None:
    """The live draft with this id, or None; expired drafts count as gone."""
    if not draft_id:
        return None
    return _live(db.session.execute(_BY_ID, {"draft_id": draft_id}).scalar_one_or_none())


#: The columns a step writes. One prepared UPDATE: the ORM's unit of work (history of every
#: attribute, dependency sorting, the joined form version) cost more than the statement.
_STEP_COLUMNS = ("answers", "completed_steps", "current_step", "updated_at", "expires_at")
_SAVE = (update(Draft.__table__).where(Draft.__table__.c.id == bindparam("draft_id"))
         .values({name: bindparam(f"new_{name}", type_=Draft.__table__.c[name].type)
                  for name in _STEP_COLUMNS}))


def save(draft: Draft, answers: dict[str, Any], completed: list[str], current: str | None,
         ttl_days: int) -> None:
    """Store the answers and extend the draft's life: each step counts as activity."""
    moment = now()
    values = dict(zip(_STEP_COLUMNS, (answers, completed, current, moment,
                                      moment + timedelta(days=ttl_days)), strict=True))
    written = db.session.execute(
        _SAVE, {"draft_id": draft.id, **{f"new_{k}": v for k, v in values.items()}})
    if written.rowcount != 1:  # deleted meanwhile (expired and cleaned up)
        db.session.rollback()
        raise DraftGone
    # The draft now holds exactly what was written, as committed state: nothing for the
    # flush to do, and expiring it on commit would only make the redirect that follows load
    # it again (one query more on every step POST).
    for key, value in values.items():
        set_committed_value(draft, key, value)
    session, expiring = db.session(), db.session().expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def issue_resume_code(draft: Draft) -> str:
    """A new resume code for the draft (an earlier one stops working)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    draft.resume_code_hash = _code_hash(raw)
    db.session.commit()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def find_by_resume_code(code: str, form_id: str) -> Draft | None:
    if len(normalise_code(code)) != 12:
        return None
    draft = db.session.execute(
        select(Draft).where(Draft.resume_code_hash == _code_hash(code))
    ).scalar_one_or_none()
    if draft is None or draft.form_version.form_id != form_id or draft.submitted_at:
        return None
    return _live(draft)


def delete_expired() -> int:
    """Delete drafts past their expiry; returns how many."""
    result = db.session.execute(
        delete(Draft).where(Draft.expires_at <= now()).execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount or 0
