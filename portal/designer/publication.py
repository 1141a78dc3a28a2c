"""Publishing a draft as an immutable version, retiring a form, and the rules that guard both.

Only a definition the engine accepts can be published, under a form id the
authority may use and with a version above every earlier one. Publishing goes
through portal.publishing.publish, the one place that creates FormVersions.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import FormVersion
from ..publishing import VersionConflict, _semver, publish
from . import audit
from .checking import Checked, check_text
from .models import FormDraft, PreviewAnswers, StaffUser, utcnow
from .rights import four_eyes_refusal, shared_refusal
from .workspace import FORM_ID, may_use, newest_version, owner_of, shipped_version, versions_of

VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def check_draft(text: str, staff: StaffUser, forms_dir: Path) -> Checked:
    """The engine's check of a draft's text, plus the designer's rules for publishing it."""
    checked = check_text(text, forms_dir)
    parsed = checked.parsed if isinstance(checked.parsed, dict) else {}
    form_id, version = parsed.get("id"), parsed.get("version")
    if not (isinstance(form_id, str) and FORM_ID.match(form_id)):
        return checked
    if (refusal := shared_refusal(form_id, staff.authority)) is not None:
        checked.add("/id", refusal)
        return checked
    if not may_use(form_id, staff.authority):
        checked.add("/id", _("Die Formular-ID „%(id)s“ gehört einer anderen Behörde. Wählen Sie "
                             "eine eigene ID.", id=form_id))
        return checked
    if (key := takeover(form_id, parsed)) is not None:
        checked.add(f"/{key}", _(
            "„%(id)s“ wird mit Amtsweg ausgeliefert und von mehreren Behörden genutzt. Eine "
            "Behörde kann nicht ändern, wohin seine Anträge gehen („%(key)s“). Tragen Sie Ihre "
            "Zuständigkeit in die Zuständigkeitstabelle ein, oder veröffentlichen Sie eine "
            "Kopie unter einer eigenen Formular-ID.", id=form_id, key=key))
        return checked
    newest = newest_version(form_id)
    if newest is not None and isinstance(version, str) and VERSION.match(version) \
            and _semver(version) <= _semver(newest.version):
        checked.add("/version", _("Die Version muss höher sein als %(newest)s, die zuletzt "
                                  "veröffentlichte Version dieses Formulars.",
                                  newest=newest.version))
    return checked


#: What decides where a form's applications go: an authority may not change it for a shared form.
ROUTING_KEYS = ("destination", "leika_key", "jurisdiction")


def takeover(form_id: str, document: dict) -> str | None:
    """The routing key a new version of a shipped, shared form would change, or None.

    A shipped form serves every authority (Einer für Alle). A version that sent its
    applications elsewhere would take them away from every other authority: that is
    refused; each authority's own area is in the jurisdiction table instead.
    """
    shipped = shipped_version(form_id)
    if shipped is None:
        return None
    return next((key for key in ROUTING_KEYS
                 if document.get(key) != shipped.definition.get(key)), None)


def previous_version(draft: FormDraft, checked: Checked, staff: StaffUser) -> FormVersion | None:
    """The version the draft would follow, if the authority may see it: the diff's left side."""
    parsed = checked.parsed if isinstance(checked.parsed, dict) else {}
    form_id = parsed.get("id") if isinstance(parsed.get("id"), str) else draft.form_id
    if not may_use(form_id, staff.authority):
        return None
    return newest_version(form_id)


def publish_draft(draft: FormDraft, staff: StaffUser,
                  forms_dir: Path) -> tuple[FormVersion | None, Checked]:
    """Publish the draft; on success it becomes the version and the draft is gone."""
    checked = check_draft(draft.text, staff, forms_dir)
    if not checked.ok:
        return None, checked
    document = checked.document
    if (refusal := four_eyes_refusal(draft, document["id"], staff)) is not None:
        checked.add("/id", refusal)
        return None, checked
    try:
        version, new = publish(document, authority=staff.authority, published_by=staff.email)
        if not new:
            raise VersionConflict(document["version"])
        audit.record("published", form_id=version.form_id, version=version.version,
                     detail=f"{version.content_hash} (draft {draft.id}, revision {draft.revision})",
                     draft_id=draft.id)
        db.session.execute(PreviewAnswers.__table__.delete().where(
            PreviewAnswers.form_draft_id == draft.id))
        db.session.delete(draft)
        db.session.commit()
    except (VersionConflict, IntegrityError):
        # Someone published this version a moment ago.
        db.session.rollback()
        checked.add("/version", _("Version %(version)s ist schon veröffentlicht. Erhöhen Sie die "
                                  "Versionsnummer.", version=document["version"]))
        return None, checked
    return version, checked


def retire_form(form_id: str, staff: StaffUser) -> list[FormVersion] | None:
    """Take a form out of the catalogue; drafts already started can still be finished.

    Every published version of the form is retired, shipped ones included, so that
    no older version takes its place. None if the form is not the authority's.
    """
    if owner_of(form_id) != staff.authority:
        return None
    retired = [v for v in versions_of(form_id) if v.status == "published"]
    for version in retired:
        version.status = "retired"
        version.retired_at = utcnow()
    audit.record("retired", form_id=form_id,
                 version=retired[0].version if retired else None,
                 detail=", ".join(v.version for v in retired))
    db.session.commit()
    return retired
