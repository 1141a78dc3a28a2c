"""Drafts: a citizen's answers, kept in the database after every step.

The draft id is random and lives only in the signed session cookie; the
resume code is shown once and stored as a hash.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
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


@dataclass(frozen=True)
class VersionKey:
    """What a request needs of a draft's form version: which one it is (publishing.compiled)."""

    id: int
    form_id: str
    content_hash: str


@dataclass
class StoredDraft:
    """A draft as one request reads it: its columns and its version, held by no ORM session.

    Reading a draft is the first thing every wizard page does. Through the ORM
    (a session, an identity map, two entities for the joined version) that read
    took a quarter of a worker's time on a step page (py-spy, docs/benchmarks.md);
    this is one Core statement on a pooled connection. Writes go through `save`
    (and, for the rare other changes, statements of their own), which keep this
    object current.
    """

    id: str
    form_version: VersionKey
    language: str
    answers: dict[str, Any]
    completed_steps: list[str]
    current_step: str | None
    expires_at: datetime
    submitted_at: datetime | None

    @property
    def form_version_id(self) -> int:
        return self.form_version.id


_draft, _version = Draft.__table__, FormVersion.__table__
_COLUMNS = ("id", "language", "answers", "completed_steps", "current_step", "expires_at",
            "submitted_at")
#: Built once: constructing a statement and its cache key on every request cost more than
#: running it. The version's 160 kB definition is not read: the compiled form is cached per
#: process (publishing.compiled).
_SELECT = (select(*(_draft.c[name] for name in _COLUMNS), _draft.c.form_version_id,
                  _version.c.form_id, _version.c.content_hash)
           .join(_version, _version.c.id == _draft.c.form_version_id))
_BY_ID = _SELECT.where(_draft.c.id == bindparam("draft_id"))
_BY_CODE = _SELECT.where(_draft.c.resume_code_hash == bindparam("code_hash"))


def _read(statement: Any, **params: str) -> StoredDraft | None:
    # Its own pooled connection, not the request's ORM session: a page that only reads
    # never starts one. Nothing the session holds uncommitted is missed: a request
    # reads its draft before it writes anything. One statement needs no transaction
    # around it; in autocommit mode PostgreSQL is spared the BEGIN and the ROLLBACK.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        row = connection.execute(statement, params).one_or_none()
    if row is None:
        return None
    values = row._mapping
    return StoredDraft(
        **{name: values[name] for name in _COLUMNS},
        form_version=VersionKey(values["form_version_id"], values["form_id"],
                                values["content_hash"]))


def _live(draft: StoredDraft | None) -> StoredDraft | None:
    return draft if draft is not None and _aware(draft.expires_at) > now() else None


def find_draft(draft_id: str | None) -> StoredDraft | None:
    """The live draft with this id, or None; expired drafts count as gone."""
    if not draft_id:
        return None
    return _live(_read(_BY_ID, draft_id=draft_id))


#: The columns a step writes. One prepared UPDATE: the ORM's unit of work (history of every
#: attribute, dependency sorting, the joined form version) cost more than the statement.
_STEP_COLUMNS = ("answers", "completed_steps", "current_step", "updated_at", "expires_at")
_SAVE = (update(Draft.__table__).where(Draft.__table__.c.id == bindparam("draft_id"))
         .values({name: bindparam(f"new_{name}", type_=Draft.__table__.c[name].type)
                  for name in _STEP_COLUMNS}))


def save(draft: StoredDraft | Draft, answers: dict[str, Any], completed: list[str],
         current: str | None, ttl_days: int) -> None:
    """Store the answers and extend the draft's life: each step counts as activity.

    The step's other changes in this request's session (an attachment added or
    removed) are committed with it, in one transaction; a step with none writes on
    a pooled connection of its own, without an ORM session.
    """
    moment = now()
    values = dict(zip(_STEP_COLUMNS, (answers, completed, current, moment,
                                      moment + timedelta(days=ttl_days)), strict=True))
    params = {"draft_id": draft.id, **{f"new_{k}": v for k, v in values.items()}}
    session = db.session() if db.session.registry.has() else None
    if session is not None and (session.in_transaction() or session.new or session.deleted
                                or session.dirty):
        written = session.execute(_SAVE, params)
        if written.rowcount != 1:  # deleted meanwhile (expired and cleaned up)
            session.rollback()
            raise DraftGone
        expiring = session.expire_on_commit
        session.expire_on_commit = False  # an ORM Draft (tests) stays loaded, see hold()
        try:
            hold(draft, values)
            session.commit()
        finally:
            session.expire_on_commit = expiring
        return
    with db.engine.begin() as connection:
        if connection.execute(_SAVE, params).rowcount != 1:
            raise DraftGone  # leaving the block rolls back
    hold(draft, values)


def hold(draft: StoredDraft | Draft, values: dict[str, Any]) -> None:
    """After a commit: the draft object shows what was written (as committed state, for an
    ORM Draft, so that nothing is left for a flush)."""
    if isinstance(draft, Draft):
        for key, value in values.items():
            set_committed_value(draft, key, value)
        return
    for key, value in values.items():
        if key != "updated_at":
            setattr(draft, key, value)


_MARK_SUBMITTED = (update(_draft).where(_draft.c.id == bindparam("draft_id"))
                   .values(submitted_at=bindparam("moment")))


def mark_submitted(draft: StoredDraft | Draft, moment: datetime) -> None:
    """In the session's transaction that writes the draft's submission: mark it submitted."""
    db.session.execute(_MARK_SUBMITTED, {"draft_id": draft.id, "moment": moment})


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


_SET_CODE = (update(_draft).where(_draft.c.id == bindparam("draft_id"))
             .values(resume_code_hash=bindparam("code_hash")))


def issue_resume_code(draft: StoredDraft | Draft) -> str:
    """A new resume code for the draft (an earlier one stops working)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    db.session.execute(_SET_CODE, {"draft_id": draft.id, "code_hash": _code_hash(raw)})
    db.session.commit()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def find_by_resume_code(code: str, form_id: str) -> StoredDraft | None:
    if len(normalise_code(code)) != 12:
        return None
    draft = _read(_BY_CODE, code_hash=_code_hash(code))
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
