"""Fixtures for the form designer: staff accounts of two authorities and signed-in clients."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.authorities import forget_cached
from portal.authorities.models import Authority
from portal.designer.auth import create_user
from portal.extensions import db
from portal.models import FormVersion
from tests.conftest import app_for_test, own_app

PASSWORD = "correct horse battery staple"
MITTE, NORD = "bezirksamt-mitte", "bezirksamt-nord"


@pytest.fixture
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory,
        request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The suite's app, with the cheapest Argon2 profile so that signing in is fast."""
    with app_for_test(database_url, tmp_path_factory, own=own_app(request),
                      DESIGNER_ARGON2_PROFILE="CHEAPEST") as application:
        yield application


def add_authority(authority_id: str, owns: tuple[str, ...] = ()) -> Authority:
    """An authority record (accounts need one), maintaining the shipped forms `owns`: they are
    taken from the shipped authority that owns them in authorities/ (as an operator would)."""
    for row in db.session.execute(select(Authority)).scalars():
        if set(row.owns or ()) & set(owns):
            row.owns = [f for f in row.owns if f not in owns]
    row = db.session.get(Authority, authority_id)
    if row is None:
        place = authority_id.rsplit("-", 1)[-1].title()
        row = Authority(id=authority_id, name={"de": f"Bezirksamt {place}"},
                        address={"street": "Amtsweg 1", "postcode": "10115", "city": "Berlin"},
                        contacts={}, legal={}, services={}, edited={}, owns=[])
        db.session.add(row)
    row.owns = sorted(set(row.owns or ()) | set(owns))
    db.session.flush()
    forget_cached()
    return row


#: The shipped forms the tests' Mitte maintains (so its publisher may publish new versions).
MITTE_OWNS = ("onlinewache", "hilfe-zum-lebensunterhalt")


@pytest.fixture
def accounts(app: Flask) -> dict[str, str]:
    """role name -> e-mail: a designer and a publisher of Mitte, a designer of Nord.

    Mitte maintains onlinewache and hilfe-zum-lebensunterhalt (MITTE_OWNS); Nord uses them."""
    add_authority(MITTE, MITTE_OWNS)
    add_authority(NORD)
    people = {
        "designer": ("dora.designer@mitte.example", "designer", MITTE),
        "publisher": ("paul.publisher@mitte.example", "publisher", MITTE),
        "other": ("nina.nord@nord.example", "designer", NORD),
        "other_publisher": ("otto.nord@nord.example", "publisher", NORD),
    }
    for email, role, authority in people.values():
        create_user(email, email.split("@")[0].replace(".", " ").title(), role, authority, PASSWORD)
    db.session.commit()
    return {key: value[0] for key, value in people.items()}


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    return client.post("/designer/login", data={"email": email, "password": password})


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def designer(app: Flask, accounts: dict[str, str]) -> FlaskClient:
    return _client(app, accounts["designer"])


@pytest.fixture
def publisher(app: Flask, accounts: dict[str, str]) -> FlaskClient:
    return _client(app, accounts["publisher"])


@pytest.fixture
def other(app: Flask, accounts: dict[str, str]) -> FlaskClient:
    """A designer of another authority."""
    return _client(app, accounts["other"])


@pytest.fixture
def other_publisher(app: Flask, accounts: dict[str, str]) -> FlaskClient:
    return _client(app, accounts["other_publisher"])


def shipped(form_id: str) -> FormVersion:
    return db.session.execute(
        select(FormVersion).filter_by(form_id=form_id, authority=None)
    ).scalars().first()


def draft_id_of(location: str) -> int:
    """The draft a designer's address is about: /designer/drafts/<id>, /designer/drafts/<id>/builder
    (where a new or copied draft lands), or any page below them."""
    found = re.search(r"/designer/drafts/(\d+)(?:/|$)", location)
    assert found is not None, location
    return int(found.group(1))


def copy_form(client: FlaskClient, form_id: str = "onlinewache", new_id: str | None = None) -> int:
    """Copy a shipped form as a new draft; returns the draft id."""
    response = client.post(f"/designer/versions/{shipped(form_id).id}/copy",
                           data={"form_id": new_id or form_id})
    assert response.status_code == 303, response.text
    return draft_id_of(response.headers["Location"])


def editor_text(client: FlaskClient, draft_id: int) -> tuple[str, int]:
    """The text in the editor's textarea and the revision the page would save against."""
    page = client.get(f"/designer/drafts/{draft_id}")
    assert page.status_code == 200
    text = re.search(r'<textarea[^>]*id="definition"[^>]*>\n(.*?)</textarea>', page.text, re.S)
    revision = re.search(r'name="revision" value="(\d+)"', page.text)
    return html.unescape(text.group(1)), int(revision.group(1))


def save(client: FlaskClient, draft_id: int, text: str, revision: int | None = None):
    if revision is None:
        revision = editor_text(client, draft_id)[1]
    return client.post(f"/designer/drafts/{draft_id}",
                       data={"definition": text, "revision": str(revision)})


def with_new_field(text: str) -> str:
    """Onlinewache with a question that appears only for a tip ("hinweis")."""
    document = json.loads(text)
    document["steps"][0]["fields"].append({
        "name": "hinweis_quelle", "type": "text", "visible_if": "art == 'hinweis'",
        "label": {"de": "Woher wissen Sie davon?", "en": "How do you know about it?"},
    })
    return json.dumps(document, indent=2, ensure_ascii=False)


def publish(client: FlaskClient, draft_id: int, confirm_outdated: bool = False):
    page = client.get(f"/designer/drafts/{draft_id}/publish")
    revision = re.search(r'name="revision" value="(\d+)"', page.text)
    assert revision is not None, "no publish button on the page"
    data = {"revision": revision.group(1)}
    if confirm_outdated:  # publishing although translations are outdated
        data["confirm_outdated"] = "1"
    return client.post(f"/designer/drafts/{draft_id}/publish", data=data)
