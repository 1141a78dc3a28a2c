"""Every shipped form, completed in a real Chromium, with zero axe violations on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page

from .axe import assert_accessible
from .citizen import fill_step, press_continue, shipped_form, step_of, walk
from .conftest import LiveServer

FORMS = ["onlinewache", "bauantrag", "hilfe-zum-lebensunterhalt", "wohngeld"]
REFERENCE = re.compile(r"[A-Z]{2,4}-[2-9A-Z]{4}-[2-9A-Z]{4}")


@pytest.mark.parametrize("form_id", FORMS)
def test_every_page_of_every_form_is_accessible_with_valid_and_invalid_answers(
    live_server: LiveServer, page: Page, form_id: str
) -> None:
    visited: list[str] = []

    def check(p: Page, label: str) -> None:
        visited.append(label)
        assert_accessible(p, f"{form_id}: {label}")

    reference = walk(page, live_server.url, form_id, on_page=check, invalid_first=True)
    assert REFERENCE.fullmatch(reference)
    assert any("with errors" in label for label in visited)
    assert "check your answers" in visited and "confirmation" in visited


def test_catalogue_search_and_error_pages_are_accessible(live_server: LiveServer,
                                                         page: Page) -> None:
    page.goto(f"{live_server.url}/?q=bau")
    assert page.locator(".service-list__link").all_inner_texts() == ["Bauantrag stellen"] or (
        page.locator(".service-list__link").count() == 1
    )
    assert_accessible(page, "search results")
    page.goto(f"{live_server.url}/forms/onlinewache/steps/tat")
    assert_accessible(page, "no draft")
    page.goto(f"{live_server.url}/gibt-es-nicht")
    assert_accessible(page, "404")


def test_a_full_application_with_the_keyboard_alone(live_server: LiveServer, page: Page) -> None:
    """Tab, Space and Enter only: no clicks, no mouse events."""
    form = shipped_form("onlinewache")
    page.goto(f"{live_server.url}/forms/onlinewache/")

    def tab_to(selector: str, limit: int = 200) -> None:
        target = page.locator(selector).first
        for _ in range(limit):
            if target.evaluate("e => e === document.activeElement"):
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"{selector} cannot be reached with Tab on {page.url}")

    def enter() -> None:
        with page.expect_navigation():
            page.keyboard.press("Enter")

    tab_to("main form[action$='/start'] button")
    enter()
    for _ in range(40):
        if page.url.endswith("/summary"):
            break
        step = step_of(form, page.url)
        if step.repeat is None or "/entries/" in page.url:
            _answer_by_keyboard(page, step, tab_to)
        tab_to("main button.button[name='action'][value='continue']")
        enter()
    tab_to("main form[action$='/submit'] button")
    enter()
    assert REFERENCE.fullmatch(page.locator("#reference").inner_text())


def _answer_by_keyboard(page: Page, step, tab_to) -> None:
    from tests.walk import form_data

    for field in step.questions:
        if field.type == "file":
            continue  # choosing a file opens the system dialog; the police report's is optional
        for key, value in form_data(field).items():
            selector = f"#{field.name}-0" if field.type in ("radio", "checkboxes") else f"#{key}"
            locator = page.locator(selector)
            if not locator.count() or not locator.first.is_visible():
                continue
            tab_to(selector)
            if field.type in ("radio", "checkboxes", "checkbox"):
                if not locator.first.is_checked():
                    page.keyboard.press("Space")
                break
            if locator.first.evaluate("e => e.tagName") == "SELECT":
                # A closed select changes its value with the arrow keys.
                while locator.first.input_value() != value:
                    page.keyboard.press("ArrowDown")
                continue
            page.keyboard.press("Control+A")
            page.keyboard.type(value)


def test_a_full_application_with_javascript_switched_off(
    live_server: LiveServer, page_no_js: Page
) -> None:
    reference = walk(page_no_js, live_server.url, "hilfe-zum-lebensunterhalt",
                     on_page=lambda p, label: assert_accessible(p, f"no JS: {label}"))
    assert REFERENCE.fullmatch(reference)


def test_pages_fit_320_css_pixels_without_horizontal_scrolling(
    live_server: LiveServer, mobile_page: Page
) -> None:
    def fits(p: Page, label: str) -> None:
        p.wait_for_load_state()  # a page still being replaced has no document element yet
        overflow = p.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{label}: {overflow}px wider than the 320px screen"

    walk(mobile_page, live_server.url, "bauantrag", on_page=fits, invalid_first=True)


def test_closing_the_browser_after_each_step_and_resuming_with_the_code(
    live_server: LiveServer, browser: Browser
) -> None:
    """Nothing is lost: after every step a new browser continues with the resume code."""
    form = shipped_form("onlinewache")
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server.url}/forms/onlinewache/")
    page.locator("main form[action$='/start'] button").click()
    answered: list[str] = []
    for _ in range(40):
        if page.url.endswith("/summary"):
            break
        step = step_of(form, page.url)
        if step.repeat is None or "/entries/" in page.url:
            fill_step(page, step)
            answered.append(step.id)
        if step.repeat is not None and "/entries/" in page.url:
            press_continue(page)  # save the entry, then save on the list page
            continue
        page.locator("main button[name='action'][value='save']").click()
        code = page.locator("#resume-code").inner_text()
        context.close()
        # A new browser, no cookies: only the code brings the citizen back.
        context = browser.new_context(locale="de-DE")
        page = context.new_page()
        page.goto(f"{live_server.url}/forms/onlinewache/")
        page.fill("#resume_code", code)
        page.locator("main form[action$='/resume'] button").click()
        if step_of(form, page.url) == step and "/entries/" not in page.url:
            press_continue(page)
    summary = page.locator("main").inner_text()
    assert "Olena" in summary and "Kovalenko" in summary and "1.234,50" in summary
    page.locator("main form[action$='/submit'] button").click()
    assert REFERENCE.fullmatch(page.locator("#reference").inner_text())
    assert len(answered) >= 6
    context.close()
