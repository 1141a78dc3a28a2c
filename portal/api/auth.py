"""Bearer-token authentication: a protected view sees `g.api_client`, scoped to one destination."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from ..handover.clients import authenticate
from ..handover.models import ApiClient
from .problems import Problem

REALM = 'Bearer realm="amtsweg"'


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def client_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse the request with 401 unless it carries an active token.

    A missing, unknown, revoked or expired token gets the same answer: the
    response must not tell an attacker which tokens once existed.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _bearer_token()
        if token is None:
            raise Problem(401, "This request needs an API token: Authorization: Bearer <token>.",
                          "invalid-token", headers={"WWW-Authenticate": REALM})
        client = authenticate(token)
        if client is None:
            raise Problem(401, "The API token is invalid or has been revoked.", "invalid-token",
                          headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
        g.api_client = client
        return view(*args, **kwargs)

    return wrapper


def current_client() -> ApiClient:
    return g.api_client
