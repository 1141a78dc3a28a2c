"""Paying the building permit fee in Chromium with the built-in test provider, without
JavaScript, keyboard only on the provider's page, axe on every payment page; then the
building authority pulls the application with its payment."""

from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import Page

from .axe import assert_accessible
from .citizen import walk
from .conftest import LiveServer
from .test_authorities import _token


def _api(server: LiveServer, token: str, path: str) -> dict:
    request = urllib.request.Request(f"{server.url}{path}",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return json.load(response)


def test_a_building_permit_is_paid_after_a_cancelled_try_and_pulled_with_its_payment(
        live_server: LiveServer, page_no_js: Page) -> None:
    page = page_no_js
    seen: list[str] = []

    def check(p: Page, label: str) -> None:
        seen.append(label)
        assert_accessible(p, f"bauantrag: {label}")
        if label == "start page":
            assert "ab 150,00" in p.locator("#fees-from").inner_text()
        if label == "check your answers":
            assert p.locator("#fee-total").inner_text().replace("\xa0", " ") == "300,00 €"

    def pay(p: Page) -> None:
        assert "kein echtes Geld" in p.locator("#test-marker").inner_text()
        # Back without deciding: the return alone sends nothing, the payment is still open.
        p.locator("#test-leave").click()
        assert p.locator("#payment-outcome").get_attribute("data-outcome") == "open"
        assert_accessible(p, "bauantrag: payment not confirmed yet")
        p.locator("#try-again").click()
        assert "/test-payment/" in p.url
        # Cancel with the keyboard: the provider's buttons are reachable with Tab.
        target = p.locator("#test-cancel")
        for _ in range(60):
            if target.evaluate("e => e === document.activeElement"):
                break
            p.keyboard.press("Tab")
        with p.expect_navigation():
            p.keyboard.press("Enter")
        assert p.locator("#payment-outcome").get_attribute("data-outcome") == "cancelled"
        assert_accessible(p, "bauantrag: payment cancelled")
        p.locator("#try-again").click()  # a new attempt, the test provider's page again
        assert "/test-payment/" in p.url
        assert_accessible(p, "bauantrag: test payment, second try")
        p.locator("#test-pay").click()

    reference = walk(page, live_server.url, "bauantrag", on_page=check, postcode="10117",
                     on_payment=pay)
    assert "test payment" in seen and "confirmation" in seen

    token = _token(live_server, "bauaufsicht")
    listed = _api(live_server, token, "/api/v1/submissions?limit=100")["items"]
    [item] = [i for i in listed if i["reference"] == reference]
    assert item["payment"]["status"] == "paid"
    envelope = _api(live_server, token, f"/api/v1/submissions/{item['id']}")["envelope"]
    payment = envelope["metadata"]["payment"]
    assert payment["status"] == "paid" and payment["amount"] == 30000
    assert payment["provider"] == "test" and payment["reference"] == item["payment"]["reference"]
