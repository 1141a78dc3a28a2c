"""Publishing, versions, retiring, downloads: the whole way from a draft to the citizen."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.designer.models import AuditEntry, FormDraft
from portal.engine import content_hash, load_form
from portal.extensions import db
from portal.models import FormVersion, Submission
from portal.publishing import current_version
from tests.walk import Walker

from .conftest import copy_form, editor_text, publish, save, shipped, with_new_field

ROOT = Path(__file__).resolve().parents[2]


def _prepared(designer) -> int:
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    assert save(designer, draft_id, with_new_field(text), revision).status_code == 303
    return draft_id


def test_the_diff_shows_what_changes_before_publishing(app, designer, publisher):
    draft_id = _prepared(designer)
    page = publisher.get(f"/designer/drafts/{draft_id}/publish")
    assert page.status_code == 200
    assert "Version 1.1.0 im Vergleich zu Version 1.0.0" in page.text
    assert "Felder: 1 neu, 0 entfernt, 0 geändert, 0 verschoben." in page.text
    assert "Woher wissen Sie davon?" in page.text and "art == &#39;hinweis&#39;" in page.text
    assert "Version 1.1.0 veröffentlichen" in page.text


@pytest.mark.both_databases
def test_publishing_creates_an_immutable_version_and_citizens_get_it(app, designer, publisher):
    draft_id = _prepared(designer)
    # A citizen who started before publication ...
    before = app.test_client()
    walker = Walker(before, load_form(ROOT / "forms" / "onlinewache.json"))
    walker.start()

    response = publish(publisher, draft_id)
    assert response.status_code == 303
    assert response.headers["Location"] == "/designer/forms/onlinewache"
    version = current_version("onlinewache")
    assert version.version == "1.1.0"
    assert version.content_hash == content_hash(version.definition)
    assert (version.authority, version.published_by) == ("bezirksamt-mitte",
                                                         "paul.publisher@mitte.example")
    assert db.session.get(FormDraft, draft_id) is None
    entry = db.session.execute(select(AuditEntry).filter_by(action="published")).scalar_one()
    assert (entry.form_id, entry.version, entry.actor) == ("onlinewache", "1.1.0",
                                                           "paul.publisher@mitte.example")
    assert version.content_hash in entry.detail
    page = publisher.get("/designer/forms/onlinewache").text
    assert "Version 1.1.0 ist veröffentlicht" in page and version.content_hash[:19] in page

    # ... a new citizen sees the new field,
    after = app.test_client()
    after.post("/forms/onlinewache/start")
    assert "Woher wissen Sie davon?" in after.get("/forms/onlinewache/steps/anliegen").text
    # ... and the earlier one finishes on the version they started with.
    assert "Woher wissen Sie davon?" not in before.get("/forms/onlinewache/steps/anliegen").text
    walker.start = lambda: "/forms/onlinewache/continue"
    walker.walk()
    assert before.post("/forms/onlinewache/submit").status_code == 303
    submission = db.session.execute(select(Submission)).scalar_one()
    assert submission.form_version.version == "1.0.0"


def test_a_malformed_definition_cannot_be_published(app, designer, publisher):
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    for broken in (text[:-3],  # a JSON syntax error
                   text.replace('"retention_days": 90', '"retention_days": "90"'),  # schema
                   text.replace("\"art == 'hinweis'\"", "\"arr == 'hinweis'\"", 1)):  # condition
        save(designer, draft_id, broken, revision)  # not the publisher: four eyes
        revision += 1
        page = publisher.get(f"/designer/drafts/{draft_id}/publish")
        assert "Der Entwurf kann so nicht veröffentlicht werden" in page.text
        assert "veröffentlichen</button>" not in page.text
        refused = publisher.post(f"/designer/drafts/{draft_id}/publish",
                                 data={"revision": str(revision)})
        assert refused.status_code == 422
        assert current_version("onlinewache").version == "1.0.0"
        assert db.session.get(FormDraft, draft_id).text == broken  # nothing typed is lost


def test_a_new_version_must_be_higher_than_every_earlier_one(app, designer, publisher):
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    save(designer, draft_id, text.replace('"version": "1.1.0"', '"version": "1.0.0"'), revision)
    page = publisher.get(f"/designer/drafts/{draft_id}/publish")
    assert "Die Version muss höher sein als 1.0.0" in page.text
    assert publisher.post(f"/designer/drafts/{draft_id}/publish",
                          data={"revision": str(revision + 1)}).status_code == 422


def test_publishing_what_was_not_looked_at_is_refused(app, designer, publisher):
    draft_id = _prepared(designer)
    page = publisher.get(f"/designer/drafts/{draft_id}/publish")
    seen = re.search(r'name="revision" value="(\d+)"', page.text).group(1)
    text, revision = editor_text(designer, draft_id)
    save(designer, draft_id, text.replace("Woher wissen", "Woher genau wissen"), revision)
    stale = publisher.post(f"/designer/drafts/{draft_id}/publish", data={"revision": seen})
    assert stale.status_code == 409 and "Nichts wurde veröffentlicht" in stale.text
    assert current_version("onlinewache").version == "1.0.0"


@pytest.mark.both_databases
def test_the_same_version_published_twice_at_once_is_caught(app, designer, publisher, monkeypatch):
    first, second = _prepared(designer), _prepared(designer)
    assert publish(publisher, first).status_code == 303
    revision = str(db.session.get(FormDraft, second).revision)
    refused = publisher.post(f"/designer/drafts/{second}/publish", data={"revision": revision})
    assert refused.status_code == 422 and "Die Version muss höher sein als 1.1.0" in refused.text
    # Two publishers a moment apart: both pass the check, the database decides.
    from portal.designer import publication

    monkeypatch.setattr(publication, "newest_version", lambda form_id: None)
    text, revision = editor_text(designer, second)
    save(designer, second, text.replace("Woher wissen", "Wieso wissen"), int(revision))
    # (The German label changed, its English did not: publishing it is confirmed.)
    raced = publisher.post(f"/designer/drafts/{second}/publish",
                           data={"revision": str(revision + 1), "confirm_outdated": "1"})
    assert raced.status_code == 422 and "Version 1.1.0 ist schon veröffentlicht" in raced.text
    assert db.session.get(FormDraft, second) is not None
    assert current_version("onlinewache").version == "1.1.0"


def test_a_retired_form_leaves_the_catalogue_but_started_drafts_finish(app, designer, publisher):
    draft_id = _prepared(designer)
    publish(publisher, draft_id)
    citizen = app.test_client()
    walker = Walker(citizen, load_form(current_version("onlinewache").definition))
    walker.start()
    saved = citizen.post("/forms/onlinewache/steps/anliegen",
                         data={"art": "anzeige", "action": "save"})
    code_page = citizen.get(saved.headers["Location"]).text
    code = re.search(r'id="resume-code">([^<]+)<', code_page).group(1)

    confirm = publisher.get("/designer/forms/onlinewache/retire")
    assert confirm.status_code == 200 and "Bereits begonnene Anträge" in confirm.text
    assert publisher.post("/designer/forms/onlinewache/retire").status_code == 303
    statuses = {v.version: v.status for v in db.session.execute(
        select(FormVersion).filter_by(form_id="onlinewache")).scalars()}
    assert statuses == {"1.0.0": "retired", "1.1.0": "retired"}  # the shipped one too
    assert "Onlinewache" not in app.test_client().get("/").text
    assert app.test_client().get("/forms/onlinewache/").status_code == 404
    assert app.test_client().post("/forms/onlinewache/start").status_code == 404
    assert citizen.post("/forms/onlinewache/start").status_code == 404

    # The same draft, resumed by code on another device, can still be finished and sent.
    other_device = app.test_client()
    assert other_device.post("/forms/onlinewache/resume",
                             data={"resume_code": code}).status_code == 303
    walker = Walker(other_device, walker.form)
    walker.start = lambda: "/forms/onlinewache/continue"
    walker.walk()
    assert other_device.post("/forms/onlinewache/submit").status_code == 303
    assert db.session.execute(select(Submission)).scalar_one().form_version.version == "1.1.0"
    assert db.session.execute(select(AuditEntry).filter_by(action="retired")).scalar_one().detail \
        == "1.1.0, 1.0.0"


def test_every_version_downloads_as_a_file_that_forms_check_accepts(
        app, designer, runner, tmp_path):
    version = shipped("hilfe-zum-lebensunterhalt")
    response = designer.get(f"/designer/versions/{version.id}/download")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="hilfe-zum-lebensunterhalt-1.0.1.json"'
    document = json.loads(response.data)
    assert document["$schema"] == "../schemas/form.schema.json"
    assert not any(isinstance(f.get("options"), str)
                   for s in document["steps"] for f in s["fields"])  # codelists inline
    path = tmp_path / "elsewhere" / "export.json"
    path.parent.mkdir()
    path.write_bytes(response.data)
    result = runner.invoke(args=["forms", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert content_hash(document) == version.content_hash


def test_the_data_schema_of_every_version_downloads(app, designer):
    version = shipped("onlinewache")
    response = designer.get(f"/designer/versions/{version.id}/data-schema")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="onlinewache-1.0.0.data-schema.json"'
    schema = json.loads(response.data)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "delikt" in json.dumps(schema)


def test_the_audit_log_shows_who_did_what_to_which_version(app, designer, publisher, other):
    draft_id = _prepared(designer)
    publish(publisher, draft_id)
    page = publisher.get("/designer/audit").text
    for words in ("Entwurf aus Kopie angelegt", "Entwurf gespeichert", "Veröffentlicht",
                  "dora.designer@mitte.example", "paul.publisher@mitte.example",
                  "onlinewache 1.1.0"):
        assert words in page, words
    assert "dora.designer" not in other.get("/designer/audit").text
