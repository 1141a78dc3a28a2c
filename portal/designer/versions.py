"""The designer's pages for versions: a form's versions, changes and publishing, retiring,
downloads of definitions and data schemas, and the audit log."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from ..engine import compile_form, data_schema
from ..extensions import db
from . import audit, bp, rights, textpages, workspace
from .auth import publisher_only
from .checking import Checked, sort_key
from .diff import diff
from .editing import download, draft_or_404, forms_dir
from .models import FormDraft
from .publication import check_draft, previous_version, publish_draft, retire_form
from .structure import outline


@bp.get("/forms/<form_id>")
def form_page(form_id: str) -> str:
    authority = g.staff.authority
    shared = workspace.is_shared(form_id)
    versions = [v for v in workspace.versions_of(form_id)
                if workspace.visible(v, authority, shared)]
    drafts = [e.drafts for e in workspace.own_forms(authority) if e.form_id == form_id]
    if not versions and not drafts:
        abort(404)
    return render_template("designer/form.html", form_id=form_id, versions=versions,
                           drafts=drafts[0] if drafts else [],
                           live=next((v for v in versions if v.status == "published"), None),
                           owned=workspace.owner_of(form_id) == authority)


# -- changes and publishing -------------------------------------------------------------------


def _render_changes(draft: FormDraft, status: int = 200, stale: bool = False,
                    checked: Checked | None = None) -> tuple[str, int]:
    checked = checked or check_draft(draft.text, g.staff, forms_dir())
    previous = previous_version(draft, checked, g.staff)
    changes = None
    if previous is not None and checked.document is not None:
        changes = diff(previous.definition, checked.document)
    form_id = checked.parsed.get("id") if isinstance(checked.parsed, dict) else None
    form_id = form_id if isinstance(form_id, str) else draft.form_id
    return render_template(
        "designer/changes.html",
        draft=draft,
        history=audit.draft_changes(draft.id),
        four_eyes=rights.four_eyes_applies(form_id, g.staff.authority),
        four_eyes_refusal=rights.four_eyes_refusal(draft, form_id, g.staff),
        checked=checked,
        errors=sorted(checked.errors, key=sort_key),
        previous=previous,
        changes=changes,
        outline=outline(checked.parsed) if previous is None else None,
        stale=stale,
    ), status


@bp.get("/drafts/<int:draft_id>/publish")
def changes(draft_id: int) -> tuple[str, int]:
    return _render_changes(draft_or_404(draft_id))


@bp.post("/drafts/<int:draft_id>/publish")
@publisher_only
def publish(draft_id: int) -> Any:
    draft = draft_or_404(draft_id)
    if request.form.get("revision") != str(draft.revision):
        # The publisher confirms what they saw; a newer text has to be looked at first.
        return _render_changes(draft, 409, stale=True)
    if rights.four_eyes_refusal(draft, draft.form_id, g.staff) is not None:
        audit.record("denied", form_id=draft.form_id, draft_id=draft.id,
                     detail="four eyes: the publisher changed the draft")
        db.session.commit()
        return _render_changes(draft, 403)
    refuse, outdated = textpages.outdated_refusal(draft)
    if refuse:  # outdated translations, and the publisher has not confirmed publishing them
        return _render_changes(draft, 422)
    version, checked = publish_draft(draft, g.staff, forms_dir())
    if version is None:
        return _render_changes(draft, 422, checked=checked)
    textpages.record_outdated(version.form_id, version.version, outdated)
    flash(_("Version %(version)s ist veröffentlicht. Neue Anträge verwenden ab jetzt diese "
            "Version; begonnene Anträge werden mit ihrer Version beendet.",
            version=version.version), "success")
    return redirect(url_for("designer.form_page", form_id=version.form_id), code=303)


@bp.route("/forms/<form_id>/retire", methods=["GET", "POST"])
@publisher_only
def retire(form_id: str) -> Any:
    if workspace.owner_of(form_id) != g.staff.authority:
        abort(404)
    if request.method == "GET":
        return render_template("designer/retire.html", form_id=form_id,
                               current=next((v for v in workspace.versions_of(form_id)
                                             if v.status == "published"), None))
    retired = retire_form(form_id, g.staff) or []
    flash(ngettext("Das Formular ist zurückgezogen (%(count)s Version). Es steht nicht mehr im "
                   "Katalog; begonnene Anträge können bis zu ihrem Ablauf beendet werden.",
                   "Das Formular ist zurückgezogen (%(count)s Versionen). Es steht nicht mehr im "
                   "Katalog; begonnene Anträge können bis zu ihrem Ablauf beendet werden.",
                   len(retired), count=len(retired)), "success")
    return redirect(url_for("designer.form_page", form_id=form_id), code=303)


# -- downloads -------------------------------------------------------------------------------


@bp.get("/versions/<int:version_id>/download")
def download_version(version_id: int) -> Response:
    version = workspace.version_for(g.staff, version_id)
    if version is None:
        abort(404)
    audit.record("exported", form_id=version.form_id, version=version.version)
    db.session.commit()
    return download(workspace.export_text(version.definition),
                     f"{version.form_id}-{version.version}.json")


@bp.get("/versions/<int:version_id>/data-schema")
def data_schema_of(version_id: int) -> Response:
    """The JSON Schema of the submission data, for the caseworkers' IT."""
    version = workspace.version_for(g.staff, version_id)
    if version is None:
        abort(404)
    schema = data_schema(compile_form(version.definition))
    return download(json.dumps(schema, indent=2, ensure_ascii=False) + "\n",
                     f"{version.form_id}-{version.version}.data-schema.json")


# -- audit log -------------------------------------------------------------------------------


@bp.get("/audit")
def audit_log() -> str:
    before = request.args.get("before", type=int)
    entries = audit.entries(g.staff.authority, limit=100, before=before)
    older = entries[-1].id if len(entries) == 100 else None
    return render_template("designer/audit.html", entries=entries, older=older)
