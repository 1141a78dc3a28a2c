"""Einer für Alle: a shipped form serves every authority; no publisher can take it over."""

from __future__ import annotations

import json

import pytest

from portal.publishing import current_version
from tests.handover.helpers import bearer, destination, submit, token_for

from .conftest import copy_form, editor_text, publish, save


def _takeover_draft(client, change, new_id: str | None = None) -> int:
    """A draft of hilfe-zum-lebensunterhalt under its own id, changed by `change`."""
    draft_id = copy_form(client, "hilfe-zum-lebensunterhalt", new_id)
    text, revision = editor_text(client, draft_id)
    document = json.loads(text)
    document["id"] = "hilfe-zum-lebensunterhalt"
    change(document)
    assert save(client, draft_id, json.dumps(document, ensure_ascii=False),
                revision).status_code == 303
    return draft_id


def _still_delivered(app, token) -> None:
    """The sozialamt's token still receives the new applications."""
    submission = submit(app, "hilfe-zum-lebensunterhalt")
    listed = app.test_client().get("/api/v1/submissions", headers=bearer(token)).get_json()
    assert [s["id"] for s in listed["items"]] == [submission.id]


@pytest.mark.parametrize("change", [
    lambda d: d.update(destination="sozialamt-nord"),
    lambda d: d["title"].update(de="Sozialhilfe beantragen"),  # content only: refused as well
])
def test_another_authority_cannot_publish_a_version_of_a_shared_form(
        app, other, other_publisher, change):
    destination("sozialamt")
    token = token_for("sozialamt")
    # Nord starts from a copy of its own and gives it the shared form's id back.
    draft_id = _takeover_draft(other, change, new_id="hilfe-nord")

    page = other_publisher.get(f"/designer/drafts/{draft_id}/publish")
    message = ("„hilfe-zum-lebensunterhalt“ wird mit Amtsweg ausgeliefert und von mehreren "
               "Behörden genutzt. Neue Versionen veröffentlicht nur die Behörde, die es pflegt: "
               "Bezirksamt Mitte. Was Ihre Behörde anders braucht (Datenschutzhinweis, Kontakt, "
               "Notfall-Hinweise), legen Sie unter „Behörde“ fest")
    assert message in page.text
    refused = other_publisher.post(f"/designer/drafts/{draft_id}/publish",
                                   data={"revision": "2"})
    assert refused.status_code == 422 and message in refused.text
    assert current_version("hilfe-zum-lebensunterhalt").version == "1.0.1"
    _still_delivered(app, token)


@pytest.mark.parametrize(("key", "change"), [
    ("destination", lambda d: d.update(destination="sozialamt-nord")),
    ("jurisdiction", lambda d: d.update(jurisdiction={"by": "fixed",
                                                      "authority": "bezirksamt-nord"})),
    ("jurisdiction", lambda d: d.pop("jurisdiction")),
])
def test_even_the_owner_cannot_send_a_shared_forms_applications_elsewhere(
        app, designer, publisher, key, change):
    destination("sozialamt")
    token = token_for("sozialamt")
    draft_id = _takeover_draft(designer, change)

    page = publisher.get(f"/designer/drafts/{draft_id}/publish")
    message = ("„hilfe-zum-lebensunterhalt“ wird mit Amtsweg ausgeliefert und von mehreren "
               "Behörden genutzt. Eine Behörde kann nicht ändern, wohin seine Anträge gehen "
               f"(„{key}“).")
    assert message in page.text
    refused = publisher.post(f"/designer/drafts/{draft_id}/publish", data={"revision": "2"})
    assert refused.status_code == 422 and message in refused.text
    assert current_version("hilfe-zum-lebensunterhalt").version == "1.0.1"
    _still_delivered(app, token)


def test_the_owner_publishes_a_new_version_that_keeps_the_routing(app, designer, publisher):
    # Only the German title changes: its translations are outdated, which the publisher
    # confirms (tests/designer/test_texts.py).
    draft_id = _takeover_draft(designer, lambda d: d["title"].update(de="Sozialhilfe beantragen"))
    assert publish(publisher, draft_id, confirm_outdated=True).status_code == 303
    assert current_version("hilfe-zum-lebensunterhalt").version == "1.1.0"
