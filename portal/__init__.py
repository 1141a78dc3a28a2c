"""Amtsweg: accessible online applications for public authorities."""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Request, current_app, send_from_directory
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .config import MIGRATIONS_DIR, defaults, derive
from .extensions import csrf, db, migrate
from .kept import Kept


class _CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie session, its serializer built once per key, and cookies
    this process verified before not verified and decoded again.

    Flask builds a new serializer (and test-serializes an empty dict with it) both when
    it reads and when it writes the cookie, on every request; the cookie is the same.
    Checking the signature and decoding the cookie cost a tenth of a step GET; a
    browser sends the same cookie for a minute and more (it is re-sent only when its
    content changes, wizard.idle). A cookie string verified before by the same
    serializer gives the same content again: its own copy, and only while the cookie's
    age is within the session lifetime, as itsdangerous checks it. Kept per exact
    cookie string, so one browser's session is never another's.
    """

    _made: tuple[tuple, URLSafeTimedSerializer | None] | None = None
    #: Cookie strings verified by this process: cookie -> (serializer, signed at, content).
    VERIFIED_MAX = 4096

    def __init__(self) -> None:
        self._verified: Kept[tuple[Any, float, dict]] = Kept(self.VERIFIED_MAX)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        val = request.cookies.get(self.get_cookie_name(app))
        if not val:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        hit = self._verified.get(val)
        if hit is not None and hit[0] is s and 0 <= time.time() - hit[1] <= max_age:
            return self.session_class(_copied(hit[2]))
        try:
            data, signed_at = s.loads(val, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        self._verified.put(val, (s, signed_at.timestamp(), _copied(data)))
        return self.session_class(data)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._made
        if made is None or made[0] != keys:
            made = self._made = (keys, super().get_signing_serializer(app))
        return made[1]


class Portal(Flask):
    """Flask, with what `ensure_sync` decided kept per function.

    Flask asks for every hook and view of every request whether it is a coroutine
    function (inspect, a dozen times per request); a function's answer does not change.
    """

    _SYNC_KEPT = 4096

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Any, Any] = {}

    def ensure_sync(self, func: Any) -> Any:
        try:
            return self._sync[func]
        except KeyError:
            made = super().ensure_sync(func)
            if len(self._sync) < self._SYNC_KEPT:
                self._sync[func] = made
            return made
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)


def _copied(value: Any) -> Any:
    """A copy of a session's content to change freely: its dicts and lists anew, the rest
    (strings, numbers, dates) shared. copy.deepcopy did the same at several times the cost."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_copied(item) for item in value)
    if isinstance(value, str | int | float | bool | bytes) or value is None:
        return value
    return copy.deepcopy(value)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory; `config` overrides the defaults (tests use it)."""
    # Flask's own default: instance/ beside the package in a checkout, <prefix>/var/portal-instance
    # for an installed wheel (docs/operations.md).
    chosen = (config or {}).get("INSTANCE_PATH") or os.environ.get("AMTSWEG_INSTANCE_PATH")
    app = Portal(__name__, instance_path=str(Path(chosen).resolve()) if chosen else None,
                instance_relative_config=True)
    instance_path = Path(app.instance_path)
    app.config.update(defaults(instance_path))
    app.config.update(config or {})
    derive(app.config, instance_path)
    app.session_interface = _CookieSessions()
    instance_path.mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)

    from . import assets, errors, health, languages, limits, models, security  # noqa: F401
    from . import logging as structured_logging
    from .api import bp as api
    from .authorities import models as authority_models  # noqa: F401 - tables
    from .authorities.views import init_app as init_authorities
    from .cli import register_commands
    from .designer import init_app as init_designer  # the form designer, and its tables
    from .mailbox.views import bp as mailbox  # the citizen's status page, and its tables
    from .payments.views import init_app as init_payments  # callbacks, test provider, tables
    from .uploads import init_app as init_uploads
    from .wizard import bp as wizard

    structured_logging.init_app(app)
    assets.init_app(app)
    _warn_about_a_node_local_secret(app)
    languages.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    init_uploads(app)
    app.register_blueprint(wizard)
    init_authorities(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(api)
    app.register_blueprint(mailbox)
    init_payments(app)
    csrf.exempt(api)  # bearer tokens, not cookies: there is no session to forge requests with
    init_designer(app)
    limits.init_app(app)
    register_commands(app)
    # Browsers ask for /favicon.ico whatever the page links; pages link the SVG.
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    return app


def _warn_about_a_node_local_secret(app: Flask) -> None:
    """A secret generated into instance/ is this node's alone: with a shared database there
    may be other nodes, and a citizen whose next request reaches one of them would find
    the session cookie (draft, CSRF token) refused. Say so once at start-up."""
    if (app.config.get("SECRET_KEY_GENERATED")
            and not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")):
        app.logger.warning(
            "AMTSWEG_SECRET_KEY is not set: this node signs session cookies with a key of its "
            "own (instance/secret_key). With more than one web node, set AMTSWEG_SECRET_KEY to "
            "the same value on every node (docs/operations.md).")


def _favicon() -> Any:
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)
