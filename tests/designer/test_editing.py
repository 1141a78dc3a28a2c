"""Drafts: new, copied, imported, edited as text; nothing typed is ever lost."""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.designer.auth import SESSION_KEY
from portal.designer.models import AuditEntry, FormDraft
from portal.extensions import db

from .conftest import PASSWORD, copy_form, draft_id_of, editor_text, save, shipped

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_form_starts_as_a_valid_skeleton(app, designer):
    invalid = designer.post("/designer/forms/new", data={"form_id": "Hund!", "title": ""})
    assert invalid.status_code == 422
    assert "Die Formular-ID besteht aus" in invalid.text and "Geben Sie den Namen" in invalid.text
    assert 'value="Hund!"' in invalid.text
    created = designer.post("/designer/forms/new", data={"form_id": "hund-anmelden",
                                                          "title": "Hund anmelden"})
    assert created.status_code == 303
    # The new draft opens in the structured editor; the JSON view is one link away.
    assert created.headers["Location"].endswith("/builder")
    page = designer.get(created.headers["Location"])
    assert "Fragen und Schritte" in page.text and "JSON-Ansicht (für Fortgeschrittene)" in page.text
    draft_id = draft_id_of(created.headers["Location"])
    json_view = designer.get(f"/designer/drafts/{draft_id}")
    assert "Keine Fehler: Dieser Entwurf kann veröffentlicht werden." in json_view.text
    text, _ = editor_text(designer, draft_id)
    document = json.loads(text)
    assert (document["id"], document["version"], document["title"]) == (
        "hund-anmelden", "1.0.0", {"de": "Hund anmelden"})
    assert document["destination"] == "bezirksamt-mitte"


def test_a_copy_of_a_shipped_form_keeps_its_file_and_gets_the_next_version(app, designer):
    page = designer.get(f"/designer/versions/{shipped('onlinewache').id}/copy")
    assert 'value="onlinewache"' in page.text and "1.1.0" in page.text
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    original = (ROOT / "forms" / "onlinewache.json").read_text(encoding="utf-8")
    # As its authors wrote it, codelist references included; only the version differs.
    assert text == original.replace('"version": "1.0.0"', '"version": "1.1.0"', 1)
    assert '"options": "codelists/delikte.json"' in text
    draft = db.session.get(FormDraft, draft_id)
    assert draft.based_on.version == "1.0.0" and revision == 1
    assert db.session.execute(select(AuditEntry).filter_by(action="draft_copied")).scalar_one()


@pytest.mark.both_databases
def test_the_text_is_stored_exactly_as_typed_even_when_it_is_broken(app, designer):
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    broken = text.replace('"version": "1.1.0",', '"version": "1.1.0"', 1)  # a missing comma
    response = save(designer, draft_id, broken.replace("\n", "\r\n"), revision)
    assert response.status_code == 303
    assert db.session.get(FormDraft, draft_id).text == broken  # CR LF is the browser's, not typed
    page = designer.get(f"/designer/drafts/{draft_id}")
    assert editor_text(designer, draft_id)[0] == broken
    assert "JSON-Syntaxfehler: hier fehlt ein Komma" in page.text
    # The line that lacks the comma, just after its value (not the next line, where JSON
    # notices it).
    line = broken[: broken.index('"version": "1.1.0"')].count("\n") + 1
    column = len('  "version": "1.1.0"') + 1
    assert f"Zeile {line}, Spalte {column}" in page.text
    assert f'data-line="{line}"' in page.text
    # A broken draft cannot be previewed or published, but it is all still there.
    assert designer.get(f"/designer/drafts/{draft_id}/preview").status_code == 409


def test_a_schema_error_and_an_unknown_condition_name_show_line_and_pointer(app, designer):
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    broken = text.replace('"type": "radio"', '"type": "radioknopf"', 1).replace(
        "\"art == 'hinweis'\"", "\"arr == 'hinweis'\"", 1)
    save(designer, draft_id, broken, revision)
    page = designer.get(f"/designer/drafts/{draft_id}").text
    # Both at once: the schema error does not hide the condition that names no field.
    assert "Der Entwurf kann so nicht veröffentlicht werden (Fehler: 2)" in page
    assert "<code dir=\"ltr\">/steps/0/fields/1/type</code>" in page
    line = broken[: broken.index("arr ==")].count("\n") + 1
    assert f"Zeile {line}, Spalte 11" in page and "/steps/0/fields/2/visible_if" in page
    # In the designer's language, with a suggestion, and where it is in the form's outline.
    assert "die Bedingung nennt „arr“; das ist kein Feld dieses Formulars. Meinten Sie „art“?" \
        in page
    assert "&#39;radioknopf&#39; ist hier nicht erlaubt; meinten Sie &#39;radio&#39;? Möglich " \
        "sind:" in page
    assert "Schritt „Worum geht es?“, Frage „Aktenzeichen oder Fahndungsaufruf, falls bekannt“, " \
        "Bedingung „sichtbar wenn“" in page
    save(designer, draft_id, broken.replace("radioknopf", "radio"), revision + 1)
    page = designer.get(f"/designer/drafts/{draft_id}").text
    assert "Der Entwurf kann so nicht veröffentlicht werden (Fehler: 1)" in page
    assert "/steps/0/fields/1/type" not in page and "/steps/0/fields/2/visible_if" in page


@pytest.mark.both_databases
def test_two_people_saving_the_same_draft_never_overwrite_each_other_unseen(
        app, designer, publisher):
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    theirs = text.replace("Onlinewache:", "Wache:", 1)
    assert save(publisher, draft_id, theirs, revision).status_code == 303
    mine = text.replace("Onlinewache:", "Meine Wache:", 1)
    conflict = save(designer, draft_id, mine, revision)
    assert conflict.status_code == 409
    assert "paul.publisher@mitte.example hat diesen Entwurf gespeichert" in conflict.text
    assert "Meine Wache:" in conflict.text and "Wache:" in conflict.text
    assert db.session.get(FormDraft, draft_id).text.count("Meine Wache:") == 0
    new_revision = int(re.search(r'name="revision" value="(\d+)"', conflict.text).group(1))
    assert save(designer, draft_id, mine, new_revision).status_code == 303
    assert "Meine Wache:" in db.session.get(FormDraft, draft_id).text


def test_text_sent_after_the_session_ended_comes_back_after_signing_in(app, designer, accounts):
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    with designer.session_transaction() as session:
        session[SESSION_KEY] = {**session[SESSION_KEY], "seen": int(time.time()) - 3600}
    typed = text.replace("Onlinewache:", "Lange getippt:", 1)
    response = save(designer, draft_id, typed, revision)
    assert response.status_code == 401
    assert "Ihr Text ist nicht verloren" in response.text and "Lange getippt:" in response.text
    assert db.session.get(FormDraft, draft_id).revision == 1  # nothing saved unauthenticated
    back = designer.post("/designer/login", data={
        "email": accounts["designer"], "password": PASSWORD, "next": f"/designer/drafts/{draft_id}",
        "carried": typed})
    assert back.status_code == 200
    assert "Ihre Sitzung war abgelaufen" in back.text and "Lange getippt:" in back.text
    assert "Lange getippt:" not in db.session.get(FormDraft, draft_id).text


def test_import_makes_a_draft_of_any_json_file(app, designer):
    content = (ROOT / "forms" / "bauantrag.json").read_bytes()
    response = designer.post("/designer/import", data={
        "definition_file": (io.BytesIO(b"\xef\xbb\xbf" + content), "bauantrag.json")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    draft = db.session.get(FormDraft, draft_id_of(response.headers["Location"]))
    assert draft.form_id == "bauantrag" and draft.text == content.decode()
    # It opens in the structured editor, as a new or copied draft does.
    assert response.headers["Location"].endswith(f"/designer/drafts/{draft.id}/builder")
    outline = designer.get(response.headers["Location"])
    assert outline.status_code == 200 and "Baubeschreibung" in outline.text
    broken = designer.post("/designer/import", data={
        "definition_file": (io.BytesIO(b'{"id": "kaputt", '), "kaputt.json")},
        content_type="multipart/form-data")
    assert broken.status_code == 303  # imported as it is, to be fixed in the editor
    broken_id = draft_id_of(broken.headers["Location"])
    assert db.session.get(FormDraft, broken_id).form_id == "unbenannt"
    # Not JSON at all: on to the JSON view, which says where it breaks.
    onwards = designer.get(broken.headers["Location"])
    assert onwards.status_code == 303
    assert onwards.headers["Location"].endswith(f"/designer/drafts/{broken_id}")
    latin1 = designer.post("/designer/import", data={
        "definition_file": (io.BytesIO('{"id": "straße"}'.encode("latin-1")), "x.json")},
        content_type="multipart/form-data")
    assert latin1.status_code == 422 and "kein UTF-8-Text" in latin1.text
    assert designer.post("/designer/import", data={}).status_code == 422


def test_a_draft_can_be_downloaded_and_discarded(app, designer):
    draft_id = copy_form(designer)
    download = designer.get(f"/designer/drafts/{draft_id}/download")
    assert download.headers["Content-Disposition"] == \
        'attachment; filename="onlinewache-draft.json"'
    assert json.loads(download.data)["version"] == "1.1.0"
    assert designer.get(f"/designer/drafts/{draft_id}/delete").status_code == 200
    assert designer.post(f"/designer/drafts/{draft_id}/delete").status_code == 303
    assert db.session.get(FormDraft, draft_id) is None
    assert designer.get(f"/designer/drafts/{draft_id}").status_code == 404
