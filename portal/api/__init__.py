"""The caseworker API under /api/v1: bearer tokens, JSON, RFC 9457 problems, an OpenAPI document.

Machines call it, not browsers: no session, no CSRF token (create_app exempts
the blueprint), and no response is ever cached.
"""

from flask import Blueprint, request
from werkzeug.wrappers import Response

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def no_store(response: Response) -> Response:
    # Submissions carry personal data; a token may be revoked at any moment.
    response.headers["Cache-Control"] = "no-store"
    if request.method == "OPTIONS" and response.status_code == 200:
        # Flask would also count the catch-all route that turns strays into problems.
        response.headers["Allow"] = ", ".join(sorted(views.allowed_methods(request.path)))
    return response


from . import mailbox, problems, routes, views  # noqa: E402,F401 - registers the routes

problems.register(bp)
