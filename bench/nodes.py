"""A citizen whose requests go to several web nodes in turn, with photos to upload.

The two-node test (tests/ops/test_two_nodes.py) and the soak (bench/soak.py) use it:
like bench.citizen.Citizen, over real HTTP with the session cookie and the CSRF token,
but each request goes to the next node (a load balancer without sticky sessions), the
files of a step's file field are uploaded (multipart, "Datei hochladen") before the
step is answered, and the upload and the submission can be pinned to given nodes.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from bench.citizen import Citizen, Page, Unexpected
from portal.engine import Form, Step

_LISTED = re.compile(r'<span class="file-list__name">([^<]*)</span>')


@cache
def photos() -> tuple[tuple[bytes, str, str], ...]:
    """Two phone photos (EXIF with GPS, removed on upload): (bytes, file name, media type)."""
    from tests.uploads.files import jpeg_with_gps

    return ((jpeg_with_gps(), "tatort.jpg", "image/jpeg"),
            (jpeg_with_gps(progressive=True), "schaden.jpg", "image/jpeg"))


class Traveller(Citizen):
    """A citizen on `nodes` (base URLs) in turn; `files` are uploaded to the first file field."""

    def __init__(self, session: aiohttp.ClientSession, nodes: list[str], form: Form,
                 files: tuple[tuple[bytes, str, str], ...] = (),
                 upload_node: int | None = None, submit_node: int | None = None) -> None:
        super().__init__(session, nodes[0], form)
        self.nodes, self.files = nodes, files
        self.upload_node, self.submit_node = upload_node, submit_node
        self.turn = 0
        self.pinned: int | None = None
        #: (method, path, node index) of every request, for the tests to see where each went.
        self.served: list[tuple[str, str, int]] = []
        self.uploaded: list[str] = []

    def _node(self) -> int:
        if self.pinned is not None:  # for this one request
            node, self.pinned = self.pinned, None
            return node
        self.turn += 1
        return (self.turn - 1) % len(self.nodes)

    async def _send(self, method: str, url: str, data: Any = None) -> Page:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        node = self._node()
        self.served.append((method, parts.path, node))
        self.base_url = self.nodes[node]
        return await super()._send(method, urljoin(self.nodes[node], path), data)

    async def answer(self, location: str) -> str | None:
        step = None
        if "/steps/" in location and "/entries/" not in location:
            step = self.form.step(location.split("/steps/")[1].split("/")[0])
        if step is not None and self.files and not self.uploaded and _file_field(step):
            await self.upload(location, step)
        return await super().answer(location)

    async def upload(self, location: str, step: Step) -> None:
        """Open the step and upload every file with "Datei hochladen", as a browser does."""
        field = _file_field(step)
        page = await self.get(location)
        if page.status != 200:
            raise Unexpected("step page before upload", page.status, page.url, page.text)
        form = aiohttp.FormData()
        form.add_field("csrf_token", self.token or "")
        for name, value in self.answers(step, page.text):
            if name != "action":
                form.add_field(name, value)
        form.add_field("action", "upload")
        for content, filename, media_type in self.files:
            form.add_field(f"{field}-upload", content, filename=filename, content_type=media_type)
        self.pinned = self.upload_node
        result = await self._send("POST", location, form)
        listed = _LISTED.findall(result.text)
        if result.status != 200 or listed != [name for _, name, _ in self.files]:
            raise Unexpected(f"upload (listed {listed})", result.status, result.url, result.text)
        self.uploaded = listed

    async def submit(self) -> str:
        """The submit POST to `submit_node`; confirmation and receipt from the next ones."""
        self.pinned = self.submit_node
        return await super().submit()


def _file_field(step: Step) -> str | None:
    return next((f.name for f in step.questions if f.type == "file"), None)
