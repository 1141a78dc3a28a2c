"""The caseworker API's views: parse the request, call portal.handover, answer JSON."""

from __future__ import annotations

import base64
import binascii
import io
import re
from typing import Any

from flask import Response, current_app, jsonify, render_template, request, send_file
from jsonschema import Draft202012Validator
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from ..engine import data_schema
from ..extensions import db
from ..handover import encryption, lifecycle, pull
from ..handover.envelope import (
    STATUSES,
    envelope_schema,
    hex_sha256,
    payments_of,
    receipt_of,
    rfc3339,
    summary,
)
from ..models import FormVersion
from ..publishing import compiled
from ..uploads.service import storage
from . import bp, docs, openapi
from .auth import client_required, current_client
from .problems import Problem

_acknowledgement = Draft202012Validator(openapi.ACKNOWLEDGEMENT)
_rejection = Draft202012Validator(openapi.REJECTION)


def _not_found() -> Problem:
    return Problem(404, "There is no such submission for this client.")


def _submission(submission_id: str):
    try:
        return pull.find_submission(current_client(), submission_id)
    except pull.Unknown:
        raise _not_found() from None


def _body(validator: Draft202012Validator) -> dict[str, Any]:
    body = request.get_json()  # 415 for another media type, 400 for broken JSON
    errors = sorted(validator.iter_errors(body), key=str)
    if errors:
        raise Problem(400, "The body does not match the schema.", "invalid-request",
                      errors=[e.message for e in errors][:10])
    return body


def _query() -> tuple[list[str], int, str | None]:
    statuses = [s for value in request.args.getlist("status") for s in value.split(",") if s]
    wrong = sorted(set(statuses) - set(STATUSES))
    limit_text = request.args.get("limit", "50")
    cursor = request.args.get("cursor")
    errors = []
    if wrong:
        errors.append(f"unknown status {', '.join(wrong)}; one of {', '.join(STATUSES)}")
    if len(set(statuses)) != len(statuses):
        errors.append("a status is given twice")
    if not (limit_text.isascii() and limit_text.isdigit() and 1 <= int(limit_text) <= 100):
        errors.append("limit is a whole number from 1 to 100")
    if cursor is not None:
        try:
            pull.decode_cursor(cursor)
        except ValueError:
            errors.append("cursor is the next_cursor of an earlier page")
    if errors:
        raise Problem(400, "The query is not valid.", "invalid-request", errors=errors)
    return statuses, int(limit_text), cursor


def _download(content: bytes | io.BufferedReader, media_type: str, name: str,
              sha256: str) -> Response:
    """A file, or its JWE if the destination registered a key. Repr-Digest as in RFC 9530."""
    jwk = pull.public_key_of(current_client())
    if jwk:
        if isinstance(content, bytes):
            raw = content
        else:
            with content:
                raw = content.read()
        token = encryption.encrypt(raw, jwk, media_type)
        response = Response(token, mimetype=encryption.JOSE_MEDIA_TYPE)
        response.headers["Content-Disposition"] = "attachment; filename=encrypted.jwe"
        return response
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    response = send_file(stream, mimetype=media_type, as_attachment=True, download_name=name,
                         conditional=False, etag=False)
    digest = base64.b64encode(binascii.unhexlify(hex_sha256(sha256))).decode()
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    return response


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(openapi.document())


@bp.get("/docs")
def api_docs() -> str:
    """The OpenAPI document as readable HTML, rendered here (no script, no CDN)."""
    document = openapi.document()
    names = set(document.get("components", {}).get("schemas", {}))
    return render_template("api/docs.html", info=document["info"],
                           operations=list(docs.operations(document)),
                           schemas=list(docs.schemas(document)), schema_names=names)


@bp.get("/schemas/submission.schema.json")
def submission_schema() -> Response:
    response = jsonify(envelope_schema())
    response.mimetype = "application/schema+json"
    return response


@bp.get("/forms/<form_id>/versions/<version>/data-schema")
def form_data_schema(form_id: str, version: str) -> Response:
    if not (re.fullmatch(openapi.FORM_ID_PATTERN, form_id)
            and re.fullmatch(openapi.VERSION_PATTERN, version)):
        raise Problem(404, "There is no such published form version.")
    row = db.session.execute(
        select(FormVersion).filter_by(form_id=form_id, version=version)
    ).scalar_one_or_none()
    if row is None:
        raise Problem(404, "There is no such published form version.")
    response = jsonify(data_schema(compiled(row)))
    response.mimetype = "application/schema+json"
    return response


@bp.get("/submissions")
@client_required
def list_submissions() -> Response:
    statuses, limit, cursor = _query()
    page = pull.list_submissions(current_client(), statuses, limit, cursor)
    paid = payments_of([s.id for s in page.items])
    return jsonify(items=[summary(s, paid.get(s.id)) for s in page.items],
                   next_cursor=page.next_cursor)


@bp.get("/submissions/<submission_id>")
@client_required
def get_submission(submission_id: str) -> Response:
    return jsonify(pull.fetch(current_client(), _submission(submission_id)))


@bp.get("/submissions/<submission_id>/attachments/<attachment_id>")
@client_required
def get_attachment(submission_id: str, attachment_id: str) -> Response:
    submission = _submission(submission_id)
    if submission.deleted_at is not None:
        raise Problem(410, "The files were deleted when the retention time ended.", "gone")
    try:
        attachment = pull.find_attachment(submission, attachment_id)
    except pull.Unknown:
        raise Problem(404, "The submission has no such attachment.") from None
    return _download(storage().open(attachment.storage_key), attachment.media_type,
                     attachment.display_name, attachment.sha256)


@bp.get("/submissions/<submission_id>/receipt")
@client_required
def get_receipt(submission_id: str) -> Response:
    submission = _submission(submission_id)
    if submission.deleted_at is not None:
        raise Problem(410, "The receipt was deleted when the retention time ended.", "gone")
    receipt = receipt_of(submission)
    if receipt is None:
        # Made after the submission; the envelope lists it once it exists.
        raise Problem(404, "This submission has no receipt yet.")
    return _download(receipt.pdf, "application/pdf", f"{submission.reference}.pdf", receipt.sha256)


def _answer(submission_id: str, validator: Draft202012Validator, key: str, decide) -> Response:
    body = _body(validator)
    submission = _submission(submission_id)
    try:
        decide(submission, body[key], current_client().prefix)
    except lifecycle.Conflict as conflict:
        db.session.rollback()
        raise Problem(409, str(conflict), "conflict") from None
    db.session.commit()
    return jsonify(summary(submission))


@bp.post("/submissions/<submission_id>/acknowledge")
@client_required
def acknowledge(submission_id: str) -> Response:
    return _answer(submission_id, _acknowledgement, "case_number", lifecycle.acknowledge)


@bp.post("/submissions/<submission_id>/reject")
@client_required
def reject(submission_id: str) -> Response:
    return _answer(submission_id, _rejection, "reason", lifecycle.reject)


@bp.get("/submissions/<submission_id>/events")
@client_required
def events(submission_id: str) -> Response:
    submission = _submission(submission_id)
    return jsonify(items=[
        {"type": e.type, "occurred_at": rfc3339(e.occurred_at, precise=True), "detail": e.detail}
        for e in lifecycle.events_of(submission)
    ])


_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


@bp.route("/", methods=_ALL_METHODS)
@bp.route("/<path:unknown>", methods=_ALL_METHODS)
def elsewhere(unknown: str = "") -> Response:
    """Anything under /api/v1 that no view took: 404, or 405 with Allow, as a problem.

    The application's routing errors would otherwise reach its HTML error
    pages, which know nothing of this blueprint.
    """
    if allowed_methods(request.path):
        raise MethodNotAllowed(valid_methods=allowed_methods(request.path))
    raise NotFound("There is nothing at this address in API v1; see /api/v1/openapi.json.")


def allowed_methods(path: str) -> list[str]:
    """The methods the API's own routes offer at `path` (the catch-all's do not count)."""
    return _api_routes().bind("localhost").allowed_methods(path)


def _api_routes() -> Map:
    routes = current_app.extensions.get("amtsweg_api_routes")
    if routes is None:
        routes = Map([
            Rule(rule.rule, methods=rule.methods, endpoint=rule.endpoint)
            for rule in current_app.url_map.iter_rules()
            if rule.endpoint.startswith(f"{bp.name}.") and rule.endpoint != f"{bp.name}.elsewhere"
        ])
        current_app.extensions["amtsweg_api_routes"] = routes
    return routes
