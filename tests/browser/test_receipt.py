"""The receipt in a real Chromium: downloaded from the confirmation page, and from another
browser with reference and receipt code; the page for that passes axe, with and without
JavaScript. """

from __future__ import annotations

from playwright.sync_api import Browser, Page

from .axe import assert_accessible
from .citizen import walk


def test_the_receipt_page_is_accessible_and_says_what_went_wrong(live_server,
                                                                 page_no_js: Page) -> None:
    page = page_no_js
    page.goto(f"{live_server.url}/receipt")
    assert_accessible(page, "receipt by code")
    page.fill("#reference", "OW-2222-2222")
    page.fill("#receipt_code", "2222-2222-2222")
    page.locator("main form button").click()
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#reference").get_attribute("aria-describedby") == (
        "reference-hint reference-error")
    assert_accessible(page, "receipt by code, not found")


def test_a_citizen_downloads_the_receipt_here_and_on_another_device(
        live_server, page: Page, browser: Browser) -> None:
    reference = walk(page, live_server.url, "onlinewache")
    code = page.locator("#receipt-code").inner_text()
    assert_accessible(page, "confirmation with receipt")
    with page.expect_download() as download:
        page.get_by_role("link", name="Eingangsbestätigung herunterladen (PDF)").click()
    here = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert here.startswith(b"%PDF-1.7") and download.value.suggested_filename == f"{reference}.pdf"

    other = browser.new_context(locale="de-DE", bypass_csp=True).new_page()
    other.goto(f"{live_server.url}/receipt")
    other.fill("#reference", reference)
    other.fill("#receipt_code", code)
    with other.expect_download() as download:
        other.locator("main form button").click()
    assert open(download.value.path(), "rb").read() == here  # noqa: SIM115
    other.context.close()
