"""The designer's preview routes like the wizard: the same choice of municipality."""

from __future__ import annotations

from sqlalchemy import select

from portal.designer.models import PreviewAnswers
from portal.engine import load_form
from portal.extensions import db
from tests.conftest import FORMS_DIR
from tests.walk import Walker

from .conftest import copy_form


def test_the_preview_asks_for_the_municipality_and_keeps_the_choice(app, designer):
    draft_id = copy_form(designer)
    base = f"/designer/drafts/{draft_id}/preview"
    form = load_form(FORMS_DIR / "onlinewache.json")
    walker = Walker(designer, form, postcode="15366")
    page = designer.get(f"{base}/steps/tatort")
    response = designer.post(f"{base}/steps/tatort",
                             data=walker.step_data(form.step("tatort"), page.text))
    assert response.status_code == 303
    assert response.headers["Location"] == f"{base}/authority"
    choice = designer.get(f"{base}/authority")
    assert "Zu welchem Ort gehört die Postleitzahl 15366?" in choice.text
    chosen = designer.post(f"{base}/authority", data={"choice": "0"})
    assert chosen.status_code == 303 and chosen.headers["Location"] == f"{base}/steps/hergang"
    state = db.session.execute(select(PreviewAnswers)).scalar_one()
    assert state.answers["@authority"]["municipality"] == "Hoppegarten"
    assert "tatort" in state.completed_steps
