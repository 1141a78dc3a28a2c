"""The live preview: the wizard's own pages, any step, any language, nothing ever sent."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from portal.designer.models import PreviewAnswers
from portal.extensions import db
from portal.models import Draft, Submission

from .conftest import copy_form, draft_id_of, editor_text, save, with_new_field


def _draft(designer) -> int:
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    save(designer, draft_id, with_new_field(text), revision)
    return draft_id


def test_any_step_is_rendered_by_the_wizards_templates(app, designer):
    draft_id = _draft(designer)
    base = f"/designer/drafts/{draft_id}/preview"
    overview = designer.get(base)
    assert overview.status_code == 200 and "Was ist passiert?" in overview.text
    page = designer.get(f"{base}/steps/hergang")  # a later step, opened directly
    assert page.status_code == 200
    assert 'class="caption__progress"' not in page.text or "Abschnitt" in page.text
    assert 'id="tathergang"' in page.text and 'name="csrf_token"' in page.text  # the wizard's form
    assert "Vorschau</strong>" in page.text and "Hier wird nichts gesendet" in page.text
    assert "timeout-dialog" not in page.text  # nothing to close in a preview
    # Every link of the wizard's page leads into the preview, none into the real wizard.
    assert 'href="/forms/' not in page.text and 'action="/forms/' not in page.text


def test_conditions_are_tested_by_filling_in_the_preview(app, designer):
    draft_id = _draft(designer)
    base = f"/designer/drafts/{draft_id}/preview"
    # Without JavaScript a question that depends on the same page is shown ...
    assert "Woher wissen Sie davon?" in designer.get(f"{base}/steps/anliegen").text
    response = designer.post(f"{base}/steps/anliegen", data={
        "art": "anzeige", "hinweis_quelle": "Vom Nachbarn", "action": "continue"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/steps/tat")
    state = db.session.execute(select(PreviewAnswers)).scalar_one()
    assert state.answers == {"art": "anzeige"}  # ... and its answer dropped when it does not apply
    designer.post(f"{base}/steps/anliegen", data={
        "art": "hinweis", "hinweis_quelle": "Vom Nachbarn", "action": "continue"})
    db.session.refresh(state)
    assert state.answers["hinweis_quelle"] == "Vom Nachbarn"
    # A step whose condition fails is marked as skipped.
    overview = designer.get(base).text
    assert "wird übersprungen" in overview
    tatverdaechtige = designer.get(f"{base}/steps/tatverdaechtige/entries/new").text
    assert "dieser Schritt übersprungen" in tatverdaechtige


def test_the_preview_in_another_language_uses_the_language_switch(app, designer):
    draft_id = _draft(designer)
    step = f"/designer/drafts/{draft_id}/preview/steps/anliegen"
    switched = designer.get(f"/language/en?next={step}")
    assert switched.headers["Location"] == step
    page = designer.get(step).text
    assert '<html lang="en"' in page
    assert "How do you know about it?" in page and "Preview" in page
    assert "Continue" in page  # the wizard's own interface text, in English too


def test_the_summary_and_sending_send_nothing(app, designer):
    draft_id = _draft(designer)
    base = f"/designer/drafts/{draft_id}/preview"
    summary = designer.get(f"{base}/summary")
    assert summary.status_code == 200 and "Prüfen Sie Ihre Angaben" in summary.text
    incomplete = designer.post(f"{base}/send")
    assert incomplete.status_code == 422 and "Einige Angaben fehlen" in incomplete.text
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_a_complete_preview_shows_the_data_the_authority_would_get(app, designer):
    created = designer.post("/designer/forms/new", data={"form_id": "hund", "title": "Hund"})
    draft_id = draft_id_of(created.headers["Location"])
    base = f"/designer/drafts/{draft_id}/preview"
    designer.post(f"{base}/steps/angaben", data={"anliegen": "Ein Dackel", "action": "continue"})
    sent = designer.post(f"{base}/send")
    assert sent.status_code == 200
    assert "&#34;anliegen&#34;: &#34;Ein Dackel&#34;" in sent.text
    assert "Die Daten passen zum Datenschema dieser Version." in sent.text
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_files_in_the_preview_are_recorded_by_name_only(app, designer):
    draft_id = _draft(designer)
    base = f"/designer/drafts/{draft_id}/preview/steps/beweismittel"
    response = designer.post(base, data={
        "action": "upload", "beweise-upload": (io.BytesIO(b"%PDF-1.4 nothing"), "foto.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 200 and "foto.pdf" in response.text
    state = db.session.execute(select(PreviewAnswers)).scalar_one()
    (key,) = state.files
    assert state.files[key] == {"display_name": "foto.pdf", "size": 16}
    removed = designer.post(base, data={"remove": key})
    assert "foto.pdf" not in removed.text


def test_repeating_steps_work_in_the_preview(app, designer):
    draft_id = _draft(designer)
    base = f"/designer/drafts/{draft_id}/preview/steps/zeugen"
    # As in the citizen's wizard: a list that needs an entry opens the first one.
    first = designer.get(base)
    assert first.status_code == 302 and first.headers["Location"] == f"{base}/entries/new"
    added = designer.post(f"{base}/entries/new", data={
        "zeuge_name-given_name": "Ada", "zeuge_name-family_name": "Lovelace",
        "zeuge_telefon": "030 123456"})
    assert added.status_code == 303
    listing = designer.get(base).text
    assert "Ada Lovelace" in listing
    assert f'action="/designer/drafts/{draft_id}/preview/steps/zeugen/entries/1/remove"' in listing
    designer.post(f"{base}/entries/1/remove")
    assert "Ada Lovelace" not in designer.get(base).text


def test_the_preview_answers_are_the_designers_own_and_can_be_reset(app, designer, publisher):
    draft_id = _draft(designer)
    base = f"/designer/drafts/{draft_id}/preview"
    designer.post(f"{base}/steps/anliegen", data={"art": "hinweis", "action": "continue"})
    assert 'value="hinweis" checked' not in publisher.get(f"{base}/steps/anliegen").text
    assert 'value="hinweis" checked' in designer.get(f"{base}/steps/anliegen").text
    designer.post(f"{base}/reset")
    assert 'value="hinweis" checked' not in designer.get(f"{base}/steps/anliegen").text
