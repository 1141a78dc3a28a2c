"""The citizen's pages: catalogue, start, steps, check answers, confirmation, drafts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from .. import drafts
from ..engine import Field, FieldError, Invalid, Step, validate_step
from ..engine.messages import N_plural
from ..extensions import db
from ..languages import current_language
from ..models import Draft, FormVersion
from ..publishing import compiled, current_version, published_forms
from ..uploads import service as uploads
from . import bp, pages
from .forms import prefill, raw_input, step_form
from .journey import Journey

# -- loading ------------------------------------------------------------------


def _draft_id(form_id: str) -> str | None:
    return (session.get("drafts") or {}).get(form_id)


def _remember_draft(form_id: str, draft: Draft) -> None:
    ids = dict(session.get("drafts") or {})
    ids[form_id] = draft.id
    session["drafts"] = ids
    session.permanent = True


@bp.url_value_preprocessor
def load_form(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Put the form (and the citizen's draft) on `g`; a draft keeps its own version."""
    if not values or "form_id" not in values:
        return
    form_id = values["form_id"]
    g.draft = drafts.find_draft(_draft_id(form_id))
    if g.draft is not None and g.draft.form_version.form_id == form_id:
        g.form = compiled(g.draft.form_version)
        return
    g.draft = None
    version = current_version(form_id)
    if version is None and endpoint == "wizard.resume":
        # A retired form starts nothing new, but a saved draft can still be resumed and finished.
        version = db.session.execute(select(FormVersion).filter_by(form_id=form_id)
                                     .order_by(FormVersion.id.desc()).limit(1)).scalar()
    if version is None:
        abort(404)
    g.form = compiled(version)


def current_journey() -> Journey | None:
    return Journey(g.form, g.draft) if g.get("draft") is not None else None


def no_draft_page() -> tuple[str, int]:
    """The cookie names no live draft: it expired, was sent, or was never there."""
    had_cookie = _draft_id(g.form.id) is not None
    return render_template("wizard/no_draft.html", form=g.form, expired=had_cookie), 410 if had_cookie else 404


def step_url(step: Step | None) -> str:
    if step is None:
        return url_for("wizard.summary", form_id=g.form.id)
    return url_for("wizard.step", form_id=g.form.id, step_id=step.id)


# -- catalogue and start --------------------------------------------------------


@bp.get("/")
def catalogue() -> str:
    language = current_language()
    query = request.args.get("q", "").strip()
    groups: dict[str, list] = {}
    for version in published_forms():
        form = compiled(version)
        lang = form.language_for(language)
        title, description = form.text("title", lang), form.text("description", lang)
        if query and query.casefold() not in f"{title} {description}".casefold():
            continue
        topic = form.text("topic", lang) or _("Weitere Leistungen")
        groups.setdefault(topic, []).append({"form": form, "title": title, "description": description})
    count = sum(len(entries) for entries in groups.values())
    return render_template("wizard/catalogue.html", groups=sorted(groups.items()), query=query,
                           count=count)


@bp.get("/forms/<form_id>/")
def start_page(form_id: str) -> str:
    submitted = g.draft is not None and g.draft.submitted_at is not None
    return render_template("wizard/start.html", form=g.form, draft=g.draft, submitted=submitted)


@bp.post("/forms/<form_id>/start")
def start(form_id: str) -> Response:
    version = current_version(form_id)
    if version is None:  # retired while a draft of it was open in this browser
        abort(404)
    draft = drafts.start_draft(version, current_language(), current_app.config["DRAFT_TTL_DAYS"])
    _remember_draft(form_id, draft)
    form = compiled(version)
    return redirect(url_for("wizard.step", form_id=form_id, step_id=form.steps[0].id), code=303)


@bp.post("/forms/<form_id>/resume")
def resume(form_id: str) -> Response | tuple[str, int]:
    code = request.form.get("resume_code", "")
    draft = drafts.find_by_resume_code(code, form_id)
    if draft is None:
        days = current_app.config["DRAFT_TTL_DAYS"]
        error = ngettext(
            "Zu diesem Code haben wir keinen gespeicherten Antrag gefunden. Prüfen Sie den Code "
            "oder beginnen Sie neu. Gespeicherte Anträge werden nach %(days)s Tag gelöscht.",
            "Zu diesem Code haben wir keinen gespeicherten Antrag gefunden. Prüfen Sie den Code "
            "oder beginnen Sie neu. Gespeicherte Anträge werden nach %(days)s Tagen gelöscht.",
            days, days=days)
        return render_template("wizard/start.html", form=g.form, draft=g.draft, submitted=False,
                               resume_error=error, resume_code=code), 422
    _remember_draft(form_id, draft)
    g.draft, g.form = draft, compiled(draft.form_version)
    return _where_left_off()


@bp.get("/forms/<form_id>/continue")
def continue_draft(form_id: str) -> Any:
    if g.draft is None:
        return no_draft_page()
    return _where_left_off()


def _where_left_off() -> Response:
    journey = Journey(g.form, g.draft)
    current = g.form.step(g.draft.current_step or "")
    if current is None or not journey.applies(current) or not journey.can_open(current):
        current = journey.first_open()
    return redirect(step_url(current), code=303)


# -- steps --------------------------------------------------------------------------


class Detour(Exception):
    """The citizen cannot be where they asked to be; `response` shows the way forward."""

    def __init__(self, response: Any) -> None:
        self.response = response


@bp.errorhandler(Detour)
def detour(error: Detour) -> Any:
    return error.response


def _open_step(step_id: str) -> tuple[Journey, Step]:
    journey = current_journey()
    if journey is None:
        raise Detour(no_draft_page())
    if g.draft.submitted_at is not None:
        raise Detour(redirect(url_for("wizard.confirmation", form_id=g.form.id), code=303))
    step = g.form.step(step_id)
    if step is None:
        raise Detour((render_template("wizard/not_here.html", form=g.form, reason="unknown",
                                      next_url=step_url(journey.first_open())), 404))
    if not journey.applies(step):
        raise Detour((render_template("wizard/not_here.html", form=g.form, reason="skipped",
                                      next_url=step_url(journey.first_open())), 409))
    if not journey.can_open(step):
        raise Detour(redirect(step_url(journey.first_open()), code=303))
    return journey, step


def _render_step(journey: Journey, step: Step, data: dict[str, Any], errors: list,
                 status: int = 200, files: dict[str, list[str]] | None = None,
                 entry_number: int | None = None) -> tuple[str, int]:
    """A step, or an entry of a repeating step; its skeleton is kept per version, language, page."""
    language = current_language()
    files = files if files is not None else {
        f.name: list(journey.answers.get(f.name) or []) for f in step.questions if f.type == "file"}
    attachments: dict[str, list] = {}
    if files:
        by_id = {a.id: a for a in uploads.attachments_for(g.draft)}
        attachments = {name: [by_id[i] for i in ids if i in by_id] for name, ids in files.items()}
    before = journey.before(step)
    state = pages.step_state(
        journey, step, data, errors, language,
        back_url=step_url(before) if before else url_for("wizard.start_page", form_id=g.form.id),
        return_to=request.values.get("return_to") == "summary", attachments=attachments)
    key = ("wizard/step.html", g.form.content_hash, step.id, language, request.path, entry_number)
    html = pages.render_page("wizard/step.html", state, key, form=g.form, step=step,
                             entry_number=entry_number,
                             action_url=request.path if entry_number else None)
    return html, status


@bp.route("/forms/<form_id>/steps/<step_id>", methods=["GET", "POST"])
def step(form_id: str, step_id: str) -> Any:
    journey, step = _open_step(step_id)
    if step.repeat is not None:
        return _entry_list(journey, step)
    language = current_language()
    if request.method == "GET":
        return _render_step(journey, step, prefill(step, journey.answers, language), [])
    raw = raw_input(step_form(g.form, step, request.form))
    shown = dict(raw)
    files, upload_errors = receive_files(
        step, journey.answers,
        store=lambda f, upload: uploads.accept(g.draft, f, upload.stream, upload.filename).id,
        discard=lambda attachment_id: uploads.remove(g.draft, attachment_id))
    raw.update(files)
    result = validate_step(step, raw, journey.earlier_answers(step), language)
    saving = request.form.get("action") == "save"
    if upload_errors or _staying_for_files():
        # An upload or removal: show the page again with the file list, nothing else flagged.
        merged = journey.with_step_answers(step, {**_kept(journey, step), **result.values, **files})
        _save(merged, journey.completed_without(step), step.id)
        return _render_step(journey, step, shown, upload_errors, 422 if upload_errors else 200,
                            files=files)
    if not result.ok:
        # Keep what was valid, so a closed tab loses as little as possible.
        merged = journey.with_step_answers(step, {**_kept(journey, step), **result.values, **files})
        _save(merged, journey.completed_without(step), step.id)
        if saving:
            return _save_for_later(step.id)
        return _render_step(journey, step, shown, result.errors, 422)
    _save(journey.with_step_answers(step, result.values), journey.completed_with(step), step.id)
    if saving:
        return _save_for_later(step.id)
    return redirect(_next_url(journey, step), code=303)


def _save(answers: dict[str, Any], completed: list[str], current: str | None) -> None:
    """Save the draft and renew the cookie that names it: both live on for the TTL from now.

    The cookie is renewed here, where the draft is, not on every page
    (SESSION_REFRESH_EACH_REQUEST is off): re-signing it on each GET cost a tenth of a step.
    """
    drafts.save(g.draft, answers, completed, current, current_app.config["DRAFT_TTL_DAYS"])
    session.modified = True


def _staying_for_files() -> bool:
    return request.form.get("action") == "upload" or bool(request.form.get("remove"))


def receive_files(step: Step, values: dict[str, Any],
                  store: Callable[[Field, FileStorage], str],
                  discard: Callable[[str], None]) -> tuple[dict[str, list[str]], list[FieldError]]:
    """Apply a removal and take new uploads for the step's file fields.

    The attachment ids come from the stored answers, never from the browser; the
    browser only sends new files and which one to remove. `store` keeps one upload
    and returns its id (or raises Invalid); `discard` drops a removed one. The wizard
    and the designer's preview differ only in those two.
    """
    file_fields = [f for f in step.questions if f.type == "file"]
    files = {f.name: list(values.get(f.name) or []) for f in file_fields}
    errors: list[FieldError] = []
    if removed := request.form.get("remove"):
        for ids in files.values():
            if removed in ids:
                ids.remove(removed)
                discard(removed)
    for f in file_fields:
        for upload in request.files.getlist(f"{f.name}-upload"):
            if not upload or not upload.filename:
                continue
            if len(files[f.name]) >= f.max_files:
                errors.append(FieldError(f, Invalid(
                    N_plural("Sie können hier höchstens %(max)s Datei hochladen.",
                             "Sie können hier höchstens %(max)s Dateien hochladen.", "max"),
                    max=f.max_files)))
                break
            try:
                files[f.name].append(store(f, upload))
            except Invalid as error:
                errors.append(FieldError(f, error))
    return files, errors


def _kept(journey: Journey, step: Step) -> dict[str, Any]:
    return {f.name: journey.answers[f.name] for f in step.questions if f.name in journey.answers}


def _next_url(journey: Journey, step: Step) -> str:
    """After a step: back to the summary when changing an answer from there, else onwards."""
    if request.form.get("return_to") == "summary" and journey.first_open() is None:
        return url_for("wizard.summary", form_id=g.form.id)
    following = journey.after(step)
    return step_url(following if following is not None else journey.first_open())


def _save_for_later(step_id: str) -> Response:
    code = drafts.issue_resume_code(g.draft)
    session["resume_code"] = code
    return redirect(url_for("wizard.saved", form_id=g.form.id), code=303)


@bp.get("/forms/<form_id>/saved")
def saved(form_id: str) -> Any:
    if g.draft is None:
        return no_draft_page()
    code = session.pop("resume_code", None)
    if code is None:
        return redirect(url_for("wizard.start_page", form_id=form_id), code=303)
    return render_template("wizard/saved.html", form=g.form, code=code, draft=g.draft,
                           days=current_app.config["DRAFT_TTL_DAYS"])


# -- repeating steps ------------------------------------------------------------------


def _entry_list(journey: Journey, step: Step) -> Any:
    entries = journey.entries(step)
    error = None
    if request.method == "POST":
        if len(entries) < step.repeat.min:
            error = ngettext("Bitte fügen Sie mindestens %(min)s Eintrag hinzu.",
                             "Bitte fügen Sie mindestens %(min)s Einträge hinzu.",
                             step.repeat.min, min=step.repeat.min)
        else:
            _save(journey.answers, journey.completed_with(step), step.id)
            if request.form.get("action") == "save":
                return _save_for_later(step.id)
            return redirect(_next_url(journey, step), code=303)
    elif not entries and step.repeat.min > 0:
        return redirect(url_for("wizard.entry", form_id=g.form.id, step_id=step.id, entry="new"))
    before = journey.before(step)
    back_url = step_url(before) if before else url_for("wizard.start_page", form_id=g.form.id)
    state = pages.step_state(journey, step, {}, [], current_language(), back_url)
    return pages.render_page("wizard/entries.html", state, form=g.form, step=step, entries=entries,
                             error=error, back_url=back_url), (422 if error else 200)


def _entry_index(entry: str, entries: list) -> int | None:
    """`new`, or 1 … number of entries; anything else is no entry."""
    if entry == "new":
        return len(entries)
    if entry.isdigit() and 1 <= int(entry) <= len(entries):
        return int(entry) - 1
    return None


@bp.route("/forms/<form_id>/steps/<step_id>/entries/<entry>", methods=["GET", "POST"])
def entry(form_id: str, step_id: str, entry: str) -> Any:
    journey, step = _open_step(step_id)
    entries = journey.entries(step)
    index = _entry_index(entry, entries) if step.repeat else None
    if index is None:
        return render_template("wizard/not_here.html", form=g.form, reason="unknown",
                               next_url=step_url(step)), 404
    if index == len(entries) and len(entries) >= step.repeat.max:
        return redirect(step_url(step), code=303)
    language = current_language()
    earlier = journey.earlier_answers(step)
    current = entries[index] if index < len(entries) else {}
    if request.method == "GET":
        return _render_step(journey, step, prefill(step, current, language), [],
                            entry_number=index + 1)
    raw = raw_input(step_form(g.form, step, request.form))
    result = validate_step(step, dict(raw), earlier, language)
    if not result.ok:
        return _render_step(journey, step, raw, result.errors, 422, entry_number=index + 1)
    entries[index:index + 1] = [result.values]
    _save(journey.with_entries(step, entries), _entries_done(journey, step, entries), step.id)
    if request.form.get("return_to") == "summary" and journey.first_open() is None:
        return redirect(url_for("wizard.summary", form_id=g.form.id), code=303)
    return redirect(step_url(step), code=303)


def _entries_done(journey: Journey, step: Step, entries: list) -> list[str]:
    """Changing an entry keeps a finished list finished, as long as it has enough entries."""
    if journey.is_done(step) and len(entries) >= step.repeat.min:
        return journey.completed_with(step)
    return journey.completed_without(step)


@bp.post("/forms/<form_id>/steps/<step_id>/entries/<int:number>/remove")
def remove_entry(form_id: str, step_id: str, number: int) -> Any:
    journey, step = _open_step(step_id)
    entries = journey.entries(step)
    if step.repeat is not None and 1 <= number <= len(entries):
        del entries[number - 1]
        _save(journey.with_entries(step, entries), _entries_done(journey, step, entries), step.id)
    return redirect(step_url(step), code=303)
