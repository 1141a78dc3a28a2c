"""Configuration: defaults for the embedded set-up, overridden by the environment."""

from __future__ import annotations

import os
import secrets
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Files shipped inside the package (package data: migrations, schemas, catalogues), found
#: through importlib.resources so they are there in an installed wheel as in the source tree.
PACKAGE_FILES = resources.files("portal")
MIGRATIONS_DIR = str(PACKAGE_FILES / "migrations")
TRANSLATIONS_DIR = str(PACKAGE_FILES / "translations")


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
    """A secret generated once and kept in instance/, for when none is configured."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def engine_options(url: str) -> dict:
    """Connection handling for the database behind `url`.

    Parameters are never rendered into error messages, because they hold the
    citizens' answers and error messages end up in logs. On PostgreSQL every
    web worker keeps a small pool: workers x (pool size + overflow) on every
    node must stay below the server's max_connections (docs/operations.md).
    """
    # No pool_pre_ping: a PostgreSQL connection the server closed is found and replaced
    # at checkout without a round trip (portal.extensions); SQLite has no server to lose.
    options: dict = {"hide_parameters": True}
    if url.startswith("postgresql"):
        env = os.environ.get
        options.update(
            pool_size=int(env("AMTSWEG_DB_POOL_SIZE", "5")),
            max_overflow=int(env("AMTSWEG_DB_MAX_OVERFLOW", "5")),
            # A request waits this long for a free connection, then gets the retry page.
            pool_timeout=float(env("AMTSWEG_DB_POOL_TIMEOUT", "10")),
            # Connections older than this are replaced, before a firewall drops them silently.
            pool_recycle=int(env("AMTSWEG_DB_POOL_RECYCLE", "1800")),
            connect_args={"connect_timeout": int(env("AMTSWEG_DB_CONNECT_TIMEOUT", "5"))},
        )
    return options


def redis_url() -> str | None:
    return os.environ.get("AMTSWEG_REDIS_URL") or None


def ratelimit_storage() -> str:
    """Where rate-limit counters live: RATELIMIT_STORAGE_URI, else Redis, else this process."""
    return os.environ.get("RATELIMIT_STORAGE_URI") or redis_url() or "memory://"


def forms_dir(instance_path: Path) -> str:
    """AMTSWEG_FORMS_DIR, else the repository's forms/ (a checkout), else instance/forms.

    Form definitions are the authority's content, not part of the package: an installed
    wheel carries none, and its operator points AMTSWEG_FORMS_DIR at them.
    """
    if configured := os.environ.get("AMTSWEG_FORMS_DIR"):
        return configured
    checkout = ROOT / "forms"
    return str(checkout if checkout.is_dir() else instance_path / "forms")


def authorities_dir(instance_path: Path) -> str:
    """AMTSWEG_AUTHORITIES_DIR, else the repository's authorities/, else instance/authorities."""
    if configured := os.environ.get("AMTSWEG_AUTHORITIES_DIR"):
        return configured
    checkout = ROOT / "authorities"
    return str(checkout if checkout.is_dir() else instance_path / "authorities")


HSTS_DEFAULT = "max-age=31536000; includeSubDomains"


def derive(config: dict, instance_path: Path) -> None:
    """The settings that follow from others, once the environment and the caller's mapping
    are both applied: a database URL given to create_app gets its own pool settings, and a
    secret key is generated (and written to instance/) only when none was given."""
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = secret_key(instance_path)
        config["SECRET_KEY_GENERATED"] = True
    if "HSTS" not in config:
        # Strict-Transport-Security wherever cookies are Secure, i.e. everywhere but `make run`.
        hsts = os.environ.get("AMTSWEG_HSTS", HSTS_DEFAULT)
        config["HSTS"] = hsts if config["SESSION_COOKIE_SECURE"] and hsts != "off" else None
    if "PAYMENT_TEST_PROVIDER" not in config:
        # The built-in test provider (no real money) pays for authorities without a payment
        # configuration: on for `make run` and the tests (cookies not Secure), off in
        # production unless AMTSWEG_PAYMENT_TEST_PROVIDER=1 (docs/payments.md).
        chosen = os.environ.get("AMTSWEG_PAYMENT_TEST_PROVIDER")
        config["PAYMENT_TEST_PROVIDER"] = chosen == "1" if chosen in ("0", "1") \
            else not config["SESSION_COOKIE_SECURE"]
    if "SQLALCHEMY_ENGINE_OPTIONS" not in config:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(config["SQLALCHEMY_DATABASE_URI"])


def defaults(instance_path: Path) -> dict:
    ttl_days = int(os.environ.get("AMTSWEG_DRAFT_TTL_DAYS", "30"))
    return {
        "SECRET_KEY": os.environ.get("AMTSWEG_SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL"), instance_path),
        "FORMS_DIR": forms_dir(instance_path),
        # Authorities (one JSON file each) and the sample jurisdiction table (docs/authorities.md).
        "AUTHORITIES_DIR": authorities_dir(instance_path),
        # The authority whose imprint and privacy notice every footer links until an
        # application's authority is known: the platform's operator.
        "OPERATOR": os.environ.get("AMTSWEG_OPERATOR", "betreiber"),
        "TRANSLATIONS_DIR": TRANSLATIONS_DIR,
        # Shared codelists (`"options": "codelists/x.json"`) are looked up here first, then
        # beside the definition, then in FORMS_DIR/codelists (docs/form-definitions.md).
        "CODELISTS_DIR": os.environ.get("AMTSWEG_CODELISTS_DIR") or None,
        "DRAFT_TTL_DAYS": ttl_days,
        # Shared computers: a draft open in a browser closes after this many minutes without
        # a request (a form may set fewer, `idle_minutes`); it stays for the resume code.
        "IDLE_MINUTES": int(os.environ.get("AMTSWEG_IDLE_MINUTES", "30")),
        # The cookie that carries the draft id lives as long as the draft.
        "PERMANENT_SESSION_LIFETIME": ttl_days * 86400,
        # The cookie naming a draft is not re-signed on every page: it is re-sent when the
        # session changes, at the latest with the activity note of wizard/idle.py (at most
        # once a minute), which keeps its expiry within a minute of the draft's.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("AMTSWEG_INSECURE_COOKIES") != "1",
        "WTF_CSRF_TIME_LIMIT": None,
        # The request size is bounded before anything is read; each file has its own limit.
        "MAX_CONTENT_LENGTH": int(os.environ.get("AMTSWEG_MAX_REQUEST_MB", "110")) * 1024 * 1024,
        # A request over that limit is still read (and discarded) up to this size, so the
        # browser can show the page that says so (portal/uploads/requests.drain_body).
        "DRAIN_MAX_BYTES": int(os.environ.get("AMTSWEG_DRAIN_MAX_MB", "200")) * 1024 * 1024,
        "MAX_UPLOAD_TOTAL_MB": int(os.environ.get("AMTSWEG_MAX_UPLOAD_TOTAL_MB", "100")),
        "UPLOAD_DIR": os.environ.get("AMTSWEG_UPLOAD_DIR") or None,
        # Uploads in S3-compatible object storage instead of UPLOAD_DIR, for several web nodes:
        # s3://BUCKET[/PREFIX]?endpoint=URL, credentials from AWS_* (docs/uploads.md).
        "STORAGE_URL": os.environ.get("AMTSWEG_STORAGE_URL") or None,
        # At start-up, make sure the bucket answers (off: AMTSWEG_STORAGE_CHECK=0).
        "STORAGE_CHECK": os.environ.get("AMTSWEG_STORAGE_CHECK", "1") != "0",
        # Pictures with more pixels are refused unopened (decompression bombs, docs/uploads.md).
        "MAX_IMAGE_PIXELS": int(os.environ.get("AMTSWEG_MAX_IMAGE_PIXELS", "50000000")),
        # Virus scanning (docs/uploads.md): a clamd socket or a command; off when neither is set.
        "CLAMD_SOCKET": os.environ.get("AMTSWEG_CLAMD_SOCKET") or None,
        "SCAN_COMMAND": os.environ.get("AMTSWEG_SCAN_COMMAND") or None,
        "SCAN_TIMEOUT": float(os.environ.get("AMTSWEG_SCAN_TIMEOUT", "30")),
        # Rate limits (portal/limits.py): Redis shares the counters between web nodes.
        "REDIS_URL": redis_url(),
        "RATELIMIT_STORAGE_URI": ratelimit_storage(),
        "RATELIMIT_ENABLED": os.environ.get("AMTSWEG_RATELIMIT_ENABLED", "1") != "0",
        "RATELIMIT_START": os.environ.get("AMTSWEG_LIMIT_START", "30/minute;300/hour"),
        "RATELIMIT_SUBMIT": os.environ.get("AMTSWEG_LIMIT_SUBMIT", "20/minute;200/hour"),
        "RATELIMIT_RESUME": os.environ.get("AMTSWEG_LIMIT_RESUME", "10/minute;50/hour"),
        "RATELIMIT_RECEIPT_CODE": os.environ.get("AMTSWEG_LIMIT_RECEIPT_CODE", "10/minute;50/hour"),
        "RATELIMIT_API": os.environ.get("AMTSWEG_LIMIT_API", "600/minute"),
        "RATELIMIT_STATUS_CODE": os.environ.get("AMTSWEG_LIMIT_STATUS_CODE", "10/minute;50/hour"),
        "RATELIMIT_RESUME_MAIL": os.environ.get("AMTSWEG_LIMIT_RESUME_MAIL", "5/minute;20/hour"),
        # E-mail (docs/citizens-mailbox.md): without an SMTP URL, mails go to instance/mail/.
        "SMTP_URL": os.environ.get("AMTSWEG_SMTP_URL") or None,
        "MAIL_FROM": os.environ.get("AMTSWEG_MAIL_FROM", "Amtsweg <no-reply@amtsweg.invalid>"),
        "MAIL_DIR": os.environ.get("AMTSWEG_MAIL_DIR") or str(instance_path / "mail"),
        # The portal's address for links in e-mails queued outside a request (the API's own host
        # is used inside one).
        "PUBLIC_URL": os.environ.get("AMTSWEG_PUBLIC_URL") or None,
        "SIGN_IN_LINK_HOURS": float(os.environ.get("AMTSWEG_SIGN_IN_LINK_HOURS", "72")),
        # Behind N trusted proxies the client is the Nth address from the right in X-Forwarded-For.
        "PROXY_HOPS": int(os.environ.get("AMTSWEG_PROXY_HOPS", "0")),
        # Push delivery (portal/handover/worker.py): back-off doubles from BASE up to MAX,
        # with jitter; after GIVE_UP a delivery is dead-lettered until `amtsweg handover retry`.
        "HANDOVER_RETRY_BASE_SECONDS": float(os.environ.get("AMTSWEG_RETRY_BASE_SECONDS", "30")),
        "HANDOVER_RETRY_MAX_SECONDS": float(os.environ.get("AMTSWEG_RETRY_MAX_SECONDS", "3600")),
        "HANDOVER_GIVE_UP_SECONDS": float(os.environ.get("AMTSWEG_GIVE_UP_HOURS", "72")) * 3600,
        "HANDOVER_TIMEOUT_SECONDS": float(os.environ.get("AMTSWEG_PUSH_TIMEOUT_SECONDS", "15")),
        "HANDOVER_POLL_SECONDS": float(os.environ.get("AMTSWEG_WORKER_POLL_SECONDS", "2")),
    }
