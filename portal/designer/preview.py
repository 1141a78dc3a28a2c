"""The live preview: any step and the summary of a draft, in any of its languages,
rendered by the wizard's own templates and macros.

Answers live in PreviewAnswers (one row per designer and draft), never in a
citizen's Draft or a Submission; files are recorded by name and size only.
The wizard's templates build their links with url_for("wizard.…"); the
preview renders them with a `url_for` that leads into the preview instead.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import OrderedDict
from types import SimpleNamespace
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, refresh
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from ..engine import (
    Field,
    FieldError,
    Form,
    Invalid,
    Step,
    check_answers,
    compile_form,
    data_schema,
    submission_data,
    validate_step,
)
from ..engine.messages import N_
from ..engine.patterns import data_validator
from ..extensions import db
from ..languages import current_language
from ..wizard import pages
from ..wizard.forms import prefill, raw_input, step_form
from ..wizard.journey import Journey
from ..wizard.views import receive_files
from . import bp
from .checking import check_text
from .editing import draft_or_404, forms_dir
from .models import FormDraft, PreviewAnswers, utcnow

MB = 1024 * 1024
#: Wizard endpoints and where the same link leads in the preview.
_PREVIEW_ENDPOINTS = {
    "wizard.step": "designer.preview_step",
    "wizard.entry": "designer.preview_entry",
    "wizard.remove_entry": "designer.preview_remove_entry",
    "wizard.summary": "designer.preview_summary",
    "wizard.send": "designer.preview_send",
    "wizard.start_page": "designer.preview",
    "wizard.catalogue": "designer.preview",
    "wizard.continue_draft": "designer.preview",
}
_compiled: OrderedDict[str, Form | None] = OrderedDict()


# -- loading ---------------------------------------------------------------------------------


def _form_of(text: str) -> Form | None:
    """The compiled form of a draft's text, or None while the engine rejects it.

    Checking a long definition takes a tenth of a second; a designer clicking
    through the preview should not wait for it on every page, so the result is
    kept per text (a saved change is a new text).
    """
    key = hashlib.sha256(f"{forms_dir()}\0{text}".encode()).hexdigest()
    if key in _compiled:
        _compiled.move_to_end(key)
        return _compiled[key]
    checked = check_text(text, forms_dir())
    form = compile_form(checked.document) if checked.document is not None else None
    _compiled[key] = form
    while len(_compiled) > 32:
        _compiled.popitem(last=False)
    return form


def _load(draft_id: int) -> tuple[FormDraft, Form | None]:
    """The draft and its compiled form (None while the engine rejects it); sets the language."""
    draft = draft_or_404(draft_id)
    form = _form_of(draft.text)
    if form is None:
        return draft, None
    g.form = form
    refresh()  # the page's language is now the citizen's choice among the draft's languages
    return draft, form


def _state(draft: FormDraft) -> PreviewAnswers:
    query = select(PreviewAnswers).filter_by(form_draft_id=draft.id, staff_user_id=g.staff.id)
    state = db.session.execute(query).scalar_one_or_none()
    if state is None:
        state = PreviewAnswers(form_draft_id=draft.id, staff_user_id=g.staff.id, answers={},
                               completed_steps=[], files={}, updated_at=utcnow())
        db.session.add(state)
        try:
            db.session.commit()
        except IntegrityError:  # the same person in a second tab, a moment earlier
            db.session.rollback()
            state = db.session.execute(query).scalar_one()
    g.attachment_names = {key: f["display_name"] for key, f in (state.files or {}).items()}
    return state


def _save(state: PreviewAnswers, answers: dict[str, Any], completed: list[str]) -> None:
    state.answers = answers
    state.completed_steps = completed
    state.updated_at = utcnow()
    db.session.commit()


def _url_for(draft: FormDraft):  # noqa: ANN202 - the template's url_for
    def build(endpoint: str, **values: Any) -> str:
        if endpoint in _PREVIEW_ENDPOINTS:
            values.pop("form_id", None)
            return url_for(_PREVIEW_ENDPOINTS[endpoint], draft_id=draft.id, **values)
        if endpoint.startswith("wizard."):  # a wizard page the preview has no twin of
            return url_for("designer.preview", draft_id=draft.id)
        return url_for(endpoint, **values)

    return build


def _render(template: str, draft: FormDraft, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, url_for=_url_for(draft), draft=draft, form=g.form,
                           **context), status


def _unavailable(draft: FormDraft) -> tuple[str, int]:
    return render_template("designer/preview_unavailable.html", draft=draft), 409


# -- overview --------------------------------------------------------------------------------


@bp.get("/drafts/<int:draft_id>/preview")
def preview(draft_id: int) -> Any:
    draft, form = _load(draft_id)
    if form is None:
        return _unavailable(draft)
    journey = Journey(form, _state(draft))
    return render_template("designer/preview.html", draft=draft, form=form, journey=journey,
                           language=current_language())


@bp.post("/drafts/<int:draft_id>/preview/reset")
def preview_reset(draft_id: int) -> Response:
    draft = draft_or_404(draft_id)
    db.session.execute(PreviewAnswers.__table__.delete().where(
        PreviewAnswers.form_draft_id == draft.id, PreviewAnswers.staff_user_id == g.staff.id))
    db.session.commit()
    flash(_("Die Antworten der Vorschau sind gelöscht."), "success")
    return redirect(url_for("designer.preview", draft_id=draft.id), code=303)


# -- steps -----------------------------------------------------------------------------------


def _step_url(draft: FormDraft, step: Step | None) -> str:
    if step is None:
        return url_for("designer.preview_summary", draft_id=draft.id)
    return url_for("designer.preview_step", draft_id=draft.id, step_id=step.id)


def _open(draft_id: int, step_id: str) -> tuple[FormDraft, Form, PreviewAnswers, Journey, Step]:
    draft, form = _load(draft_id)
    if form is None:
        raise _Unavailable(draft)
    step = form.step(step_id)
    if step is None:
        abort(404)
    state = _state(draft)
    return draft, form, state, Journey(form, state), step


class _Unavailable(Exception):
    def __init__(self, draft: FormDraft) -> None:
        self.draft = draft


@bp.errorhandler(_Unavailable)
def unavailable(error: _Unavailable) -> tuple[str, int]:
    return _unavailable(error.draft)


def _render_step(draft: FormDraft, journey: Journey, step: Step, data: dict[str, Any], errors: list,
                 state: PreviewAnswers, status: int = 200, **extra: Any) -> tuple[str, int]:
    attachments = {
        f.name: [SimpleNamespace(id=key, **state.files[key])
                 for key in journey.answers.get(f.name) or [] if key in (state.files or {})]
        for f in step.questions if f.type == "file"
    }
    before = journey.before(step)
    page = pages.step_state(
        journey, step, data, errors, current_language(),
        back_url=_step_url(draft, before) if before else url_for("designer.preview",
                                                                 draft_id=draft.id),
        return_to=request.values.get("return_to") == "summary", attachments=attachments)
    return pages.render_page("designer/preview_step.html", page, url_for=_url_for(draft),
                             draft=draft, form=g.form, step=step, applies=journey.applies(step),
                             **extra), status


@bp.route("/drafts/<int:draft_id>/preview/steps/<step_id>", methods=["GET", "POST"])
def preview_step(draft_id: int, step_id: str) -> Any:
    draft, form, state, journey, step = _open(draft_id, step_id)
    if step.repeat is not None:
        return _entry_list(draft, journey, step, state)
    language = current_language()
    if request.method == "GET":
        data = prefill(step, journey.answers, language)
        return _render_step(draft, journey, step, data, [], state)
    raw = raw_input(step_form(form, step, request.form))
    shown = dict(raw)
    files, upload_errors = _receive_files(step, state)
    raw.update(files)
    result = validate_step(step, raw, journey.earlier_answers(step), language)
    kept = {f.name: journey.answers[f.name] for f in step.questions if f.name in journey.answers}
    staying = request.form.get("action") == "upload" or bool(request.form.get("remove"))
    if upload_errors or staying or not result.ok:
        merged = journey.with_step_answers(step, {**kept, **result.values, **files})
        _save(state, merged, journey.completed_without(step))
        errors = upload_errors or ([] if staying else result.errors)
        return _render_step(draft, journey, step, shown, errors, state, 422 if errors else 200)
    _save(state, journey.with_step_answers(step, result.values), journey.completed_with(step))
    if request.form.get("action") == "save":
        flash(_("In der Vorschau wird nichts gespeichert, um später fortzusetzen. Ihre Antworten "
                "bleiben aber für die nächste Vorschau erhalten."), "success")
        return redirect(url_for("designer.preview", draft_id=draft.id), code=303)
    if request.form.get("return_to") == "summary":
        return redirect(url_for("designer.preview_summary", draft_id=draft.id), code=303)
    return redirect(_step_url(draft, journey.after(step)), code=303)


def _receive_files(step: Step, state: PreviewAnswers
                   ) -> tuple[dict[str, list[str]], list[FieldError]]:
    """Files of the preview: only their names and sizes are kept, their content is discarded."""
    known = dict(state.files or {})

    def store(f: Field, upload: FileStorage) -> str:
        size = len(upload.stream.read(int(f.max_size_mb * MB) + 1))
        if size > f.max_size_mb * MB:
            raise Invalid(N_("Die Datei ist zu groß. Erlaubt sind höchstens %(max)s MB je Datei."),
                          max=f.max_size_mb)
        key = f"preview-{secrets.token_hex(6)}"
        known[key] = {"display_name": upload.filename[:255], "size": size}
        return key

    files, errors = receive_files(step, state.answers or {}, store,
                                  discard=lambda key: known.pop(key, None))
    state.files = known
    g.attachment_names = {key: item["display_name"] for key, item in known.items()}
    return files, errors


# -- repeating steps ---------------------------------------------------------------------------


def _entry_list(draft: FormDraft, journey: Journey, step: Step, state: PreviewAnswers) -> Any:
    entries = journey.entries(step)
    error = None
    if request.method == "POST":
        if len(entries) < step.repeat.min:
            error = ngettext("Bitte fügen Sie mindestens %(min)s Eintrag hinzu.",
                             "Bitte fügen Sie mindestens %(min)s Einträge hinzu.",
                             step.repeat.min, min=step.repeat.min)
        else:
            _save(state, journey.answers, journey.completed_with(step))
            return redirect(_step_url(draft, journey.after(step)), code=303)
    before = journey.before(step)
    back_url = (_step_url(draft, before) if before
                else url_for("designer.preview", draft_id=draft.id))
    page = pages.step_state(journey, step, {}, [], current_language(), back_url)
    html = pages.render_page("designer/preview_entries.html", page, url_for=_url_for(draft),
                             draft=draft, form=g.form, step=step, entries=entries, error=error,
                             applies=journey.applies(step), back_url=back_url)
    return html, (422 if error else 200)


@bp.route("/drafts/<int:draft_id>/preview/steps/<step_id>/entries/<entry>",
          methods=["GET", "POST"])
def preview_entry(draft_id: int, step_id: str, entry: str) -> Any:
    draft, form, state, journey, step = _open(draft_id, step_id)
    entries = journey.entries(step)
    if step.repeat is None:
        abort(404)
    index = len(entries) if entry == "new" else (
        int(entry) - 1 if entry.isdigit() and 1 <= int(entry) <= len(entries) else None)
    if index is None:
        abort(404)
    if index == len(entries) and len(entries) >= step.repeat.max:
        return redirect(_step_url(draft, step), code=303)
    language = current_language()
    current = entries[index] if index < len(entries) else {}
    if request.method == "GET":
        return _render_step(draft, journey, step, prefill(step, current, language), [], state,
                            entry_number=index + 1, action_url=request.path)
    raw = raw_input(step_form(form, step, request.form))
    result = validate_step(step, dict(raw), journey.earlier_answers(step), language)
    if not result.ok:
        return _render_step(draft, journey, step, raw, result.errors, state, 422,
                            entry_number=index + 1, action_url=request.path)
    entries[index:index + 1] = [result.values]
    _save(state, journey.with_entries(step, entries), journey.completed_without(step))
    return redirect(_step_url(draft, step), code=303)


@bp.post("/drafts/<int:draft_id>/preview/steps/<step_id>/entries/<int:number>/remove")
def preview_remove_entry(draft_id: int, step_id: str, number: int) -> Response:
    draft, _form, state, journey, step = _open(draft_id, step_id)
    entries = journey.entries(step)
    if step.repeat is not None and 1 <= number <= len(entries):
        del entries[number - 1]
        _save(state, journey.with_entries(step, entries), journey.completed_without(step))
    return redirect(_step_url(draft, step), code=303)


# -- summary and "sending" -------------------------------------------------------------------


@bp.get("/drafts/<int:draft_id>/preview/summary")
def preview_summary(draft_id: int) -> Any:
    draft, form = _load(draft_id)
    if form is None:
        return _unavailable(draft)
    journey = Journey(form, _state(draft))
    return _render("designer/preview_summary.html", draft, journey=journey,
                   problems=check_answers(form, journey.answers), language=current_language())


@bp.post("/drafts/<int:draft_id>/preview/send")
def preview_send(draft_id: int) -> Any:
    """What sending would do, without sending: the data the authority would receive."""
    draft, form = _load(draft_id)
    if form is None:
        return _unavailable(draft)
    journey = Journey(form, _state(draft))
    problems = check_answers(form, journey.answers)
    if problems:
        return _render("designer/preview_summary.html", draft, 422, journey=journey,
                       problems=problems, language=current_language(),
                       first_problem=form.step(next(iter(problems))))
    data = submission_data(form, journey.answers)
    # The same contract check the real submission makes (portal.submissions).
    schema_errors = [e.message for e in data_validator(data_schema(form)).iter_errors(data)]
    return _render("designer/preview_sent.html", draft, schema_errors=schema_errors,
                   data=json.dumps(data, indent=2, ensure_ascii=False))
