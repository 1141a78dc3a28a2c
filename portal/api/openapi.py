"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

The request-body schemas here are the ones the views validate with, and the
envelope is schemas/submission.schema.json itself, so the document cannot
drift from what the API accepts and sends. tests/api runs schemathesis on it.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from ..handover.envelope import STATUSES, envelope_schema
from ..handover.models import EVENT_TYPES
from ..handover.pull import CURSOR_PATTERN

PROBLEM_TYPE = "application/problem+json"
SCHEMA_TYPE = "application/schema+json"
_ONE = "/api/v1/submissions/{submission_id}"
FORM_ID_PATTERN = r"^[a-z][a-z0-9-]{1,62}$"
VERSION_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

ACKNOWLEDGEMENT = {
    "type": "object",
    "required": ["case_number"],
    "additionalProperties": False,
    "properties": {
        "case_number": {
            "description": "The procedure's own case number (Aktenzeichen) for this submission.",
            "type": "string", "minLength": 1, "maxLength": 100, "pattern": r"^[^\x00-\x1f\x7f]+$",
        },
    },
}
REJECTION = {
    "type": "object",
    "required": ["reason"],
    "additionalProperties": False,
    "properties": {
        "reason": {
            "description": "Why the procedure cannot take the submission "
                           "(kept until retention ends).",
            "type": "string", "minLength": 1, "maxLength": 1000,
            "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$",
        },
    },
}

_SUMMARY = {
    "type": "object",
    "required": ["id", "reference", "destination", "form", "status", "submitted_at"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "reference": {"type": "string"},
        "destination": {"type": "string"},
        "form": {
            "type": "object", "required": ["id", "version"],
            "properties": {"id": {"type": "string"}, "version": {"type": "string"}},
        },
        "status": {"type": "string", "enum": list(STATUSES)},
        "submitted_at": {"type": "string", "format": "date-time"},
        "acknowledged_at": NULLABLE_TIME,
        "case_number": {"type": ["string", "null"]},
        "rejected_at": NULLABLE_TIME,
        "rejection_reason": {"type": ["string", "null"]},
        "deleted_at": NULLABLE_TIME,
    },
}


def _envelope() -> dict:
    schema = copy.deepcopy(envelope_schema())
    schema.pop("$schema", None)
    schema.pop("$id", None)
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _json(description: str, ref: str, links: dict | None = None) -> dict:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }
    if links:
        response["links"] = links
    return response


def _responses(ok: dict, *codes: int) -> dict:
    reasons = {
        400: "The query or body does not match this document.",
        401: "No token, or the token is invalid or revoked.",
        404: "No such submission for this client (also when it belongs to another destination).",
        409: "The submission was already answered differently, or its data is deleted.",
        410: "The file was deleted after the retention time.",
        415: "The body is not application/json.",
    }
    responses = {"200": ok} | {str(c): _problem(reasons[c]) for c in codes}
    responses["default"] = _problem("Any other error, as RFC 9457 problem details.")
    return responses


_ID = {"type": "string", "format": "uuid"}
_SUBMISSION_ID = {"name": "submission_id", "in": "path", "required": True, "schema": _ID}
_BY_ID = {"submission_id": "$request.path.submission_id"}


def _submission_operation(op_id: str, summary: str, ok: dict, *codes: int, **extra: Any) -> dict:
    return {"operationId": op_id, "summary": summary, "tags": ["submissions"],
            "parameters": [_SUBMISSION_ID, *extra.pop("parameters", [])],
            "responses": _responses(ok, 401, 404, *codes), **extra}


def _body(ref: str) -> dict:
    return {"required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _paths() -> dict:
    first = {"submission_id": "$response.body#/items/0/id"}
    list_links = {
        "GetSubmission": {"operationId": "getSubmission", "parameters": first},
        "ListEvents": {"operationId": "listEvents", "parameters": first},
        "AcknowledgeSubmission": {"operationId": "acknowledgeSubmission", "parameters": first},
    }
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "/api/v1/submissions": {"get": {
            "operationId": "listSubmissions", "tags": ["submissions"],
            "summary": "List this destination's submissions, oldest first",
            "description": "Keyset pagination: pass `next_cursor` as `cursor` until it is null. "
                           "A procedure's work queue is `status=new,delivered`.",
            "parameters": [
                {"name": "status", "in": "query", "style": "form", "explode": False,
                 "description": "Only these statuses (comma-separated).",
                 "schema": {"type": "array", "uniqueItems": True,
                            "items": {"type": "string", "enum": list(STATUSES)}}},
                {"name": "limit", "in": "query",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}},
                {"name": "cursor", "in": "query",
                 "description": "`next_cursor` of the page before.",
                 "schema": {"type": "string", "pattern": CURSOR_PATTERN}},
            ],
            "responses": _responses(_json("A page of submissions.", "SubmissionList", list_links),
                                    400, 401),
        }},
        "/api/v1/submissions/{submission_id}": {"get": _submission_operation(
            "getSubmission",
            "Fetch a submission with its envelope (its first fetch marks it delivered)",
            _json("The submission; `envelope`, or `encrypted_envelope` (JWE) if the destination "
                  "registered a key; neither once deleted.", "Submission", {
                      "GetAttachment": {"operationId": "getAttachment", "parameters": {
                          **_BY_ID,
                          "attachment_id": "$response.body#/envelope/metadata/attachments/0/id"}},
                      "GetReceipt": {"operationId": "getReceipt", "parameters": _BY_ID},
                      "RejectSubmission": {"operationId": "rejectSubmission", "parameters": _BY_ID},
                      "GetDataSchema": {"operationId": "getDataSchema", "parameters": {
                          "form_id": "$response.body#/form/id",
                          "version": "$response.body#/form/version"}},
                  }))},
        f"{_ONE}/attachments/{{attachment_id}}": {"get": _submission_operation(
            "getAttachment", "Download one attachment (application/jose if encrypted)",
            {"description": "The file; check its SHA-256 against the envelope.",
             "content": {"*/*": binary}}, 410,
            parameters=[{"name": "attachment_id", "in": "path", "required": True, "schema": _ID}])},
        "/api/v1/submissions/{submission_id}/receipt": {"get": _submission_operation(
            "getReceipt", "Download the citizen's PDF receipt",
            {"description": "The receipt.", "content": {"application/pdf": binary,
                                                        "application/jose": binary}}, 410)},
        "/api/v1/submissions/{submission_id}/acknowledge": {"post": _submission_operation(
            "acknowledgeSubmission",
            "Accept the submission into the procedure, under a case number",
            _json("Acknowledged (again, if the case number is the same).", "SubmissionSummary",
                  {"ListEvents": {"operationId": "listEvents", "parameters": _BY_ID}}),
            400, 409, 415, requestBody=_body("Acknowledgement"))},
        "/api/v1/submissions/{submission_id}/reject": {"post": _submission_operation(
            "rejectSubmission", "Refuse the submission, with a reason",
            _json("Rejected (again, if the reason is the same).", "SubmissionSummary"),
            400, 409, 415, requestBody=_body("Rejection"))},
        "/api/v1/submissions/{submission_id}/events": {"get": _submission_operation(
            "listEvents", "The submission's event log, oldest first",
            _json("The events.", "EventList"))},
        "/api/v1/forms/{form_id}/versions/{version}/data-schema": {"get": {
            "operationId": "getDataSchema", "tags": ["schemas"], "security": [],
            "summary": "The JSON Schema a form version's submission data validates against",
            "parameters": [
                {"name": "form_id", "in": "path", "required": True, "example": "onlinewache",
                 "schema": {"type": "string", "pattern": FORM_ID_PATTERN}},
                {"name": "version", "in": "path", "required": True, "example": "1.0.0",
                 "schema": {"type": "string", "pattern": VERSION_PATTERN}},
            ],
            "responses": {"200": {"description": "A JSON Schema (2020-12).",
                                  "content": {SCHEMA_TYPE: {"schema": {"type": "object"}}}},
                          "404": _problem("No such published form version."),
                          "default": _problem("Any other error.")},
        }},
        "/api/v1/schemas/submission.schema.json": {"get": {
            "operationId": "getSubmissionSchema", "tags": ["schemas"], "security": [],
            "summary": "The JSON Schema of the envelope",
            "responses": {"200": {"description": "schemas/submission.schema.json",
                                  "content": {SCHEMA_TYPE: {"schema": {"type": "object"}}}},
                          "default": _problem("Any other error.")},
        }},
        "/api/v1/openapi.json": {"get": {
            "operationId": "getOpenApi", "tags": ["schemas"], "security": [],
            "summary": "This document",
            "responses": {"200": {"description": "OpenAPI 3.1",
                                  "content": {"application/json": {"schema": {"type": "object"}}}},
                          "default": _problem("Any other error.")},
        }},
        "/api/v1/docs": {"get": {
            "operationId": "getApiDocs", "tags": ["schemas"], "security": [],
            "summary": "This document as a readable page (HTML, rendered on the server)",
            "responses": {"200": {"description": "The API reference",
                                  "content": {"text/html": {"schema": {"type": "string"}}}},
                          "default": _problem("Any other error.")},
        }},
    }


def _components() -> dict:
    return {
        "securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer",
            "description": "A token from `amtsweg clients create`; it sees one destination only.",
        }},
        "schemas": {
            "Problem": {
                "type": "object", "required": ["type", "title", "status"],
                "properties": {"type": {"type": "string", "format": "uri-reference"},
                               "title": {"type": "string"}, "status": {"type": "integer"},
                               "detail": {"type": "string"}, "instance": {"type": "string"},
                               "errors": {"type": "array", "items": {"type": "string"}}},
            },
            "SubmissionSummary": _SUMMARY,
            "Submission": {"allOf": [{"$ref": "#/components/schemas/SubmissionSummary"}, {
                "type": "object",
                "properties": {"envelope": {"$ref": "#/components/schemas/Envelope"},
                               "encrypted_envelope": {
                                   "description": "JWE compact serialization (RSA-OAEP-256, "
                                                  "A256GCM) of the envelope.",
                                   "type": "string"}},
            }]},
            "SubmissionList": {
                "type": "object", "required": ["items", "next_cursor"],
                "properties": {"items": {"type": "array", "items": _ref("SubmissionSummary")},
                               "next_cursor": {"type": ["string", "null"]}},
            },
            "Event": {
                "type": "object", "required": ["type", "occurred_at", "detail"],
                "properties": {"type": {"type": "string", "enum": list(EVENT_TYPES)},
                               "occurred_at": {"type": "string", "format": "date-time"},
                               "detail": {"type": "object"}},
            },
            "EventList": {"type": "object", "required": ["items"],
                          "properties": {"items": {"type": "array", "items": _ref("Event")}}},
            "Acknowledgement": ACKNOWLEDGEMENT,
            "Rejection": REJECTION,
            "Envelope": _envelope(),
        },
    }


@cache
def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Amtsweg caseworker API",
            "version": "1.0.0",
            "description": "Pull submissions into a specialist procedure, acknowledge or reject "
                           "them, read their event log. Push delivery (Standard Webhooks) sends "
                           "the same Submission document. See docs/api.md.",
        },
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": _components(),
    }
