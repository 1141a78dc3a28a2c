"""The OpenAPI document describes exactly the routes the blueprint has."""

from __future__ import annotations

import re

from portal.api.openapi import document


def test_every_route_is_documented_and_every_documented_path_exists(app):
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.elsewhere":
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            routes[path] = sorted(rule.methods - {"HEAD", "OPTIONS"})
    documented = {path: sorted(m.upper() for m in ops) for path, ops in document()["paths"].items()}
    assert routes == documented


def test_the_document_is_served_as_openapi_3_1(client):
    served = client.get("/api/v1/openapi.json").json
    assert served["openapi"] == "3.1.0" and served == document()
    assert served["components"]["schemas"]["Envelope"]["properties"]["metadata"]
