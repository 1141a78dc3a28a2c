"""The designer's texts page: every text of a draft with its languages side by side, one part
(the form's own texts, or one step) at a time; confirming outdated translations; export and
import of the texts for a translation service (portal.designer.textfiles)."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..extensions import unit_of_work
from ..languages import current_language
from . import audit, bp, textfiles, texts, workspace
from .editing import draft_or_404
from .models import FormDraft
from .places import place
from .textlist import set_texts


def _document(draft: FormDraft) -> Any:
    try:
        document = json.loads(draft.text)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def _parts(document: dict, summary: texts.Summary) -> list[dict[str, Any]]:
    """The pages of the texts view: the form's own texts, then one per step."""
    parts: list[dict[str, Any]] = []
    steps = document.get("steps") if isinstance(document.get("steps"), list) else []
    language = current_language()
    for index in [None, *range(len(steps))]:
        mine = [t for t in summary.texts if t.text.step == index]
        if index is None:
            name = _("Allgemeine Texte des Formulars")
        else:
            name = place(document, f"/steps/{index}", language)
        parts.append({
            "id": "form" if index is None else str(index),
            "name": name,
            "texts": mine,
            "open": sum(1 for t in mine for s in t.states.values() if s != texts.CURRENT),
        })
    return parts


def _render(draft: FormDraft, part_id: str, typed: dict[str, str] | None = None,
            errors: dict[str, str] | None = None, status: int = 200,
            conflict: bool = False) -> tuple[str, int]:
    document = _document(draft)
    if document is None:
        return render_template("designer/texts.html", draft=draft, document=None,
                               part=None, parts=[], summary=None, errors={}, typed={},
                               conflict=False), status
    summary = texts.summary(draft, document)
    parts = _parts(document, summary)
    part = next((p for p in parts if p["id"] == part_id), parts[0])
    language = current_language()
    places = {t.text.key: place(document, t.text.pointer, language) for t in part["texts"]}
    return render_template("designer/texts.html", draft=draft, document=document, part=part,
                           parts=parts, summary=summary, places=places, errors=errors or {},
                           typed=typed or {}, conflict=conflict), status


@bp.get("/drafts/<int:draft_id>/texts")
def texts_page(draft_id: int) -> tuple[str, int]:
    return _render(draft_or_404(draft_id), request.args.get("part", "form"))


@bp.post("/drafts/<int:draft_id>/texts")
def save_texts(draft_id: int) -> Any:
    draft = draft_or_404(draft_id)
    part_id = request.args.get("part", "form")
    document = _document(draft)
    if document is None:
        return _render(draft, part_id, status=422)
    summary = texts.summary(draft, document)
    languages = [summary.default, *summary.languages]
    in_part = {t.text.key: t for t in summary.texts
               if (t.text.step is None and part_id == "form") or str(t.text.step) == part_id}
    typed: dict[str, str] = {}
    changes: dict[str, dict[str, str]] = {}
    confirmations: list[tuple[str, str]] = []
    errors: dict[str, str] = {}
    for number, (key, state) in enumerate(in_part.items()):
        for lang in languages:
            field_name = f"text-{number}-{lang}"
            if field_name not in request.form:
                continue
            value = request.form[field_name].replace("\r\n", "\n").strip()
            typed[field_name] = value
            if value == (state.text.values.get(lang) or ""):
                if request.form.get(f"confirm-{number}-{lang}") and \
                        state.states.get(lang) == texts.OUTDATED:
                    confirmations.append((key, lang))
                continue
            if lang == summary.default and not value:
                errors[field_name] = _("Der Text in der Standardsprache darf nicht leer sein.")
                continue
            changes.setdefault(state.text.pointer, {})[lang] = value
    if errors:
        return _render(draft, part_id, typed, errors, 422)
    try:
        revision = int(request.form.get("revision", ""))
    except ValueError:
        revision = -1
    if revision != draft.revision:
        return _render(draft, part_id, typed, status=409, conflict=True)
    with unit_of_work():
        if changes:
            workspace.save(draft, set_texts(draft.text, changes), revision, g.staff)
        if confirmations:
            texts.confirm(draft, confirmations, g.staff.email)
            audit.record("texts_confirmed", form_id=draft.form_id,
                         detail=", ".join(f"{k} ({lang})" for k, lang in confirmations))
    if changes or confirmations:
        flash(_("Die Texte sind gespeichert."), "success")
    else:
        flash(_("Nichts geändert."), "info")
    return redirect(url_for("designer.texts_page", draft_id=draft.id, part=part_id), code=303)


# -- files for translation services -------------------------------------------------------------


def _file(content: str, mimetype: str, filename: str) -> Response:
    response = current_app.response_class(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/drafts/<int:draft_id>/texts/export")
def export_texts(draft_id: int) -> Any:
    draft = draft_or_404(draft_id)
    document = _document(draft)
    if document is None:
        return _render(draft, "form", status=422)
    summary = texts.summary(draft, document)
    places = {t.text.key: place(document, t.text.pointer, summary.default) for t in summary.texts}
    kind = request.args.get("format", "xliff")
    language = request.args.get("language", "")
    with unit_of_work():
        audit.record("exported", form_id=draft.form_id, detail=f"texts {kind} {language}".strip())
    if kind == "csv":
        return _file(textfiles.to_csv(summary, places), "text/csv; charset=utf-8",
                     f"{draft.form_id}-texte.csv")
    if language not in summary.languages:
        language = summary.languages[0] if summary.languages else summary.default
    return _file(textfiles.to_xliff(summary, places, language, draft.form_id),
                 "application/x-xliff+xml; charset=utf-8",
                 f"{draft.form_id}-{language}.xlf")


@bp.post("/drafts/<int:draft_id>/texts/import")
def import_texts(draft_id: int) -> Any:
    draft = draft_or_404(draft_id)
    document = _document(draft)
    if document is None:
        return _render(draft, "form", status=422)
    upload = request.files.get("texts_file")
    summary = texts.summary(draft, document)
    if upload is None or not upload.filename:
        report = textfiles.Report(error=_("Wählen Sie eine XLIFF- oder CSV-Datei aus."))
    else:
        report = textfiles.read(upload.stream.read(textfiles.MAX_FILE + 1), upload.filename,
                                summary)
    if report.error is None and report.changes:
        try:
            revision = int(request.form.get("revision", ""))
        except ValueError:
            revision = -1
        if revision != draft.revision:
            report.error = _("Der Entwurf wurde inzwischen geändert. Laden Sie die Seite neu "
                             "und importieren Sie die Datei noch einmal.")
        else:
            changes: dict[str, dict[str, str]] = {}
            pointers = {t.text.key: t.text.pointer for t in summary.texts}
            for change in report.changes:
                changes.setdefault(pointers[change.key], {})[change.language] = change.new
            with unit_of_work():
                workspace.save(draft, set_texts(draft.text, changes), revision, g.staff)
                stale = {(c.key, c.language): c.source for c in report.changes if c.stale}
                texts.confirm(draft, [(c.key, c.language) for c in report.changes], g.staff.email,
                              sources=stale)
                audit.record("texts_imported", form_id=draft.form_id,
                             detail=f"{upload.filename}: {len(report.changes)}")
    status = 422 if report.error else 200
    return render_template("designer/texts_import.html", draft=draft, report=report,
                           places={t.text.key: place(document, t.text.pointer, current_language())
                                   for t in summary.texts}), status


# -- the language panel and publishing -----------------------------------------------------------


@bp.context_processor
def _text_context() -> dict[str, Any]:
    return {"text_summary": texts.summary}


def outdated_refusal(draft: FormDraft) -> tuple[bool, list[str]]:
    """Before publishing: (refuse?, the outdated translations). Publishing with outdated
    translations needs the publisher's explicit confirmation (``confirm_outdated``)."""
    outdated = texts.summary(draft).outdated_list()
    return bool(outdated) and not request.form.get("confirm_outdated"), outdated


def record_outdated(form_id: str, version: str, outdated: list[str]) -> None:
    """The audit entry for a version published although translations were outdated."""
    if outdated:
        with unit_of_work():
            audit.record("published_outdated", form_id=form_id, version=version,
                         detail=", ".join(outdated))
