"""A citizen in Chromium: fills each step of a shipped form with valid answers.

The values come from tests/walk.py (the same answers the test-client walker
posts); the inputs are found by the ids the wizard gives them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from portal.engine import Form, Step, load_form
from tests.walk import file_for, form_data

ROOT = Path(__file__).resolve().parents[2]

OnPage = Callable[[Page, str], None]
OnPayment = Callable[[Page], None]


def shipped_form(form_id: str) -> Form:
    return load_form(ROOT / "forms" / f"{form_id}.json")


def step_of(form: Form, url: str) -> Step | None:
    if "/steps/" not in url:
        return None
    return form.step(url.split("/steps/")[1].split("/")[0].split("?")[0])


def _visible(page: Page, selector: str) -> bool:
    locator = page.locator(selector)
    return locator.count() > 0 and locator.first.is_visible()


def fill_step(page: Page, step: Step, language: str = "de") -> None:
    """Answer every question the page shows, in page order (so reveals happen in turn)."""
    for field in step.questions:
        if field.type == "file":
            selector = f"#{field.name}-upload"
            if _visible(page, selector):
                content, name = file_for(field)
                mime = "application/pdf" if name.endswith(".pdf") else "image/png"
                page.set_input_files(
                    selector, files=[{"name": name, "mimeType": mime, "buffer": content}])
            continue
        for key, value in form_data(field, language).items():
            if field.type in ("radio", "checkboxes"):
                selector = f"#{field.name}-0"
                if _visible(page, selector):
                    page.check(selector)
                break
            selector = f"#{key}"
            if not _visible(page, selector):
                continue
            if field.type == "checkbox":
                page.check(selector)
            elif page.locator(selector).evaluate("e => e.tagName") == "SELECT":
                page.select_option(selector, value)
            else:
                page.fill(selector, value)


def continue_button(page: Page):
    return page.locator("main button.button[name='action'][value='continue']").first


def press_continue(page: Page) -> None:
    """Click "continue" and wait until the answer is in, also when upload.js sends it."""
    continue_button(page).click()
    # With a file chosen, upload.js posts in the background and marks the form busy.
    page.wait_for_function("() => !document.querySelector('form[aria-busy=\"true\"]')")
    page.wait_for_load_state()


def walk(page: Page, base: str, form_id: str, on_page: OnPage | None = None,
         invalid_first: bool = False, max_pages: int = 60, language: str | None = None,
         postcode: str | None = None, on_payment: OnPayment | None = None) -> str:
    """From the start page to the confirmation; returns the reference number.

    A fee is paid with the built-in test provider: `on_payment(page)` on its page (default:
    press "Pay") must end on the confirmation page.

    `on_page(page, label)` runs on every page (axe, width checks); with
    `invalid_first`, each step is first sent empty to show its errors. `postcode`
    goes into every postcode input (it decides the responsible authority).
    """
    form = shipped_form(form_id)
    check = on_page or (lambda _page, _label: None)
    page.goto(f"{base}/forms/{form_id}/")
    if language is not None and page.locator("html").get_attribute("lang") != language:
        # The language switch on the page, as a citizen would use it.
        page.locator(f".language-switch a[lang='{language}']").click()
        assert page.locator("html").get_attribute("lang") == language
    check(page, "start page")
    page.locator("main form[action$='/start'] button").click()
    for _ in range(max_pages):
        url = page.url
        if url.endswith("/summary"):
            check(page, "check your answers")
            page.locator("main form[action$='/submit'] button").click()
            if "/test-payment/" in page.url:  # a fee: paid with the built-in test provider
                check(page, "test payment")
                if on_payment is not None:
                    on_payment(page)
                else:
                    page.locator("#test-pay").click()
            check(page, "confirmation")
            return page.locator("#reference").inner_text()
        step = step_of(form, url)
        assert step is not None, f"unexpected page {url}"
        check(page, f"step {step.id}")
        if step.repeat is not None and "/entries/" not in url:
            continue_button(page).click()
            continue
        if invalid_first and page.locator(".error-summary").count() == 0:
            press_continue(page)
            if page.locator(".error-summary").count():
                check(page, f"step {step.id} with errors")
        fill_step(page, step, language or "de")
        if postcode is not None:
            for field in page.locator("main input[id$='-postcode']").all():
                if field.is_visible():
                    field.fill(postcode)
        press_continue(page)
        assert page.locator(".error-summary").count() == 0 or page.url != url, (
            f"{url}: {page.locator('.error-summary').inner_text()}")
    raise AssertionError("the form did not reach the confirmation")


def start_and_answer_until(page: Page, base: str, form_id: str, step_id: str) -> Form:
    """Start a form and answer every step validly until `step_id` is the open page."""
    form = shipped_form(form_id)
    page.goto(f"{base}/forms/{form_id}/")
    page.locator("main form[action$='/start'] button").click()
    for _ in range(30):
        step = step_of(form, page.url)
        if step is not None and step.id == step_id:
            return form
        if step.repeat is None or "/entries/" in page.url:
            fill_step(page, step)
        press_continue(page)
    raise AssertionError(f"{step_id} was never reached")
