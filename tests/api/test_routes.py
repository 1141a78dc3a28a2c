"""The public routing API (FIT-Connect's shape): where a service goes, and the areas served."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from portal.api import openapi
from tests.handover.helpers import destination

ONLINEWACHE = "99125001000000"


def _valid(body: dict, name: str) -> None:
    """`body` validates against the OpenAPI document's component `name`."""
    document = openapi.document()
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    Draft202012Validator(schema).validate(body)


def test_rostock_and_berlin_have_different_police_destinations(app, client):
    destination("polizei", label="Polizei Berlin – Onlinewache")
    rostock = client.get(f"/api/v1/routes?leikaKey={ONLINEWACHE}&ags=13003000")
    berlin = client.get(f"/api/v1/routes?leikaKey={ONLINEWACHE}&ags=11000000")
    assert rostock.status_code == berlin.status_code == 200
    assert "Authorization" not in rostock.request.headers  # public, no token
    for response in (rostock, berlin):
        _valid(response.get_json(), "RouteList")
    [route] = rostock.get_json()["routes"]
    assert route["destinationId"] == "polizei-mv-rostock"
    assert route["authority"]["name"] == "Polizeipräsidium Rostock"
    assert route["authority"]["address"]["street"] == "Ulmenstraße 54"
    assert route["leikaKey"] == ONLINEWACHE
    [route] = berlin.get_json()["routes"]
    assert (route["destinationId"], route["destinationName"]) == ("polizei",
                                                                  "Polizei Berlin – Onlinewache")
    assert berlin.get_json() | {"routes": []} == {"routes": [], "count": 1, "offset": 0,
                                                  "totalCount": 1}


def test_routes_by_ars_and_by_postcode(app, client):
    by_ars = client.get(f"/api/v1/routes?leikaKey={ONLINEWACHE}&ars=130030000000").get_json()
    assert [r["authority"]["id"] for r in by_ars["routes"]] == ["polizei-mv-rostock"]
    by_postcode = client.get(f"/api/v1/routes?leikaKey={ONLINEWACHE}&postcode=14467").get_json()
    assert [r["authority"]["id"] for r in by_postcode["routes"]] == ["polizei-brandenburg"]
    nowhere = client.get(f"/api/v1/routes?leikaKey={ONLINEWACHE}&postcode=80331").get_json()
    assert nowhere == {"routes": [], "count": 0, "offset": 0, "totalCount": 0}


def test_every_route_of_a_service_page_by_page(app, client):
    everything = client.get(f"/api/v1/routes?leikaKey={ONLINEWACHE}").get_json()
    assert everything["totalCount"] == 4  # the four police authorities
    second = client.get(f"/api/v1/routes?leikaKey={ONLINEWACHE}&offset=1&limit=2").get_json()
    assert second["count"] == 2 and second["offset"] == 1 and second["totalCount"] == 4
    assert second["routes"] == everything["routes"][1:3]


@pytest.mark.parametrize("query", ["", "leikaKey=123", f"leikaKey={ONLINEWACHE}&ags=13003",
                                   f"leikaKey={ONLINEWACHE}&limit=0",
                                   f"leikaKey={ONLINEWACHE}&ags=13003000&ags=11000000"])
def test_a_bad_query_is_a_problem(app, client, query):
    response = client.get(f"/api/v1/routes?{query}")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_areas_by_name_or_postcode(app, client):
    by_name = client.get("/api/v1/areas?search=neuenhagen").get_json()
    _valid(by_name, "AreaList")
    assert by_name["areas"] == [{"name": "Neuenhagen bei Berlin", "postcode": "15366",
                                 "ags": None}]
    by_postcode = client.get("/api/v1/areas?search=1805").get_json()
    assert {a["postcode"] for a in by_postcode["areas"]} == {"18055", "18057", "18059"}
    assert {a["name"] for a in by_postcode["areas"]} == {"Rostock"}
    assert client.get("/api/v1/areas").status_code == 400


def test_the_openapi_document_describes_both(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/routes"]["get"]["security"] == []
    assert paths["/api/v1/areas"]["get"]["security"] == []
