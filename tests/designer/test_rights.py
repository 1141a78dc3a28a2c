"""Rights on shared forms: four eyes, who changed what, the live version, and what each
authority overrides of a shared service (contacts, emergency text) without forking it."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.authorities.models import Authority
from portal.designer.auth import create_user
from portal.designer.models import AuditEntry
from portal.extensions import db
from portal.models import Submission
from portal.publishing import compiled, current_version
from tests.handover.helpers import destination
from tests.walk import Walker

from .conftest import (
    MITTE,
    PASSWORD,
    copy_form,
    editor_text,
    publish,
    save,
    sign_in,
    with_new_field,
)


def _signed_in(app, email: str, role: str, authority: str):
    create_user(email, email.split("@")[0].title(), role, authority, PASSWORD)
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, email).status_code == 303
    return client


def _changed_by(client, form_id: str = "onlinewache", new_id: str | None = None) -> int:
    draft_id = copy_form(client, form_id, new_id)
    text, revision = editor_text(client, draft_id)
    assert save(client, draft_id, with_new_field(text), revision).status_code == 303
    return draft_id


def test_four_eyes_a_shared_form_is_published_by_someone_who_did_not_change_it(
        app, publisher):
    draft_id = _changed_by(publisher)
    page = publisher.get(f"/designer/drafts/{draft_id}/publish")
    assert "Vier-Augen-Prinzip: Sie haben diesen Entwurf selbst geändert." in page.text
    assert "veröffentlichen</button>" not in page.text
    refused = publisher.post(f"/designer/drafts/{draft_id}/publish", data={"revision": "2"})
    assert refused.status_code == 403
    assert current_version("onlinewache").version == "1.0.0"
    denied = db.session.execute(select(AuditEntry).filter_by(action="denied")).scalar_one()
    assert "four eyes" in denied.detail and denied.draft_id == draft_id

    second = _signed_in(app, "petra.zwei@mitte.example", "publisher", MITTE)
    assert "Version 1.1.0 veröffentlichen</button>" in second.get(
        f"/designer/drafts/{draft_id}/publish").text
    assert publish(second, draft_id).status_code == 303
    assert current_version("onlinewache").published_by == "petra.zwei@mitte.example"


def test_four_eyes_is_a_setting_of_the_authority(app, publisher):
    # By default it holds for shared forms only: an own form its author may publish.
    own = _changed_by(publisher, new_id="fundsachen-mitte")
    assert publish(publisher, own).status_code == 303
    # "all": for every form of the authority.
    db.session.get(Authority, MITTE).four_eyes = "all"
    db.session.commit()
    text, revision = editor_text(publisher, again := copy_form(publisher, "onlinewache",
                                                                "fundsachen-mitte"))
    save(publisher, again, text, revision)
    assert publisher.post(f"/designer/drafts/{again}/publish",
                          data={"revision": "2"}).status_code == 403
    # "off": nowhere, not even for shared forms.
    db.session.get(Authority, MITTE).four_eyes = "off"
    db.session.commit()
    assert publish(publisher, _changed_by(publisher)).status_code == 303


def test_the_publication_page_shows_who_changed_what(app, designer, publisher):
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    save(publisher, draft_id, with_new_field(text), revision)
    page = designer.get(f"/designer/drafts/{draft_id}/publish").text
    section = page.split("Wer hat was geändert</h2>")[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<]+)', section)
    assert [(who, what.strip()) for who, what in rows] == [
        ("dora.designer@mitte.example", "Entwurf aus Kopie angelegt"),
        ("paul.publisher@mitte.example", "Entwurf gespeichert")]
    assert "Für dieses Formular gilt das Vier-Augen-Prinzip" in page


def test_the_live_version_is_marked_and_retiring_comes_last(app, designer, publisher):
    assert publish(publisher, _changed_by(designer)).status_code == 303
    page = publisher.get("/designer/forms/onlinewache").text
    assert "Version 1.1.0 ist live: Neue Anträge verwenden diese Version" in page
    rows = re.findall(r'<tr( class="row--live")?>\s*<th scope="row">([^<]+)</th>\s*<td>(.*?)</td>',
                      page, re.S)
    assert [(bool(live), version, re.sub("<[^>]+>", "", tag)) for live, version, tag in rows] \
        == [(True, "1.1.0", "Live"), (False, "1.0.0", "abgelöst")]
    # Retiring: a plain link after the versions and drafts, no prominent button.
    retire = page.index('href="/designer/forms/onlinewache/retire"')
    assert retire > page.index("Entwürfe</h2>") > page.index("Versionen</h2>")
    assert "button--warning" not in page


def test_another_authority_neither_retires_a_shared_form_nor_sees_a_way_to(
        app, other_publisher):
    page = other_publisher.get("/designer/forms/onlinewache")
    assert page.status_code == 200 and "/retire" not in page.text
    assert other_publisher.get("/designer/forms/onlinewache/retire").status_code == 404
    assert other_publisher.post("/designer/forms/onlinewache/retire").status_code == 404
    assert current_version("onlinewache").status == "published"


def test_an_administrator_overrides_contacts_and_emergency_text_for_a_shared_service(app):
    admin = _signed_in(app, "ada@polizei-rostock.example", "administrator",
                       "polizei-mv-rostock")
    page = admin.get("/designer/authority").text
    assert "Ihre Angaben zu „Anzeige erstatten“" in page or "99125001000000" in page
    key = "service-99125001000000"
    form = {f"{key}-contacts-phone": "+49 381 4916-1616", f"{key}-emergency-de": "Notruf 110.",
            f"{key}-emergency-en": "Emergency: call 110.", "four_eyes": "shipped"}
    assert admin.post("/designer/authority", data=form).status_code == 303
    assert "+49 381 4916-1616" in admin.get("/designer/authority").text

    # Berlin's administrator sees and edits Berlin's overrides only.
    berlin = _signed_in(app, "ada@polizei-berlin.example", "administrator", "polizei-berlin")
    assert "+49 381 4916-1616" not in berlin.get("/designer/authority").text

    # A citizen in Rostock sees the emergency text on every page and the service's phone.
    form_def = compiled(current_version("onlinewache"))
    rostock = app.test_client()
    Walker(rostock, form_def, postcode="18055").walk()
    step = rostock.get("/forms/onlinewache/steps/anzeigeerstatter").text
    assert 'id="authority-emergency"' in step and "Notruf 110." in step
    # ... and the service's phone on the confirmation page and in what the submission keeps.
    destination("polizei-mv-rostock")
    sent = rostock.post("/forms/onlinewache/submit")
    assert sent.status_code == 303
    assert "+49 381 4916-1616" in rostock.get(sent.headers["Location"]).text
    submission = db.session.execute(select(Submission)).scalar_one()
    assert submission.authority["contacts"]["phone"] == "+49 381 4916-1616"
    # Another police authority's citizens see none of it.
    berlin_citizen = app.test_client()
    Walker(berlin_citizen, form_def, postcode="10117").walk()
    step = berlin_citizen.get("/forms/onlinewache/steps/anzeigeerstatter").text
    assert "Notruf 110." not in step and "+49 381 4916-1616" not in step


def test_a_bad_service_contact_is_refused_and_kept(app):
    admin = _signed_in(app, "ada@polizei-rostock.example", "administrator",
                       "polizei-mv-rostock")
    key = "service-99125001000000"
    refused = admin.post("/designer/authority", data={
        f"{key}-contacts-web": "http://polizei.example", f"{key}-emergency-en": "Call 110."})
    assert refused.status_code == 422
    assert "Die Adresse der Website beginnt mit https://." in refused.text
    assert "Jeder Text braucht eine deutsche Fassung." in refused.text
    assert 'value="http://polizei.example"' in refused.text
    assert db.session.get(Authority, "polizei-mv-rostock").edited == {}


def test_the_authoritys_logo_is_shown_once_it_is_known(app, client):
    form_def = compiled(current_version("onlinewache"))
    Walker(client, form_def, postcode="18055").walk()
    step = client.get("/forms/onlinewache/steps/anzeigeerstatter").text
    assert re.search(r'<img class="authority-logo" src="/authorities/polizei-mv-rostock/logo" '
                     r'alt="Polizeipräsidium Rostock"', step)
    logo = client.get("/authorities/polizei-mv-rostock/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/svg+xml"
    assert client.get("/authorities/polizei-brandenburg/logo").status_code == 404
    # Before the authority is known, no logo.
    fresh = app.test_client()
    first = fresh.get(fresh.post("/forms/onlinewache/start").headers["Location"]).text
    assert "authority-logo" not in first
