"""Every page of ours on the way to a provider of another site, with axe: the page with the
provider's form (its form-action allows that provider), not confirmed yet, failed, and
paying not possible. A stand-in provider in this process plays the other site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select, update

from portal.authorities import forget_cached
from portal.authorities.models import Authority
from portal.extensions import db
from portal.payments import PaymentState, Started
from portal.payments.models import Payment
from portal.payments.providers import FACTORIES
from tests.browser.axe import assert_accessible
from tests.browser.citizen import fill_step, press_continue, start_and_answer_until
from tests.conftest import make_app
from tests.handover.processes import serve_portal

LEDGER: dict[str, str] = {}


class OtherSite:
    """Takes a signed form post at https://pay.example; confirms from LEDGER."""

    name = "other-site"

    def __init__(self, settings) -> None:
        pass

    def start(self, request) -> Started:
        LEDGER[request.reference] = "open"
        return Started(request.reference, "https://pay.example/pay", "POST",
                       {"reference": request.reference, "amount": str(request.amount),
                        "signature": "abc"})

    def state(self, provider_payment_id: str) -> PaymentState:
        return PaymentState(provider_payment_id, LEDGER[provider_payment_id])

    def verify_callback(self, form, headers, **_) -> PaymentState:  # not used here
        raise NotImplementedError


def _configure(provider: str) -> None:
    db.session.execute(update(Authority).where(Authority.id.like("bauaufsicht-%"))
                       .values(payment={"provider": provider, "options": {}}))
    db.session.commit()
    forget_cached()


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    app = make_app(f"sqlite:///{tmp_path / 'amtsweg.sqlite3'}", tmp_path / "instance",
                   RATELIMIT_ENABLED=False)
    FACTORIES["other-site"] = OtherSite
    with app.app_context():
        _configure("other-site")
        with serve_portal(app) as url:
            yield app, url
        db.session.remove()
        db.engine.dispose()
    FACTORIES.pop("other-site", None)
    forget_cached()


def test_the_pages_on_the_way_to_another_site_are_accessible(portal, page: Page) -> None:
    app, url = portal
    form = start_and_answer_until(page, url, "bauantrag", "erklaerung")
    fill_step(page, form.step("erklaerung"))
    press_continue(page)
    assert page.url.endswith("/summary")
    page.locator("main form[action$='/submit'] button").click()
    assert page.locator("form[action='https://pay.example/pay'] #to-provider").count() == 1
    assert_accessible(page, "to the provider (form post)")
    db.session.rollback()
    attempt = db.session.execute(select(Payment)).scalar_one()
    back = f"{url}/forms/bauantrag/payment/{attempt.id}/return"
    page.goto(back)  # the citizen comes back without paying
    assert page.locator("#payment-outcome").get_attribute("data-outcome") == "open"
    assert_accessible(page, "payment not confirmed yet")
    LEDGER[attempt.provider_payment_id] = "failed"
    page.locator("#check-again").click()
    assert page.locator("#payment-outcome").get_attribute("data-outcome") == "failed"
    assert_accessible(page, "payment failed")
    _configure("no-such-provider")
    page.locator("#try-again").click()
    assert page.locator("#payment-outcome").get_attribute("data-outcome") == "unavailable"
    assert_accessible(page, "paying not possible")
    page.locator("#save-for-later").click()
    assert page.url.endswith("/saved")
