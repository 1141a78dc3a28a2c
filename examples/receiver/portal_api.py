"""A small client of the portal's caseworker API (/api/v1), standard library only."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class PortalError(Exception):
    """The portal answered with an error (a problem document) or could not be reached."""

    def __init__(self, status: int | None, problem: dict | str) -> None:
        super().__init__(f"{status}: {problem}")
        self.status = status
        self.problem = problem


class Portal:
    def __init__(self, base_url: str, token: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token  # never printed, never logged
        self.timeout = timeout

    def _request(self, method: str, path: str, body: dict | None = None,
                 authenticated: bool = True) -> tuple[bytes, str]:
        url = urllib.parse.urljoin(self.base_url + "/", path.lstrip("/"))
        headers = {"Accept": "application/json"}
        if authenticated:
            headers["Authorization"] = f"Bearer {self._token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                problem = json.loads(raw)
            except ValueError:
                problem = raw.decode("utf-8", "replace")[:200]
            raise PortalError(error.code, problem) from None
        except (urllib.error.URLError, OSError) as error:
            raise PortalError(None, str(error)) from None

    def json(self, method: str, path: str, body: dict | None = None,
             authenticated: bool = True) -> Any:
        return json.loads(self._request(method, path, body, authenticated)[0])

    def download(self, path: str) -> tuple[bytes, str]:
        """A file's bytes and media type (application/jose when the portal encrypts)."""
        return self._request("GET", path)

    def open_submissions(self) -> list[dict]:
        """Every submission not yet acknowledged or rejected, page by page."""
        items, cursor = [], None
        while True:
            query = {"status": "new,delivered", "limit": "50"}
            if cursor:
                query["cursor"] = cursor
            page = self.json("GET", "/api/v1/submissions?" + urllib.parse.urlencode(query))
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items

    def submission(self, submission_id: str) -> dict:
        return self.json("GET", f"/api/v1/submissions/{submission_id}")

    def acknowledge(self, submission_id: str, case_number: str) -> dict:
        return self.json("POST", f"/api/v1/submissions/{submission_id}/acknowledge",
                         {"case_number": case_number})

    def reject(self, submission_id: str, reason: str) -> dict:
        return self.json("POST", f"/api/v1/submissions/{submission_id}/reject", {"reason": reason})
