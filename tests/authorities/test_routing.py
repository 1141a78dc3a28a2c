"""One service, many authorities: the journey routes an application by the postcode given."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from portal.authorities import forget_cached
from portal.authorities.models import Authority
from portal.drafts import find_draft
from portal.extensions import db
from portal.handover.envelope import build_envelope
from portal.models import Submission
from portal.publishing import compiled, current_version
from portal.receipt.content import receipt_content
from tests.handover.helpers import bearer, destination, token_for
from tests.walk import Walker, send


def _walk(client, form_id: str, postcode: str, choice: str = "0") -> Walker:
    walker = Walker(client, compiled(current_version(form_id)), postcode=postcode, choice=choice)
    walker.walk()
    return walker


def _send_response(client, form_id: str = "onlinewache"):  # noqa: ANN202 - a test response
    response = send(client, form_id)  # a fee is paid with the test provider
    assert response.status_code == 303, response.status_code
    return response


def _send(client, form_id: str = "onlinewache") -> Submission:
    _send_response(client, form_id)
    return db.session.execute(select(Submission).order_by(Submission.submitted_at.desc())
                              ).scalars().first()


@pytest.mark.both_databases
def test_a_rostock_and_a_berlin_report_reach_two_police_authorities(app):
    destination("polizei-mv-rostock")
    destination("polizei")  # Polizei Berlin's destination (authorities/polizei-berlin.json)
    rostock_token, berlin_token = token_for("polizei-mv-rostock"), token_for("polizei")

    rostock_client, berlin_client = app.test_client(), app.test_client()
    _walk(rostock_client, "onlinewache", "18055")
    rostock = _send(rostock_client)
    _walk(berlin_client, "onlinewache", "10117")
    berlin = _send(berlin_client)

    assert (rostock.authority_id, rostock.destination) == ("polizei-mv-rostock",
                                                           "polizei-mv-rostock")
    assert (berlin.authority_id, berlin.destination) == ("polizei-berlin", "polizei")
    assert rostock.authority["ags"] == "13003000" and berlin.authority["ags"] == "11000000"

    # The envelope carries the authority, and validates (build_envelope checks the schema).
    envelope = build_envelope(rostock)["metadata"]
    assert envelope["authority"]["name"] == "Polizeipräsidium Rostock"
    assert envelope["authority"]["destination"] == envelope["destination"]

    # Each receipt names its authority with its postal address, not a destination id.
    form = compiled(current_version("onlinewache"))
    facts = {e.label: e.value for e in receipt_content(form, rostock, []).facts}
    assert facts["Zuständige Stelle"] == "Polizeipräsidium Rostock, Ulmenstraße 54, 18057 Rostock"
    assert facts["Kontakt"] == "https://www.polizei.mvnet.de"
    facts = {e.label: e.value for e in receipt_content(form, berlin, []).facts}
    assert facts["Zuständige Stelle"] == "Polizei Berlin, Platz der Luftbrücke 6, 12101 Berlin"

    # Each authority's client pulls only its own submission; the other's is not there (404).
    api = app.test_client()
    listed = api.get("/api/v1/submissions?status=new", headers=bearer(rostock_token)).get_json()
    assert [s["id"] for s in listed["items"]] == [rostock.id]
    assert api.get(f"/api/v1/submissions/{berlin.id}",
                   headers=bearer(rostock_token)).status_code == 404
    assert api.get(f"/api/v1/submissions/{rostock.id}",
                   headers=bearer(berlin_token)).status_code == 404
    assert api.get(f"/api/v1/submissions/{berlin.id}",
                   headers=bearer(berlin_token)).status_code == 200


def test_the_pages_show_the_authority_once_the_postcode_decided_it(app, client):
    # Before the postcode is given, no page names an authority.
    first = client.get(client.post("/forms/onlinewache/start").headers["Location"])
    assert first.status_code == 200 and 'id="responsible-authority"' not in first.text
    walker = Walker(client, compiled(current_version("onlinewache")), postcode="14467")
    summary = walker.walk()
    assert "Polizeipräsidium Land Brandenburg" in summary
    assert "Kaiser-Friedrich-Straße 143" in summary
    # Every page of the wizard shows it from then on, the first step's too.
    for step_id in ("anliegen", "hergang"):
        page = client.get(f"/forms/onlinewache/steps/{step_id}")
        assert "Zuständige Stelle:" in page.text
        assert "Polizeipräsidium Land Brandenburg" in page.text
    # The confirmation page gives the authority's contacts.
    confirmation = client.get(client.post("/forms/onlinewache/submit").headers["Location"])
    assert "Polizeipräsidium Land Brandenburg" in confirmation.text
    assert "https://polizei.brandenburg.de" in confirmation.text


def test_the_confirmation_gives_the_contacts_the_authority_set_for_this_service(app, client):
    leika_key = compiled(current_version("onlinewache")).leika_key
    db.session.execute(update(Authority).where(Authority.id == "polizei-berlin").values(
        services={leika_key: {"contacts": {"web": "https://www.berlin.de/polizei/onlinewache"}}}))
    db.session.commit()
    forget_cached()
    try:
        _walk(client, "onlinewache", "10117")
        confirmation = client.get(_send_response(client).headers["Location"])
        assert "https://www.berlin.de/polizei/onlinewache" in confirmation.text
    finally:
        forget_cached()


def test_the_footer_links_the_operators_pages_then_the_authoritys(app, client):
    start = client.get("/forms/onlinewache/")
    assert "/authorities/betreiber/imprint" in start.text
    assert "/authorities/betreiber/accessibility" in start.text
    Walker(client, compiled(current_version("onlinewache")), postcode="18057").walk()
    step = client.get("/forms/onlinewache/steps/hergang")
    for page in ("imprint", "privacy", "accessibility", "contact"):
        assert f"/authorities/polizei-mv-rostock/{page}" in step.text
    assert "/authorities/betreiber/" not in step.text
    contact = client.get("/authorities/polizei-mv-rostock/contact")
    assert contact.status_code == 200 and "Ulmenstraße 54" in contact.text
    statement = client.get("/authorities/polizei-mv-rostock/accessibility")
    assert "BITV 2.0" in statement.text
    assert client.get("/authorities/nobody/imprint").status_code == 404


def test_a_postcode_of_several_municipalities_asks_which_one(app, client):
    walker = _walk(client, "onlinewache", "15366", choice="1")
    assert len(walker.authority_pages) == 1
    page = walker.authority_pages[0]
    assert "Zu welchem Ort gehört die Postleitzahl 15366?" in page
    assert "Hoppegarten" in page and "Neuenhagen bei Berlin" in page
    draft = find_draft(_draft_id(client))
    assert draft.answers["@authority"]["municipality"] == "Neuenhagen bei Berlin"
    submission = _send(client)
    assert submission.authority["municipality"] == "Neuenhagen bei Berlin"
    assert submission.authority_id == "polizei-brandenburg"


def test_a_choice_must_be_made(app, client):
    walker = Walker(client, compiled(current_version("onlinewache")), postcode="15366",
                    choice="nonsense")
    with pytest.raises(AssertionError):
        walker.walk()
    response = client.post("/forms/onlinewache/authority", data={"choice": "nonsense"})
    assert response.status_code == 422
    assert "Bitte wählen Sie aus, welche Stelle zuständig ist." in response.text


def test_a_postcode_outside_every_area_says_where_to_turn_and_keeps_the_answers(app, client):
    form = compiled(current_version("onlinewache"))
    walker = Walker(client, form, postcode="80331")  # München: not served here
    with pytest.raises(AssertionError):
        walker.walk()
    page = client.get("/forms/onlinewache/authority")
    assert page.status_code == 200
    assert "Für die Postleitzahl 80331 ist hier keine Stelle zuständig" in page.text
    assert "www.polizei.de" in page.text
    # Nothing typed is lost: the address is stored, and the step shows it again.
    draft = find_draft(_draft_id(client))
    assert draft.answers["tatort_anschrift"]["postcode"] == "80331"
    assert "@authority" not in draft.answers
    step = client.get("/forms/onlinewache/steps/tatort")
    assert 'value="80331"' in step.text
    # The steps after it stay closed, and the application cannot be sent.
    assert client.get("/forms/onlinewache/steps/hergang").status_code == 303
    assert client.post("/forms/onlinewache/submit").status_code != 303


def test_changing_the_postcode_changes_the_authority(app, client):
    Walker(client, compiled(current_version("onlinewache")), postcode="10117").walk()
    step = client.get("/forms/onlinewache/steps/tatort?return_to=summary")
    data = {k: v for k, v in Walker(client, compiled(current_version("onlinewache")),
                                    postcode="18055").step_data(
        compiled(current_version("onlinewache")).step("tatort"), step.text).items()}
    data["return_to"] = "summary"
    response = client.post("/forms/onlinewache/steps/tatort", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/summary")
    summary = client.get("/forms/onlinewache/summary")
    assert "Polizeipräsidium Rostock" in summary.text and "Polizei Berlin" not in summary.text


def test_a_fixed_authority_is_shown_on_the_start_page(app, client):
    start = client.get("/forms/hilfe-zum-lebensunterhalt/")
    assert "Amt für Jugend, Soziales und Asyl" in start.text
    Walker(client, compiled(current_version("hilfe-zum-lebensunterhalt"))).walk()
    submission = _send(client, "hilfe-zum-lebensunterhalt")
    assert (submission.authority_id, submission.destination) == ("sozialamt-rostock",
                                                                 "sozialamt")


def test_bauantrag_reaches_two_building_authorities(app):
    rostock, berlin = app.test_client(), app.test_client()
    _walk(rostock, "bauantrag", "18069")
    _walk(berlin, "bauantrag", "10557")
    assert _send(rostock, "bauantrag").authority_id == "bauaufsicht-rostock"
    assert _send(berlin, "bauantrag").authority_id == "bauaufsicht-berlin-mitte"


def _draft_id(client) -> str:
    """The draft id the session cookie names."""
    with client.session_transaction() as stored:
        return dict(stored.get("drafts") or {}).popitem()[1]


def test_a_form_by_the_citizens_choice_asks_before_the_first_step(app, client):
    from portal.engine import check_definition
    from portal.publishing import publish
    from tests.conftest import FORMS_DIR

    document, problems = check_definition(FORMS_DIR / "hilfe-zum-lebensunterhalt.json",
                                          FORMS_DIR)
    document.update(id="hilfe-wahl", jurisdiction={
        "by": "choice", "authorities": ["sozialamt-rostock", "bauaufsicht-rostock"]})
    publish(document)
    db.session.commit()
    first = client.post("/forms/hilfe-wahl/start").headers["Location"]
    response = client.get(first)
    assert response.status_code == 303 and response.headers["Location"].endswith("/authority")
    page = client.get("/forms/hilfe-wahl/authority")
    assert "Welche Stelle ist für Sie zuständig?" in page.text
    assert "Amt für Jugend, Soziales und Asyl" in page.text and "Bauaufsicht" in page.text
    chosen = client.post("/forms/hilfe-wahl/authority", data={"choice": "sozialamt-rostock"})
    assert chosen.status_code == 303 and chosen.headers["Location"] == first
    step = client.get(first)
    assert step.status_code == 200 and "Amt für Jugend, Soziales und Asyl" in step.text


def test_an_authority_adds_its_own_texts_to_the_shared_form(app):
    berlin, rostock = app.test_client(), app.test_client()
    _walk(berlin, "onlinewache", "10117")
    _walk(rostock, "onlinewache", "18055")
    # Polizei Berlin's emergency notice on its pages, not on Rostock's.
    step = berlin.get("/forms/onlinewache/steps/hergang").text
    assert "Eine Anzeige nimmt auch jeder Abschnitt der Polizei Berlin" in step
    assert "Polizei Berlin" not in rostock.get("/forms/onlinewache/steps/hergang").text
    # Rostock's own privacy notice on its summary, beside the shared form's.
    summary = rostock.get("/forms/onlinewache/summary").text
    assert "Datenschutzhinweise der zuständigen Stelle" in summary
    assert "Landesbeauftragte für Datenschutz und Informationsfreiheit" in summary
    assert "Datenschutzhinweise der zuständigen Stelle" not in \
        berlin.get("/forms/onlinewache/summary").text


@pytest.mark.both_databases
def test_the_authority_is_decided_from_the_answers_the_write_lands_on(app, client, monkeypatch):
    """Two windows: window A sends the reporter's step (its address in Berlin) while window B
    has just moved the crime scene to Rostock. A's request read the draft before B wrote; its
    write is made again on B's answers, and so is the decision: Rostock, not the stale Berlin."""
    import dataclasses

    from portal import drafts

    form = compiled(current_version("onlinewache"))
    Walker(client, form, postcode="10117").walk()
    assert "Polizei Berlin" in client.get("/forms/onlinewache/summary").text
    page = client.get("/forms/onlinewache/steps/anzeigeerstatter?return_to=summary")
    data = Walker(client, form, postcode="10117").step_data(form.step("anzeigeerstatter"),
                                                              page.text)
    data["return_to"] = "summary"

    real_write, raced = drafts.write, []

    def window_b_first(draft, change, current, ttl_days):
        if current == "anzeigeerstatter" and not raced:
            raced.append(draft.version)

            def moved(stored):  # what window B's step "tatort" wrote
                answers = dict(stored.answers)
                answers["tatort_anschrift"] = {**answers["tatort_anschrift"],
                                               "postcode": "18055", "city": "Rostock"}
                answers["@authority"] = {"id": "polizei-mv-rostock", "ags": "13003000",
                                         "municipality": "Rostock", "postcode": "18055",
                                         "destination": None}
                return answers, list(stored.completed_steps)

            real_write(dataclasses.replace(draft), moved, "tatort", ttl_days)
        return real_write(draft, change, current, ttl_days)

    monkeypatch.setattr(drafts, "write", window_b_first)
    response = client.post("/forms/onlinewache/steps/anzeigeerstatter", data=data)
    assert response.status_code == 303 and raced

    db.session.rollback()  # what the request committed
    stored = find_draft(_draft_id(client))
    assert stored.answers["tatort_anschrift"]["postcode"] == "18055"
    assert stored.answers["@authority"]["id"] == "polizei-mv-rostock"
    summary = client.get("/forms/onlinewache/summary").text
    assert "Polizeipräsidium Rostock" in summary and "Polizei Berlin" not in summary
