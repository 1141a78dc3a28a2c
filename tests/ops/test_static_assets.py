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
