"""Static files at content-hashed addresses, kept by browsers for a year.

Every page links its style sheet, scripts and icon. Served with Flask's default
(`no-cache`), a browser asks again on every page whether they changed (a 304
each, four requests a page). Here `url_for("static", filename=...)` adds the
first 12 hex digits of the file's SHA-256 (`/static/amtsweg.css?v=…`), and a
request naming the current digest is answered with `Cache-Control: public,
max-age=31536000, immutable`: the browser asks once per release. A changed file
gets a new address; an address with an old or no digest is served as before
(revalidated), so nothing stale is ever kept for a year.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from types import MethodType
from typing import Any

from flask import Flask, request
from werkzeug.wrappers import Response

#: A year: what browsers keep an asset whose address names its content.
YEAR = 365 * 24 * 3600


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


def init_app(app: Flask) -> None:
    if app.static_folder is None:
        return
    digests = Digests(app.static_folder)

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
