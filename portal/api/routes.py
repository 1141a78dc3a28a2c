"""The public routing API in FIT-Connect's shape: where an Amtsweg service goes, and its areas.

`GET /api/v1/routes?leikaKey=…&ags=…` (or `ars=…`, `postcode=…`) answers which
authorities and destinations serve a service in an area; `GET /api/v1/areas?search=…`
finds the areas of the jurisdiction table by name or postcode. No token: other
portals use them to find where an application goes.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import select

from ..authorities import (
    AuthorityRecord,
    authorities_of,
    destination_for,
    name_of,
    rows_for,
    search_areas,
)
from ..extensions import db
from ..handover.models import Destination
from . import bp
from .problems import Problem

#: Query parameters and their patterns; the OpenAPI document (api/openapi.py) uses these.
PATTERNS = {"leikaKey": r"^[0-9]{14}$", "ags": r"^[0-9]{8}$", "ars": r"^[0-9]{12}$",
            "postcode": r"^[0-9]{5}$", "search": r"^[^\x00-\x1f\x7f]{2,100}$"}
MAX_LIMIT, MAX_OFFSET = 500, 100000


def _one(name: str, errors: list[str], required: bool = False) -> str | None:
    values = request.args.getlist(name)
    if not values:
        if required:
            errors.append(f"{name} is required")
        return None
    if len(values) > 1:
        errors.append(f"{name} is given twice")
        return None
    if name in PATTERNS and not re.fullmatch(PATTERNS[name], values[0]):
        errors.append(f"{name} does not match {PATTERNS[name]}")
        return None
    return values[0]


def _page(errors: list[str]) -> tuple[int, int]:
    numbers = []
    for name, default, low, high in (("offset", "0", 0, MAX_OFFSET),
                                     ("limit", "100", 1, MAX_LIMIT)):
        text = _one(name, errors) or default
        if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
            errors.append(f"{name} is a whole number from {low} to {high}")
            numbers.append(low)
        else:
            numbers.append(int(text))
    return numbers[0], numbers[1]


def _invalid(errors: list[str]) -> None:
    if errors:
        raise Problem(400, "The query is not valid.", "invalid-request", errors=errors)


def authority_document(row: Any) -> dict[str, Any]:
    authority = AuthorityRecord.of(row)
    return {
        "id": authority.id,
        "name": name_of(authority, "de"),
        "ags": authority.ags,
        "ars": authority.ars,
        "address": dict(authority.address or {}),
        "contacts": {k: v for k, v in (authority.contacts or {}).items() if k != "hours"},
    }


@bp.get("/routes")
def routes() -> Response:
    errors: list[str] = []
    leika_key = _one("leikaKey", errors, required=True)
    area = {key: _one(key, errors) for key in ("ags", "ars", "postcode")}
    offset, limit = _page(errors)
    _invalid(errors)
    rows = rows_for(leika_key, ags=area["ags"], ars=area["ars"], postcode=area["postcode"],
                    everywhere=not any(area.values()))
    authorities = authorities_of(rows)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        authority = authorities.get(row.authority_id)
        destination = destination_for(authority, row) if authority is not None else None
        if destination is None or (authority.id, destination) in found:
            continue
        found[(authority.id, destination)] = {"destinationId": destination,
                                              "leikaKey": leika_key,
                                              "authority": authority_document(authority)}
    labels = dict(db.session.execute(
        select(Destination.name, Destination.label)
        .where(Destination.name.in_({d for _, d in found}))).all()) if found else {}
    routes = sorted(found.values(), key=lambda r: (r["authority"]["id"], r["destinationId"]))
    for route in routes:
        route["destinationName"] = labels.get(route["destinationId"]) or route["authority"]["name"]
    page = routes[offset:offset + limit]
    return jsonify(routes=page, count=len(page), offset=offset, totalCount=len(routes))


@bp.get("/areas")
def areas() -> Response:
    errors: list[str] = []
    search = _one("search", errors, required=True)
    offset, limit = _page(errors)
    _invalid(errors)
    found = search_areas(search, limit=MAX_LIMIT + MAX_OFFSET)
    page = found[offset:offset + limit]
    return jsonify(areas=[{"name": municipality, "postcode": postcode, "ags": ags}
                          for postcode, ags, municipality in page],
                   count=len(page), offset=offset, totalCount=len(found))
