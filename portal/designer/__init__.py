"""The authority's form designer at /designer: write, check, preview, publish and retire forms.

Every page needs a signed-in member of staff (portal.designer.auth); each
person sees only the forms of their own authority and the shipped ones.
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask

bp = Blueprint("designer", __name__, url_prefix="/designer")


def _defaults() -> dict[str, object]:
    env = os.environ.get
    return {
        # A session ends after this much inactivity, and this long after signing in at the latest.
        "DESIGNER_IDLE_MINUTES": int(env("AMTSWEG_DESIGNER_IDLE_MINUTES", "30")),
        "DESIGNER_SESSION_HOURS": int(env("AMTSWEG_DESIGNER_SESSION_HOURS", "10")),
        # This many wrong passwords in a row lock an account for the lock-out time.
        "DESIGNER_MAX_FAILED_LOGINS": int(env("AMTSWEG_DESIGNER_MAX_FAILED_LOGINS", "5")),
        "DESIGNER_LOCKOUT_MINUTES": int(env("AMTSWEG_DESIGNER_LOCKOUT_MINUTES", "15")),
        # An argon2.profiles name; RFC_9106_LOW_MEMORY is Argon2id with 64 MiB and 3 passes.
        "DESIGNER_ARGON2_PROFILE": env("AMTSWEG_DESIGNER_ARGON2_PROFILE", "RFC_9106_LOW_MEMORY"),
    }


def init_app(app: Flask) -> None:
    for key, value in _defaults().items():
        app.config.setdefault(key, value)
    app.register_blueprint(bp)


from . import account, authority, builder, editing, help, models, preview  # noqa: E402,F401,I001
from . import textpages, texts, versions  # noqa: E402,F401 - routes, tables
