"""The citizen's pages: catalogue, start, steps, check answers, confirmation, drafts."""

from __future__ import annotations

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
from werkzeug.wrappers import Response

from .. import drafts
from ..authorities.routing import responsible
from ..authorities.views import footer_authority
from ..drafts import StoredDraft
from ..engine.errors import Invalid
from ..engine.types.text import Email as EmailField
from ..extensions import db, unit_of_work
from ..journey import Detour, JourneyController
from ..journey.pages import PageState, render_page
from ..languages import current_language
from ..mailbox import notify
from ..models import FormVersion
from ..publishing import compiled, current, published_forms
from . import bp, idle
from .answers import CITIZEN, DraftAnswers

# -- loading ------------------------------------------------------------------


def _draft_id(form_id: str) -> str | None:
    return (session.get("drafts") or {}).get(form_id)


def _remember_draft(form_id: str, draft: StoredDraft) -> None:
    ids = dict(session.get("drafts") or {})
    ids[form_id] = draft.id
    session["drafts"] = ids
    session.permanent = True
    idle.touch(compiled(draft.form_version), force=True)


@bp.url_value_preprocessor
def load_form(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Put the form (and the citizen's draft) on `g`; a draft keeps its own version."""
    if not values or "form_id" not in values:
        return
    form_id = values["form_id"]
    g.draft = drafts.find_draft(_draft_id(form_id))
    if g.draft is not None and g.draft.form_version.form_id == form_id:
        g.form = compiled(g.draft.form_version)
        if not idle.timed_out(g.form):
            idle.touch(g.form)
            return
        # Left open too long (a shared computer): closed here, kept for the resume code.
        idle.close(g.form, g.draft)
        if endpoint not in ("wizard.start_page", "wizard.resume", "wizard.start"):
            raise Detour(redirect(url_for("wizard.start_page", form_id=form_id), code=303))
    g.draft = None
    version = current(form_id)
    if version is None and endpoint == "wizard.resume":
        # A retired form starts nothing new, but a saved draft can still be resumed and finished.
        version = db.session.execute(select(FormVersion).filter_by(form_id=form_id)
                                     .order_by(FormVersion.id.desc()).limit(1)).scalar()
    if version is None:
        abort(404)
    g.form = compiled(version)


def no_draft_page() -> tuple[str, int]:
    """The cookie names no live draft: it expired, was sent, or was never there."""
    had_cookie = _draft_id(g.form.id) is not None
    status = 410 if had_cookie else 404
    return render_template("wizard/no_draft.html", form=g.form, expired=had_cookie), status


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
        groups.setdefault(topic, []).append(
            {"form": form, "title": title, "description": description})
    count = sum(len(entries) for entries in groups.values())
    return render_template("wizard/catalogue.html", groups=sorted(groups.items()), query=query,
                           count=count)


@bp.get("/forms/<form_id>/")
def start_page(form_id: str) -> str:
    submitted = g.draft is not None and g.draft.submitted_at is not None
    g.responsible = responsible(g.form, g.draft.answers if g.draft is not None else None)
    closed = idle.what_was_kept(g.form)
    if g.draft is None and closed is None:
        # A first visit: the same page for everyone in this language but for the CSRF token
        # (one per session), so it is rendered once (portal.journey.pages) and filled in.
        key = ("wizard/start.html", g.form.content_hash, current_language(), request.path,
               footer_authority())
        return render_page("wizard/start.html", PageState(), key, form=g.form, draft=None,
                           submitted=False, closed=None)
    return render_template("wizard/start.html", form=g.form, draft=g.draft, submitted=submitted,
                           closed=closed)


@bp.post("/forms/<form_id>/keep-open")
def keep_open(form_id: str) -> tuple[str, int]:
    """The timeout warning's "continue": this request is the activity (load_form noted it)."""
    if g.draft is None:
        return "", 410
    idle.touch(g.form, force=True)
    return "", 204


@bp.post("/forms/<form_id>/leave")
def leave(form_id: str) -> Any:
    """Finish on this device: the browser forgets the draft; the resume code opens it again."""
    if g.draft is None:
        return redirect(url_for("wizard.start_page", form_id=form_id), code=303)
    code = drafts.issue_resume_code(g.draft) if g.draft.submitted_at is None else None
    idle.close(g.form, None)
    session.pop("resume_code", None)
    session.pop("resume_sent_to", None)
    return render_template("wizard/left.html", form=g.form, code=code,
                           expires=g.draft.expires_at)


@bp.post("/forms/<form_id>/start")
def start(form_id: str) -> Response:
    version = current(form_id)
    if version is None:  # retired while a draft of it was open in this browser
        abort(404)
    draft = drafts.start_draft(version, current_language(), current_app.config["DRAFT_TTL_DAYS"])
    _remember_draft(form_id, draft)
    form = compiled(version)
    return redirect(url_for("wizard.step", form_id=form_id, step_id=form.steps[0].id), code=303)


@bp.route("/forms/<form_id>/resume", methods=["GET", "POST"])
def resume(form_id: str) -> Any:
    if request.method == "GET":
        # The e-mailed link only fills in the code: a link scanner opening it resumes nothing.
        return render_template("wizard/start.html", form=g.form, draft=g.draft, submitted=False,
                               resume_code=request.args.get("code", "")[:20])
    code = request.form.get("resume_code", "")
    draft = drafts.find_by_resume_code(code, form_id)
    if draft is None:
        days = current_app.config["DRAFT_TTL_DAYS"]
        error = g.form.says("code_not_found", current_language()) + " " + ngettext(
            "Gespeicherte Angaben werden nach %(days)s Tag ohne Änderung gelöscht.",
            "Gespeicherte Angaben werden nach %(days)s Tagen ohne Änderung gelöscht.",
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
    walk = controller()
    journey, current = walk.journey, g.form.step(g.draft.current_step or "")
    if current is None or not journey.applies(current) or not journey.can_open(current):
        current = journey.first_open()
    return redirect(walk.step_url(current), code=303)


# -- steps: the journey controller (portal.journey) over the citizen's draft ----------


bp.register_error_handler(Detour, Detour.answer)
bp.add_app_template_global(idle.limit_seconds, "idle_seconds")


def controller() -> JourneyController:
    """The journey of this request's draft; a Detour when there is none to walk."""
    if g.get("draft") is None:
        raise Detour(no_draft_page())
    if g.draft.submitted_at is not None:
        raise Detour(redirect(url_for("wizard.confirmation", form_id=g.form.id), code=303))
    return JourneyController(g.form, DraftAnswers(g.draft, current_app.config["DRAFT_TTL_DAYS"]),
                             CITIZEN)


@bp.route("/forms/<form_id>/steps/<step_id>", methods=["GET", "POST"])
def step(form_id: str, step_id: str) -> Any:
    return controller().step(step_id)


@bp.route("/forms/<form_id>/steps/<step_id>/entries/<entry>", methods=["GET", "POST"])
def entry(form_id: str, step_id: str, entry: str) -> Any:
    return controller().entry(step_id, entry)


@bp.post("/forms/<form_id>/steps/<step_id>/entries/<int:number>/remove")
def remove_entry(form_id: str, step_id: str, number: int) -> Any:
    return controller().remove_entry(step_id, number)


@bp.route("/forms/<form_id>/authority", methods=["GET", "POST"])
def authority(form_id: str) -> Any:
    return controller().authority()


@bp.get("/forms/<form_id>/saved")
def saved(form_id: str) -> Any:
    if g.draft is None:
        return no_draft_page()
    code = session.pop("resume_code", None)
    sent_to = session.pop("resume_sent_to", None)
    if code is None:
        return redirect(url_for("wizard.start_page", form_id=form_id), code=303)
    return _saved_page(code, sent_to=sent_to)


def _saved_page(code: str, **context: Any) -> Any:
    return render_template("wizard/saved.html", form=g.form, code=code, draft=g.draft,
                           days=current_app.config["DRAFT_TTL_DAYS"], **context)


@bp.post("/forms/<form_id>/saved/email")
def email_resume_link(form_id: str) -> Any:
    """Send the resume link to an address the citizen gives; the address is kept nowhere else.

    The code comes back from the saved page's form (it is stored only as a hash) and must open
    this browser's draft. One mail per press of the button: the answer is a redirect to the
    saved page (shown once more, saying where the link went), so reloading it sends nothing."""
    if g.draft is None:
        return no_draft_page()
    code = request.form.get("resume_code", "")
    found = drafts.find_by_resume_code(code, form_id)
    if found is None or found.id != g.draft.id:
        return redirect(url_for("wizard.start_page", form_id=form_id), code=303)
    address = request.form.get("email", "").strip()
    try:
        address = EmailField({"name": "email", "type": "email"}).clean(address, current_language())
    except Invalid as invalid:  # the e-mail field's own message, in the citizen's language
        return _saved_page(code, email=address,
                           email_error=invalid.message(current_language())), 422
    with unit_of_work():
        notify.resume_link(g.form, current_language(), address, code, g.draft.expires_at)
    session["resume_code"], session["resume_sent_to"] = code, address
    return redirect(url_for("wizard.saved", form_id=form_id) + "#email-sent", code=303)
