"""Amtsweg: accessible online applications for public authorities."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .config import ROOT, defaults
from .extensions import csrf, db, migrate


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory; `config` overrides the defaults (tests use it)."""
    instance_path = Path((config or {}).get("INSTANCE_PATH", ROOT / "instance"))
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    app.config.update(defaults(instance_path))
    app.config.update(config or {})
    instance_path.mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)

    from . import models  # noqa: F401 - registers the tables with SQLAlchemy
    from .cli import register_commands

    register_commands(app)
    return app
