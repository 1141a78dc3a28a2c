"""Published form versions: publishing definitions, finding the current one, compiling."""

from __future__ import annotations

import copy
import hashlib
import time
from functools import lru_cache
from pathlib import Path
from threading import Lock
from weakref import WeakKeyDictionary

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.dml import UpdateBase

from .drafts import VersionKey
from .engine import Form, check_definition, compile_form, content_hash
from .engine.errors import DefinitionError
from .extensions import db
from .models import FormVersion


class VersionConflict(Exception):
    """The same form id and version was already published with other content."""


def publish(definition: dict, *, authority: str | None = None,
            published_by: str | None = None) -> tuple[FormVersion, bool]:
    """Publish a checked, resolved definition; returns (version, newly published).

    Publishing the identical content again is a no-op, so loading the shipped
    forms on every start is safe. A changed definition needs a new version.
    `authority` owns the new version (None: shipped with the platform);
    `published_by` names the person (the designer's audit log says more).
    """
    digest = content_hash(definition)
    existing = db.session.execute(
        select(FormVersion).filter_by(form_id=definition["id"], version=definition["version"])
    ).scalar_one_or_none()
    if existing is not None:
        if existing.content_hash != digest:
            raise VersionConflict(
                f"{definition['id']} {definition['version']} is already published with other "
                "content; give the changed definition a new version number"
            )
        return existing, False
    version = FormVersion(
        form_id=definition["id"],
        version=definition["version"],
        content_hash=digest,
        definition=definition,
        authority=authority,
        published_by=published_by,
    )
    db.session.add(version)
    db.session.flush()
    return version, True


def configured_codelists() -> list[Path]:
    """The codelist folder the configuration names (CODELISTS_DIR), looked in first.

    None outside an application (a library caller): there is no configuration then.
    """
    folder = current_app.config.get("CODELISTS_DIR") if has_app_context() else None
    return [Path(folder)] if folder else []


def load_shipped_forms(forms_dir: Path) -> list[tuple[FormVersion, bool]]:
    """Publish every definition in `forms_dir`; raises DefinitionError on the first bad one."""
    return [publish(document) for document in shipped_definitions(forms_dir)]


def shipped_definitions(forms_dir: Path) -> list[dict]:
    """The checked, resolved definitions in `forms_dir`; raises DefinitionError on a bad one.

    They are checked once per process for each content of the directory (its files and
    codelists, hashed), so a changed file is checked again; each call gets its own copy.
    """
    codelists = tuple(str(folder) for folder in configured_codelists())
    return copy.deepcopy(_checked(str(forms_dir), _directory_digest(forms_dir), codelists))


def _directory_digest(forms_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in forms_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(forms_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _checked(forms_dir: str, digest: str, codelists: tuple[str, ...]) -> tuple[dict, ...]:
    # `digest` is the cache key only: the same directory with other content is checked again.
    documents = []
    for path in sorted(Path(forms_dir).glob("*.json")):
        document, problems = check_definition(path, Path(forms_dir),
                                              codelists=[Path(c) for c in codelists])
        if document is None:
            raise DefinitionError(problems)
        documents.append(document)
    return tuple(documents)


def current_version(form_id: str) -> FormVersion | None:
    """The newest published, not retired version of a form."""
    versions = db.session.execute(
        select(FormVersion).filter_by(form_id=form_id, status="published")
    ).scalars()
    return max(versions, key=lambda v: _semver(v.version), default=None)


#: How long a process keeps the answer of `current` (seconds). Publishing or retiring a
#: version in this process forgets it at once; other processes and nodes see it after at
#: most this long (a start page, a new draft of the version that was current till then).
CURRENT_SECONDS = 5.0
_current: WeakKeyDictionary[Engine, dict[str, tuple[float, VersionKey | None]]] = \
    WeakKeyDictionary()
_current_lock = Lock()


def current(form_id: str) -> VersionKey | None:
    """The current version of a form (as `current_version`), kept for CURRENT_SECONDS.

    Every start page and every new draft asks; the query and its ORM object cost a
    start page more than a fifth of its CPU time.
    """
    engine = db.engine
    moment = time.monotonic()
    kept = _current.get(engine)
    hit = kept.get(form_id) if kept is not None else None
    if hit is not None and moment - hit[0] < CURRENT_SECONDS:
        return hit[1]
    version = current_version(form_id)
    key = (VersionKey(version.id, version.form_id, version.content_hash)
           if version is not None else None)
    with _current_lock:
        kept = _current.setdefault(engine, {})
        if len(kept) > 1024:
            kept.clear()
        kept[form_id] = (moment, key)
    return key


@event.listens_for(Engine, "after_execute")
def _forget_current(conn: Connection, statement: object, *_args: object) -> None:
    """A statement of this process wrote form versions (publish, retire, delete): forget."""
    if not isinstance(statement, UpdateBase):
        return
    table = getattr(statement, "table", None)
    if getattr(table, "__table__", table) is _VERSIONS:  # the Table, or the ORM entity
        with _current_lock:
            _current.pop(conn.engine, None)


_VERSIONS = FormVersion.__table__


def published_forms() -> list[FormVersion]:
    """The current version of every published form."""
    rows = db.session.execute(select(FormVersion).filter_by(status="published")).scalars()
    newest: dict[str, FormVersion] = {}
    for row in rows:
        if row.form_id not in newest or _semver(row.version) > _semver(newest[row.form_id].version):
            newest[row.form_id] = row
    return sorted(newest.values(), key=lambda v: v.form_id)


def _semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("-")[0].split("."))


@lru_cache(maxsize=256)
def _compiled(digest: str, version_id: int) -> Form:
    # The one place a request reads a definition (deferred in models.FormVersion).
    definition = db.session.execute(
        select(FormVersion.definition).where(FormVersion.id == version_id)).scalar_one()
    return compile_form(definition)


def compiled(version: FormVersion) -> Form:
    """The runtime model of a version, compiled once per process (versions never change)."""
    return _compiled(version.content_hash, version.id)
