"""Error pages: a clear sentence and a way forward, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge


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
    def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
        limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        return render_template(
            "errors/error.html",
            title=_("Die Dateien sind zu groß"),
            message=_("Auf einmal können höchstens %(max)s MB gesendet werden. Ihre bisher "
                      "gespeicherten Angaben sind nicht verloren. Gehen Sie zurück und wählen Sie "
                      "kleinere oder weniger Dateien.", max=limit),
        ), 413

    @app.errorhandler(404)
    def not_found(error: HTTPException) -> tuple[str, int]:
        return render_template(
            "errors/error.html",
            title=_("Seite nicht gefunden"),
            message=_("Diese Seite gibt es nicht. Vielleicht ist der Link unvollständig."),
        ), 404

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        return render_template(
            "errors/error.html",
            title=_("Ein technischer Fehler ist aufgetreten"),
            message=_("Ihre gespeicherten Angaben sind nicht verloren. Bitte versuchen Sie es in "
                      "einigen Minuten noch einmal."),
        ), 500
