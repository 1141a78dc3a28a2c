"""Health endpoints for load balancers and orchestrators.

GET /health/live  the process answers; touches nothing else, so a database
                  outage never makes a supervisor restart healthy web workers.
GET /health/ready the database answers and its schema is at the migrations'
                  head, and the receipt font is installed; a node that is not ready
                  gets no traffic (503 + problem JSON). The font is also checked once
                  when the application is made, and a missing one logged.
"""

from __future__ import annotations

from contextlib import suppress
from functools import lru_cache

from alembic.script import ScriptDirectory
from flask import Blueprint, jsonify
from flask.blueprints import BlueprintSetupState
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from .config import MIGRATIONS_DIR
from .extensions import db
from .receipt.fonts import missing_font

bp = Blueprint("health", __name__, url_prefix="/health")

#: No path in the answer: the endpoint may be reachable from outside (the log has the path).
FONT_MISSING = ("The receipt font is missing: install the Debian package fonts-dejavu-core or "
                "set AMTSWEG_FONT_DIR. Submissions are kept; their receipts are made once the "
                "font is there.")


@bp.record_once
def _check_receipt_font(state: BlueprintSetupState) -> None:
    """At start-up, not at a citizen's submit: say what the receipt is missing."""
    if (problem := missing_font()) is not None:
        state.app.logger.warning("receipt font missing, receipts cannot be made: %s", problem)


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(MIGRATIONS_DIR)


def schema_state(applied: set[str]) -> str:
    """'ok', 'missing', 'behind' (run the migrations) or 'ahead' (a newer release migrated).

    A database ahead of this code counts as ready: during a rolling upgrade the
    new release migrates first and the old nodes keep serving until replaced,
    which is why migrations only ever add (docs/operations.md).
    """
    scripts = _scripts()
    if not applied:
        return "missing"
    if applied == set(scripts.get_heads()):
        return "ok"
    known = {revision.revision for revision in scripts.walk_revisions()}
    return "behind" if applied <= known else "ahead"


def _problem(detail: str, checks: dict[str, str]) -> tuple[Response, int]:
    response = jsonify(
        type="about:blank",
        title="Service Unavailable",
        status=503,
        detail=detail,
        checks=checks,
    )
    response.mimetype = "application/problem+json"
    response.headers["Retry-After"] = "5"
    return response, 503


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/live")
def live() -> Response:
    return _no_store(jsonify(status="ok"))


@bp.get("/ready")
def ready() -> Response | tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
        try:
            rows = db.session.execute(text("SELECT version_num FROM alembic_version"))
            applied = {row[0] for row in rows}
        except SQLAlchemyError:  # no table: never migrated
            db.session.rollback()
            applied = set()
    except SQLAlchemyError:
        with suppress(SQLAlchemyError):
            db.session.rollback()
        # No connection details in the answer: the endpoint may be reachable from outside.
        return _problem("The database cannot be reached.",
                        {"database": "unreachable", "migrations": "unknown"})
    state = schema_state(applied)
    font = "missing" if missing_font() else "ok"
    checks = {"database": "ok", "migrations": state, "receipt_font": font}
    if state in ("missing", "behind"):
        return _problem(
            "The database schema is not at the migrations' head: run `amtsweg db upgrade`.",
            checks,
        )
    if font == "missing":
        return _problem(FONT_MISSING, checks)
    return _no_store(jsonify(status="ok", checks=checks))
