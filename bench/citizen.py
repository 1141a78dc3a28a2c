"""A citizen over real HTTP: fills in a shipped form from start to receipt, like a browser.

The HTTP counterpart of tests/walk.Walker (whose answers it reuses): it keeps
the session cookie, sends the CSRF token, posts only the inputs a page shows,
adds an entry to each repeating step and follows every redirect. Used by the
benchmarks and by the fault tests against gunicorn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import aiohttp

from portal.engine import Form, Step, check_definition, compile_form
from tests.walk import form_data

ROOT = Path(__file__).resolve().parent.parent
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_REFERENCE = re.compile(r'id="reference">([^<]+)<')
_RECEIPT_LINK = re.compile(r'href="([^"]*(?:receipt|quittung|\.pdf)[^"]*)"', re.IGNORECASE)


def shipped_form(form_id: str) -> Form:
    """The compiled form as it ships in forms/ (the server publishes the same file)."""
    forms_dir = ROOT / "forms"
    document, problems = check_definition(forms_dir / f"{form_id}.json", forms_dir)
    if document is None:
        raise ValueError(f"{form_id}: {problems}")
    return compile_form(document)


class Unexpected(Exception):
    """The server answered something a browser following the happy path would not see."""

    def __init__(self, what: str, status: int, url: str, body: str = "") -> None:
        super().__init__(f"{what}: {status} at {url}")
        self.status, self.url, self.body = status, url, body


@dataclass
class Page:
    status: int
    url: str
    location: str | None
    text: str


def new_session(connections: int = 100, timeout: float = 30) -> aiohttp.ClientSession:
    """A client session with a cookie jar that accepts cookies from 127.0.0.1; a request
    taking longer than `timeout` seconds fails."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections),
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=timeout),
    )


class Citizen:
    """One citizen's way through `form` on the server at `base_url`."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, form: Form) -> None:
        self.session, self.base_url, self.form = session, base_url, form
        self.token: str | None = None
        self.requests = 0
        self.reference: str | None = None
        self.receipt_fetched = False

    # -- HTTP -------------------------------------------------------------------------------

    async def _send(self, method: str, url: str, data: Any = None) -> Page:
        url = urljoin(self.base_url, url)
        self.requests += 1
        async with self.session.request(method, url, data=data, allow_redirects=False) as response:
            body = await response.read()
            is_text = response.content_type.startswith("text/")
            text = body.decode("utf-8", "replace") if is_text else ""
            return Page(response.status, url, response.headers.get("Location"), text)

    async def get(self, url: str) -> Page:
        page = await self._send("GET", url)
        if match := _CSRF.search(page.text):
            self.token = match.group(1)
        return page

    async def post(self, url: str, data: list[tuple[str, str]]) -> Page:
        return await self._send("POST", url, [("csrf_token", self.token or ""), *data])

    def cookie_header(self) -> str:
        """The Cookie header this citizen's browser would send (for wrk)."""
        cookies = self.session.cookie_jar.filter_cookies(self.base_url)
        return "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())

    # -- the way through ------------------------------------------------------------------

    async def start(self) -> str:
        """Open the start page and begin; returns the first step's address."""
        page = await self.get(f"/forms/{self.form.id}/")
        if page.status != 200:
            raise Unexpected("start page", page.status, page.url, page.text)
        page = await self.post(f"/forms/{self.form.id}/start", [])
        if page.status != 303 or not page.location:
            raise Unexpected("start", page.status, page.url, page.text)
        return page.location

    def answers(self, step: Step, html: str) -> list[tuple[str, str]]:
        """Valid answers for the inputs this page shows (file fields left empty)."""
        data: list[tuple[str, str]] = [("action", "continue")]
        for f in step.questions:
            if f.type == "file" or not re.search(rf'name="{re.escape(f.name)}(-[a-z_]+)*"', html):
                continue
            for name, value in form_data(f).items():
                values = value if isinstance(value, list) else [value]
                data.extend((name, str(v)) for v in values)
        return data

    async def answer(self, location: str) -> str | None:
        """Answer the page at `location`; returns where the server sends us (None: summary)."""
        page = await self.get(location)
        if page.status in (302, 303) and page.location:
            return page.location
        if page.status != 200:
            raise Unexpected("step page", page.status, page.url, page.text)
        if location.rstrip("/").endswith("/summary"):
            return None
        step = self.form.step(location.split("/steps/")[1].split("/")[0])
        if step is None:
            raise Unexpected("unknown step", page.status, page.url, page.text)
        if step.repeat is not None and "/entries/" not in location:
            if "entry-list__item" not in page.text:
                return location + "/entries/new"
            result = await self.post(location, [("action", "continue")])
        else:
            result = await self.post(location, self.answers(step, page.text))
        if result.status != 303 or not result.location:
            raise Unexpected("answer", result.status, result.url, result.text)
        return result.location

    async def walk_to_summary(self, max_pages: int = 60) -> None:
        location: str | None = await self.start()
        for _ in range(max_pages):
            location = await self.answer(location)  # type: ignore[arg-type]
            if location is None:
                return
        raise Unexpected("no summary", 0, str(location))

    async def submit(self) -> str:
        """Send the application; returns the reference shown on the confirmation page."""
        page = await self.post(f"/forms/{self.form.id}/submit", [])
        if page.status != 303:
            raise Unexpected("submit", page.status, page.url, page.text)
        page = await self.get(page.location or f"/forms/{self.form.id}/confirmation")
        match = _REFERENCE.search(page.text)
        if page.status != 200 or match is None:
            raise Unexpected("confirmation", page.status, page.url, page.text)
        self.reference = match.group(1).strip()
        if receipt := _RECEIPT_LINK.search(page.text):
            download = await self._send("GET", receipt.group(1))
            if download.status != 200:
                raise Unexpected("receipt", download.status, download.url, download.text)
            self.receipt_fetched = True
        return self.reference

    async def apply(self) -> str:
        """The whole application: start, every step, summary, submit, confirmation, receipt."""
        await self.walk_to_summary()
        return await self.submit()
