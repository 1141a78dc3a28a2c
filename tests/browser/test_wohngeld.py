"""Wohngeld in Chromium: a household of three, its total income computed on the page, on the
summary, on the receipt and in the envelope the authority receives; a rule's error links to
its field."""

from __future__ import annotations

from playwright.sync_api import Page
from sqlalchemy import select

from portal import create_app
from portal.handover.envelope import build_envelope
from portal.models import Submission
from tests.receipt.pdfs import flat, pdftotext

from .citizen import continue_button, fill_step, press_continue, start_and_answer_until
from .conftest import LiveServer

MEMBERS = [  # name, relation (option index), gross income, other income
    ("Olena", 0, "2.000,00", "150,00"),
    ("Taras", 1, "500,50", ""),
    ("Mila", 2, "0", ""),
]


def add_member(page: Page, given: str, relation: int, income: str, other: str) -> None:
    page.fill("#person_name-given_name", given)
    page.fill("#person_name-family_name", "Kovalenko")
    page.fill("#person_geburtsdatum-day", "1")
    page.fill("#person_geburtsdatum-month", "2")
    page.fill("#person_geburtsdatum-year", "1990")
    page.check(f"#verwandtschaft-{relation}")
    page.fill("#einkommen_brutto", income)
    page.fill("#sonstige_einnahmen", other)
    press_continue(page)


def test_a_household_of_three_gets_its_total_income_computed_and_sent(
        live_server: LiveServer, page: Page):
    form = start_and_answer_until(page, live_server.url, "wohngeld", "wohnung")
    fill_step(page, form.step("wohnung"))
    # A rule over two fields: the heating costs cannot be the whole rent.
    page.fill("#gesamtmiete", "750,00")
    page.fill("#heizkosten", "750,00")
    press_continue(page)
    link = page.locator(".error-summary a")
    assert "Heizkosten sind ein Teil der Miete" in link.inner_text()
    assert link.get_attribute("href") == "#heizkosten"
    link.click()
    assert page.evaluate("document.activeElement.id") == "heizkosten"
    page.fill("#heizkosten", "95,00")
    press_continue(page)

    assert "/steps/haushalt" in page.url
    for number, member in enumerate(MEMBERS):
        if number:
            page.locator("#add-entry").click()
        add_member(page, *member)
    assert page.locator(".entry-list__item").count() == 3
    continue_button(page).click()

    assert "/steps/berechnung" in page.url
    assert page.locator("#haushaltsgroesse").inner_text() == "3 Personen"
    assert page.locator("#gesamteinkommen").inner_text() == "2.650,50\xa0€"
    assert page.locator("#miete_je_qm").inner_text() == "12,00 € je m²"  # 750 € / 62,5 m²
    for step_id in ("berechnung", "nachweise", "bankverbindung", "erklaerung"):
        assert f"/steps/{step_id}" in page.url
        fill_step(page, form.step(step_id))
        press_continue(page)

    assert page.url.endswith("/summary")
    assert "2.650,50\xa0€" in page.locator("#summary-berechnung + dl").inner_text()
    page.locator("main form[action$='/submit'] button").click()
    reference = page.locator("#reference").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Eingangsbestätigung herunterladen (PDF)").click()
    receipt = flat(pdftotext(open(download.value.path(), "rb").read()))  # noqa: SIM115
    assert flat("Einkommen des Haushalts im Monat (brutto)") in receipt
    assert flat("2.650,50 €") in receipt

    app = create_app({"SQLALCHEMY_DATABASE_URI": live_server.database_url})
    with app.app_context():
        from portal.extensions import db
        submission = db.session.execute(
            select(Submission).filter_by(reference=reference)).scalar_one()
        envelope = build_envelope(submission)
    data = envelope["data"]
    assert (data["gesamteinkommen"], data["haushaltsgroesse"], data["miete_je_qm"]) == (
        "2650.50", 3, "12.00")
    assert [m["verwandtschaft"] for m in data["haushalt"]] == ["antragsteller", "partner", "kind"]
