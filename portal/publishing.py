"""Published form versions: publishing definitions, finding the current one, compiling."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import select

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
    results = []
    for path in sorted(forms_dir.glob("*.json")):
        document, problems = check_definition(path, forms_dir, codelists=configured_codelists())
        if document is None:
            raise DefinitionError(problems)
        results.append(publish(document))
    return results


def current_version(form_id: str) -> FormVersion | None:
    """The newest published, not retired version of a form."""
    versions = db.session.execute(
        select(FormVersion).filter_by(form_id=form_id, status="published")
    ).scalars()
    return max(versions, key=lambda v: _semver(v.version), default=None)


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
