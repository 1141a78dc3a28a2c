"""Amtsweg: accessible online applications for public authorities."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .config import ROOT, defaults
from .extensions import csrf, db, migrate


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory; `config` overrides the defaults (tests use it)."""
    instance_path = Path(
        (config or {}).get("INSTANCE_PATH")
        or os.environ.get("AMTSWEG_INSTANCE_PATH")
        or ROOT / "instance"
    )
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    app.config.update(defaults(instance_path))
    app.config.update(config or {})
    instance_path.mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)

    from . import errors, languages, models, security  # noqa: F401 - models registers tables
    from .cli import register_commands
    from .uploads import init_app as init_uploads
    from .wizard import bp as wizard

    languages.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    init_uploads(app)
    app.register_blueprint(wizard)
    register_commands(app)
    return app
