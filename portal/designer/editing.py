"""The designer's pages for drafts: overview, new form, copy, import, the editor, discard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from . import bp, workspace
from .checking import MAX_TEXT_LENGTH, Checked, normalise, sort_key
from .models import FormDraft
from .publication import check_draft
from .rights import shared_refusal
from .structure import outline


def forms_dir() -> Path:
    return Path(current_app.config["FORMS_DIR"])


def download(content: str, filename: str) -> Response:
    """A JSON file to save, never kept by a cache on the way."""
    response = current_app.response_class(content, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def draft_or_404(draft_id: int) -> FormDraft:
    draft = workspace.draft_for(g.staff, draft_id)
    if draft is None:
        abort(404)
    return draft


@bp.get("/")
def overview() -> str:
    return render_template("designer/overview.html", forms=workspace.own_forms(g.staff.authority),
                           shipped=workspace.shipped_forms())


# -- new drafts ------------------------------------------------------------------------------


@bp.route("/forms/new", methods=["GET", "POST"])
def new_form() -> Any:
    errors: dict[str, str] = {}
    form_id = request.form.get("form_id", "").strip()
    title = request.form.get("title", "").strip()
    if request.method == "POST":
        errors = _form_id_errors(form_id)
        if not title:
            errors["title"] = _("Geben Sie den Namen der Leistung an.")
        if not errors:
            text = workspace.new_form_text(form_id, title, g.staff.authority)
            draft = workspace.create_draft(g.staff, form_id, text, "draft_created")
            # Staff build with the structured editor; the JSON view is one link away.
            return redirect(url_for("designer.builder", draft_id=draft.id), code=303)
    return render_template("designer/new.html", errors=errors, form_id=form_id, title=title), \
        422 if errors else 200


def _form_id_errors(form_id: str) -> dict[str, str]:
    if not workspace.FORM_ID.match(form_id):
        return {"form_id": _("Die Formular-ID besteht aus 2 bis 63 Kleinbuchstaben, Ziffern und "
                             "Bindestrichen und beginnt mit einem Buchstaben, zum Beispiel "
                             "hundesteuer-anmeldung.")}
    if (refusal := shared_refusal(form_id, g.staff.authority)) is not None:
        return {"form_id": refusal}
    if not workspace.may_use(form_id, g.staff.authority):
        return {"form_id": _("Diese Formular-ID gehört einer anderen Behörde. Wählen Sie eine "
                             "eigene.")}
    return {}


@bp.route("/versions/<int:version_id>/copy", methods=["GET", "POST"])
def copy(version_id: int) -> Any:
    source = workspace.version_for(g.staff, version_id)
    if source is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form_id = request.form.get("form_id", "").strip()
        errors = _form_id_errors(form_id)
        if not errors:
            values = {"id": form_id, "version": workspace.next_version(form_id)}
            text = workspace.with_values(workspace.source_text(source, forms_dir()), values)
            draft = workspace.create_draft(g.staff, form_id, text, "draft_copied", based_on=source)
            flash(_("Der Entwurf ist angelegt. Er ist eine Kopie von %(form)s %(version)s.",
                    form=source.form_id, version=source.version), "success")
            return redirect(url_for("designer.builder", draft_id=draft.id), code=303)
    else:
        form_id = source.form_id if workspace.may_use(source.form_id, g.staff.authority) \
            else f"{source.form_id}-{g.staff.authority}"[:63].rstrip("-")
    return render_template("designer/copy.html", source=source, form_id=form_id, errors=errors,
                           next_version=workspace.next_version(form_id)), 422 if errors else 200


@bp.route("/import", methods=["GET", "POST"])
def import_file() -> Any:
    if request.method == "GET":
        return render_template("designer/import.html", error=None)
    upload = request.files.get("definition_file")
    error = None
    if upload is None or not upload.filename:
        error = _("Wählen Sie eine JSON-Datei aus.")
    else:
        content = upload.stream.read(MAX_TEXT_LENGTH * 4 + 1)
        try:
            text = normalise(content.decode("utf-8-sig"))
        except UnicodeDecodeError:
            error = _("Die Datei ist kein UTF-8-Text. Speichern Sie sie als UTF-8 und versuchen "
                      "Sie es noch einmal.")
        else:
            if len(text) > MAX_TEXT_LENGTH:
                error = _("Die Datei ist zu groß: höchstens %(max)s Zeichen.", max=MAX_TEXT_LENGTH)
    if error:
        return render_template("designer/import.html", error=error), 422
    # Imported as it is, valid or not. It opens in the structured editor, like a new or
    # copied draft; a file that is not JSON at all goes on from there to the JSON view,
    # which says where it breaks.
    form_id = workspace.form_id_of(text) or "unbenannt"
    draft = workspace.create_draft(g.staff, form_id, text, "draft_imported")
    flash(_("Die Datei „%(name)s“ ist als neuer Entwurf importiert.", name=upload.filename),
          "success")
    return redirect(url_for("designer.builder", draft_id=draft.id), code=303)


# -- the editor ------------------------------------------------------------------------------


def _render_editor(draft: FormDraft, text: str, checked: Checked, status: int = 200,
                   conflict: FormDraft | None = None, carried: bool = False,
                   revision: int | None = None) -> tuple[str, int]:
    return render_template(
        "designer/editor.html",
        draft=draft,
        text=text,
        revision=draft.revision if revision is None else revision,
        errors=sorted(checked.errors, key=sort_key),
        warnings=sorted(checked.warnings, key=sort_key),
        checked=checked,
        outline=outline(checked.parsed),
        conflict=conflict,
        carried=carried,
    ), status


@bp.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
def edit(draft_id: int) -> Any:
    draft = draft_or_404(draft_id)
    if request.method == "GET":
        return _render_editor(draft, draft.text, check_draft(draft.text, g.staff, forms_dir()))
    text = normalise(request.form.get("definition", ""))
    try:
        revision = int(request.form.get("revision", ""))
    except ValueError:
        revision = -1
    try:
        workspace.save(draft, text, revision, g.staff)
    except workspace.Conflict as conflict:
        # Nothing is overwritten and nothing is lost: the typed text stays in the editor,
        # the other person's version is shown beside it, and the next save replaces it.
        return _render_editor(draft, text, check_draft(text, g.staff, forms_dir()), 409,
                              conflict=conflict.current)
    flash(_("Gespeichert."), "success")
    return redirect(url_for("designer.edit", draft_id=draft.id), code=303)


def show_carried_text(draft: FormDraft, text: str) -> tuple[str, int]:
    """The editor with a text sent while the session had ended: shown again, not yet saved."""
    text = normalise(text)
    return _render_editor(draft, text, check_draft(text, g.staff, forms_dir()), carried=True)


@bp.get("/drafts/<int:draft_id>/download")
def download_draft(draft_id: int) -> Response:
    draft = draft_or_404(draft_id)
    return download(draft.text, f"{draft.form_id}-draft.json")


@bp.route("/drafts/<int:draft_id>/delete", methods=["GET", "POST"])
def discard(draft_id: int) -> Any:
    draft = draft_or_404(draft_id)
    if request.method == "GET":
        return render_template("designer/discard.html", draft=draft)
    workspace.discard(draft)
    flash(_("Der Entwurf ist verworfen."), "success")
    return redirect(url_for("designer.overview"), code=303)
