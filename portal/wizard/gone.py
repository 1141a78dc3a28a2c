"""The page for a draft that vanished between reading and saving it (drafts.DraftGone)."""

from __future__ import annotations

from flask import current_app, g, render_template

from ..drafts import DraftGone
from . import bp


@bp.errorhandler(DraftGone)
def draft_gone(error: DraftGone) -> tuple[str, int]:
    """410, with what happened, what was kept and how to start again; never a 500 saying
    that the answers are safe when they are not."""
    return render_template("wizard/draft_gone.html", form=g.form,
                           days=current_app.config["DRAFT_TTL_DAYS"]), 410
