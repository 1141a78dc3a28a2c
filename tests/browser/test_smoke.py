"""Smoke tests: the live server answers in a real Chromium, and the axe checker can fail."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .axe import assert_accessible
from .conftest import LiveServer


def test_catalogue_opens_and_is_accessible(live_server: LiveServer, page: Page) -> None:
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    assert response.status == 200, live_server.output()
    assert page.get_attribute("html", "lang")
    assert_accessible(page, "catalogue")


def test_axe_reports_a_missing_alt_text(page: Page) -> None:
    page.set_content('<html><body><img src="x.png"></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, "deliberately broken page")
