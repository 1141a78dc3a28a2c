"""An authority's legal and trust pages, and the footer that links them.

Every page's footer links the imprint, privacy notice, accessibility statement
and contact page of the platform operator (the authority AMTSWEG_OPERATOR
names, default "betreiber") until the application's authority is known
(`g.responsible`, set by the journey controller and the start and confirmation
pages), and of that authority afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from sqlalchemy.exc import SQLAlchemyError

from ..engine.i18n import resolve
from ..languages import current_language
from . import (
    AuthorityRecord,
    authority_record,
    is_link,
    legal_text,
    name_of,
    postal_address,
)
from .models import Authority

bp = Blueprint("authorities", __name__)

#: The pages every footer links, in order, with their German titles (translated in templates).
PAGES = ("imprint", "privacy", "accessibility", "contact")


def footer_authority() -> AuthorityRecord | None:
    """The authority whose pages the footer links on this request."""
    responsible = g.get("responsible")
    if responsible is not None and responsible.authority is not None:
        return responsible.authority
    if "operator" not in g:
        try:
            g.operator = authority_record(current_app.config.get("OPERATOR", "betreiber"))
        except SQLAlchemyError:
            # An error page about the database itself still renders, without these links.
            g.operator = None
    return g.operator


def legal_link(authority: Authority | AuthorityRecord, page: str) -> str | None:
    """Where the footer's link to `page` leads: the authority's own address, or its page here."""
    if page != "contact":
        text = legal_text(authority, page, current_language())
        if text is None:
            return None
        if is_link(text):
            return text
    return url_for("authorities.page", authority_id=authority.id, page=page)


@bp.get("/authorities/<authority_id>/logo")
def logo(authority_id: str) -> Any:
    """The authority's logo, from authorities/logos/ (its file's `logo`)."""
    authority = authority_record(authority_id)
    if authority is None or not authority.logo:
        abort(404)
    folder = Path(current_app.config["AUTHORITIES_DIR"]) / "logos"
    return send_from_directory(folder, authority.logo, max_age=3600)


def logo_url(authority: AuthorityRecord | None) -> str | None:
    """Where an authority's logo is shown from, or None (it has none)."""
    if authority is None or not authority.logo:
        return None
    return url_for("authorities.logo", authority_id=authority.id)


@bp.get("/authorities/<authority_id>/<page>")
def page(authority_id: str, page: str) -> Any:
    authority = authority_record(authority_id)
    if authority is None or page not in PAGES:
        abort(404)
    language = current_language()
    text = legal_text(authority, page, language) if page != "contact" else None
    if page != "contact" and text is None:
        abort(404)
    if is_link(text):
        return redirect(text)
    return render_template("authority_page.html", authority=authority, page=page, text=text,
                           name=name_of(authority, language),
                           address=postal_address(authority, language))


def init_app(app: Flask) -> None:
    app.config.setdefault("OPERATOR", "betreiber")
    app.register_blueprint(bp)

    @app.context_processor
    def authority_context() -> dict:
        return {"footer_authority": footer_authority, "legal_link": legal_link,
                "authority_name": lambda a: name_of(a, current_language()),
                "authority_address": lambda a: postal_address(a, current_language()),
                "authority_hours": lambda a: legal_hours(a), "authority_logo": logo_url}


def legal_hours(authority: Authority | AuthorityRecord) -> str:
    return resolve((authority.contacts or {}).get("hours"), current_language(), "de")
