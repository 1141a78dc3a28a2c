"""Who may do what: anonymous visitors nothing, designers no publishing, each authority its own."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from portal.designer.models import AuditEntry, FormDraft
from portal.extensions import db
from portal.models import FormVersion
from tests.conftest import FORMS_DIR

from .conftest import copy_form, editor_text, publish, save, shipped, with_new_field

SHIPPED = len(list(FORMS_DIR.glob("*.json")))  # one published version of each shipped form


def _designer_urls(app, values: dict) -> list[tuple[str, str]]:
    """Every designer address and method, with real ids filled in."""
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("designer.") or rule.endpoint == "designer.login":
            continue
        url = adapter.build(rule.endpoint, {k: values[k] for k in rule.arguments})
        urls += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return urls


def test_an_anonymous_visitor_reaches_nothing(app, client, designer):
    draft_id = copy_form(designer)
    version_id = shipped("onlinewache").id
    values = {"draft_id": draft_id, "version_id": version_id, "form_id": "onlinewache",
              "step_id": "anliegen", "entry": "1", "number": 1, "name": "editor.png",
              "page": "formulardefinition", "s": 0, "f": 0}
    urls = _designer_urls(app, values)
    assert len(urls) > 25
    for method, url in urls:
        response = client.open(url, method=method, data={"definition": "{}", "revision": "1"})
        if method == "GET":
            assert response.status_code == 303, url
            assert response.headers["Location"].startswith("/designer/login?next="), url
        else:
            assert response.status_code == 401, (method, url)
            assert "Anmelden im Formular-Designer" in response.text
            assert "Sicherheit und Ordnung" not in response.text, url  # nothing of the form
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == SHIPPED
    draft = db.session.get(FormDraft, draft_id)
    assert draft.revision == 1 and draft.text != "{}"


def test_a_designer_cannot_publish_or_retire(app, designer, publisher):
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    save(designer, draft_id, with_new_field(text), revision)
    page = designer.get(f"/designer/drafts/{draft_id}/publish")
    assert page.status_code == 200 and 'action="/designer/drafts/' not in page.text.split(
        "Veröffentlichen</h2>")[1]
    assert "nur eine Person mit der Rolle" in page.text
    response = designer.post(f"/designer/drafts/{draft_id}/publish", data={"revision": "2"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == SHIPPED
    denied = db.session.execute(select(AuditEntry).filter_by(action="denied")).scalar_one()
    assert denied.actor == "dora.designer@mitte.example"

    assert publish(publisher, draft_id).status_code == 303
    assert designer.get("/designer/forms/onlinewache/retire").status_code == 403
    assert designer.post("/designer/forms/onlinewache/retire").status_code == 403
    assert db.session.execute(
        select(FormVersion).filter_by(form_id="onlinewache", version="1.1.0")).scalar_one().status \
        == "published"


@pytest.fixture
def mitte_draft(designer) -> int:
    return copy_form(designer, "onlinewache", "onlinewache-mitte")


def test_another_authority_cannot_see_or_change_a_draft(app, other, other_publisher, mitte_draft):
    base = f"/designer/drafts/{mitte_draft}"
    for url in (base, f"{base}/download", f"{base}/publish", f"{base}/delete", f"{base}/preview",
                f"{base}/preview/steps/anliegen", f"{base}/preview/summary"):
        response = other.get(url)
        assert response.status_code == 404, url
        assert "onlinewache-mitte" not in response.text
    for url, data in ((base, {"definition": "{}", "revision": "1"}), (f"{base}/delete", {}),
                      (f"{base}/preview/reset", {}),
                      (f"{base}/preview/steps/anliegen", {"art": "anzeige"}),
                      (f"{base}/preview/send", {})):
        assert other.post(url, data=data).status_code == 404, url
    assert other.post(f"{base}/publish", data={"revision": "1"}).status_code == 403  # a designer
    assert other_publisher.post(f"{base}/publish", data={"revision": "1"}).status_code == 404
    assert db.session.get(FormDraft, mitte_draft).revision == 1
    assert "onlinewache-mitte" not in other.get("/designer/").text


def test_another_authority_cannot_see_published_versions_or_take_over_the_form(
        app, designer, publisher, other, other_publisher, mitte_draft):
    assert publish(publisher, mitte_draft).status_code == 303
    version = db.session.execute(
        select(FormVersion).filter_by(form_id="onlinewache-mitte")).scalar_one()
    assert version.authority == "bezirksamt-mitte"
    assert version.published_by == "paul.publisher@mitte.example"
    for url in (f"/designer/versions/{version.id}/download",
                f"/designer/versions/{version.id}/data-schema",
                f"/designer/versions/{version.id}/copy", "/designer/forms/onlinewache-mitte",
                "/designer/forms/onlinewache-mitte/retire"):
        assert other_publisher.get(url).status_code == 404, url
    assert other_publisher.post("/designer/forms/onlinewache-mitte/retire").status_code == 404
    assert other.post(f"/designer/versions/{version.id}/copy",
                      data={"form_id": "x-y"}).status_code == 404
    assert "onlinewache-mitte" not in other.get("/designer/").text
    assert "onlinewache-mitte" not in other.get("/designer/audit").text

    # The id is Mitte's: Nord can neither start a draft under it nor publish one by editing it in.
    taken = other.post(f"/designer/versions/{shipped('onlinewache').id}/copy",
                       data={"form_id": "onlinewache-mitte"})
    assert taken.status_code == 422 and "gehört einer anderen Behörde" in taken.text
    nord_draft = copy_form(other_publisher, "onlinewache", "onlinewache-nord")
    text, revision = editor_text(other_publisher, nord_draft)
    document = json.loads(text)
    document["id"], document["version"] = "onlinewache-mitte", "9.0.0"
    save(other_publisher, nord_draft, json.dumps(document, indent=2), revision)
    editor = other_publisher.get(f"/designer/drafts/{nord_draft}")
    assert "gehört einer anderen Behörde" in editor.text
    assert other_publisher.get(f"/designer/drafts/{nord_draft}/publish").status_code == 200
    refused = other_publisher.post(f"/designer/drafts/{nord_draft}/publish",
                                   data={"revision": str(revision + 1)})
    assert refused.status_code == 422
    assert db.session.execute(select(FormVersion).filter_by(
        form_id="onlinewache-mitte", version="9.0.0")).scalar_one_or_none() is None
    # Nothing of Mitte's showed up in the diff either.
    assert "Version 9.0.0 im Vergleich" not in refused.text


def test_shipped_forms_can_be_copied_by_anyone_signed_in(app, designer, other):
    # Mitte maintains onlinewache: its copy keeps the id (a new version of the shared form).
    assert copy_form(designer, "onlinewache") and copy_form(other, "onlinewache", "wache-nord")
    # Anyone else is offered an id of their own, and told why the shared id is not theirs.
    page = other.get(f"/designer/versions/{shipped('onlinewache').id}/copy")
    assert 'value="onlinewache-bezirksamt-nord"' in page.text
    refused = other.post(f"/designer/versions/{shipped('onlinewache').id}/copy",
                         data={"form_id": "onlinewache"})
    assert refused.status_code == 422
    assert "Neue Versionen veröffentlicht nur die Behörde, die es pflegt: Bezirksamt Mitte" \
        in refused.text
    # A shipped form nobody maintains here is nobody's to publish, not the first comer's.
    page = designer.get(f"/designer/versions/{shipped('wohngeld').id}/copy")
    assert 'value="wohngeld-bezirksamt-mitte"' in page.text
    refused = designer.post(f"/designer/versions/{shipped('wohngeld').id}/copy",
                            data={"form_id": "wohngeld"})
    assert refused.status_code == 422 and "Keine Behörde pflegt es" in refused.text
    assert copy_form(designer, "wohngeld", "wohngeld-mitte")
