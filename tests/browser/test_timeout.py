"""The timeout warning on a shared computer: a modal dialog before a page left open closes."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .axe import assert_accessible
from .conftest import LiveServer


def test_the_timeout_warning_appears_is_accessible_and_keeps_the_page_open(
        live_server: LiveServer, page: Page) -> None:
    page.clock.install()
    page.goto(f"{live_server.url}/forms/onlinewache/")
    page.get_by_role("button", name="Jetzt beginnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Worum geht es?")
    dialog = page.get_by_role("dialog", name="Möchten Sie weitermachen?")
    expect(dialog).to_be_hidden()

    # 28 of 30 minutes without a request: the warning opens as a modal dialog.
    page.clock.run_for("28:01")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Das geschieht in 2 Minuten.")
    expect(page.get_by_role("button", name="Weiter ausfüllen")).to_be_focused()
    assert_accessible(page, "timeout warning open")

    # "Continue" asks the server to keep the page open and closes the dialog.
    with page.expect_response(lambda r: r.url.endswith("/keep-open")) as kept:
        page.get_by_role("button", name="Weiter ausfüllen").click()
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()

    # Left alone again until the time is up: the page goes to the start page, which says
    # what was kept (the server closed the draft in this browser: its clock saw no request).
    page.clock.run_for("28:01")
    expect(dialog).to_be_visible()
    page.clock.run_for("02:00")
    expect(page).to_have_url(f"{live_server.url}/forms/onlinewache/")
