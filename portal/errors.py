"""Error pages: a clear sentence and a way forward, never a stack trace."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import (
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, TooManyRequests

from .extensions import db
from .uploads.requests import drain_body

#: The database is away (restart, failover, network) or every connection is busy.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template(
            "errors/error.html",
            title=_("Bitte versuchen Sie es noch einmal"),
            message=_("Ihre Sitzung ist abgelaufen oder die Seite war zu lange geöffnet. Ihre "
                      "gespeicherten Angaben sind nicht verloren: Gehen Sie zurück und senden Sie "
                      "die Seite erneut ab."),
        ), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> tuple[str, int, dict[str, str]]:
        limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        # The client reads this page only once it has sent its whole body: drain it.
        drained = drain_body(app.config["DRAIN_MAX_BYTES"])
        return render_template(
            "errors/error.html",
            title=_("Die Dateien sind zu groß"),
            message=_("Auf einmal können höchstens %(max)s MB gesendet werden. Ihre bisher "
                      "gespeicherten Angaben sind nicht verloren. Gehen Sie zurück und wählen Sie "
                      "kleinere oder weniger Dateien.", max=limit),
        ), 413, {} if drained else {"Connection": "close"}

    @app.errorhandler(404)
    def not_found(error: HTTPException) -> tuple[str, int]:
        return render_template(
            "errors/error.html",
            title=_("Seite nicht gefunden"),
            message=_("Diese Seite gibt es nicht. Vielleicht ist der Link unvollständig."),
        ), 404

    def machine_problem(status: int, title: str, detail: str) -> Any:
        """API clients get RFC 9457 problem JSON, not a page."""
        response = jsonify(type="about:blank", title=title, status=status, detail=detail)
        response.mimetype = "application/problem+json"
        return response, status

    @app.errorhandler(TooManyRequests)
    def too_many_requests(error: TooManyRequests) -> Any:
        if request.path.startswith("/api/"):
            return machine_problem(429, "Too Many Requests",
                                   "Rate limit exceeded; retry after the Retry-After seconds.")
        return render_template(
            "errors/error.html",
            title=_("Zu viele Anfragen"),
            message=_("Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Anfragen. Bitte "
                      "warten Sie einige Minuten und versuchen Sie es dann noch einmal. Ihre "
                      "gespeicherten Angaben sind nicht verloren."),
        ), 429

    def database_unavailable(error: Exception) -> Any:
        # The transaction was rolled back as a whole: a submission is either complete or absent.
        with suppress(Exception):
            db.session.rollback()
        app.logger.warning("database unavailable", exc_info=error)
        if request.path.startswith("/api/"):
            response, status = machine_problem(
                503, "Service Unavailable", "The database is briefly unavailable; nothing was "
                "lost. Retry after the Retry-After seconds.")
            return response, status, {"Retry-After": "5"}
        response = render_template(
            "errors/error.html",
            title=_("Bitte versuchen Sie es gleich noch einmal"),
            message=_("Der Dienst ist gerade kurz nicht erreichbar. Es ist nichts verloren "
                      "gegangen: Ihre gespeicherten Angaben sind sicher. Bitte versuchen Sie es "
                      "in einem Moment noch einmal."),
        )
        return response, 503, {"Retry-After": "5"}

    for kind in DATABASE_UNAVAILABLE:
        app.register_error_handler(kind, database_unavailable)

    @app.teardown_appcontext
    def release_session(error: BaseException | None) -> None:
        # Runs before Flask-SQLAlchemy's own teardown (registered earlier, called later).
        # When the server cut the connection (restart, failover), the rollback that ends the
        # session fails after the response is made; raised from a teardown, that turned a
        # finished page into gunicorn's bare 500. The connection is discarded either way.
        with suppress(SQLAlchemyError):
            db.session.remove()
        db.session.registry.clear()

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        return render_template(
            "errors/error.html",
            title=_("Ein technischer Fehler ist aufgetreten"),
            message=_("Ihre gespeicherten Angaben sind nicht verloren. Bitte versuchen Sie es in "
                      "einigen Minuten noch einmal."),
        ), 500
