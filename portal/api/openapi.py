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
from .routes import PATTERNS as ROUTE_PATTERNS

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

#: Case statuses (portal.mailbox.models.CASE_STATUSES; `received` is where every case starts).
CASE_STATUSES = ("received", "in_progress", "info_requested", "decided", "closed")
_NOTE = {"type": "string", "minLength": 1, "maxLength": 2000,
         "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$"}
STATUS_CHANGE = {
    "type": "object",
    "required": ["status"],
    "additionalProperties": False,
    "properties": {
        "status": {"type": "string", "enum": list(CASE_STATUSES)},
        "note": {**_NOTE, "description": "Shown to the citizen beside the status (plain text)."},
    },
}
NEW_MESSAGE = {
    "type": "object",
    "required": ["subject", "body"],
    "additionalProperties": False,
    "properties": {
        "subject": {"type": "string", "minLength": 1, "maxLength": 200,
                    "pattern": r"^[^\x00-\x1f\x7f]+$"},
        "body": {**_NOTE, "maxLength": 20000, "description": "Plain text; line breaks are kept."},
        "answer_requested": {"type": "boolean",
                             "description": "Ask the citizen to answer (implied by answer_due)."},
        "answer_due": {"type": "string", "format": "date",
                       "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                       "description": "The date by which an answer is asked for."},
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
        "payment": {
            "description": "The fee paid online before the application was sent (the envelope's "
                           "metadata.payment has the details); null when the form charges none.",
            "type": ["object", "null"],
            "required": ["status", "amount", "currency", "reference"],
            "properties": {
                "status": {"type": "string", "enum": ["paid", "open"]},
                "amount": {"type": "integer", "description": "In cents of `currency`."},
                "currency": {"type": "string"},
                "reference": {"type": "string", "description": "The Kassenzeichen."},
            },
        },
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


def _responses(ok: dict, *codes: int, success: str = "200") -> dict:
    reasons = {
        400: "The query or body does not match this document.",
        401: "No token, or the token is invalid or revoked.",
        404: "No such submission for this client (also when it belongs to another destination).",
        409: "The submission was already answered differently, or its data is deleted.",
        410: "The file was deleted after the retention time.",
        413: "A file is larger than the portal accepts.",
        415: "The body is not application/json.",
    }
    responses = {success: ok} | {str(c): _problem(reasons[c]) for c in codes}
    responses["default"] = _problem("Any other error, as RFC 9457 problem details.")
    return responses


_ID = {"type": "string", "format": "uuid"}
_SUBMISSION_ID = {"name": "submission_id", "in": "path", "required": True, "schema": _ID}
_BY_ID = {"submission_id": "$request.path.submission_id"}


def _submission_operation(op_id: str, summary: str, ok: dict, *codes: int, **extra: Any) -> dict:
    success = extra.pop("success", "200")
    return {"operationId": op_id, "summary": summary, "tags": ["submissions"],
            "parameters": [_SUBMISSION_ID, *extra.pop("parameters", [])],
            "responses": _responses(ok, 401, 404, *codes, success=success), **extra}


def _body(ref: str) -> dict:
    return {"required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _query_parameter(name: str, description: str, required: bool = False,
                     example: str | None = None) -> dict:
    parameter = {"name": name, "in": "query", "required": required, "description": description,
                 "schema": {"type": "string", "pattern": ROUTE_PATTERNS[name]}}
    if example:
        parameter["example"] = example
    return parameter


_PAGE_PARAMETERS = [
    {"name": "offset", "in": "query",
     "schema": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 0}},
    {"name": "limit", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}},
]
_PAGE = {"count": {"type": "integer", "minimum": 0}, "offset": {"type": "integer", "minimum": 0},
         "totalCount": {"type": "integer", "minimum": 0}}
_NULLABLE_TEXT = {"type": ["string", "null"]}
_AUTHORITY = {
    "type": "object", "required": ["id", "name", "ags", "ars", "address", "contacts"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"}, "name": {"type": "string"},
        "ags": _NULLABLE_TEXT, "ars": _NULLABLE_TEXT,
        "address": {"type": "object", "properties": {
            "street": {"type": "string"}, "postcode": {"type": "string"},
            "city": {"type": "string"}}},
        "contacts": {"type": "object", "properties": {
            "phone": {"type": "string"}, "email": {"type": "string"},
            "web": {"type": "string"}}},
    },
}


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
        f"{_ONE}/status": {
            "get": _submission_operation("getStatus", "The case status and its history",
                                         _json("The status.", "CaseStatus")),
            "post": _submission_operation(
                "setStatus", "Set the case status, with an optional note for the citizen",
                _json("The status (unchanged if it was already this, with this note).",
                      "CaseStatus"),
                400, 409, 415, requestBody=_body("StatusChange")),
        },
        f"{_ONE}/messages": {
            "get": _submission_operation(
                "listMessages", "The message thread, oldest first, with read receipts",
                _json("The messages: yours and the citizen's replies.", "MessageList")),
            "post": _submission_operation(
                "sendMessage", "Send the citizen a message, with files as multipart",
                _json("The message as stored.", "Message"),
                400, 409, 413, 415, requestBody={"required": True, "content": {
                    "application/json": {"schema": _ref("NewMessage")},
                    "multipart/form-data": {"schema": {
                        "allOf": [_ref("NewMessage")],
                        "properties": {"answer_requested": {"type": "string",
                                                            "enum": ["true", "false"]},
                                       "attachments": {"type": "array", "items": {
                                           "type": "string", "format": "binary"}}},
                    }, "encoding": {"attachments": {"contentType": "*/*"}}},
                }}, success="201"),
        },
        f"{_ONE}/messages/{{message_id}}/files/{{file_id}}": {"get": _submission_operation(
            "getMessageFile", "Download a file of a message (application/jose if encrypted)",
            {"description": "The file; check its SHA-256 against the message.",
             "content": {"*/*": binary}}, 410,
            parameters=[{"name": "message_id", "in": "path", "required": True, "schema": _ID},
                        {"name": "file_id", "in": "path", "required": True, "schema": _ID}])},
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
        "/api/v1/routes": {"get": {
            "operationId": "findRoutes", "tags": ["routing"], "security": [],
            "summary": "Which authorities and destinations serve a service in an area",
            "description": "In the shape of FIT-Connect's routing API. Filters combine; with "
                           "none but leikaKey, every route of the service is listed.",
            "parameters": [
                _query_parameter("leikaKey", "The service's LeiKa key.", True,
                                 "99125001000000"),
                _query_parameter("ags", "Amtlicher Gemeindeschlüssel.", example="13003000"),
                _query_parameter("ars", "Amtlicher Regionalschlüssel.", example="130030000000"),
                _query_parameter("postcode", "German postcode.", example="10117"),
                *_PAGE_PARAMETERS,
            ],
            "responses": {"200": _json("The routes found.", "RouteList"),
                          "400": _problem("The query does not match this document."),
                          "default": _problem("Any other error.")},
        }},
        "/api/v1/areas": {"get": {
            "operationId": "findAreas", "tags": ["routing"], "security": [],
            "summary": "Areas of the jurisdiction table whose name or postcode starts with the "
                       "search text",
            "parameters": [
                {"name": "search", "in": "query", "required": True, "example": "Rost",
                 "schema": {"type": "string", "minLength": 2, "maxLength": 100,
                            "pattern": ROUTE_PATTERNS["search"]}},
                *_PAGE_PARAMETERS,
            ],
            "responses": {"200": _json("The areas found.", "AreaList"),
                          "400": _problem("The query does not match this document."),
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
            "Authority": _AUTHORITY,
            "Route": {
                "type": "object", "additionalProperties": False,
                "required": ["destinationId", "destinationName", "leikaKey", "authority"],
                "properties": {"destinationId": {"type": "string"},
                               "destinationName": {"type": "string"},
                               "leikaKey": {"type": "string"},
                               "authority": _ref("Authority")},
            },
            "RouteList": {
                "type": "object", "additionalProperties": False,
                "required": ["routes", "count", "offset", "totalCount"],
                "properties": {"routes": {"type": "array", "items": _ref("Route")}, **_PAGE},
            },
            "AreaList": {
                "type": "object", "additionalProperties": False,
                "required": ["areas", "count", "offset", "totalCount"],
                "properties": {"areas": {"type": "array", "items": {
                    "type": "object", "required": ["name", "postcode", "ags"],
                    "properties": {"name": {"type": "string"}, "postcode": _NULLABLE_TEXT,
                                   "ags": _NULLABLE_TEXT}}}, **_PAGE},
            },
            "StatusChange": STATUS_CHANGE,
            "CaseStatus": {
                "type": "object", "required": ["status", "note", "changed_at", "history"],
                "properties": {
                    "status": {"type": "string", "enum": list(CASE_STATUSES)},
                    "note": {"type": ["string", "null"]},
                    "changed_at": {"type": "string", "format": "date-time"},
                    "history": {"type": "array", "items": {
                        "type": "object", "required": ["status", "note", "changed_at"],
                        "properties": {
                            "status": {"type": "string", "enum": list(CASE_STATUSES)},
                            "note": {"type": ["string", "null"]},
                            "changed_at": {"type": "string", "format": "date-time"}}}},
                },
            },
            "NewMessage": NEW_MESSAGE,
            "Message": {
                "type": "object",
                "description": "`subject`, `body` and `files`, or for a destination with a key "
                               "only `encrypted_message` (a JWE of the three).",
                "required": ["id", "author", "created_at", "answer_requested", "answer_due",
                             "in_reply_to", "read_at"],
                "properties": {
                    "id": _ID, "author": {"type": "string", "enum": ["authority", "citizen"]},
                    "subject": {"type": "string"}, "body": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "encrypted_message": {"type": "string", "description":
                                          "JWE compact serialization (RSA-OAEP-256, A256GCM) "
                                          "of {subject, body, files}."},
                    "answer_requested": {"type": "boolean"},
                    "answer_due": {"type": ["string", "null"], "format": "date"},
                    "in_reply_to": {"type": ["string", "null"]},
                    "read_at": {**NULLABLE_TIME, "description":
                                "When the recipient first opened it (the read receipt)."},
                    "files": {"type": "array", "items": {
                        "type": "object",
                        "required": ["id", "name", "media_type", "size", "sha256", "href"],
                        "properties": {"id": _ID, "name": {"type": "string"},
                                       "media_type": {"type": "string"},
                                       "size": {"type": "integer"},
                                       "sha256": {"type": "string"},
                                       "href": {"type": "string"}}}},
                },
            },
            "MessageList": {"type": "object", "required": ["items"],
                            "properties": {"items": {"type": "array", "items": _ref("Message")}}},
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
