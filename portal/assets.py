"""Static files at content-hashed addresses, kept by browsers for a year.

Every page links its style sheet, scripts and icon. Served with Flask's default
(`no-cache`), a browser asks again on every page whether they changed (a 304
each, four requests a page). Here `url_for("static", filename=...)` adds the
first 12 hex digits of the file's SHA-256 (`/static/amtsweg.css?v=…`), and a
request naming the current digest is answered with `Cache-Control: public,
max-age=31536000, immutable`: the browser asks once per release. A changed file
gets a new address; an address with an old or no digest is served as before
(revalidated), so nothing stale is ever kept for a year.

A file asked for at its current address is the same answer for everyone until
the file changes: the first such request in a worker goes through Flask (its
caching, security and request-id headers), and `KeptAssets`, a WSGI layer in
front of Flask, keeps that answer and gives it again to later requests with a
request id of their own, without Flask's request context, session and hooks.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from types import MethodType
from typing import Any

from flask import Flask, request
from werkzeug.wrappers import Response

from .kept import Kept
from .logging import REQUEST_ID_HEADER, request_id_of

#: A year: what browsers keep an asset whose address names its content.
YEAR = 365 * 24 * 3600
#: Answers kept by KeptAssets: how many, and how large each at most (the shipped assets are
#: seven files of a few KB).
KEPT_ANSWERS = 64
KEPT_BODY_LIMIT = 512 * 1024
#: A request with one of these is answered by Flask (a 304, a part of the file).
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")


class Digests:
    """The digest of each static file, computed once (again when its mtime changes)."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)
        self.known: dict[str, tuple[float, str | None]] = {}

    def __call__(self, filename: str) -> str | None:
        path = self.folder / filename
        try:
            mtime = os.stat(path).st_mtime
        except (OSError, ValueError):
            return None
        kept = self.known.get(filename)
        if kept is not None and kept[0] == mtime:
            return kept[1]
        if not path.resolve().is_relative_to(self.folder.resolve()):
            return None
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        self.known[filename] = (mtime, digest)
        return digest


class KeptAssets:
    """WSGI layer before Flask: the answers to static files at their current addresses.

    Kept per address and digest: a 200 with `immutable` in its Cache-Control, no
    cookie and no Vary (nothing in it depends on who asks). Conditional and ranged
    requests, HEAD, other query strings and every other path go to Flask.
    """

    def __init__(self, wsgi_app: Callable, prefix: str, digests: Digests) -> None:
        self.wsgi_app = wsgi_app
        self.prefix = prefix
        self.digests = digests
        self.kept: Kept[tuple[str, list[tuple[str, str]], bytes]] = Kept(KEPT_ANSWERS)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        if (not path.startswith(self.prefix) or environ.get("REQUEST_METHOD") != "GET"
                or not query.startswith("v=") or any(h in environ for h in _CONDITIONAL)):
            return self.wsgi_app(environ, start_response)
        filename = path[len(self.prefix):]
        if query[2:] != self.digests(filename):  # an old digest, or the file is gone
            return self.wsgi_app(environ, start_response)
        kept = self.kept.get((filename, query))
        if kept is None:
            return self._through_flask(environ, start_response, (filename, query))
        status, headers, body = kept
        start_response(status, [*headers, (REQUEST_ID_HEADER, request_id_of(environ))])
        return [body]

    def _through_flask(self, environ: dict, start_response: Callable,
                       key: tuple[str, str]) -> Iterable[bytes]:
        answer: list = []

        def note(status: str, headers: list, exc_info: object = None) -> Callable:
            answer[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, note)
        status, headers = answer
        names = {name.lower(): value for name, value in headers}
        if (status.startswith("200 ") and "immutable" in names.get("cache-control", "")
                and "set-cookie" not in names and "vary" not in names
                and int(names.get("content-length", KEPT_BODY_LIMIT + 1)) <= KEPT_BODY_LIMIT):
            try:
                data = b"".join(body)
            finally:
                if hasattr(body, "close"):
                    body.close()
            self.kept.put(key, (status, [(name, value) for name, value in headers
                                         if name.lower() != REQUEST_ID_HEADER.lower()], data))
            return [data]
        return body


def init_app(app: Flask) -> None:
    if app.static_folder is None:
        return
    digests = Digests(app.static_folder)
    app.wsgi_app = KeptAssets(app.wsgi_app, f"{app.static_url_path}/", digests)  # type: ignore[method-assign]

    @app.url_defaults
    def hashed(endpoint: str, values: dict[str, Any]) -> None:
        filename = values.get("filename") if endpoint == "static" and "v" not in values else None
        if filename and (digest := digests(filename)) is not None:
            values["v"] = digest

    def current(filename: str | None) -> bool:
        given = request.args.get("v")
        return bool(given and filename and given == digests(filename))

    plain = app.get_send_file_max_age

    def max_age(self: Flask, filename: str | None) -> int | None:
        return YEAR if current(filename) else plain(filename)

    app.get_send_file_max_age = MethodType(max_age, app)  # type: ignore[method-assign]

    @app.after_request
    def immutable(response: Response) -> Response:
        if request.endpoint == "static" and response.cache_control.max_age == YEAR:
            response.cache_control.immutable = True
        return response
