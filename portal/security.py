"""Response headers that every page carries."""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

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


def init_app(app: Flask) -> None:
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
