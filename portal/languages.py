"""The citizen's language: chosen on any page, kept in a cookie, then Accept-Language."""

from __future__ import annotations

from urllib.parse import urlsplit

from babel.support import NullTranslations, Translations
from flask import Blueprint, Flask, g, has_app_context, redirect, request
from flask_babel import Babel, get_locale, get_translations, refresh
from werkzeug.wrappers import Response

from .engine import LANGUAGES, text_direction

COOKIE = "lang"
_WANTED = "amtsweg.wanted_language"
_CURRENT = "amtsweg.current_language"
_TRANSLATIONS = "amtsweg_translations"
#: Each language named in itself, for the language switch.
NATIVE_NAMES = {
    "de": "Deutsch", "en": "English", "uk": "Українська", "tr": "Türkçe", "ar": "العربية",
}

bp = Blueprint("languages", __name__)
babel = Babel()


def wanted_language() -> str | None:
    """The language the citizen asked for: the cookie, else the browser's preference.

    Worked out once per request (a page asks several times), kept with the request.
    """
    environ = request.environ
    if _WANTED not in environ:
        chosen = request.cookies.get(COOKIE)
        environ[_WANTED] = (chosen if chosen in LANGUAGES
                            else request.accept_languages.best_match(LANGUAGES))
    return environ[_WANTED]


def page_languages() -> list[str]:
    """The languages this page can be shown in: the form's own, or all of them."""
    form = g.get("form")
    return form.languages if form is not None else list(LANGUAGES)


def current_language() -> str:
    """The page's language: the one wanted, if the form (`g.form`, when there is one) has it.

    Asked several times per page; kept with the request for the form and wish it was decided for.
    """
    form = g.get("form")
    wanted = wanted_language()
    environ = request.environ
    kept = environ.get(_CURRENT)
    if kept is not None and kept[0] is form and kept[1] == wanted:
        return kept[2]
    if form is not None:
        language = form.language_for(wanted)
    else:
        language = wanted if wanted in LANGUAGES else "de"
    environ[_CURRENT] = (form, wanted, language)
    return language


@bp.get("/language/<language>")
def choose(language: str) -> Response:
    """Switch language and return to the same page; answers stay in the draft."""
    target = request.args.get("next", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = "/"  # only ever back into this site
    response = redirect(target, code=303)
    if language in LANGUAGES:
        response.set_cookie(COOKIE, language, max_age=365 * 86400, samesite="Lax",
                            secure=request.is_secure, httponly=True)
    return response


def translations() -> Translations | NullTranslations:
    """The catalogue of the page's language, looked up once per request and language.

    Flask-Babel finds it anew for every string (the domain, the locale, a cache key),
    and a step page translates a few dozen. It is kept on `g` with the locale it is for:
    get_locale() is Flask-Babel's own per-request value, which refresh() and
    force_locale() change, so a language switched mid-request still shows.
    """
    if not has_app_context():
        return get_translations()
    locale = get_locale()
    kept = g.get(_TRANSLATIONS)
    if kept is None or kept[0] is not locale:
        kept = (locale, get_translations())
        setattr(g, _TRANSLATIONS, kept)
    return kept[1]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=current_language,
                   default_translation_directories=app.config["TRANSLATIONS_DIR"])
    # The templates' _() and friends, as Flask-Babel installs them, through translations().
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.register_blueprint(bp)

    @app.before_request
    def fresh_locale() -> None:
        # Flask-Babel caches the locale on the application context, which a test (or a
        # CLI command) may keep across requests; every request decides afresh.
        refresh()

    @app.context_processor
    def language_context() -> dict:
        language = current_language()
        return {
            "language": language,
            "direction": text_direction(language),
            "page_languages": page_languages(),
            "native_names": NATIVE_NAMES,
        }
