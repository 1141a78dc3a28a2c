"""The API's reference for caseworkers' IT (/api/v1/docs) and the site's icon."""

from __future__ import annotations

import re

from portal.api.openapi import document


def test_the_api_reference_is_readable_html_rendered_from_the_openapi_document(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    spec = document()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                assert f"<code>{method.upper()} {path}</code>" in page
                assert f'id="{op["operationId"]}"' in page
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert '<html lang="en"' in page
    # Rendered on the server: no script, nothing loaded from another site.
    assert "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_every_page_has_an_icon(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
    assert 'rel="icon" href="/static/favicon.svg?v=' in client.get("/").get_data(as_text=True)
