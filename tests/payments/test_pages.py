"""The payment pages in every language, an authority's own amounts, the receipt's lines."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import g
from sqlalchemy import update

from portal.authorities import forget_cached
from portal.authorities.models import Authority
from portal.extensions import db
from portal.publishing import compiled, current_version
from portal.receipt.content import receipt_content
from portal.receipt.pdf import render_receipt
from tests.receipt.pdfs import tagged_text
from tests.receipt.samples import fully_answered, shipped_form
from tests.walk import Walker

#: The test provider's marker, per language.
WORDS = {
    "de": "Es wird kein echtes Geld bewegt.",
    "en": "No real money is moved.",
    "uk": "Жодні справжні гроші не переказуються.",
    "tr": "Gerçek para aktarılmaz.",
    "ar": "لا يتم تحويل أي أموال حقيقية.",
}


@pytest.mark.parametrize("language", list(WORDS))
def test_the_test_providers_page_speaks_the_citizens_language(app, client, language):
    Walker(client, compiled(current_version("bauantrag"))).walk()
    client.get(f"/language/{language}")
    location = client.post("/forms/bauantrag/submit").headers["Location"]
    # The tests' requests share the fixture's app context, so `g` keeps the last request's
    # form; a real request starts without (the test provider's page has no form).
    g.pop("form", None)
    page = client.get(location)
    assert page.status_code == 200
    assert f'<html lang="{language}"' in page.text
    assert WORDS[language] in page.text
    for button in ("test-pay", "test-cancel", "test-fail"):
        assert f'id="{button}"' in page.text
    outcome = client.get(client.post(location, data={"outcome": "cancel"}).headers["Location"])
    # The outcome page is the form's: bauantrag speaks German and English only.
    heading = {"en": "You cancelled the payment"}.get(language,
                                                     "Sie haben die Bezahlung abgebrochen")
    assert heading in outcome.text


def test_an_authoritys_own_amount_is_what_the_summary_lists(app, client):
    db.session.execute(update(Authority).where(Authority.id == "bauaufsicht-berlin-mitte")
                       .values(services={"99010003000000": {"fees": {"genehmigung_gk1_2": 25000}}}))
    db.session.commit()
    forget_cached()
    try:
        summary = Walker(client, compiled(current_version("bauantrag"))).walk()
        assert 'id="fee-total">250,00\xa0€<' in summary
    finally:
        forget_cached()


def test_the_receipt_shows_the_fee_paid_and_the_kassenzeichen():
    form = shipped_form("bauantrag")
    submission, files = fully_answered(form, "de")
    payment = SimpleNamespace(amount=30000, currency="EUR", reference="BA7K3M9QXF2H4R",
                              status="paid")
    content = receipt_content(form, submission, files, payment=payment)
    facts = {entry.label: entry.value for entry in content.facts}
    assert facts["Gebühr bezahlt"] == "300,00\xa0€"
    assert facts["Kassenzeichen"] == "BA7K3M9QXF2H4R"
    text = " ".join(t for _, t in tagged_text(render_receipt(content)))
    assert "BA7K3M9QXF2H4R" in text and "300,00" in text
