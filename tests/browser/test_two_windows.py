"""Two tabs of one browser change the same step: the second to save sees both answers."""

from __future__ import annotations

from playwright.sync_api import Page

from .axe import assert_accessible
from .citizen import press_continue
from .conftest import LiveServer


def test_a_change_from_another_tab_is_shown_with_both_answers(live_server: LiveServer,
                                                               page: Page) -> None:
    base = f"{live_server.url}/forms/onlinewache"
    page.goto(f"{base}/")
    page.locator("main form[action$='/start'] button").click()
    page.check("input[name='art'][value='anzeige']")
    press_continue(page)
    assert page.url.endswith("/steps/tat")

    page.goto(f"{base}/steps/anliegen")  # tab A: the first step, left open
    other = page.context.new_page()  # tab B: the same step, changed and saved
    other.goto(f"{base}/steps/anliegen")
    other.check("input[name='art'][value='hinweis']")
    press_continue(other)
    assert other.url.endswith("/steps/tat")

    press_continue(page)  # tab A sends what it still shows: "anzeige"
    notice = page.locator(".conflict")
    assert notice.is_visible()
    assert "in einem anderen Fenster geändert" in notice.inner_text()
    rows = notice.locator("tbody tr")
    assert rows.count() == 1 and "Hinweis" in rows.inner_text() and "Anzeige" in rows.inner_text()
    assert page.is_checked("input[name='art'][value='anzeige']")  # what tab A shows is kept
    assert_accessible(page, "answers changed in another window")

    press_continue(page)  # having seen both, the citizen keeps tab A's answer
    assert page.url.endswith("/steps/tat")
    page.goto(f"{base}/steps/anliegen")
    assert page.is_checked("input[name='art'][value='anzeige']")
