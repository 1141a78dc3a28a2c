"""The police report in each of the five languages, right-to-left Arabic included."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .axe import assert_accessible, screenshot
from .citizen import walk
from .conftest import LiveServer


@pytest.mark.parametrize("language", ["de", "en", "uk", "tr", "ar"])
def test_onlinewache_in_every_language_is_accessible(
    live_server: LiveServer, page: Page, language: str
) -> None:
    def check(p: Page, label: str) -> None:
        html = p.locator("html")
        assert html.get_attribute("lang") == language, label
        assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), label
        assert_accessible(p, f"{language}: {label}")

    reference = walk(page, live_server.url, "onlinewache", on_page=check, invalid_first=True,
                     language=language)
    assert reference.startswith("OW-")


def test_arabic_pages_are_mirrored(live_server: LiveServer, page: Page) -> None:
    page.goto(f"{live_server.url}/language/ar?next=/forms/onlinewache/")
    page.locator("main form[action$='/start'] button").click()
    page.locator("main button.button[value='continue']").first.click()  # show the errors
    # Right-to-left: the error summary, the legend and the radios start at the right edge.
    main = page.locator("main").bounding_box()
    summary = page.locator(".error-summary").bounding_box()
    radio = page.locator("#art-0").bounding_box()
    assert abs((summary["x"] + summary["width"]) - (main["x"] + main["width"])) < 2
    assert radio["x"] > main["x"] + main["width"] / 2
    assert page.locator(".caption__progress").inner_text().strip()
    page.set_viewport_size({"width": 900, "height": 900})
    screenshot(page, "arabic-step")  # docs/screenshots/arabic-step.png is a copy of this


def test_a_form_offers_only_its_own_languages(live_server: LiveServer, page: Page) -> None:
    page.goto(f"{live_server.url}/forms/bauantrag/")
    offered = page.locator(".language-switch [lang]").evaluate_all("els => els.map(e => e.lang)")
    assert sorted(offered) == ["de", "en"]
    # A citizen who chose Ukrainian elsewhere sees the building permit in its default language.
    page.goto(f"{live_server.url}/language/uk?next=/forms/bauantrag/")
    assert page.locator("html").get_attribute("lang") == "de"
