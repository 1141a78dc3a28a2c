"""Drafts: a citizen's answers, kept in the database after every step.

The draft id is random and lives only in the signed session cookie; the
resume code is shown once and stored as a hash.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

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


#: A step needs the version's id and hash, not its definition: the compiled form is cached
#: per process (publishing.compiled), and loading ~160 kB of JSON on every request took a
#: tenth of a step's time (bench/wizard.py). Touching .definition still loads it.
_WITHOUT_DEFINITION = joinedload(Draft.form_version).defer(FormVersion.definition)


def find_draft(draft_id: str | None) -> Draft | None:
    """The live draft with this id, or None; expired drafts count as gone."""
    if not draft_id:
        return None
    draft = db.session.get(Draft, draft_id, options=[_WITHOUT_DEFINITION])
    if draft is None or _aware(draft.expires_at) <= now():
        return None
    return draft


def save(draft: Draft, answers: dict[str, Any], completed: list[str], current: str | None,
         ttl_days: int) -> None:
    """Store the answers and extend the draft's life: each step counts as activity."""
    draft.answers = answers
    draft.completed_steps = completed
    draft.current_step = current
    draft.updated_at = now()
    draft.expires_at = now() + timedelta(days=ttl_days)
    # The draft now holds exactly what was written, so expiring it on commit would only
    # make the redirect that follows load it again: one query more on every step POST.
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
    return find_draft(draft.id)


def delete_expired() -> int:
    """Delete drafts past their expiry; returns how many."""
    result = db.session.execute(
        delete(Draft).where(Draft.expires_at <= now()).execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount or 0
