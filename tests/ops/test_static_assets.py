"""Static files: addresses that name their content, kept by browsers for a year."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from portal.assets import Digests

STATIC = Path(__file__).resolve().parents[2] / "portal" / "static"


def _linked(page: str, name: str) -> str:
    match = re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]+)"', page)
    assert match, f"{name} is not linked with its digest"
    return match.group(1)


def test_pages_link_assets_by_content_and_browsers_keep_them(client) -> None:
    page = client.get("/forms/onlinewache/").get_data(as_text=True)
    for name in ("amtsweg.css", "amtsweg.js", "upload.js", "favicon.svg"):
        url = _linked(page, name)
        digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
        assert url.endswith(f"?v={digest}")
        response = client.get(url)
        assert response.status_code == 200
        assert response.data == (STATIC / name).read_bytes()
        cache = response.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache


def test_an_address_without_the_current_digest_is_never_kept_long(client) -> None:
    for url in ("/static/amtsweg.css", "/static/amtsweg.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        cache = response.headers.get("Cache-Control", "")
        assert "max-age=31536000" not in cache and "immutable" not in cache


def test_a_changed_file_gets_a_new_address(tmp_path: Path) -> None:
    asset = tmp_path / "site.css"
    asset.write_text("body { color: black }")
    digests = Digests(str(tmp_path))
    first = digests("site.css")
    asset.write_text("body { color: navy }")
    moment = os.stat(asset).st_mtime + 5
    os.utime(asset, (moment, moment))
    assert digests("site.css") not in (None, first)
    assert digests("missing.css") is None
    assert digests("../outside.css") is None


def test_an_asset_asked_again_is_the_same_answer_with_a_request_id_of_its_own(client) -> None:
    page = client.get("/forms/onlinewache/").get_data(as_text=True)
    url = _linked(page, "amtsweg.css")
    first = client.get(url)
    again = client.get(url, headers={"X-Request-ID": "lb-0123456789"})
    third = client.get(url)
    assert first.data == again.data == third.data == (STATIC / "amtsweg.css").read_bytes()

    def others(response) -> dict:
        return {k: v for k, v in response.headers.items() if k != "X-Request-ID"}

    assert others(first) == others(again) == others(third)
    assert again.headers["X-Request-ID"] == "lb-0123456789"  # the load balancer's, as on pages
    assert first.headers["X-Request-ID"] != third.headers["X-Request-ID"]
    assert again.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in again.headers["Cache-Control"]
    # A browser that revalidates gets its 304, a HEAD its headers, a range its part.
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head.data == b""
    ranged = client.get(url, headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged.data == first.data[:10]


def test_a_kept_asset_is_not_given_once_its_file_changed(tmp_path: Path) -> None:
    from flask import Flask, url_for

    from portal import assets

    (tmp_path / "site.css").write_text("body { color: black }")
    app = Flask(__name__, static_folder=str(tmp_path))
    assets.init_app(app)
    client = app.test_client()
    with app.test_request_context():
        old = url_for("static", filename="site.css")
    for _ in range(2):
        assert client.get(old).data == b"body { color: black }"

    (tmp_path / "site.css").write_text("body { color: navy }")
    moment = os.stat(tmp_path / "site.css").st_mtime + 5
    os.utime(tmp_path / "site.css", (moment, moment))
    with app.test_request_context():
        new = url_for("static", filename="site.css")
    assert new != old
    stale = client.get(old)
    assert stale.data == b"body { color: navy }" and "immutable" not in stale.headers.get(
        "Cache-Control", "")
    fresh = client.get(new)
    assert fresh.data == b"body { color: navy }" and "immutable" in fresh.headers["Cache-Control"]
