"""An authority's administrator edits its contacts and legal texts; nobody else can."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.authorities import load_authorities
from portal.authorities.models import Authority
from portal.designer.auth import AccountError, create_user
from portal.designer.models import AuditEntry
from portal.extensions import db
from tests.conftest import ROOT

from .conftest import PASSWORD, sign_in


def _staff(app, email: str, role: str, authority: str):
    create_user(email, email.split("@")[0].title(), role, authority, PASSWORD)
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, email).status_code == 303
    return client


def _form(**changes) -> dict[str, str]:
    return {"contacts-phone": "+49 381 4916-0", "contacts-email": "",
            "contacts-web": "https://www.polizei.mvnet.de", "legal-imprint-de": "Neues Impressum",
            **changes}


def test_the_administrator_changes_contacts_and_texts_and_loading_keeps_them(app, client):
    admin = _staff(app, "ada.admin@polizei-rostock.example", "administrator",
                   "polizei-mv-rostock")
    page = admin.get("/designer/authority")
    assert page.status_code == 200 and "Polizeipräsidium Rostock" in page.text
    saved = admin.post("/designer/authority", data=_form())
    assert saved.status_code == 303

    contact = client.get("/authorities/polizei-mv-rostock/contact")
    assert "+49 381 4916-0" in contact.text
    assert "Neues Impressum" in client.get("/authorities/polizei-mv-rostock/imprint").text
    entry = db.session.execute(select(AuditEntry).filter_by(action="authority_changed")
                               ).scalar_one()
    assert entry.authority == "polizei-mv-rostock"

    load_authorities(ROOT / "authorities")  # the files again: the edit stays
    assert "+49 381 4916-0" in client.get("/authorities/polizei-mv-rostock/contact").text
    assert db.session.get(Authority, "polizei-mv-rostock").contacts.get("phone") is None


def test_a_bad_entry_is_shown_and_nothing_is_saved(app):
    admin = _staff(app, "ada.admin@polizei-rostock.example", "administrator",
                   "polizei-mv-rostock")
    refused = admin.post("/designer/authority", data=_form(**{
        "contacts-web": "http://example.org", "legal-privacy-en": "Only English"}))
    assert refused.status_code == 422
    assert "Die Adresse der Website beginnt mit https://." in refused.text
    assert "Jeder Text braucht eine deutsche Fassung." in refused.text
    assert 'value="http://example.org"' in refused.text  # nothing typed is lost
    assert db.session.get(Authority, "polizei-mv-rostock").edited == {}


def test_only_the_administrator_of_the_authority_changes_it(app, client):
    publisher = _staff(app, "paul@polizei-rostock.example", "publisher", "polizei-mv-rostock")
    assert publisher.get("/designer/authority").status_code == 200
    assert publisher.post("/designer/authority", data=_form()).status_code == 403
    # An administrator of another authority edits only their own: Berlin's page, not Rostock's.
    berlin = _staff(app, "ada@polizei-berlin.example", "administrator", "polizei-berlin")
    assert berlin.post("/designer/authority", data=_form()).status_code == 303
    assert db.session.get(Authority, "polizei-mv-rostock").edited == {}
    assert "+49 381 4916-0" in client.get("/authorities/polizei-berlin/contact").text
    # An account belongs to an authority record: none is created for an authority without one.
    with pytest.raises(AccountError, match="there is no authority 'bezirksamt-nirgendwo'"):
        create_user("x@nirgendwo.example", "X", "administrator", "bezirksamt-nirgendwo",
                    PASSWORD)
