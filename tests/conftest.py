"""Fixtures shared by the whole suite: a fresh app per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from portal import create_app
from portal.extensions import db
from portal.publishing import load_shipped_forms

ROOT = Path(__file__).resolve().parent.parent
FORMS_DIR = ROOT / "forms"

#: The PostgreSQL server the test machine runs; override with AMTSWEG_TEST_POSTGRES.
POSTGRES_URL = os.environ.get(
    "AMTSWEG_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_or_fail() -> sa.Engine:
    """The admin connection to the test server; fails loudly when it is not there.

    Database tests must prove themselves on PostgreSQL too, so a missing server is
    a failure, not a skip. Set AMTSWEG_SKIP_POSTGRES=1 to skip them knowingly.
    """
    if os.environ.get("AMTSWEG_SKIP_POSTGRES") == "1":
        pytest.skip("PostgreSQL tests skipped on purpose (AMTSWEG_SKIP_POSTGRES=1)")
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL}: {error.orig}. Start it "
            "(pg_ctlcluster --skip-systemctl-redirect 15 main start) or set "
            "AMTSWEG_SKIP_POSTGRES=1 to skip the PostgreSQL half of the suite.",
            pytrace=False,
        )
    return engine


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of its own for this test run, dropped afterwards."""
    admin = _postgres_or_fail()
    name = f"amtsweg_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrated(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    sqlite = tmp_path_factory.mktemp("sqlite") / "amtsweg.sqlite3"
    return {"sqlite": f"sqlite:///{sqlite}"}


_migrated_urls: set[str] = set()


def make_app(database_url: str, instance_path: Path, **overrides: object) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(instance_path),
            "SESSION_COOKIE_SECURE": False,
            # CSRF is proven by its own tests; the others post like a browser without it.
            "WTF_CSRF_ENABLED": False,
            **overrides,
        }
    )
    if database_url not in _migrated_urls:
        _migrated(app)
        _migrated_urls.add(database_url)
    else:
        _empty_tables(app)
    with app.app_context():
        load_shipped_forms(FORMS_DIR)
        db.session.commit()
    return app


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run a database test once per backend."""
    return request.param


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, database_urls: dict[str, str]) -> str:
    if backend == "postgresql":
        return request.getfixturevalue("postgres_database")
    return database_urls["sqlite"]


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A fresh application with migrated, empty tables, on each backend in turn."""
    application = make_app(database_url, tmp_path / "instance")
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()
