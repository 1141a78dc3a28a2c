"""An authority's forms: who owns a form id, drafts made new, copied or imported, saved, discarded.

A form id belongs to the authority that published a version of it, or else to
the authority with the oldest draft of it. A shipped form in forms/ is shared by
every authority and belongs to the one whose authority file lists it in `owns`
(or to none): only that authority publishes new versions of it; the others
override their own texts, contacts and destination (designer/authority.py).
Anyone signed in may copy a shipped form under an id of their own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..authorities import owner_of_shipped
from ..engine import check_definition, content_hash
from ..extensions import db
from ..models import FormVersion
from ..publishing import _semver  # the one ordering of versions, shared with the catalogue
from . import audit
from .models import FormDraft, PreviewAnswers, StaffUser, utcnow
from .positions import locate

FORM_ID = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
SCHEMA_REFERENCE = "../schemas/form.schema.json"


class Conflict(Exception):
    """Someone else saved the draft since it was opened; nothing was overwritten."""

    def __init__(self, current: FormDraft) -> None:
        super().__init__(f"draft {current.id} is at revision {current.revision}")
        self.current = current


# -- who may see what ------------------------------------------------------------------------


def is_shared(form_id: str) -> bool:
    """Whether the form id is one of the forms shipped with the platform (forms/)."""
    return db.session.execute(
        select(FormVersion.id).where(FormVersion.form_id == form_id,
                                     FormVersion.authority.is_(None)).limit(1)
    ).scalar_one_or_none() is not None


def owner_of(form_id: str) -> str | None:
    """The authority a form id belongs to, or None (not used yet, or a shipped form no
    authority maintains).

    A shipped, shared form belongs to the authority whose file lists it in `owns`
    (docs/authorities.md), whoever published versions of it; any other form id to
    the authority that published a version of it, or else to the one with its oldest draft.
    """
    if is_shared(form_id):
        return owner_of_shipped(form_id)
    published = db.session.execute(
        select(FormVersion.authority).where(FormVersion.form_id == form_id,
                                            FormVersion.authority.is_not(None)).limit(1)
    ).scalar_one_or_none()
    if published is not None:
        return published
    return db.session.execute(
        select(FormDraft.authority).where(FormDraft.form_id == form_id)
        .order_by(FormDraft.id).limit(1)
    ).scalar_one_or_none()


def may_use(form_id: str, authority: str) -> bool:
    """Whether the authority may make new versions of this form id: its own, or one nobody
    uses yet; a shipped, shared one only if it maintains it (designer/rights.py)."""
    owner = owner_of(form_id)
    return owner == authority if is_shared(form_id) else owner in (None, authority)


def visible(version: FormVersion, authority: str, shared: bool | None = None) -> bool:
    """Whether an authority's staff may see a version: their own, a shipped one, or one of a
    shipped, shared form (published by the authority that maintains it, for everyone).
    `shared`: whether the version's form is shared, if the caller knows already."""
    if version.authority in (None, authority):
        return True
    return is_shared(version.form_id) if shared is None else shared


def version_for(staff: StaffUser, version_id: int) -> FormVersion | None:
    """A version the person may see (`visible`), or None."""
    version = db.session.get(FormVersion, version_id)
    if version is None or not visible(version, staff.authority):
        return None
    return version


def draft_for(staff: StaffUser, draft_id: int) -> FormDraft | None:
    draft = db.session.get(FormDraft, draft_id)
    return draft if draft is not None and draft.authority == staff.authority else None


def versions_of(form_id: str) -> list[FormVersion]:
    """Every version of a form, newest first."""
    rows = db.session.execute(select(FormVersion).where(FormVersion.form_id == form_id)).scalars()
    return sorted(rows, key=lambda v: _semver(v.version), reverse=True)


def shipped_version(form_id: str) -> FormVersion | None:
    """The newest version of the form shipped with the platform (forms/), if it is one."""
    shipped = [v for v in versions_of(form_id) if v.authority is None]
    return shipped[0] if shipped else None


def newest_version(form_id: str) -> FormVersion | None:
    """The highest version ever published, retired or not: the one a new version follows."""
    return next(iter(versions_of(form_id)), None)


@dataclass
class FormEntry:
    """One form in the overview: its versions and the drafts of it."""

    form_id: str
    versions: list[FormVersion] = field(default_factory=list)
    drafts: list[FormDraft] = field(default_factory=list)

    @property
    def current(self) -> FormVersion | None:
        return next((v for v in self.versions if v.status == "published"), None)

    @property
    def retired(self) -> bool:
        return bool(self.versions) and self.current is None


def own_forms(authority: str) -> list[FormEntry]:
    """The forms of one authority, with all their versions (shipped ones included) and drafts."""
    entries: dict[str, FormEntry] = {}
    drafts = db.session.execute(
        select(FormDraft).where(FormDraft.authority == authority)
        .order_by(FormDraft.updated_at.desc())
    ).scalars()
    for draft in drafts:
        entries.setdefault(draft.form_id, FormEntry(draft.form_id)).drafts.append(draft)
    owned = db.session.execute(
        select(FormVersion.form_id).where(FormVersion.authority == authority).distinct()
    ).scalars()
    for form_id in owned:
        entries.setdefault(form_id, FormEntry(form_id))
    for entry in entries.values():
        shared = is_shared(entry.form_id)
        entry.versions = [v for v in versions_of(entry.form_id) if visible(v, authority, shared)]
    return sorted(entries.values(), key=lambda e: e.form_id)


def shipped_forms() -> list[FormVersion]:
    """The newest shipped version of every form that came with the platform."""
    rows = db.session.execute(select(FormVersion).where(FormVersion.authority.is_(None))).scalars()
    newest: dict[str, FormVersion] = {}
    for row in rows:
        if row.form_id not in newest or _semver(row.version) > _semver(newest[row.form_id].version):
            newest[row.form_id] = row
    return sorted(newest.values(), key=lambda v: v.form_id)


# -- texts for new drafts ----------------------------------------------------------------------


def next_version(form_id: str) -> str:
    """One minor version above the highest ever published, or 1.0.0 for a new form."""
    newest = newest_version(form_id)
    if newest is None:
        return "1.0.0"
    major, minor = _semver(newest.version)[:2]
    return f"{major}.{minor + 1}.0"


def with_values(text: str, values: dict[str, str]) -> str:
    """`text` with top-level keys set to new values, everything else as it was typed."""
    spans = locate(text).spans
    for key, value in sorted(values.items(), key=lambda kv: -spans[f"/{kv[0]}"].value_start):
        span = spans[f"/{key}"]
        written = json.dumps(value, ensure_ascii=False)
        text = text[:span.value_start] + written + text[span.value_end:]
    return text


def export_text(definition: dict) -> str:
    """A published definition as a file `amtsweg forms check` accepts (codelists inline)."""
    content = {"$schema": SCHEMA_REFERENCE,
               **{k: v for k, v in definition.items() if k != "$schema"}}
    return json.dumps(content, indent=2, ensure_ascii=False) + "\n"


def source_text(version: FormVersion, forms_dir: Path) -> str:
    """The text to start a copy from: the shipped file as its authors wrote it, if it is this
    very version (so codelist references stay references), else the published definition."""
    path = forms_dir / f"{version.form_id}.json"
    if version.authority is None and path.is_file():
        document, _problems = check_definition(path, forms_dir)
        if document is not None and content_hash(document) == version.content_hash:
            return path.read_text(encoding="utf-8")
    return export_text(version.definition)


def new_form_text(form_id: str, title: str, authority: str) -> str:
    """The smallest useful definition: one step with one question, in German."""
    skeleton = {
        "$schema": SCHEMA_REFERENCE,
        "id": form_id,
        "version": "1.0.0",
        "languages": ["de"],
        "default_language": "de",
        "title": {"de": title},
        "privacy_notice": {"de": "Wer Ihre Angaben erhält und wie lange sie gespeichert werden."},
        "destination": authority,
        "retention_days": 90,
        "steps": [{
            "id": "angaben",
            "title": {"de": "Ihre Angaben"},
            "fields": [{"name": "anliegen", "type": "textarea", "required": True,
                        "label": {"de": "Was ist Ihr Anliegen?"}}],
        }],
    }
    return json.dumps(skeleton, indent=2, ensure_ascii=False) + "\n"


# -- changing drafts -------------------------------------------------------------------------


def form_id_of(text: str) -> str | None:
    """The "id" of a definition, if the text is JSON enough to tell."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    form_id = document.get("id") if isinstance(document, dict) else None
    return form_id if isinstance(form_id, str) and FORM_ID.match(form_id) else None


def create_draft(staff: StaffUser, form_id: str, text: str, action: str,
                 based_on: FormVersion | None = None) -> FormDraft:
    draft = FormDraft(form_id=form_id, authority=staff.authority, text=text, based_on=based_on,
                      revision=1, created_by=staff.email, updated_by=staff.email,
                      created_at=utcnow(), updated_at=utcnow())
    db.session.add(draft)
    db.session.flush()
    audit.record(action, form_id=form_id, version=based_on.version if based_on else None,
                 detail=f"draft {_version_in(text) or '?'}", draft_id=draft.id)
    db.session.commit()
    return draft


def save(draft: FormDraft, text: str, revision: int, staff: StaffUser) -> None:
    """Store the text exactly as typed, valid or not; raises Conflict for a stale revision."""
    if revision != draft.revision:
        raise Conflict(draft)
    draft.text = text
    if (form_id := form_id_of(text)) and may_use(form_id, staff.authority):
        draft.form_id = form_id
    draft.revision += 1
    draft.updated_by = staff.email
    draft.updated_at = utcnow()
    audit.record("draft_saved", form_id=draft.form_id, version=_version_in(text),
                 detail=f"revision {draft.revision}", draft_id=draft.id)
    db.session.commit()


def discard(draft: FormDraft) -> None:
    audit.record("draft_deleted", form_id=draft.form_id, version=_version_in(draft.text),
                 draft_id=draft.id)
    db.session.execute(PreviewAnswers.__table__.delete().where(
        PreviewAnswers.form_draft_id == draft.id))
    db.session.delete(draft)
    db.session.commit()


def _version_in(text: str) -> str | None:
    try:
        document = json.loads(text)
    except ValueError:
        return None
    version = document.get("version") if isinstance(document, dict) else None
    return version if isinstance(version, str) else None
