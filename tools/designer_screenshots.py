"""Screenshots of the form designer for its help page (docs/designer.md): `make screenshots`.

A designer signs in, copies the Onlinewache (it opens in the structured editor: its
outline and one question's page), changes one German label in the JSON view and looks
at the pages the guide describes; each is written to docs/screenshots/designer/<page>.png
at 1280 px. The help page shows a picture once it exists (portal/designer/help.py).
The app runs under gunicorn on a throw-away SQLite database (bench/server.py), the
browser is Debian's Chromium, as for tools/screenshots.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from PIL import Image
from playwright.sync_api import Page, sync_playwright

from bench.server import Server, amtsweg_command, app_env, prepare_database, sqlite_database
from tools.screenshots import CHROMIUM, ROOT, WIDTHS

OUT = ROOT / "docs" / "screenshots" / "designer"
#: Two publishers of the authority that maintains the shared onlinewache: one changes it, the
#: other is shown the publication page (under four eyes the author may not publish).
EMAIL, PASSWORD = "dora.designer@polizei-rostock.example", "correct horse battery staple"
REVIEWER = "paul.pruefer@polizei-rostock.example"
AUTHORITY = "polizei-mv-rostock"


def shoot(page: Page, name: str) -> None:
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=False, animations="disabled")
    with Image.open(path) as image:  # 256 colours are plenty for a page of text
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    print(path.relative_to(ROOT))


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/designer/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with sqlite_database() as (url, instance):
        env = app_env(url, instance, AMTSWEG_WEB_WORKERS="2")
        prepare_database(env)
        for email, name in ((EMAIL, "Dora Designer"), (REVIEWER, "Paul Prüfer")):
            subprocess.run([*amtsweg_command(), "users", "create", "--email", email,  # noqa: S603
                            "--name", name, "--role", "publisher", "--authority", AUTHORITY,
                            "--password-stdin"], input=PASSWORD + "\n",
                           env={**os.environ, **env}, cwd=ROOT, check=True,
                           capture_output=True, text=True)
        with Server(env=env) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
            page = browser.new_context(locale="de-DE", **WIDTHS[1280]).new_page()
            base = server.base_url
            sign_in(page, base, EMAIL)
            shoot(page, "formulare")
            page.get_by_role("link", name="Kopieren onlinewache 1.0.0").click()
            page.get_by_role("button", name="Entwurf anlegen").click()
            # A copy opens in the structured editor: the outline, then one question's page.
            page.locator(".builder__steps").wait_for()
            shoot(page, "aufbau")
            page.get_by_role("link", name=re.compile(r"^Bearbeiten\s*:\s*Was möchten Sie tun\?$")
                             ).click()
            page.locator("#s-label").wait_for()
            shoot(page, "frage")
            page.get_by_role("link", name="Abbrechen").click()
            page.get_by_role("link", name="JSON-Ansicht (für Fortgeschrittene)").click()
            document = json.loads(page.locator("#definition").input_value())
            document["steps"][0]["fields"][1]["label"]["de"] = "Was ist Ihr Anliegen?"
            document["steps"][0]["fields"][1]["type"] = "radoi"
            page.locator("#definition").evaluate(
                "(editor, text) => { editor.value = text; }",
                json.dumps(document, ensure_ascii=False, indent=2))
            page.get_by_role("button", name="Speichern und prüfen").click()
            page.get_by_text("Gespeichert.").wait_for()
            page.locator("#problems-heading").scroll_into_view_if_needed()
            shoot(page, "entwurf-fehler")
            document["steps"][0]["fields"][1]["type"] = "radio"
            page.locator("#definition").evaluate(
                "(editor, text) => { editor.value = text; }",
                json.dumps(document, ensure_ascii=False, indent=2))
            page.get_by_role("button", name="Speichern und prüfen").click()
            page.get_by_text("Keine Fehler").wait_for()
            shoot(page, "entwurf")
            page.get_by_role("link", name="Texte und Übersetzungen bearbeiten").click()
            page.get_by_role("link", name="Schritt „Worum geht es?“").click()
            shoot(page, "texte")
            reviewer = browser.new_context(locale="de-DE", **WIDTHS[1280]).new_page()
            sign_in(reviewer, base, REVIEWER)
            reviewer.goto(page.url.split("/texts")[0] + "/publish")
            shoot(reviewer, "veroeffentlichen")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
