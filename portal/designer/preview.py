"""The live preview: the citizen's journey (portal.journey) over a designer's answers.

Answers live in PreviewAnswers (one row per designer and draft), never in a
citizen's draft or a submission; files are recorded by name and size only.
The wizard's links lead into the preview instead (PreviewWay.url_for); the
answers are kept by PreviewStore (answers.py).
"""

from __future__ import annotations

import json
from typing import Any

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..engine import Step, check_answers, data_schema, submission_data
from ..engine.patterns import data_validator
from ..extensions import db, unit_of_work
from ..journey import Detour, JourneyController
from ..languages import current_language
from . import bp
from .answers import PreviewStore
from .checking import compiled_text
from .editing import draft_or_404, forms_dir
from .models import FormDraft, PreviewAnswers, utcnow

#: Wizard endpoints and where the same link leads in the preview.
_PREVIEW_ENDPOINTS = {
    "wizard.step": "designer.preview_step", "wizard.entry": "designer.preview_entry",
    "wizard.remove_entry": "designer.preview_remove_entry",
    "wizard.summary": "designer.preview_summary", "wizard.send": "designer.preview_send",
    "wizard.authority": "designer.preview_authority",
}
bp.register_error_handler(Detour, Detour.answer)


class PreviewWay:
    """The journey as a designer tries it: any step, no skeletons kept, nothing saved for later."""

    templates = {"step": "designer/preview_step.html", "entries": "designer/preview_entries.html",
                 "summary": "designer/preview_summary.html"}
    guarded = False

    def __init__(self, draft: FormDraft) -> None:
        self.draft = draft

    def url_for(self, endpoint: str, **values: Any) -> str:
        if endpoint.startswith("wizard."):
            values.pop("form_id", None)
            target = _PREVIEW_ENDPOINTS.get(endpoint)
            if target is None:  # a wizard page the preview has no twin of: its overview
                return url_for("designer.preview", draft_id=self.draft.id)
            return url_for(target, draft_id=self.draft.id, **values)
        return url_for(endpoint, **values)

    def skeleton_key(self, page: str, step: Step, entry_number: int | None = None) -> None:
        return None  # a draft's text changes with every save

    def save_for_later(self) -> Any:
        flash(_("In der Vorschau wird nichts gespeichert, um später fortzusetzen. Ihre Antworten "
                "bleiben aber für die nächste Vorschau erhalten."), "success")
        return redirect(url_for("designer.preview", draft_id=self.draft.id), code=303)

    def context(self) -> dict[str, Any]:
        return {"draft": self.draft}


def _controller(draft_id: int) -> JourneyController:
    """The preview of a draft, in the language chosen among the draft's languages."""
    draft = draft_or_404(draft_id)
    form = compiled_text(draft.text, forms_dir())
    if form is None:  # the engine rejects the text as it is
        raise Detour((render_template("designer/preview_unavailable.html", draft=draft), 409))
    g.form = form
    refresh()
    query = select(PreviewAnswers).filter_by(form_draft_id=draft.id, staff_user_id=g.staff.id)
    if (state := db.session.execute(query).scalar_one_or_none()) is None:
        try:
            with unit_of_work() as session:
                session.add(PreviewAnswers(form_draft_id=draft.id, staff_user_id=g.staff.id,
                                           answers={}, completed_steps=[], files={},
                                           updated_at=utcnow()))
        except IntegrityError:  # the same person in a second tab, a moment earlier
            pass
        state = db.session.execute(query).scalar_one()
    return JourneyController(form, PreviewStore(state), PreviewWay(draft))


@bp.get("/drafts/<int:draft_id>/preview")
def preview(draft_id: int) -> Any:
    walk = _controller(draft_id)
    return walk.render("designer/preview.html", journey=walk.journey, language=current_language())


@bp.post("/drafts/<int:draft_id>/preview/reset")
def preview_reset(draft_id: int) -> Any:
    draft = draft_or_404(draft_id)
    with unit_of_work() as session:
        session.execute(PreviewAnswers.__table__.delete().where(
            PreviewAnswers.form_draft_id == draft.id, PreviewAnswers.staff_user_id == g.staff.id))
    flash(_("Die Antworten der Vorschau sind gelöscht."), "success")
    return redirect(url_for("designer.preview", draft_id=draft.id), code=303)


@bp.route("/drafts/<int:draft_id>/preview/steps/<step_id>", methods=["GET", "POST"])
def preview_step(draft_id: int, step_id: str) -> Any:
    return _controller(draft_id).step(step_id)


@bp.route("/drafts/<int:draft_id>/preview/steps/<step_id>/entries/<entry>",
          methods=["GET", "POST"])
def preview_entry(draft_id: int, step_id: str, entry: str) -> Any:
    return _controller(draft_id).entry(step_id, entry)


@bp.post("/drafts/<int:draft_id>/preview/steps/<step_id>/entries/<int:number>/remove")
def preview_remove_entry(draft_id: int, step_id: str, number: int) -> Any:
    return _controller(draft_id).remove_entry(step_id, number)


@bp.route("/drafts/<int:draft_id>/preview/authority", methods=["GET", "POST"])
def preview_authority(draft_id: int) -> Any:
    return _controller(draft_id).authority()


@bp.get("/drafts/<int:draft_id>/preview/summary")
def preview_summary(draft_id: int) -> Any:
    return _controller(draft_id).summary()


@bp.post("/drafts/<int:draft_id>/preview/send")
def preview_send(draft_id: int) -> Any:
    """What sending would do, without sending: the data the authority would receive."""
    walk = _controller(draft_id)
    form, answers = walk.form, walk.journey.answers
    if problems := check_answers(form, answers):
        return walk.summary(problems, 422, first_problem=form.step(next(iter(problems))))
    data = submission_data(form, answers)
    # The same contract check the real submission makes (portal.submissions).
    schema_errors = [e.message for e in data_validator(data_schema(form)).iter_errors(data)]
    return walk.render("designer/preview_sent.html", schema_errors=schema_errors,
                       data=json.dumps(data, indent=2, ensure_ascii=False))
