"""Einer für Alle in Chromium: one Onlinewache, two police authorities, each pulls its own."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Page

from tests.receipt.pdfs import pdftotext

from .axe import assert_accessible
from .citizen import fill_step, press_continue, start_and_answer_until, walk
from .conftest import AMTSWEG, ROOT, LiveServer

ROSTOCK = ("Polizeipräsidium Rostock", "Ulmenstraße 54", "18057 Rostock")
BERLIN = ("Polizei Berlin", "Platz der Luftbrücke 6", "12101 Berlin")


def _token(server: LiveServer, destination: str) -> str:
    """An API client of the destination, made with the command line as an operator would."""
    env = {**os.environ, "DATABASE_URL": server.database_url,
           "AMTSWEG_INSTANCE_PATH": str(Path(server.database_url.removeprefix("sqlite:///")
                                             ).parent / "instance")}
    done = subprocess.run(  # noqa: S603
        [str(AMTSWEG), "clients", "create", "--destination", destination, "--name", "Vorgang"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def _pulled(server: LiveServer, token: str) -> set[str]:
    request = urllib.request.Request(f"{server.url}/api/v1/submissions?limit=100",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return {item["reference"] for item in json.load(response)["items"]}


def _report(page: Page, server: LiveServer, postcode: str, authority: tuple[str, ...]) -> str:
    shown: list[str] = []

    def once_known(page: Page, label: str) -> None:
        """The first step that shows the authority's emergency text (Rostock's file has one)
        and logo: checked with axe; the logo's text is the authority's name."""
        if not shown and label.startswith("step") and page.locator("#authority-emergency").count():
            assert page.locator("img.authority-logo").get_attribute("alt") == authority[0]
            assert_accessible(page, f"{label} with the authority's emergency text and logo")
            shown.append(label)

    reference = walk(page, server.url, "onlinewache", postcode=postcode, on_page=once_known)
    assert bool(shown) == (authority == ROSTOCK)
    # The confirmation page names the authority with its address; so does every footer link.
    contact = page.locator("#responsible-authority").inner_text()
    assert all(part in contact for part in authority), contact
    assert_accessible(page, f"confirmation for {authority[0]}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Eingangsbestätigung herunterladen (PDF)").click()
    text = pdftotext(Path(download.value.path()).read_bytes())
    assert f"{authority[0]}, {authority[1]}, {authority[2]}" in " ".join(text.split()), text
    return reference


def test_a_rostock_and_a_berlin_report_reach_two_police_authorities(
        live_server: LiveServer, page: Page, browser: Browser) -> None:
    rostock = _report(page, live_server, "18055", ROSTOCK)
    other = browser.new_context(locale="de-DE", bypass_csp=True).new_page()
    berlin = _report(other, live_server, "10117", BERLIN)
    other.context.close()

    rostock_pulls = _pulled(live_server, _token(live_server, "polizei-mv-rostock"))
    berlin_pulls = _pulled(live_server, _token(live_server, "polizei"))
    assert rostock_pulls == {rostock}
    assert berlin in berlin_pulls and rostock not in berlin_pulls


def test_the_choice_of_municipality_and_the_page_outside_every_area_are_accessible(
        live_server: LiveServer, page: Page) -> None:
    form = start_and_answer_until(page, live_server.url, "onlinewache", "tatort")
    fill_step(page, form.step("tatort"))
    page.fill("#tatort_anschrift-postcode", "15366")
    press_continue(page)
    assert page.url.endswith("/forms/onlinewache/authority")
    assert_accessible(page, "choice of municipality")
    page.get_by_role("button", name="Weiter").click()  # nothing chosen
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page, "choice of municipality with an error")
    page.get_by_label("Neuenhagen bei Berlin – Polizeipräsidium Land Brandenburg").check()
    page.get_by_role("button", name="Weiter").click()
    assert page.url.endswith("/steps/hergang")
    notice = page.locator("#responsible-authority").inner_text()
    assert "Polizeipräsidium Land Brandenburg" in notice

    page.goto(f"{live_server.url}/forms/onlinewache/steps/tatort")
    page.fill("#tatort_anschrift-postcode", "80331")
    press_continue(page)
    assert "Für die Postleitzahl 80331 ist hier keine Stelle zuständig" in page.content()
    assert_accessible(page, "no authority here")
    page.get_by_role("link", name="Postleitzahl ändern").click()
    assert page.locator("#tatort_anschrift-postcode").input_value() == "80331"
