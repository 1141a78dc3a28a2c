"""Fixtures for real-browser tests: the app served over HTTP, driven by Debian's Chromium.

Use `live_server.url` as the base URL and one of the page fixtures:

    def test_catalogue(live_server, page):
        page.goto(f"{live_server.url}/")

`page` is a desktop German browser, `page_no_js` the same with JavaScript off,
`mobile_page` a 320 px wide phone. Every context bypasses the portal's
Content-Security-Policy so that axe-core can be injected (see axe.py).

A missing /usr/bin/chromium fails these tests; AMTSWEG_SKIP_BROWSER=1 skips them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from .axe import screenshot

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AMTSWEG = Path(sys.executable).parent / "amtsweg"
STARTUP_TIMEOUT = 30.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser; skip them all on AMTSWEG_SKIP_BROWSER=1."""
    skip = pytest.mark.skip(reason="browser tests skipped (AMTSWEG_SKIP_BROWSER=1)")
    skipping = os.environ.get("AMTSWEG_SKIP_BROWSER") == "1"
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if skipping:
                item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item so page fixtures can see a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str
    log: Path

    def output(self, lines: int = 40) -> str:
        """The server's last output lines (stdout and stderr), e.g. for a 500's traceback."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()  # noqa: S310 - our own http URL
    except urllib.error.HTTPError:
        return True  # any HTTP status means the server is up
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real application in a subprocess on 127.0.0.1, migrated and with forms loaded.

    It has its own SQLite database and instance directory (AMTSWEG_INSTANCE_PATH).
    """
    tmp = tmp_path_factory.mktemp("live_server")
    database_url = f"sqlite:///{tmp / 'amtsweg.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AMTSWEG_INSTANCE_PATH": str(tmp / "instance"),
        "AMTSWEG_SECRET_KEY": "test",
        "AMTSWEG_INSECURE_COOKIES": "1",
        # One browser starts hundreds of applications a minute here; limits have their own tests.
        "AMTSWEG_RATELIMIT_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
    }
    for command in (["db", "upgrade"], ["authorities", "load", "--create-destinations"],
                    ["jurisdictions", "import", "authorities/jurisdictions.csv"],
                    ["forms", "load"]):
        done = subprocess.run(  # noqa: S603
            [str(AMTSWEG), *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.fail(f"amtsweg {' '.join(command)} failed:\n{done.stderr}", pytrace=False)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp / "server.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(  # noqa: S603
            [str(AMTSWEG), "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _answers(f"{url}/"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"live server did not answer on {url}/ within {STARTUP_TIMEOUT:.0f} s "
                    f"(exit code {server.poll()}); its output:\n{log.read_text()}",
                    pytrace=False,
                )
            time.sleep(0.1)
        yield LiveServer(url=url, database_url=database_url, log=log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's package (apt-get install chromium) "
            "or set AMTSWEG_SKIP_BROWSER=1 to skip the browser tests.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _page(browser: Browser, request: pytest.FixtureRequest, **options: object) -> Iterator[Page]:
    """A page in a fresh context; screenshots it into artifacts/ when the test failed."""
    context = browser.new_context(locale="de-DE", bypass_csp=True, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        screenshot(page, f"{request.node.name}-failed")
    context.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A desktop page: 1280x900, German, JavaScript on."""
    yield from _page(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def page_no_js(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A desktop page with JavaScript switched off: the portal must work without it."""
    yield from _page(
        browser, request, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )


@pytest.fixture
def mobile_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A small phone: 320x640 CSS pixels, touch, mobile viewport handling."""
    yield from _page(
        browser, request, viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
    )
