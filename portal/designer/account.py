"""Signing in and out, the guard in front of every designer page, and the designer's error pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.wrappers import Response

from . import auth, bp, workspace

#: The only page of the designer that needs no signed-in person.
PUBLIC_ENDPOINTS = {"designer.login"}


@bp.before_request
def require_staff() -> Any:
    # In tests one application context (and so one `g`) spans many requests.
    g.pop("form", None)
    g.staff = auth.current_staff()
    if request.endpoint in PUBLIC_ENDPOINTS or g.staff is not None:
        return None
    return _sign_in_first()


def _sign_in_first() -> Any:
    expired = bool(g.get("session_expired"))
    if request.method in ("GET", "HEAD"):
        target = request.full_path.rstrip("?")
        return redirect(url_for("designer.login", next=target, expired=int(expired) or None),
                        code=303)
    # A form sent after the session ended: ask to sign in, and keep a typed definition in the
    # page so that signing in brings it back to the editor instead of losing it.
    return render_template("designer/login.html", next_url=request.path, expired=expired,
                           carried=request.form.get("definition"), error=None), 401


def _safe_next(target: str | None) -> str:
    """Only ever back into the designer."""
    if not target:
        return url_for("designer.overview")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/designer/"):
        return url_for("designer.overview")
    return target


def _editor_draft(target: str) -> int | None:
    """The draft id if `target` is the address of the editor."""
    try:
        endpoint, values = current_app.url_map.bind("").match(urlsplit(target).path)
    except HTTPException:
        return None
    return values.get("draft_id") if endpoint == "designer.edit" else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_url = _safe_next(request.values.get("next"))
    carried = request.form.get("carried")
    if request.method == "GET":
        if g.staff is not None:
            return redirect(next_url, code=303)
        return render_template("designer/login.html", next_url=next_url, error=None,
                               expired=request.args.get("expired") == "1", carried=None)
    email = request.form.get("email", "")
    user = auth.authenticate(email, request.form.get("password", ""))
    if user is None:
        error = _("E-Mail-Adresse oder Passwort sind nicht richtig, oder das Konto ist nach zu "
                  "vielen Fehlversuchen vorübergehend gesperrt.")
        return render_template("designer/login.html", next_url=next_url, error=error,
                               email=email, expired=False, carried=carried), 401
    auth.start_session(user)
    g.staff = user
    draft_id = _editor_draft(next_url)
    if carried is not None and draft_id is not None:
        draft = workspace.draft_for(user, draft_id)
        if draft is not None:
            from .editing import show_carried_text

            return show_carried_text(draft, carried)
    return redirect(next_url, code=303)


@bp.post("/logout")
def logout() -> Response:
    auth.end_session(g.staff)
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("designer.login"), code=303)


@bp.errorhandler(403)
def forbidden(error: HTTPException) -> tuple[str, int]:
    return render_template(
        "designer/error.html",
        title=_("Dafür fehlt Ihnen die Berechtigung"),
        message=_("Veröffentlichen und Zurückziehen dürfen nur Personen mit der Rolle "
                  "„Veröffentlichen“. Bitten Sie eine solche Person, den Entwurf zu prüfen."),
    ), 403


@bp.errorhandler(NotFound)
def not_found(error: HTTPException) -> tuple[str, int]:
    return render_template(
        "designer/error.html",
        title=_("Nicht gefunden"),
        message=_("Diesen Entwurf oder dieses Formular gibt es nicht in Ihrer Behörde. "
                  "Vielleicht wurde er schon veröffentlicht oder verworfen."),
    ), 404
