"""Configuration: defaults for the embedded set-up, overridden by the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(url: str | None, instance_path: Path) -> str:
    """Turn DATABASE_URL into an SQLAlchemy URL; default is SQLite in instance/."""
    if not url:
        return f"sqlite:///{instance_path / 'amtsweg.sqlite3'}"
    # Accept the URL forms that hosting platforms hand out and pin the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key(instance_path: Path) -> str:
    """A secret from the environment, or one generated once and kept in instance/."""
    if key := os.environ.get("AMTSWEG_SECRET_KEY"):
        return key
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def defaults(instance_path: Path) -> dict:
    ttl_days = int(os.environ.get("AMTSWEG_DRAFT_TTL_DAYS", "30"))
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "FORMS_DIR": str(ROOT / "forms"),
        "TRANSLATIONS_DIR": str(ROOT / "translations"),
        "DRAFT_TTL_DAYS": ttl_days,
        # The cookie that carries the draft id lives as long as the draft.
        "PERMANENT_SESSION_LIFETIME": ttl_days * 86400,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("AMTSWEG_INSECURE_COOKIES") != "1",
        "WTF_CSRF_TIME_LIMIT": None,
        # The request size is bounded before anything is read; each file has its own limit.
        "MAX_CONTENT_LENGTH": int(os.environ.get("AMTSWEG_MAX_REQUEST_MB", "110")) * 1024 * 1024,
        "MAX_UPLOAD_TOTAL_MB": int(os.environ.get("AMTSWEG_MAX_UPLOAD_TOTAL_MB", "100")),
        "UPLOAD_DIR": os.environ.get("AMTSWEG_UPLOAD_DIR") or None,
        # Virus scanning (docs/uploads.md): a clamd socket or a command; off when neither is set.
        "CLAMD_SOCKET": os.environ.get("AMTSWEG_CLAMD_SOCKET") or None,
        "SCAN_COMMAND": os.environ.get("AMTSWEG_SCAN_COMMAND") or None,
        "SCAN_TIMEOUT": float(os.environ.get("AMTSWEG_SCAN_TIMEOUT", "30")),
    }
