"""Screenshots of every shipped form, as a citizen sees it: `make screenshots`.

For each form in forms/ and each width (1280 px and 320 px): the start page, the
first step, its error summary, the saved-for-later page, the check-answers page, for
a form with a fee the test provider's page, and the confirmation, written to
docs/screenshots/<form>-<page>-<width>.png. The app runs
under gunicorn on a throw-away SQLite database (bench/server.py); the browser is
Debian's Chromium, driven by Playwright with the same answers the browser tests give
(tests/browser/citizen.py). Run it again after changing what citizens see.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from bench.server import Server, app_env, prepare_database, sqlite_database
from tests.browser.citizen import continue_button, fill_step, press_continue, shipped_form, step_of

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
WIDTHS = {1280: {"viewport": {"width": 1280, "height": 900}},
          320: {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}}
PAGES = ("start", "step", "error-summary", "saved", "summary", "payment", "confirmation")


def shoot(page: Page, form_id: str, name: str, width: int) -> Path:
    path = OUT / f"{form_id}-{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    # 256 colours are plenty for a page of text and keep the repository small.
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    return path


def walk_to_summary(page: Page, form_id: str) -> None:
    form = shipped_form(form_id)
    for _ in range(60):
        if page.url.endswith("/summary"):
            return
        step = step_of(form, page.url)
        if step is None:
            raise RuntimeError(f"unexpected page {page.url}")
        if step.repeat is not None and "/entries/" not in page.url:
            continue_button(page).click()
            continue
        fill_step(page, step)
        press_continue(page)
    raise RuntimeError(f"{form_id}: the summary was never reached")


def one_form(browser: Browser, base: str, form_id: str, width: int) -> list[Path]:
    context = browser.new_context(locale="de-DE", **WIDTHS[width])
    page = context.new_page()
    shots = []
    page.goto(f"{base}/forms/{form_id}/")
    shots.append(shoot(page, form_id, "start", width))
    page.locator("main form[action$='/start'] button").click()
    shots.append(shoot(page, form_id, "step", width))
    press_continue(page)  # nothing answered: the error summary
    shots.append(shoot(page, form_id, "error-summary", width))
    # Save and come back later: the saved page, then on where it was left.
    page.locator("button[name='action'][value='save']").click()
    shots.append(shoot(page, form_id, "saved", width))
    page.locator("a[href$='/continue']").click()
    walk_to_summary(page, form_id)
    shots.append(shoot(page, form_id, "summary", width))
    page.locator("main form[action$='/submit'] button").click()
    page.locator("#test-pay, #reference").first.wait_for()
    if page.locator("#test-pay").count():  # a fee: the built-in test provider's page, then paid
        shots.append(shoot(page, form_id, "payment", width))
        page.locator("#test-pay").click()
    page.locator("#reference").wait_for()
    shots.append(shoot(page, form_id, "confirmation", width))
    context.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("forms", nargs="*", help="form ids (default: every shipped form)")
    args = parser.parse_args(argv)
    form_ids = args.forms or sorted(p.stem for p in (ROOT / "forms").glob("*.json"))
    OUT.mkdir(parents=True, exist_ok=True)
    with sqlite_database() as (url, instance):
        env = app_env(url, instance, AMTSWEG_WEB_WORKERS="2")
        prepare_database(env)
        with Server(env=env) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
            for form_id in form_ids:
                for width in WIDTHS:
                    for path in one_form(browser, server.base_url, form_id, width):
                        print(path.relative_to(ROOT))
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
