"""Response headers that every page carries."""

from __future__ import annotations

from flask import Flask, current_app, session
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from .kept import Kept

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


#: Set on every response that does not set them itself, in this order.
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
)
_HEADERS = tuple((name.lower(), name, value) for name, value in HEADERS)


#: Signed CSRF tokens per (session's raw token, secret key).
_signed: Kept[str] = Kept(4096)


def csrf_token() -> str:
    """The CSRF token a form carries: Flask-WTF's, signed once per session and process.

    Flask-WTF signs the session's token anew on every page (an HMAC and a timestamp);
    with WTF_CSRF_TIME_LIMIT off the timestamp is never checked, so the token it
    signed for this session before is as good, and Flask-WTF validates it as its own.
    The token stays one per session: another session's raw token is another key.
    """
    config = current_app.config
    raw = session.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if not isinstance(raw, str) or config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    key = (raw, str(config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key))
    return _signed.get(key) or _signed.put(key, generate_csrf())


def init_app(app: Flask) -> None:
    # Every template's csrf_token() (Flask-WTF registers its generate_csrf there).
    app.jinja_env.globals["csrf_token"] = csrf_token
    every = _HEADERS
    if app.config.get("HSTS"):  # browsers keep to HTTPS for this host (docs/operations.md)
        every += (("strict-transport-security", "Strict-Transport-Security", app.config["HSTS"]),)

    @app.after_request
    def headers(response: Response) -> Response:
        # One pass over the response's headers, not one per header as setdefault() makes.
        present = {name.lower() for name, _ in response.headers.items()}
        for lowered, name, value in every:
            if lowered not in present:
                response.headers.add(name, value)
        if "cache-control" not in present and response.mimetype == "text/html":
            # Pages hold personal answers: never keep them in a shared cache.
            response.headers.add("Cache-Control", "no-store")
        return response
