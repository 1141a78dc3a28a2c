"""Drafts: a citizen's answers, kept in the database after every step.

The draft id is random and lives only in the signed session cookie; the
resume code is shown once and stored as a hash.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from .extensions import db, transaction_open, unit_of_work
from .models import Draft, FormVersion
from .reference import ALPHABET


class DraftGone(Exception):
    """The draft expired or never existed."""


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time here is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class VersionKey:
    """What a request needs of a draft's form version: which one it is (publishing.compiled)."""

    id: int
    form_id: str
    content_hash: str


@dataclass
class StoredDraft:
    """A citizen's draft as the application handles it: the one draft type.

    (models.Draft only defines the table.) Reading a draft is the first thing every
    wizard page does. Through the ORM (a session, an identity map, two entities for
    the joined version) that read took a quarter of a worker's time on a step page
    (py-spy, docs/benchmarks.md); this is one Core statement on a pooled connection.
    Every write is a statement in a unit of work (`write`, `mark_submitted`, …), and
    `write` keeps this object current.
    """

    id: str
    form_version: VersionKey
    language: str
    answers: dict[str, Any]
    completed_steps: list[str]
    current_step: str | None
    expires_at: datetime
    submitted_at: datetime | None
    #: The version read; a write names it and raises it by one (see `write`).
    version: int = 0

    @property
    def form_version_id(self) -> int:
        return self.form_version.id


_draft, _version = Draft.__table__, FormVersion.__table__
_COLUMNS = ("id", "language", "answers", "completed_steps", "current_step", "expires_at",
            "submitted_at", "version")
#: Built once: constructing a statement and its cache key on every request cost more than
#: running it. The version's 160 kB definition is not read: the compiled form is cached per
#: process (publishing.compiled).
_SELECT = (select(*(_draft.c[name] for name in _COLUMNS), _draft.c.form_version_id,
                  _version.c.form_id, _version.c.content_hash)
           .join(_version, _version.c.id == _draft.c.form_version_id))
_BY_ID = _SELECT.where(_draft.c.id == bindparam("draft_id"))
_BY_CODE = _SELECT.where(_draft.c.resume_code_hash == bindparam("code_hash"))


@contextmanager
def _own_connection() -> Iterator[Any]:
    """A pooled connection of its own, not the request's ORM session, for one statement.

    One statement needs no transaction around it; in autocommit mode PostgreSQL is
    spared the BEGIN and the COMMIT or ROLLBACK. SQLite's driver begins a transaction
    only before a write (which the writer commits), so a read there has none to spare,
    and switching the mode there and back cost as much as the query.
    """
    engine = db.engine
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


def _read(statement: Any, **params: str) -> StoredDraft | None:
    # A page that only reads never starts the ORM session. Nothing the session holds
    # uncommitted is missed: a request reads its draft before it writes anything.
    with _own_connection() as connection:
        return _from_row(connection.execute(statement, params).one_or_none())


def _from_row(row: Any) -> StoredDraft | None:
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


def find_draft_any(draft_id: str | None) -> StoredDraft | None:
    """The draft with this id even past its expiry (a payment confirmed late still becomes
    its submission, portal.payments.service); None only once it was deleted."""
    return _read(_BY_ID, draft_id=draft_id) if draft_id else None


def start_draft(version: FormVersion | VersionKey, language: str, ttl_days: int) -> StoredDraft:
    """A new, empty draft of `version`; its random id goes into the citizen's cookie only."""
    draft = StoredDraft(
        id=secrets.token_urlsafe(32),
        form_version=VersionKey(version.id, version.form_id, version.content_hash),
        language=language, answers={}, completed_steps=[], current_step=None,
        expires_at=now() + timedelta(days=ttl_days), submitted_at=None, version=0)
    moment = now()
    with unit_of_work() as session:
        session.execute(insert(_draft).values(
            id=draft.id, form_version_id=version.id, language=language, answers={},
            completed_steps=[], created_at=moment, updated_at=moment,
            expires_at=draft.expires_at, version=0))
    return draft


#: The columns a step writes. One prepared UPDATE, and only of the version that was read:
#: the ORM's unit of work (history of every attribute, dependency sorting, the joined form
#: version) cost more than the statement.
_STEP_COLUMNS = ("answers", "completed_steps", "current_step", "updated_at", "expires_at")
_SAVE = (update(_draft)
         .where(_draft.c.id == bindparam("draft_id"), _draft.c.version == bindparam("read"))
         .values({**{name: bindparam(f"new_{name}", type_=_draft.c[name].type)
                     for name in _STEP_COLUMNS},
                  "version": _draft.c.version + 1}))
#: How often a write is tried again on the newest answers before the request gives up.
TRIES = 5


class Busy(Exception):
    """Other windows wrote this draft faster than this request could, TRIES times running."""


def write(draft: StoredDraft, change: Callable[[StoredDraft], tuple[dict[str, Any], list[str]]],
          current: str | None, ttl_days: int) -> None:
    """Write the answers `change` makes of the stored draft; each write counts as activity.

    `change(stored)` gets the draft as stored and returns the new answers and
    completed steps. It is first called with `draft` as this request read it; when
    another request (a second tab) wrote the draft since, the write of that version
    finds no row, and `change` is called again with the newest draft, inside this
    unit of work. So a stale write never reverts newer answers: `change` merges
    this request's step into what is stored, or raises to say it cannot (the
    journey's AnswersChanged). Inside a unit of work (or a transaction the session
    began) it joins it: the step's attachments commit with it. Otherwise it is a unit
    of work of its own. `draft` shows what was written afterwards.
    """
    if transaction_open():
        # Joins it (a step's new files commit with its answers): Core statements on the
        # unit's own connection, in its transaction.
        with unit_of_work() as session:
            _write(session.connection(), draft, change, current, ttl_days)
        return
    # The write is the whole unit of work: its UPDATE is one statement, atomic on its own,
    # and the version it names keeps a stale write out (a retry reads again). So it runs
    # without the ORM session, and on PostgreSQL in one round trip instead of three.
    with _own_connection() as connection:
        _write(connection, draft, change, current, ttl_days)
        connection.commit()


def _write(connection: Any, draft: StoredDraft,
           change: Callable[[StoredDraft], tuple[dict[str, Any], list[str]]],
           current: str | None, ttl_days: int) -> None:
    stored = draft
    for _ in range(TRIES):
        answers, completed = change(stored)
        moment = now()
        values = dict(zip(_STEP_COLUMNS, (answers, completed, current, moment,
                                          moment + timedelta(days=ttl_days)), strict=True))
        params = {"draft_id": draft.id, "read": stored.version,
                  **{f"new_{k}": v for k, v in values.items()}}
        if connection.execute(_SAVE, params).rowcount == 1:
            hold(draft, {**values, "version": stored.version + 1})
            return
        stored = _from_row(connection.execute(_BY_ID, {"draft_id": draft.id}).one_or_none())
        if stored is None or _live(stored) is None:
            raise DraftGone  # deleted meanwhile (expired and cleaned up)
    raise Busy


def save(draft: StoredDraft, answers: dict[str, Any], completed: list[str], current: str | None,
         ttl_days: int) -> None:
    """Store exactly these answers, whatever another window stored meanwhile (tests, tools)."""
    write(draft, lambda _stored: (answers, completed), current, ttl_days)


def hold(draft: StoredDraft, values: dict[str, Any]) -> None:
    """After a write: the request's draft object shows what was written."""
    for key, value in values.items():
        if key != "updated_at":
            setattr(draft, key, value)


_MARK_SUBMITTED = (update(_draft)
                   .where(_draft.c.id == bindparam("draft_id"),
                          _draft.c.version == bindparam("read"), _draft.c.submitted_at.is_(None))
                   .values(submitted_at=bindparam("moment")))


class Changed(Exception):
    """The draft was written (or sent) by another request since this one read it."""


def mark_submitted(draft: StoredDraft, moment: datetime) -> None:
    """In the unit of work that writes the draft's submission: mark it submitted.

    Only the version that was read: answers changed in another window meanwhile
    are never sent unseen (Changed; the caller reads the draft again).
    """
    params = {"draft_id": draft.id, "read": draft.version, "moment": moment}
    if db.session.execute(_MARK_SUBMITTED, params).rowcount != 1:
        raise Changed


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


_SET_CODE = (update(_draft).where(_draft.c.id == bindparam("draft_id"))
             .values(resume_code_hash=bindparam("code_hash")))


def issue_resume_code(draft: StoredDraft) -> str:
    """A new resume code for the draft (an earlier one stops working)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    with unit_of_work() as session:
        session.execute(_SET_CODE, {"draft_id": draft.id, "code_hash": _code_hash(raw)})
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def find_by_resume_code(code: str, form_id: str) -> StoredDraft | None:
    if len(normalise_code(code)) != 12:
        return None
    draft = _read(_BY_CODE, code_hash=_code_hash(code))
    if draft is None or draft.form_version.form_id != form_id or draft.submitted_at:
        return None
    return _live(draft)


#: How long an open payment keeps its expired draft from being deleted.
OPEN_PAYMENT_KEEPS = timedelta(days=7)


def delete_expired() -> int:
    """Delete drafts past their expiry; returns how many."""
    from .payments.models import Payment

    _payment = Payment.__table__
    # A draft whose payment is still open (for up to OPEN_PAYMENT_KEEPS; a provider gives up
    # on a payment long before), or paid and not yet sent, is kept: a payment confirmed after
    # the draft expired still becomes its submission (docs/payments.md).
    waiting = select(_payment.c.id).where(
        _payment.c.draft_id == _draft.c.id,
        ((_payment.c.status == "open") & (_payment.c.created_at > now() - OPEN_PAYMENT_KEEPS))
        | ((_payment.c.status == "paid") & _payment.c.submission_id.is_(None)
           & _payment.c.note.is_(None)))
    with unit_of_work() as session:
        result = session.execute(delete(_draft).where(_draft.c.expires_at <= now(),
                                                      ~waiting.exists()))
    return result.rowcount or 0
