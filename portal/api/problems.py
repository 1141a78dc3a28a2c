"""RFC 9457 problem details: every error of the API, from a bad cursor to a crash, in one shape."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, request
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    default_exceptions,
)
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

MEDIA_TYPE = "application/problem+json"
#: Problem types the API documents (docs/api.md#problems); anything else is about:blank.
TYPES = {
    "invalid-token": "urn:amtsweg:problem:invalid-token",
    "invalid-request": "urn:amtsweg:problem:invalid-request",
    "conflict": "urn:amtsweg:problem:conflict",
    "gone": "urn:amtsweg:problem:gone",
}


class Problem(HTTPException):
    """An API error with a problem type and details, raised from views and services."""

    def __init__(self, status: int, detail: str, kind: str | None = None,
                 headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(detail)
        self.code = status
        self.kind = kind
        self.extra_headers = headers or {}
        self.extensions = extensions


def problem_response(status: int, detail: str | None = None, kind: str | None = None,
                     headers: dict[str, str] | None = None, **extensions: Any) -> Response:
    body = {
        "type": TYPES[kind] if kind else "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "instance": request.path,
        **({"detail": detail} if detail else {}),
        **extensions,
    }
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


def _handle(error: HTTPException) -> Response:
    if isinstance(error, Problem):
        return problem_response(error.code, error.description, error.kind, error.extra_headers,
                                **error.extensions)
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if isinstance(error, InternalServerError):
        # Never the exception's text: it could hold anything.
        return problem_response(500, "The request could not be completed; please try again later.")
    return problem_response(error.code or 500, error.description, headers=headers)


def register(bp: Blueprint) -> None:
    """Answer every HTTP error raised in the blueprint with a problem document.

    Registered per status code, because the application's HTML error pages are
    registered per code too and a blueprint's class handler would lose to them.
    """
    for code in default_exceptions:
        bp.register_error_handler(code, _handle)
    bp.register_error_handler(Problem, _handle)
