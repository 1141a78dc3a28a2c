"""The check-answers page prints cleanly: the answers, dated and marked as not yet sent."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .citizen import walk
from .conftest import LiveServer


def _printed_summary(page: Page, label: str) -> None:
    if label != "check your answers":
        return
    expect(page.get_by_role("button", name="Angaben drucken")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".back-link", "#send",
                   ".summary-list__actions >> nth=0", "[data-print]"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("#print-note")).to_be_visible()
    expect(page.locator("#print-note")).to_contain_text("Noch nicht gesendet.")
    expect(page.locator(".summary-list__key").first).to_be_visible()
    assert page.pdf(format="A4").startswith(b"%PDF")
    page.emulate_media(media="screen")
    expect(page.locator("#print-note")).to_be_hidden()


def test_the_summary_prints_the_answers_only(live_server: LiveServer, page: Page) -> None:
    assert walk(page, live_server.url, "onlinewache", on_page=_printed_summary)
