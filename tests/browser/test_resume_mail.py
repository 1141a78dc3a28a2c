"""The saved page's "send me the link": an error, the confirmation, both axe clean, no JS needed."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from .axe import assert_accessible
from .conftest import LiveServer


def test_the_resume_link_by_email_without_javascript(live_server: LiveServer, page_no_js: Page,
                                                     browser: Browser) -> None:
    page = page_no_js
    page.goto(f"{live_server.url}/forms/onlinewache/")
    page.get_by_role("button", name="Jetzt beginnen").click()
    page.get_by_role("button", name="Speichern und später fortsetzen").click()
    code = page.locator("#resume-code").inner_text()

    email = page.get_by_label("Ihre E-Mail-Adresse")
    expect(email).to_have_attribute("autocomplete", "email")
    email.fill("buerger@example")
    page.get_by_role("button", name="Link per E-Mail senden").click()
    expect(page.locator(".error-summary")).to_contain_text("name@beispiel.de")
    expect(page.locator("#resume-code")).to_have_text(code)
    assert_accessible(page, "saved page, wrong e-mail address")

    page.get_by_label("Ihre E-Mail-Adresse").fill("buerger@example.org")
    page.get_by_role("button", name="Link per E-Mail senden").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Wir haben den Link an buerger@example.org gesendet")
    assert_accessible(page, "saved page, link sent")

    # The link (as the mail has it) fills in the code; "Fortsetzen" resumes.
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    other = context.new_page()
    other.goto(f"{live_server.url}/forms/onlinewache/resume?code={code}#resume-heading")
    expect(other.get_by_label("Ihr Code zum Fortsetzen")).to_have_value(code)
    other.get_by_role("button", name="Fortsetzen").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Worum geht es?")
    context.close()
